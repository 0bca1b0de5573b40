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
  // One polite live region per view that outlives redraws (a region created anew with its text
  // is often not announced): saves and self-check results are spoken from here.
  const live = el("div", { class: "sw-live sw-sr-only", role: "status", "aria-live": "polite",
    "aria-atomic": "true" });
  root.append(live);
  root.swUid = `sw${Math.random().toString(36).slice(2, 8)}`;
}

// Remove what the last draw put in the view, keeping the live region.
function clearView(root) {
  for (const child of Array.from(root.children)) if (!child.classList.contains("sw-live")) child.remove();
}

// Say `text` through the view's live region (cleared first, so a repeated "Saved." is spoken again).
function announce(root, text) {
  const live = root.querySelector(":scope > .sw-live");
  if (!live || !text) return;
  live.textContent = "";
  setTimeout(() => { live.textContent = text; }, 60);
}

// The plain-text summary of the self-check feedback (its first paragraph).
function feedbackSummary(html) {
  const box = document.createElement("div");
  box.innerHTML = html;
  const first = box.querySelector("p") || box;
  return (first.textContent || "").trim();
}

// Announce saves and checks as the Python side reports them.
function announceChanges(root, model) {
  // `saves` counts save attempts: a second "Saved." leaves `notice` unchanged but is spoken.
  // Both may change in one update: announce once.
  let queued = false;
  const sayNotice = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      const notice = model.get("notice");
      if (notice) announce(root, notice.split("\n").slice(-1)[0]);
    });
  };
  model.on("change:notice", sayNotice);
  model.on("change:saves", sayNotice);
  model.on("change:feedback_html", () => {
    const fb = model.get("feedback_html");
    if (fb) announce(root, `Self-check: ${feedbackSummary(fb)}`);
  });
}

// The key of the focused element, so a redraw can put the focus back where it was.
function focusKeyIn(root) {
  const focused = document.activeElement;
  return focused && root.contains(focused) ? focused.dataset.focusKey : null;
}

// A redraw puts the focus back without scrolling: the element is where it was, and a scroll
// here would slide words under a still pointer (issue 24: a click read as a drag).
function refocusIn(root, key) {
  if (!key) return null;
  const again = root.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  if (again) again.focus({ preventScroll: true });
  return again;
}

// The notice (saved / not saved / left out) and the self-check feedback, right under the tool
// row whose buttons caused them. The last line of the notice ("Saved.") also sits in the tool row.
function statusBlock(root, model) {
  const box = el("div", { class: "sw-status-block" });
  const notice = model.get("notice");
  const lines = notice ? notice.split("\n") : [];
  if (lines.length > 1 || (lines.length === 1 && !/^Saved\.$/.test(lines[0]))) {
    box.append(el("div", { class: "sw-notice" }, notice));
  }
  const fb = model.get("feedback_html");
  if (fb) {
    const feedback = el("div", { class: "sw-feedback", tabindex: "-1", "aria-label": "Self-check result",
      role: "region" });
    feedback.innerHTML = fb;
    box.append(feedback);
  }
  return box;
}

// After "Check my answer": bring the result into view next to the button (not below the text).
function revealFeedback(root) {
  const box = root.querySelector(".sw-feedback");
  if (box) box.scrollIntoView({ block: "nearest", behavior: "auto" });
}

// The tool row every view has: Undo (enabled when there is something to undo), any extra
// buttons the view passes, "Check my answer" when the task has a key (then, after a real
// attempt, "Show me the expert's answer"), and the save status.
// It stays in view (sticky) while the student works further down a long text.
function toolRow(model, canUndo, undo, extra = [], root = null) {
  const tools = el("div", { class: "sw-tools", role: "toolbar", "aria-label": "Answer tools" });
  const undoBtn = el("button", { class: "sw-undo", "data-focus-key": "undo" }, "Undo");
  undoBtn.disabled = !canUndo;
  undoBtn.addEventListener("click", undo);
  tools.append(undoBtn, ...extra);
  if (model.get("checkable")) {
    const check = el("button", { class: "sw-check", "data-focus-key": "check" }, "Check my answer");
    check.addEventListener("click", () => {
      if (root) root.dataset.checkPending = "1";
      model.send({ event: "check" });
    });
    tools.append(check);
  }
  // Offered only after a real attempt; the kernel notes the request in the answers file.
  if (model.get("expert_offer")) {
    const expert = el("button", { class: "sw-expert", "data-focus-key": "expert" }, "Show me the expert's answer");
    expert.addEventListener("click", () => {
      if (root) root.dataset.checkPending = "1";
      model.send({ event: "expert" });
    });
    tools.append(expert);
  }
  const notice = model.get("notice");
  const last = notice ? notice.split("\n").slice(-1)[0] : "";
  // The live region speaks the status; this copy is for the eyes (aria-hidden avoids a double read).
  tools.append(el("span", { class: "sw-saved", "aria-hidden": "true" }, last.length < 60 ? last : ""));
  return tools;
}

// Which control the student changed last (its data-focus-key): the save status shows there.
function touched(root, key) { root.dataset.lastKey = key; }

// Called at the end of each draw: the save status goes next to the control that caused it
// (the sentence, the table cell, the claim's row), and after a check the fresh feedback is
// scrolled into view. JupyterLab's output area is its own scroll box, so a sticky tool bar
// cannot follow the student down the text: the status has to come to them.
function afterDraw(root, model) {
  const notice = model.get("notice");
  const last = notice ? notice.split("\n").slice(-1)[0] : "";
  const key = root.dataset.lastKey;
  if (last && key) {
    const target = root.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    const place = target && (target.closest(".sw-unit, td, .sw-claim") || target);
    if (place) {
      const bad = !/^Saved\.$/.test(last);
      const status = el("span", { class: `sw-saved-here${bad ? " sw-not-saved" : ""}`, "aria-hidden": "true" },
        bad ? last : "Saved.");
      // Beside a button, never inside it: a refusal must not read as the button's label.
      if (place.tagName === "BUTTON") place.after(status); else place.append(status);
    }
  }
  if (root.dataset.checkPending === "1" && root.querySelector(".sw-feedback")) {
    delete root.dataset.checkPending;
    revealFeedback(root);
  }
}

// The undo stack of a view whose answer is the model's `value`: `save(next)` keeps the current
// value first, `undo()` puts the last kept one back; both save to the kernel.
function valueHistory(model) {
  const stack = [];
  const put = (value) => { model.set("value", value); model.save_changes(); };
  return {
    get canUndo() { return stack.length > 0; },
    save(next) { stack.push(JSON.parse(JSON.stringify(model.get("value") || {}))); put(next); },
    undo() { if (stack.length) put(stack.pop()); },
  };
}
