// Search view: an offline search box over documented records, results that open in place, and a
// findings form of native <select>s. Searching happens on the Python side (the `query` trait).

function render({ model, el: root }) {
  setUpRoot(root, "sw-search");
  const opened = new Set();
  const history = valueHistory(model);
  const undo = () => history.undo();
  const save = (next) => history.save(next);

  function field(list, label, value) {
    if (!value) return;
    list.append(el("dt", {}, label), el("dd", {}, value));
  }

  function recordCard(record) {
    const box = el("div", { class: "sw-record", id: `${root.swUid}-rec-${record.id}` });
    const list = el("dl");
    field(list, "Outlet", record.outlet);
    field(list, "Credits", record.credits);
    field(list, "Author", record.author || "no byline");
    field(list, "Date", record.date || "no date");
    field(list, "Kind", record.kind);
    field(list, "Address", record.url);
    box.append(list, el("p", { class: "sw-summary" }, record.summary));
    return box;
  }

  function draw() {
    const refocus = focusKeyIn(root);
    clearView(root);
    const prompt = model.get("prompt");
    if (prompt) root.append(el("p", { class: "sw-prompt" }, prompt));

    const form = el("form", { role: "search", class: "sw-search-form" });
    const inputId = `${root.swUid}-q`;
    form.append(el("label", { for: inputId }, "Search the records"));
    const input = el("input", { id: inputId, type: "search", "data-focus-key": "query",
      placeholder: "a distinctive phrase, e.g. a few words from the article" });
    input.value = model.get("query") || "";
    const go = el("button", { type: "submit", "data-focus-key": "go" }, "Search");
    form.append(input, go);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      // `searches` counts submissions: the same query again, or an empty one, is a search too.
      model.set("query", input.value);
      model.set("searches", (model.get("searches") || 0) + 1);
      model.save_changes();
    });
    root.append(form);

    const records = Object.fromEntries(model.get("records").map((r) => [r.id, r]));
    const results = model.get("results") || [];
    const query = model.get("searched") || "";  // the query these results belong to
    const section = el("section", { class: "sw-results", "aria-label": "Search results" });
    if (query) {
      section.append(el("p", { class: "sw-count" }, results.length
        ? `${results.length} record(s) found for “${query}”. Open a result to read its details.`
        : `No record found for “${query}”. Try other words: a name, a place, a few words of a sentence.`));
    }
    const list = el("ul");
    for (const id of results) {
      const record = records[id];
      if (!record) continue;
      const li = el("li", { "data-record-id": id });
      const open = opened.has(id);
      const button = el("button", { class: "sw-result", "aria-expanded": String(open),
        "aria-controls": `${root.swUid}-rec-${id}`, "data-focus-key": `rec|${id}` },
        `${record.outlet}: ${record.title}`);
      button.addEventListener("click", () => {
        if (opened.has(id)) opened.delete(id); else opened.add(id);
        draw();
      });
      li.append(button);
      if (open) li.append(recordCard(record));
      list.append(li);
    }
    section.append(list);
    root.append(section);

    const value = model.get("value") || {};
    const findings = el("fieldset", { class: "sw-findings" });
    findings.append(el("legend", {}, "What you found"));
    findings.append(el("p", { class: "sw-findings-note" },
      "Each menu lists only what your searches have found so far: search first."));
    for (const item of model.get("items")) {
      const row = el("div", { class: "sw-finding", "data-item-id": item.id });
      const selId = `${root.swUid}-item-${item.id.replace(/[^A-Za-z0-9-]/g, "-")}`;
      row.append(el("label", { for: selId }, item.label));
      const sel = el("select", { id: selId, "data-focus-key": `item|${item.id}` });
      sel.append(el("option", { value: "" }, "—"));
      for (const opt of item.options) {
        const o = el("option", { value: opt.value }, opt.label);
        if (opt.value === value[item.id]) o.selected = true;
        sel.append(o);
      }
      if (value[item.id]) row.classList.add("sw-filled");
      sel.addEventListener("change", () => {
        const next = JSON.parse(JSON.stringify(model.get("value") || {}));
        if (sel.value) next[item.id] = sel.value; else delete next[item.id];
        touched(root, `item|${item.id}`);
        save(next);
      });
      row.append(sel);
      if (item.detail) row.append(el("div", { class: "sw-row-detail" }, item.detail));
      findings.append(row);
    }
    root.append(findings);
    const tools = toolRow(model, history.canUndo, undo, [], root);
    tools.classList.add("sw-tools-bottom");
    root.append(tools, statusBlock(root, model));
    refocusIn(root, refocus);
    afterDraw(root, model);
  }

  root.addEventListener("keydown", (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === "z" && history.canUndo
        && ev.target.tagName !== "INPUT") {
      ev.preventDefault(); undo();
    }
    ev.stopPropagation();
  });
  announceChanges(root, model);
  // A search redraws the results and the menus; its message follows `searched`, so a second
  // search (an empty one too) replaces the first one's message.
  for (const name of ["searched", "results", "items"]) model.on(`change:${name}`, draw);
  model.on("change:searched", () => {
    const n = (model.get("results") || []).length;
    if (model.get("searched")) announce(root, n ? `${n} record(s) found.` : "No record found.");
  });
  for (const name of ["value", "notice", "feedback_html"]) model.on(`change:${name}`, draw);
  draw();
}

export default { render };
