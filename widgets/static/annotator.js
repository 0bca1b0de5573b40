// Annotator view: label whole sentences (units mode) or word spans (spans mode).
// The Python model owns the answer; this view only edits `value` and re-renders from it.

// How far (px) the pointer must move with the button down before a click becomes a drag.
const DRAG_PIXELS = 4;
const PATTERNS = ["solid", "double", "dashed", "dotted", "wavy", "boxed", "lines", "bar", "dashbox",
  "thick", "sides", "overdash", "underbox"];

function render({ model, el: root }) {
  setUpRoot(root, "sw-annotator");
  let active = 0;          // index of the active label
  let anchor = null;       // spans mode: first token of the pending selection
  let focusTok = null;     // spans mode: token under keyboard focus
  let history = [];        // undo stack of earlier values
  let redrawing = false;   // focus events fired by a redraw are not the student's
  let press = null;        // spans mode: where the button went down, and whether it moved since

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

  // Keys for labels: 1–9, 0 for the tenth, Shift+1… for the eleventh on (a task may have 14).
  // ev.code, not ev.key: Shift+1 types "!" on one keyboard and "1" on another.
  function labelNumber(ev) {
    const m = /^(?:Digit|Numpad)([0-9])$/.exec(ev.code || "");
    if (!m) return null;
    const d = Number(m[1]);
    if (ev.shiftKey) return d >= 1 && d <= 9 ? 10 + d : null;
    return d === 0 ? 10 : d;
  }

  function labelIndex(name) { return labels().findIndex((l) => l.name === name); }

  function toggleUnit(unit) {
    touched(root, `unit-${unit.id}`);
    const label = labels()[active].name;
    const others = marks().filter((m) => !(m.unit === unit.id && m.start === unit.start && m.end === unit.end));
    const had = marks().some((m) => m.unit === unit.id && m.start === unit.start && m.end === unit.end && m.label === label);
    if (!had) others.push({ unit: unit.id, start: unit.start, end: unit.end, label });
    save(others);
  }

  function applySpan(unit, a, b) {
    touched(root, `unit-${unit.id}`);
    const [s, e] = [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
    const label = labels()[active].name;
    const same = marks().find((m) => m.start === s && m.end === e);
    const kept = marks().filter((m) => m.end <= s || m.start >= e);
    if (!(same && same.label === label)) kept.push({ unit: unit.id, start: s, end: e, label });
    anchor = null;
    save(kept);
  }

  function markAt(start) { return marks().find((m) => m.start <= start && start < m.end); }

  // The pending selection as [start, end) offsets: from the anchor word to the cursor word,
  // both included (the cursor word is the last word when selecting forwards).
  function pendingRange(unit) {
    if (anchor === null || focusTok === null || !unit) return null;
    const cur = unit.tokens.find((t) => t[0] === focusTok);
    if (!cur || anchor[0] < unit.start || anchor[0] >= unit.end) return null;
    return [Math.min(anchor[0], cur[0]), Math.max(anchor[1], cur[1])];
  }

  function unitOf(offset) { return model.get("units").find((u) => u.start <= offset && offset < u.end); }

  // Marks that "Remove selected mark" (or Delete) takes away: those the pending selection
  // touches, else the one under the word cursor.
  function selectedMarks() {
    if (focusTok === null) return [];
    const range = pendingRange(unitOf(focusTok));
    if (range) return marks().filter((m) => m.start < range[1] && m.end > range[0]);
    const m = markAt(focusTok);
    return m ? [m] : [];
  }

  function removeSelected() {
    const gone = selectedMarks();
    if (!gone.length) { announce(root, "No mark selected: click a marked word first."); return; }
    anchor = null;
    touched(root, `unit-${gone[0].unit}`);
    save(marks().filter((x) => !gone.some((g) => g.start === x.start && g.end === x.end)));
  }

  function quote(unit, s, e) { return unit.text.slice(s - unit.start, e - unit.start); }

  // The key that picks label i, as the legend shows it.
  function keyName(i) { return i < 9 ? String(i + 1) : i === 9 ? "0" : `⇧${i - 9}`; }
  function keysText() { return labels().length > 9 ? "1–9, 0, Shift+1…" : "1–9"; }

  function patternClass(i) { return `sw-l${i} sw-p-${PATTERNS[i % PATTERNS.length]}`; }

  // Redraw from the model. `focusKey` says where the focus goes afterwards (default: where it
  // was); while redrawing, focus events are ours, not the student's, and change nothing.
  function draw(focusKey) {
    const refocus = focusKey || focusKeyIn(root);
    redrawing = true;
    clearView(root);
    const uid = root.swUid;
    const spans = model.get("mode") === "spans";
    const prompt = model.get("prompt");
    if (prompt) root.append(el("p", { class: "sw-prompt" }, prompt));

    const bar = el("div", { class: "sw-bar" });
    const legend = el("div", { class: "sw-legend", role: "radiogroup",
      "aria-label": labels().length > 9 ? "Labels (keys 1–9, 0, then Shift+1…)" : "Labels (keys 1–9)" });
    const helps = el("div", { class: "sw-sr-only" });
    labels().forEach((l, i) => {
      const helpId = `${uid}-help-${i}`;
      helps.append(el("span", { id: helpId }, l.help || ""));
      const item = el("button", {
        class: `sw-label ${patternClass(i)}`, role: "radio", "aria-checked": String(i === active),
        "data-label": l.name, "data-focus-key": `label-${i}`, title: l.help || l.name,
        tabindex: i === active ? "0" : "-1",
      });
      if (l.help) item.setAttribute("aria-describedby", helpId);
      item.append(el("span", { class: "sw-swatch", "aria-hidden": "true" }, keyName(i)), l.name);
      item.addEventListener("click", () => { active = i; draw(`label-${i}`); });
      item.addEventListener("keydown", (ev) => {
        const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[ev.key];
        if (!step) return;
        ev.preventDefault();
        active = (active + step + labels().length) % labels().length;
        draw(`label-${active}`);
      });
      legend.append(item);
    });
    const current = labels()[active];
    const activeHelp = el("p", { class: "sw-label-help", id: `${uid}-active-help` });
    activeHelp.append(el("strong", {}, `${keyName(active)} · ${current.name}`),
      current.help ? `: ${current.help}` : "");

    const extra = [];
    if (spans) {
      const clear = el("button", { class: "sw-remove", "data-focus-key": "remove" }, "Remove selected mark");
      clear.disabled = selectedMarks().length === 0;
      clear.addEventListener("click", removeSelected);
      extra.push(clear);
    }
    const tools = toolRow(model, history.length > 0, undo, extra, root);
    bar.append(legend, activeHelp, tools);
    if (spans) {
      const unit = focusTok !== null ? unitOf(focusTok) : null;
      const range = pendingRange(unit);
      const m = range ? null : (focusTok !== null ? markAt(focusTok) : null);
      let text = "No words selected.";
      if (range) text = `Selected in ${unit.id}: “${quote(unit, range[0], range[1])}”. Enter or ${keysText()} labels it.`;
      else if (m) text = `Cursor on a mark in ${m.unit}: “${quote(unitOf(m.start), m.start, m.end)}” (${m.label}).`;
      bar.append(el("p", { class: "sw-selection" }, text));
    }
    root.append(bar, helps, statusBlock(root, model));
    root.append(el("p", { class: "sw-help" }, spans
      ? `Click a word, then shift-click (or drag to) the last word; press Enter or a number key to label it. Keyboard: Tab to a sentence, ←/→ move between words, Shift+←/→ extend, ${keysText()} choose a label, Enter/Space apply, Delete removes the mark under the cursor, Ctrl+Z undo.`
      : `Click a sentence to label it with the active label; click again to remove. Keyboard: Tab or ↑/↓ move, ${keysText()} choose a label, Enter/Space apply, Ctrl+Z undo.`));

    const text = el("div", { class: "sw-text", role: "group", "aria-label": "Article text" });
    model.get("units").forEach((unit, ui) => text.append(spans ? spanUnit(unit, ui, uid) : wholeUnit(unit, ui)));
    root.append(text);
    refocusIn(root, refocus);
    redrawing = false;
    afterDraw(root, model);
  }

  // Units mode: a sentence is a toggle button; its label is in its name and shown as a mark.
  function wholeUnit(unit, ui) {
    const m = marks().find((x) => x.unit === unit.id && x.start === unit.start && x.end === unit.end);
    const node = el("p", {
      class: `sw-unit${unit.id === "H" ? " sw-headline" : ""}`, tabindex: "0", role: "button",
      "data-unit-id": unit.id, "data-focus-key": `unit-${unit.id}`, "aria-pressed": String(Boolean(m)),
    });
    node.append(el("span", { class: "sw-uid" }, unit.id === "H" ? "Headline" : unit.id));
    const body = el("span", { class: "sw-unit-text" }, unit.text);
    node.append(body);
    if (m) {
      const i = labelIndex(m.label);
      node.classList.add("sw-marked", `sw-l${i}`);
      node.setAttribute("data-label", m.label);
      body.className = `sw-unit-text sw-mark ${patternClass(i)}`;
      node.append(el("sup", { class: "sw-marker", "aria-hidden": "true" }, keyName(i)),
        el("span", { class: "sw-sr-only" }, ` (labelled: ${m.label})`));
    }
    node.addEventListener("click", () => { toggleUnit(unit); });
    node.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        if (ev.shiftKey && ev.key === "Enter") return;  // Shift+Enter belongs to the notebook
        ev.preventDefault(); toggleUnit(unit);
      } else if (ev.key === "ArrowDown" || ev.key === "ArrowRight") { ev.preventDefault(); focusUnit(ui + 1); }
      else if (ev.key === "ArrowUp" || ev.key === "ArrowLeft") { ev.preventDefault(); focusUnit(ui - 1); }
    });
    return node;
  }

  // Spans mode: a sentence is a listbox of words (the cursor is its active descendant, the
  // pending selection its selected options); each mark is one continuous, named group.
  function spanUnit(unit, ui, uid) {
    const node = el("p", {
      class: `sw-unit${unit.id === "H" ? " sw-headline" : ""}`, tabindex: "0", role: "listbox",
      "aria-multiselectable": "true", "data-unit-id": unit.id, "data-focus-key": `unit-${unit.id}`,
      "aria-label": `${unit.id === "H" ? "Headline" : unit.id}: ${unit.text}`,
    });
    node.append(el("span", { class: "sw-uid", "aria-hidden": "true" }, unit.id));
    const range = pendingRange(unit);
    const inRange = (s, e) => range !== null && s >= range[0] && e <= range[1];
    let cursor = unit.start;
    let holder = node;      // the open mark's group, or the sentence itself
    let open = null;        // the mark being drawn
    const unitMarks = marks().filter((m) => m.unit === unit.id);
    unit.tokens.forEach(([s, e], ti) => {
      const m = markAt(s);
      if (open && open !== m) { closeMark(); }
      if (s > cursor) {
        const gap = el("span", { class: "sw-gap", "aria-hidden": "true" }, quote(unit, cursor, s));
        if (range && cursor >= range[0] && s <= range[1]) gap.classList.add("sw-pending");
        holder.append(gap);
      }
      if (m && open !== m) {
        const i = labelIndex(m.label);
        const n = unitMarks.indexOf(m) + 1;
        holder = el("span", {
          class: `sw-mark sw-marked ${patternClass(i)}`, role: "group", "data-label": m.label,
          "aria-label": `Mark ${n} of ${unitMarks.length} in ${unit.id}: ${m.label}, “${quote(unit, m.start, m.end)}”`,
        });
        open = m;
      }
      const tok = el("span", {
        class: "sw-token", role: "option", id: `${uid}-t${s}`, "data-start": String(s), "data-end": String(e),
        "aria-selected": String(inRange(s, e)), "data-index": String(ti),
      }, quote(unit, s, e));
      if (m) {
        tok.setAttribute("data-label", m.label);
        tok.setAttribute("aria-label", `${quote(unit, s, e)} (marked: ${m.label})`);
      }
      if (inRange(s, e)) tok.classList.add("sw-pending");
      if (s === focusTok) { tok.classList.add("sw-cursor"); node.setAttribute("aria-activedescendant", tok.id); }
      tok.addEventListener("mousedown", (ev) => {
        if (ev.button !== 0) return;
        ev.preventDefault();  // no native text selection; so focus the sentence ourselves,
        // or Enter / number keys after a click would reach the notebook instead of the widget.
        const sameUnit = anchor !== null && anchor[0] >= unit.start && anchor[0] < unit.end;
        if (ev.shiftKey && sameUnit) { focusTok = s; } else { anchor = [s, e]; focusTok = s; }
        // A drag starts only when the pointer itself moves (see the mousemove handler below):
        // words sliding under a still pointer (a redraw, a scroll) are not a drag.
        press = { x: ev.clientX, y: ev.clientY, unit: unit.id, moved: false };
        root.dataset.dragging = "1";
        draw(`unit-${unit.id}`);
      });
      holder.append(tok);
      cursor = e;
    });
    if (open) closeMark();
    if (cursor < unit.end) node.append(el("span", { class: "sw-gap", "aria-hidden": "true" }, unit.text.slice(cursor - unit.start)));
    node.addEventListener("keydown", (ev) => spanKeys(ev, unit, ui));
    node.addEventListener("focus", () => {
      // Tabbing into a sentence puts the word cursor on its first word; a focus that comes
      // from a redraw or a click (which set the cursor itself) must leave the selection alone.
      if (redrawing || root.dataset.dragging === "1") return;
      if (unit.tokens.length && (focusTok === null || focusTok < unit.start || focusTok >= unit.end)) {
        focusTok = unit.tokens[0][0]; anchor = null; draw(`unit-${unit.id}`);
      }
    });
    return node;

    function closeMark() {
      const i = labelIndex(open.label);
      holder.append(el("sup", { class: "sw-marker", "aria-hidden": "true" }, keyName(i)));
      node.append(holder);
      holder = node;
      open = null;
    }
  }

  function focusUnit(i) {
    const nodes = root.querySelectorAll(".sw-unit");
    if (i >= 0 && i < nodes.length) nodes[i].focus();
  }

  function spanKeys(ev, unit, ui) {
    const toks = unit.tokens;
    if (!toks.length) return;
    let idx = toks.findIndex((t) => t[0] === focusTok);
    if (idx < 0) { idx = 0; focusTok = toks[0][0]; }
    if (ev.key === "ArrowRight" || ev.key === "ArrowLeft" || ev.key === "Home" || ev.key === "End") {
      ev.preventDefault();
      let next = idx + (ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0);
      if (ev.key === "Home") next = 0;
      if (ev.key === "End") next = toks.length - 1;
      next = Math.min(toks.length - 1, Math.max(0, next));
      if (ev.shiftKey) { if (anchor === null) anchor = toks[idx]; } else { anchor = null; }
      focusTok = toks[next][0];
      draw(`unit-${unit.id}`);
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault(); anchor = null; focusUnit(ui + (ev.key === "ArrowDown" ? 1 : -1));
    } else if (ev.key === "Enter" || ev.key === " ") {
      if (ev.shiftKey && ev.key === "Enter") return;  // Shift+Enter belongs to the notebook
      ev.preventDefault();
      const cur = toks[idx];
      if (anchor === null) {
        const m = markAt(cur[0]);
        if (m && m.label === labels()[active].name) { touched(root, `unit-${unit.id}`); save(marks().filter((x) => !(x.start === m.start && x.end === m.end))); return; }
      }
      applySpan(unit, anchor || cur, cur);
    } else if (ev.key === "Delete" || ev.key === "Backspace") {
      ev.preventDefault(); removeSelected();
    } else if (ev.key === "Escape") { anchor = null; draw(`unit-${unit.id}`); }
  }

  const release = () => { press = null; delete root.dataset.dragging; };
  root.addEventListener("mouseup", release);
  document.addEventListener("mouseup", release);
  // Dragging extends the selection to the word under the pointer, once the pointer has really
  // moved with the button down. Chromium also sends mouse events when content moves under a
  // still pointer (after a scroll or a redraw): those keep their coordinates and change nothing.
  root.addEventListener("mousemove", (ev) => {
    if (!press || !(ev.buttons & 1)) return;
    if (!press.moved && Math.hypot(ev.clientX - press.x, ev.clientY - press.y) < DRAG_PIXELS) return;
    press.moved = true;
    const tok = ev.target.closest && ev.target.closest(".sw-token");
    const unitNode = tok && tok.closest(".sw-unit");
    if (!tok || !unitNode || unitNode.dataset.unitId !== press.unit) return;
    const start = Number(tok.dataset.start);
    if (start !== focusTok) { focusTok = start; draw(`unit-${press.unit}`); }
  });
  root.addEventListener("keydown", (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === "z") { ev.preventDefault(); ev.stopPropagation(); undo(); return; }
    const n = labelNumber(ev);
    if (n !== null && n <= labels().length && !ev.ctrlKey && !ev.altKey) {
      ev.preventDefault(); ev.stopPropagation();
      active = n - 1;
      if (model.get("mode") === "spans" && anchor !== null && focusTok !== null) {
        const unitNode = ev.target.closest(".sw-unit");
        const unit = unitNode && model.get("units").find((u) => u.id === unitNode.dataset.unitId);
        const cur = unit && unit.tokens.find((t) => t[0] === focusTok);
        if (unit && cur) { applySpan(unit, anchor, cur); return; }
      }
      const focused = focusKeyIn(root);
      draw(focused && focused.startsWith("label-") ? `label-${active}` : undefined);
    }
  }, true);
  // Keys typed here must not reach JupyterLab's notebook shortcuts (e.g. "1" = markdown cell).
  root.addEventListener("keydown", (ev) => ev.stopPropagation());

  announceChanges(root, model);
  model.on("change:value", () => draw());
  model.on("change:notice", () => draw());
  model.on("change:feedback_html", () => draw());
  draw();
}

export default { render };
