// Grid view: one or more tables of single choices (claim→source links, source ratings,
// corroboration matrix), optionally under side-by-side texts. Native <select>s keep it keyboard-first.

function render({ model, el: root }) {
  setUpRoot(root, "sw-grid");
  const history = valueHistory(model);
  const undo = () => history.undo();
  const save = (next) => history.save(next);

  function draw() {
    const refocus = focusKeyIn(root);
    clearView(root);
    const prompt = model.get("prompt");
    if (prompt) root.append(el("p", { class: "sw-prompt" }, prompt));
    const panes = model.get("panes");
    if (panes.length) {
      // Panes wrap into rows at their full length: no sideways scroller, no scroll box per pane.
      const row = el("div", { class: "sw-panes" });
      for (const pane of panes) {
        const headId = `${root.swUid}-pane-${pane.id}`;
        const box = el("section", { class: "sw-pane", "aria-labelledby": headId, "data-pane-id": pane.id });
        box.append(el("h4", { id: headId }, pane.title));
        if (pane.headline) box.append(el("p", { class: "sw-headline" }, pane.headline));
        if (pane.badge) box.append(el("span", { class: "sw-constructed" }, pane.badge));
        if (pane.meta) box.append(el("p", { class: "sw-meta" }, pane.meta));
        for (const para of pane.paragraphs) box.append(el("p", {}, para));
        row.append(box);
      }
      root.append(row);
    }
    const value = model.get("value") || {};
    for (const grid of model.get("grids")) {
      const table = el("table", { class: "sw-table", "data-grid-id": grid.id });
      if (grid.title) table.append(el("caption", {}, grid.title));
      const head = el("tr");
      head.append(el("th", { scope: "col" }, grid.row_header || ""));
      for (const col of grid.columns) head.append(el("th", { scope: "col", "data-col-id": col.id }, col.label));
      const thead = el("thead");  // its cells stay at the top while the rows scroll past
      thead.append(head);
      const tbody = el("tbody");
      table.append(thead, tbody);
      for (const row of grid.rows) {
        const tr = el("tr", { "data-row-id": row.id });
        const th = el("th", { scope: "row" });
        th.append(el("span", { class: "sw-row-label" }, row.label));
        if (row.detail) th.append(el("div", { class: "sw-row-detail" }, row.detail));
        tr.append(th);
        for (const col of grid.columns) {
          const td = el("td");
          const current = ((value[grid.id] || {})[row.id] || {})[col.id] || "";
          const sel = el("select", {
            "aria-label": `${row.label}: ${col.label}`, "data-row-id": row.id, "data-col-id": col.id,
            "data-focus-key": `${grid.id}|${row.id}|${col.id}`,
          });
          sel.append(el("option", { value: "" }, "—"));
          for (const opt of col.options) {
            const o = el("option", { value: opt.value }, opt.label);
            if (opt.value === current) o.selected = true;
            sel.append(o);
          }
          if (current) td.classList.add("sw-filled");
          sel.addEventListener("change", () => {
            const next = JSON.parse(JSON.stringify(model.get("value") || {}));
            next[grid.id] = next[grid.id] || {};
            next[grid.id][row.id] = next[grid.id][row.id] || {};
            if (sel.value) next[grid.id][row.id][col.id] = sel.value;
            else delete next[grid.id][row.id][col.id];
            if (!Object.keys(next[grid.id][row.id]).length) delete next[grid.id][row.id];
            touched(root, `${grid.id}|${row.id}|${col.id}`);
            save(next);
          });
          td.append(sel);
          tr.append(td);
        }
        tbody.append(tr);
      }
      // The table scrolls inside its own box (at most most of the window high), so its header
      // row can stay on top: JupyterLab's output area would not let it stick to the page.
      const wrap = el("div", { class: "sw-table-wrap", "data-grid-id": grid.id });
      wrap.append(table);
      root.append(wrap);
    }
    const tools = toolRow(model, history.canUndo, undo, [], root);
    tools.classList.add("sw-tools-bottom");
    root.append(tools, statusBlock(root, model));
    refocusIn(root, refocus);
    afterDraw(root, model);
  }

  root.addEventListener("keydown", (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === "z" && history.canUndo) {
      ev.preventDefault(); undo();
    }
    ev.stopPropagation();
  });
  announceChanges(root, model);
  for (const name of ["value", "notice", "feedback_html"]) model.on(`change:${name}`, draw);
  draw();
}

export default { render };
