// Confidence view: one slider (0–100 %) and a one-line reason per claim; keyboard via native range inputs.

function render({ model, el: root }) {
  setUpRoot(root, "sw-confidence");
  const history = [];  // undo stack of earlier values

  function setValue(next) {
    model.set("value", next);
    model.save_changes();
  }

  function update(claimId, patch) {
    const before = JSON.parse(JSON.stringify(model.get("value") || {}));
    const next = JSON.parse(JSON.stringify(before));
    next[claimId] = Object.assign({ p: 50, reason: "" }, next[claimId] || {}, patch);
    if (JSON.stringify(next) === JSON.stringify(before)) return;
    history.push(before);
    setValue(next);
  }

  function undo() {
    if (history.length) setValue(history.pop());
  }

  function draw() {
    const focused = document.activeElement;
    const refocus = focusKeyIn(root);
    // A reason being typed is saved on change (Enter or leaving the box); a redraw meanwhile
    // (e.g. the "Saved." notice of an earlier change) must not throw the typing away.
    const typing = refocus && focused.type === "text"
      ? { value: focused.value, start: focused.selectionStart, end: focused.selectionEnd } : null;
    root.replaceChildren();
    const prompt = model.get("prompt");
    if (prompt) root.append(el("p", { class: "sw-prompt" }, prompt));
    const value = model.get("value") || {};
    const outcomes = model.get("outcomes");
    for (const claim of model.get("claims")) {
      const entry = value[claim.id];
      const row = el("div", { class: "sw-claim", "data-claim-id": claim.id });
      row.append(el("div", { class: "sw-claim-text" }, `${claim.id}: ${claim.label}`));
      const slider = el("input", {
        type: "range", min: "0", max: "100", step: "5", value: String(entry ? entry.p : 50),
        "aria-label": `Confidence that ${claim.id} is true, in percent`, "data-focus-key": `p-${claim.id}`,
      });
      const shown = el("output", { class: "sw-pct" }, entry ? `${Math.round(entry.p)} %` : "not set");
      slider.addEventListener("input", () => { shown.textContent = `${slider.value} %`; });
      slider.addEventListener("change", () => update(claim.id, { p: Number(slider.value) }));
      const reason = el("input", {
        type: "text", maxlength: "300", placeholder: "One line: why this confidence?",
        "aria-label": `Reason for ${claim.id}`, "data-focus-key": `r-${claim.id}`, class: "sw-reason",
      });
      reason.value = entry ? entry.reason : "";
      reason.addEventListener("change", () => update(claim.id, { reason: reason.value }));
      row.append(slider, shown, reason);
      if (outcomes[claim.id]) row.append(el("div", { class: "sw-outcome" }, outcomes[claim.id]));
      root.append(row);
    }
    root.append(toolRow(model, history.length > 0, undo));
    appendStatus(root, model);
    const again = refocusIn(root, refocus);
    if (again && typing) { again.value = typing.value; again.setSelectionRange(typing.start, typing.end); }
  }

  root.addEventListener("keydown", (ev) => {
    // Ctrl+Z in the reason box is the browser's own text undo; elsewhere it undoes a change.
    const inText = ev.target instanceof HTMLInputElement && ev.target.type === "text";
    if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === "z" && !inText) { ev.preventDefault(); undo(); }
    ev.stopPropagation();
  });
  for (const name of ["value", "notice", "feedback_html", "outcomes"]) model.on(`change:${name}`, draw);
  draw();
}

export default { render };
