// Annotator view: label whole sentences (units mode) or word spans (spans mode).
// The Python model owns the answer; this view only edits `value` and re-renders from it.

const PATTERNS = ["solid", "stripes", "dots", "cross", "wave", "grid", "dash", "ring", "band"];

function render({ model, el: root }) {
  setUpRoot(root, "sw-annotator");
  let active = 0;          // index of the active label
  let anchor = null;       // spans mode: first token of the pending selection
  let focusTok = null;     // spans mode: token under keyboard focus
  let history = [];        // undo stack of earlier values

  const value = () => model.get("value") || { mode: model.get("mode"), marks: [] };
  const marks = () => (value().marks || []).slice();
  const labels = () => model.get("labels");

  function save(newMarks) {
    history.push(marks());
    newMarks.sort((a, b) => a.start - b.start || a.end - b.end);
    model.set("value", { mode: model.get("mode"), marks: newMarks });
    model.save_changes();
  }

  function undo() {
    if (!history.length) return;
    const prev = history.pop();
    model.set("value", { mode: model.get("mode"), marks: prev });
    model.save_changes();
  }

  function labelIndex(name) { return labels().findIndex((l) => l.name === name); }

  function toggleUnit(unit) {
    const label = labels()[active].name;
    const others = marks().filter((m) => !(m.unit === unit.id && m.start === unit.start && m.end === unit.end));
    const had = marks().some((m) => m.unit === unit.id && m.start === unit.start && m.end === unit.end && m.label === label);
    if (!had) others.push({ unit: unit.id, start: unit.start, end: unit.end, label });
    save(others);
  }

  function applySpan(unit, a, b) {
    const [s, e] = [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
    const label = labels()[active].name;
    const same = marks().find((m) => m.start === s && m.end === e);
    const kept = marks().filter((m) => m.end <= s || m.start >= e);
    if (!(same && same.label === label)) kept.push({ unit: unit.id, start: s, end: e, label });
    anchor = null;
    save(kept);
  }

  function markAt(start) { return marks().find((m) => m.start <= start && start < m.end); }

  function draw() {
    const refocus = focusKeyIn(root);
    root.replaceChildren();
    const prompt = model.get("prompt");
    if (prompt) root.append(el("p", { class: "sw-prompt" }, prompt));

    const legend = el("div", { class: "sw-legend", role: "radiogroup", "aria-label": "Labels" });
    labels().forEach((l, i) => {
      const item = el("button", {
        class: `sw-label sw-l${i} sw-p-${PATTERNS[i % PATTERNS.length]}`, role: "radio",
        "aria-checked": String(i === active), "data-label": l.name, "data-focus-key": `label-${i}`,
        title: l.help || l.name,
      });
      item.append(el("span", { class: "sw-swatch", "aria-hidden": "true" }, String(i + 1)), l.name);
      item.addEventListener("click", () => { active = i; draw(); });
      legend.append(item);
    });
    const extra = [];
    if (model.get("mode") === "spans") {
      const clear = el("button", { class: "sw-remove", "data-focus-key": "remove" }, "Remove selected mark");
      clear.addEventListener("click", () => {
        const m = focusTok !== null ? markAt(focusTok) : null;
        if (m) save(marks().filter((x) => x !== m && !(x.start === m.start && x.end === m.end)));
      });
      extra.push(clear);
    }
    const tools = toolRow(model, history.length > 0, undo, extra);
    root.append(legend, tools);
    root.append(el("p", { class: "sw-help" }, model.get("mode") === "spans"
      ? "Click a word, then shift-click (or drag to) the last word; press Enter or a number key to label it. Keyboard: Tab to a sentence, ←/→ move between words, Shift+←/→ extend, 1–9 choose a label, Enter/Space apply, Ctrl+Z undo."
      : "Click a sentence to label it with the active label; click again to remove. Keyboard: Tab or ↑/↓ move, 1–9 choose a label, Enter/Space apply, Ctrl+Z undo."));

    const text = el("div", { class: "sw-text", role: "list", "aria-label": "Article text" });
    const units = model.get("units");
    units.forEach((unit, ui) => {
      const unitMarks = marks().filter((m) => m.unit === unit.id);
      const node = el(unit.id === "H" ? "h4" : "p", {
        class: "sw-unit", tabindex: "0", role: "listitem", "data-unit-id": unit.id,
        "data-focus-key": `unit-${unit.id}`,
      });
      node.append(el("span", { class: "sw-uid", "aria-hidden": "true" }, unit.id));
      if (model.get("mode") === "units") {
        const m = unitMarks.find((x) => x.start === unit.start && x.end === unit.end);
        node.setAttribute("aria-pressed", String(Boolean(m)));
        node.setAttribute("role", "button");
        if (m) {
          const i = labelIndex(m.label);
          node.classList.add("sw-marked", `sw-l${i}`, `sw-p-${PATTERNS[i % PATTERNS.length]}`);
          node.setAttribute("data-label", m.label);
          node.setAttribute("aria-label", `${unit.id}, labelled ${m.label}`);
        }
        node.append(document.createTextNode(unit.text));
        if (m) node.append(el("sup", { class: "sw-marker", "aria-hidden": "true" }, String(labelIndex(m.label) + 1)));
        node.addEventListener("click", () => toggleUnit(unit));
        node.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); toggleUnit(unit); }
          else if (ev.key === "ArrowDown" || ev.key === "ArrowRight") { ev.preventDefault(); focusUnit(ui + 1); }
          else if (ev.key === "ArrowUp" || ev.key === "ArrowLeft") { ev.preventDefault(); focusUnit(ui - 1); }
        });
      } else {
        let cursor = unit.start;
        unit.tokens.forEach(([s, e], ti) => {
          if (s > cursor) node.append(document.createTextNode(unit.text.slice(cursor - unit.start, s - unit.start)));
          const m = markAt(s);
          const tok = el("span", {
            class: "sw-token", "data-start": String(s), "data-end": String(e), tabindex: "-1",
            "data-focus-key": `tok-${s}`,
          }, unit.text.slice(s - unit.start, e - unit.start));
          if (m) {
            const i = labelIndex(m.label);
            tok.classList.add("sw-marked", `sw-l${i}`, `sw-p-${PATTERNS[i % PATTERNS.length]}`);
            tok.setAttribute("data-label", m.label);
          }
          if (s === focusTok) tok.classList.add("sw-cursor");
          if (anchor !== null && focusTok !== null) {
            const lo = Math.min(anchor[0], focusTok), hi = Math.max(anchor[1], focusTok + 1);
            if (s >= lo && e <= hi) tok.classList.add("sw-pending");
          }
          tok.addEventListener("mousedown", (ev) => {
            ev.preventDefault();  // no native text selection; so focus the sentence ourselves,
            // or Enter / number keys after a click would reach the notebook instead of the widget.
            if (ev.shiftKey && anchor !== null && anchor[0] >= unit.start && anchor[0] < unit.end) { focusTok = s; } else { anchor = [s, e]; focusTok = s; root.dataset.dragging = "1"; }
            draw();
            const again = root.querySelector(`[data-unit-id="${unit.id}"]`);
            if (again) again.focus({ preventScroll: true });
          });
          tok.addEventListener("mouseenter", () => {
            if (root.dataset.dragging === "1" && anchor !== null && unit.tokens.some((t) => t[0] === anchor[0])) { focusTok = s; draw(); }
          });
          node.append(tok);
          if (m && m.end === e) node.append(el("sup", { class: "sw-marker", "aria-hidden": "true" }, String(labelIndex(m.label) + 1)));
          cursor = e;
          tok.dataset.index = String(ti);
        });
        if (cursor < unit.end) node.append(document.createTextNode(unit.text.slice(cursor - unit.start)));
        node.addEventListener("keydown", (ev) => spanKeys(ev, unit, ui));
        node.addEventListener("focus", () => {
          // Entering a sentence puts the word cursor on its first word (drawn, so it is visible).
          if (unit.tokens.length && (focusTok === null || !unit.tokens.some((t) => t[0] === focusTok))) {
            focusTok = unit.tokens[0][0]; anchor = null; draw();
          }
        });
      }
      text.append(node);
    });
    root.append(text);
    appendStatus(root, model);
    refocusIn(root, refocus);
  }

  function focusUnit(i) {
    const nodes = root.querySelectorAll(".sw-unit");
    if (i >= 0 && i < nodes.length) nodes[i].focus();
  }

  function spanKeys(ev, unit, ui) {
    const toks = unit.tokens;
    let idx = Math.max(0, toks.findIndex((t) => t[0] === focusTok));
    if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
      ev.preventDefault();
      const next = Math.min(toks.length - 1, Math.max(0, idx + (ev.key === "ArrowRight" ? 1 : -1)));
      if (ev.shiftKey) { if (anchor === null) anchor = toks[idx]; } else { anchor = null; }
      focusTok = toks[next][0];
      draw();
      const unitNode = root.querySelector(`[data-unit-id="${unit.id}"]`);
      if (unitNode) unitNode.focus();
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault(); anchor = null; focusUnit(ui + (ev.key === "ArrowDown" ? 1 : -1));
    } else if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      const cur = toks[idx];
      if (anchor === null) {
        const m = markAt(cur[0]);
        if (m && m.label === labels()[active].name) { save(marks().filter((x) => x !== m && !(x.start === m.start && x.end === m.end))); return; }
      }
      applySpan(unit, anchor || cur, cur);
    } else if (ev.key === "Escape") { anchor = null; draw(); }
  }

  root.addEventListener("mouseup", () => { delete root.dataset.dragging; });
  root.addEventListener("keydown", (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === "z") { ev.preventDefault(); ev.stopPropagation(); undo(); return; }
    const n = Number(ev.key);
    if (Number.isInteger(n) && n >= 1 && n <= labels().length && !ev.ctrlKey && !ev.altKey) {
      ev.preventDefault(); ev.stopPropagation();
      active = n - 1;
      if (model.get("mode") === "spans" && anchor !== null && focusTok !== null) {
        const unitNode = ev.target.closest(".sw-unit");
        const unit = unitNode && model.get("units").find((u) => u.id === unitNode.dataset.unitId);
        const cur = unit && unit.tokens.find((t) => t[0] === focusTok);
        if (unit && cur) { applySpan(unit, anchor, cur); return; }
      }
      draw();
    }
  }, true);
  // Keys typed here must not reach JupyterLab's notebook shortcuts (e.g. "1" = markdown cell).
  root.addEventListener("keydown", (ev) => ev.stopPropagation());

  model.on("change:value", draw);
  model.on("change:notice", draw);
  model.on("change:feedback_html", draw);
  draw();
}

export default { render };
