// Answer transfer: download every answer of this folder as one file, and load such a file back.
// The file is made by Python and saved here as a Blob (no network: works in JupyterLite too);
// a chosen file is size-checked, read here and sent to Python, which checks it in full.

function localDate() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function saveBlob(data, filename) {
  const blob = new Blob([data], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: filename, hidden: "" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function render({ model, el: root }) {
  setUpRoot(root, "sw-transfer");
  const uid = root.swUid;
  root.append(el("p", { class: "sw-prompt" }, "All your answers in one file"));
  root.append(el("p", { class: "sw-help" },
    "Download one file with every answer of these lessons (widgets and written answers). "
    + "Load it on another device or browser to go on working there, or hand it in to your "
    + "course. Loading keeps every answer: when both have one, the one saved later is used "
    + "and the other is kept aside."));

  const nameRow = el("div", { class: "sw-transfer-name" });
  const nameId = `${uid}-student`;
  nameRow.append(el("label", { for: nameId }, "Your name or student ID (optional)"));
  const name = el("input", { id: nameId, type: "text", maxlength: "200", autocomplete: "off",
    "aria-describedby": `${nameId}-help` });
  name.value = model.get("student") || "";
  const sendName = () => {
    if (name.value !== model.get("student")) {
      model.set("student", name.value);
      model.save_changes();
    }
  };
  name.addEventListener("change", sendName);
  nameRow.append(name, el("span", { id: `${nameId}-help`, class: "sw-help" },
    "Saved in the downloaded file, so your instructor knows whose answers they are."));
  root.append(nameRow);

  const tools = el("div", { class: "sw-tools sw-transfer-tools", role: "group",
    "aria-label": "Answers file" });
  const download = el("button", { type: "button", class: "sw-download" },
    "Download all my answers");
  const load = el("button", { type: "button", class: "sw-load" }, "Load answers from a file");
  const picker = el("input", { type: "file", accept: ".json,application/json", hidden: "",
    "aria-hidden": "true", tabindex: "-1", class: "sw-file" });
  tools.append(download, load, picker);
  root.append(tools);

  const status = el("div", { class: "sw-transfer-status", id: `${uid}-status` });
  root.append(status);

  function busy(on) {
    download.disabled = on;
    load.disabled = on || model.get("read_only");
    root.dataset.busy = on ? "1" : "";
  }

  function show(text, lines = [], error = false) {
    status.replaceChildren();
    status.classList.toggle("sw-transfer-error", error);
    if (text) status.append(el("p", { class: "sw-transfer-summary" }, text));
    if (lines.length) {
      const list = el("ul", { class: "sw-transfer-report" });
      for (const line of lines) list.append(el("li", {}, line));
      status.append(list);
    }
    if (text) announce(root, text);
  }

  download.addEventListener("click", () => {
    busy(true);
    show("Preparing your file…");
    model.send({ event: "download", student: name.value });
  });
  load.addEventListener("click", () => picker.click());
  picker.addEventListener("change", async () => {
    const file = picker.files && picker.files[0];
    picker.value = "";  // choosing the same file again must fire "change" again
    if (!file) return;
    const limit = model.get("max_bytes");
    if (file.size > limit) {
      show(`“${file.name}” was not loaded, and nothing was changed: it is too large to be an `
        + `answers file (${file.size.toLocaleString()} bytes; the limit is `
        + `${limit.toLocaleString()}).`, [], true);
      return;
    }
    busy(true);
    show(`Loading “${file.name}”…`);
    try {
      // Sent as text (the browser edition's kernel takes JSON messages only); bytes that are
      // not UTF-8 are refused here, before anything is sent.
      let text;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
      } catch (err) {
        if (!(err instanceof TypeError)) throw err;
        busy(false);
        show(`“${file.name}” was not loaded, and nothing was changed. This file is not UTF-8 `
          + "text, so it is not an answers file.", [], true);
        return;
      }
      model.send({ event: "load", name: file.name, size: file.size, text });
    } catch (err) {
      busy(false);
      show(`“${file.name}” could not be read by the browser (${err}); nothing was changed.`,
        [], true);
    }
  });

  model.on("msg:custom", (msg, buffers) => {
    if (!msg || msg.event !== "download") return;
    const data = buffers && buffers.length ? buffers[0] : (msg.text || "");
    saveBlob(data, `sourcewise-answers-${localDate()}.json`);
  });

  const update = () => {
    busy(false);
    show(model.get("status"), model.get("report") || [], model.get("error"));
  };
  model.on("change:serial", update);
  model.on("change:student", () => {
    if (document.activeElement !== name) name.value = model.get("student") || "";
  });
  if (model.get("read_only")) {
    load.disabled = true;
    show("Loading is switched off in this read-only (grading) run.");
  }
  root.addEventListener("keydown", (ev) => ev.stopPropagation());
}

export default { render };
