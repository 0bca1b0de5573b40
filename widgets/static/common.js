// Shared by every Sourcewise view; the Python side prepends this file to each view's module.

function el(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  return node;
}

// Every view: a class for its look, and no JupyterLab shortcuts for keys typed inside it
// (Lumino skips shortcuts for key presses under an element with this attribute).
function setUpRoot(root, kind) {
  root.classList.add(kind, "sw-widget");
  root.setAttribute("data-lm-suppress-shortcuts", "true");
}

// The key of the focused element, so a redraw can put the focus back where it was.
function focusKeyIn(root) {
  const focused = document.activeElement;
  return focused && root.contains(focused) ? focused.dataset.focusKey : null;
}

function refocusIn(root, key) {
  if (!key) return null;
  const again = root.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  if (again) again.focus();
  return again;
}

// The notice (saved / not saved / left out) and the self-check feedback under a view.
function appendStatus(root, model) {
  const notice = model.get("notice");
  if (notice) root.append(el("div", { class: "sw-notice", role: "status" }, notice));
  const fb = model.get("feedback_html");
  if (fb) {
    const box = el("div", { class: "sw-feedback", role: "status" });
    box.innerHTML = fb;
    root.append(box);
  }
}

// The tool row every view has: Undo (enabled when there is something to undo), any extra
// buttons the view passes, and "Check my answer" when the task has a key.
function toolRow(model, canUndo, undo, extra = []) {
  const tools = el("div", { class: "sw-tools" });
  const undoBtn = el("button", { class: "sw-undo", "data-focus-key": "undo" }, "Undo");
  undoBtn.disabled = !canUndo;
  undoBtn.addEventListener("click", undo);
  tools.append(undoBtn, ...extra);
  if (model.get("checkable")) {
    const check = el("button", { class: "sw-check", "data-focus-key": "check" }, "Check my answer");
    check.addEventListener("click", () => model.send({ event: "check" }));
    tools.append(check);
  }
  return tools;
}
