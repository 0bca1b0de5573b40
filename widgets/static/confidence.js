// Confidence view: one slider (0–100 %) and a one-line reason per claim; keyboard via native range inputs.
// A graded view locks before the record is shown: "Lock my answers and show the record", then a
// confirmation; Python saves the lock and only then sends the outcomes (shown under each claim).

function render({ model, el: root }) {
  setUpRoot(root, "sw-confidence");
  const history = [];  // undo stack of earlier values
  let confirming = false;  // the lock button was pressed once: ask before locking for good
  let unsetNow = [];       // claims still unset when the lock was refused (shown beside it)

  function setValue(next) {
    model.set("value", next);
    model.save_changes();
  }

  function update(claimId, patch) {
    if (model.get("locked")) return;
    const before = JSON.parse(JSON.stringify(model.get("value") || {}));
    const next = JSON.parse(JSON.stringify(before));
    // A claim without a chosen percentage is "not set" (p: null), never a silent 50 %.
    next[claimId] = Object.assign({ p: null, reason: "" }, next[claimId] || {}, patch);
    if (next[claimId].p === null && !next[claimId].reason) delete next[claimId];
    if (JSON.stringify(next) === JSON.stringify(before)) return;
    history.push(before);
    touched(root, `p-${claimId}`);
    setValue(next);
  }

  function undo() {
    if (history.length && !model.get("locked")) setValue(history.pop());
  }

  function lockBlock() {
    const box = el("div", { class: "sw-lock" });
    if (model.get("locked")) {
      const graded = model.get("lockable");
      box.append(el("p", { class: "sw-locked-note" }, graded
        ? "Locked: these are your graded answers. What later reporting found is shown under each claim."
        : "What later reporting found is shown under each claim; these first impressions stay as they were."));
      return box;
    }
    if (!model.get("lockable")) return null;
    if (!confirming) {
      const lock = el("button", { class: "sw-lock-button", "data-focus-key": "lock" },
        "Lock my answers and show the record");
      lock.addEventListener("click", () => {
        const value = model.get("value") || {};
        unsetNow = model.get("claims").map((c) => c.id)
          .filter((id) => !value[id] || value[id].p === null || value[id].p === undefined);
        if (unsetNow.length) { draw(); focusIn("lock"); return; }  // refused: say why, beside it
        confirming = true; draw(); focusIn("lock-now");
      });
      box.append(lock, el("span", { class: "sw-lock-help" },
        " When every slider is set. After locking, the answers cannot change."));
      if (unsetNow.length) {
        box.append(el("p", { class: "sw-lock-refusal", role: "alert" },
          `Not locked: set every slider first. Not set yet: ${unsetNow.join(", ")}.`));
      }
      return box;
    }
    const question = el("p", { id: `${root.swUid}-lock-q` },
      "Lock for good? Your grade uses the sliders as they are now; then the record appears under each claim.");
    const now = el("button", { class: "sw-lock-now", "data-focus-key": "lock-now",
      "aria-describedby": `${root.swUid}-lock-q` }, "Yes, lock my answers");
    now.addEventListener("click", () => {
      confirming = false;
      touched(root, "lock");
      root.dataset.checkPending = "1";  // the self-check that follows is scrolled into view
      model.send({ event: "lock" });
      draw();
    });
    const notYet = el("button", { class: "sw-lock-cancel", "data-focus-key": "lock-cancel" }, "Not yet");
    notYet.addEventListener("click", () => { confirming = false; draw(); focusIn("lock"); });
    box.append(question, now, notYet);
    return box;
  }

  function focusIn(key) {
    const target = root.querySelector(`[data-focus-key="${key}"]`);
    if (target) target.focus();
  }

  function draw() {
    const focused = document.activeElement;
    const refocus = focusKeyIn(root);
    // A reason being typed is saved on change (Enter or leaving the box); a redraw meanwhile
    // (e.g. the "Saved." notice of an earlier change) must not throw the typing away.
    const typing = refocus && focused.type === "text"
      ? { value: focused.value, start: focused.selectionStart, end: focused.selectionEnd } : null;
    clearView(root);
    const prompt = model.get("prompt");
    if (prompt) root.append(el("p", { class: "sw-prompt" }, prompt));
    const value = model.get("value") || {};
    const outcomes = model.get("outcomes");
    const locked = model.get("locked");
    for (const claim of model.get("claims")) {
      const entry = value[claim.id];
      const isSet = Boolean(entry) && entry.p !== null && entry.p !== undefined;
      const row = el("div", { class: `sw-claim${isSet ? "" : " sw-unset"}`, "data-claim-id": claim.id });
      const textId = `${root.swUid}-claim-${claim.id}`;
      row.append(el("div", { class: "sw-claim-text", id: textId }, `${claim.id}: ${claim.label}`));
      const slider = el("input", {
        type: "range", min: "0", max: "100", step: "5", value: String(isSet ? entry.p : 50),
        "aria-label": `Confidence that ${claim.id} is true, in percent`, "aria-describedby": textId,
        "data-focus-key": `p-${claim.id}`,
      });
      // Not set: the thumb is hidden and the value reads "not set"; the first click, arrow key,
      // Enter or Space sets it — to 50 % too, which a plain change event would miss.
      if (!isSet) slider.setAttribute("aria-valuetext", "not set");
      slider.disabled = locked;
      const shown = el("output", { class: "sw-pct" }, isSet ? `${Math.round(entry.p)} %` : "not set");
      const commit = () => update(claim.id, { p: Number(slider.value) });
      slider.addEventListener("input", () => { shown.textContent = `${slider.value} %`; slider.removeAttribute("aria-valuetext"); });
      slider.addEventListener("change", commit);
      slider.addEventListener("pointerup", () => { if (!isSet) commit(); });
      slider.addEventListener("keydown", (ev) => {
        if ((ev.key === "Enter" || ev.key === " ") && !ev.shiftKey) { ev.preventDefault(); commit(); }
      });
      const clear = el("button", { class: "sw-clear", "data-focus-key": `c-${claim.id}`,
        "aria-label": `Clear the confidence for ${claim.id} (back to not set)` }, "Clear");
      clear.disabled = !isSet || locked;
      clear.addEventListener("click", () => update(claim.id, { p: null }));
      const reason = el("input", {
        type: "text", maxlength: "300", placeholder: "One line: why this confidence?",
        "aria-label": `Reason for ${claim.id}`, "data-focus-key": `r-${claim.id}`, class: "sw-reason",
      });
      reason.value = entry ? entry.reason : "";
      reason.disabled = locked;
      // A change fires when the box loses focus, before the focus lands on the next control:
      // saving (and redrawing) a moment later lets the redraw keep the focus where Tab put it.
      reason.addEventListener("change", () => {
        const text = reason.value;
        setTimeout(() => update(claim.id, { reason: text }), 0);
      });
      row.append(slider, shown, clear, reason);
      if (outcomes[claim.id]) {
        // Beside the answer that was locked: "you said 70 %" and what later reporting found.
        const said = isSet ? `You said ${Math.round(entry.p)} %. ` : "You gave no probability. ";
        row.append(el("div", { class: "sw-outcome" }, said + outcomes[claim.id]));
      }
      root.append(row);
    }
    const tools = toolRow(model, history.length > 0 && !locked, undo, [], root);
    tools.classList.add("sw-tools-bottom");
    const lock = lockBlock();
    if (lock) root.append(lock);
    root.append(tools, statusBlock(root, model));
    const again = refocusIn(root, refocus);
    afterDraw(root, model);
    if (again && typing) { again.value = typing.value; again.setSelectionRange(typing.start, typing.end); }
  }

  root.addEventListener("keydown", (ev) => {
    // Ctrl+Z in the reason box is the browser's own text undo; elsewhere it undoes a change.
    const inText = ev.target instanceof HTMLInputElement && ev.target.type === "text";
    if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === "z" && !inText) { ev.preventDefault(); undo(); }
    ev.stopPropagation();
  });
  announceChanges(root, model);
  model.on("change:value", () => { unsetNow = []; });
  for (const name of ["value", "notice", "feedback_html", "outcomes", "locked"]) model.on(`change:${name}`, draw);
  draw();
}

export default { render };
