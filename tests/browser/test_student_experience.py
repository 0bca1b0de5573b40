"""Does a student's click, key press and check land where they expect it to?

Issue 13 in a real JupyterLab: the first click in a new sentence is kept, feedback and the save
status show up in view next to the control that caused them, a whole task can be done without
the mouse, sliders can say 50 %, and lesson 3's comparison uses the width it has.
"""

from __future__ import annotations

from typing import Any

import pytest
from lab_driver import NotebookPage, saved_answers, wait_until

from sourcewise.grading.task_keys import task
from sourcewise.seeds import load_article

pytestmark = pytest.mark.browser

ARTICLE = load_article()


def span_mark(first_word: str, last_word: str, unit_id: str, label: str) -> dict[str, Any]:
    unit = ARTICLE.unit(unit_id)
    start = unit.start + unit.text.index(first_word)
    end = unit.start + unit.text.index(last_word, start - unit.start) + len(last_word)
    return {"unit": unit_id, "start": start, "end": end, "label": label}


def token(nb: NotebookPage, unit_id: str, word: str) -> Any:
    unit = ARTICLE.unit(unit_id)
    return nb.widget().locator(f".sw-token[data-start='{unit.start + unit.text.index(word)}']")


def saved(nb: NotebookPage, question: str) -> Any:
    return saved_answers(nb.server.answers_file).get(question)


def wait_for_saved(nb: NotebookPage, question: str, expected: Any) -> None:
    wait_until(lambda: saved(nb, question) == expected, timeout=15,
               what=f"{question} = {expected}; saved: {saved(nb, question)}")


def in_viewport(locator: Any) -> bool:
    """Is the element's top edge inside the window (so a student sees it appear)?"""
    return bool(locator.evaluate(
        "e => { const r = e.getBoundingClientRect(); "
        "return r.top >= 0 && r.top < window.innerHeight - 20 && r.height > 0; }"))


# -- 1. no lost clicks ---------------------------------------------------------------------------
SPANS_READY = ".sw-token[data-start]"


def test_click_and_shift_click_in_a_new_sentence_marks_the_whole_range(open_notebook: Any
                                                                        ) -> None:
    """Mark in S3, then click and shift-click in S7: is the whole S7 range marked?"""
    labels = task("framing.devices").labels
    nb = open_notebook("annotator-spans")
    nb.run_all(ready=SPANS_READY)
    token(nb, "S3", "raced").click()
    nb.page.keyboard.press("Enter")
    raced = span_mark("raced", "raced", "S3", labels[0])
    wait_for_saved(nb, "q_spans", {"mode": "spans", "marks": [raced]})

    # The focus is still in S3; the first click in S7 must not be lost to it.
    token(nb, "S7", "armed").click()
    token(nb, "S7", "earlier").click(modifiers=["Shift"])
    pending = nb.widget().locator("[data-unit-id='S7'] .sw-token.sw-pending").all_inner_texts()
    assert pending == ["armed", "forces", "announced", "earlier"]  # the last word included
    assert nb.widget().locator("[data-unit-id='S7'] [aria-selected='true']").count() == 4
    nb.page.keyboard.press("Enter")
    armed = span_mark("armed", "earlier", "S7", labels[0])
    wait_for_saved(nb, "q_spans", {"mode": "spans", "marks": [raced, armed]})

    # One continuous, named highlight per mark, with its label and words in its name.
    mark = nb.widget().locator("[data-unit-id='S7'] .sw-mark")
    assert mark.count() == 1
    assert mark.get_attribute("role") == "group"
    assert labels[0] in mark.get_attribute("aria-label")
    assert "armed forces announced earlier" in mark.get_attribute("aria-label")
    # The save status shows beside the sentence that was changed.
    assert nb.widget().locator("[data-unit-id='S7'] .sw-saved-here").inner_text() == "Saved."

    # "Remove selected mark" works on a mark clicked in another sentence.
    token(nb, "S3", "raced").click()
    nb.widget().locator("button.sw-remove").click()
    wait_for_saved(nb, "q_spans", {"mode": "spans", "marks": [armed]})
    # And Delete removes the mark under the word cursor.
    token(nb, "S7", "forces").click()
    nb.page.keyboard.press("Delete")
    wait_for_saved(nb, "q_spans", {"mode": "spans", "marks": []})


def test_neighbouring_marks_stay_visibly_apart(open_notebook: Any) -> None:
    labels = task("framing.devices").labels
    nb = open_notebook("annotator-spans")
    nb.run_all(ready=SPANS_READY)
    token(nb, "S1", "Islamic").click()
    nb.page.keyboard.press("1")
    token(nb, "S1", "State").click()
    nb.page.keyboard.press("2")
    wait_for_saved(nb, "q_spans", {"mode": "spans", "marks": [
        span_mark("Islamic", "Islamic", "S1", labels[0]),
        span_mark("State", "State", "S1", labels[1])]})
    boxes = [m.bounding_box() for m in nb.widget().locator("[data-unit-id='S1'] .sw-mark").all()]
    assert len(boxes) == 2
    first, second = sorted(boxes, key=lambda b: b["x"])
    assert second["x"] - (first["x"] + first["width"]) >= 3, "the two marks touch"
    styles = [m.evaluate("e => getComputedStyle(e).borderBottomStyle + ' ' + "
                         "getComputedStyle(e).borderTopStyle")
              for m in nb.widget().locator("[data-unit-id='S1'] .sw-mark").all()]
    assert styles[0] != styles[1], "two labels drawn with the same edge pattern"


# -- 2. feedback in view -------------------------------------------------------------------------
CONFIDENCE_READY = "[data-claim-id='C33'] input[type='range']"


def slider(nb: NotebookPage, claim: str) -> Any:
    return nb.widget().locator(f"[data-claim-id='{claim}'] input[type='range']")


def test_feedback_is_scrolled_into_view_next_to_the_check_button(open_notebook: Any) -> None:
    nb = open_notebook("comparison-all")
    nb.run_all(ready="select[data-row-id='C37'][data-col-id='wire-sceptic']")
    w = nb.widget()
    w.locator("select[data-row-id='C20'][data-col-id='wire-sceptic']").select_option(
        "corroborates")
    wait_until(lambda: saved(nb, "q_all"), what="the choice to be saved")
    cell = w.locator("td:has(select[data-row-id='C20'][data-col-id='wire-sceptic'])")
    assert cell.locator(".sw-saved-here").inner_text() == "Saved."
    # Scroll the notebook to the top, as a student reading the texts again would.
    nb.page.evaluate("document.querySelector('.jp-WindowedPanel-outer').scrollTop = 0")
    w.locator("button.sw-check").click()
    feedback = w.locator(".sw-feedback")
    feedback.wait_for(timeout=15000)
    wait_until(lambda: in_viewport(feedback), timeout=5, what="the feedback to be in view")
    gap = feedback.bounding_box()["y"] - w.locator("button.sw-check").bounding_box()["y"]
    assert 0 < gap < 120, f"the feedback is {gap:.0f} px from the button"
    assert "make an attempt first" in feedback.inner_text()  # one cell of 60 (issue 24)
    wait_until(lambda: "Self-check" in w.locator(".sw-live").inner_text(), timeout=5,
               what="the live region to announce the check")


# -- 9. sliders can say 50 % ---------------------------------------------------------------------
def test_a_slider_can_be_set_to_fifty_percent_and_back_to_not_set(open_notebook: Any) -> None:
    nb = open_notebook("confidence")
    nb.run_all(ready=CONFIDENCE_READY)
    row = nb.widget().locator("[data-claim-id='C15']")
    assert row.locator("output.sw-pct").inner_text() == "not set"
    assert slider(nb, "C15").get_attribute("aria-valuetext") == "not set"
    # A click in the middle of an unset slider (where it already sits) sets 50 %.
    box = slider(nb, "C15").bounding_box()
    nb.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_saved(nb, "q_confidence", {"C15": {"p": 50.0, "reason": ""}})
    assert nb.widget().locator("[data-claim-id='C15'] output.sw-pct").inner_text() == "50 %"
    # Keyboard: Enter on an unset slider takes its position, 50 %.
    slider(nb, "C20").focus()
    nb.page.keyboard.press("Enter")
    wait_for_saved(nb, "q_confidence", {"C15": {"p": 50.0, "reason": ""},
                                         "C20": {"p": 50.0, "reason": ""}})
    # A reason alone does not invent a percentage.
    reason = nb.widget().locator("[data-claim-id='C33'] input.sw-reason")
    reason.click()
    reason.type("No one else reports it")
    nb.page.keyboard.press("Enter")
    wait_for_saved(nb, "q_confidence", {"C15": {"p": 50.0, "reason": ""},
                                         "C20": {"p": 50.0, "reason": ""},
                                         "C33": {"p": None, "reason": "No one else reports it"}})
    # "Clear" takes a percentage back (to "not set").
    nb.widget().locator("[data-claim-id='C20'] button.sw-clear").click()
    wait_for_saved(nb, "q_confidence", {"C15": {"p": 50.0, "reason": ""},
                                         "C33": {"p": None, "reason": "No one else reports it"}})
    assert nb.widget().locator("[data-claim-id='C20'] output.sw-pct").inner_text() == "not set"


# -- keyboard only -------------------------------------------------------------------------------
UNITS_READY = "[data-unit-id='S14']"


def test_a_whole_task_answered_and_checked_without_the_mouse(open_notebook: Any) -> None:
    first, second = task("claims.attribution").labels
    nb = open_notebook("annotator-units")
    nb.run_all(ready=UNITS_READY)
    keyboard = nb.page.keyboard
    # Tab arrives at the label choice (a radio group: one tab stop, arrows move).
    nb.widget().locator(".sw-label[aria-checked='true']").focus()
    assert nb.focused("data-label") == first
    keyboard.press("ArrowRight")
    assert nb.focused("data-label") == second
    assert second in nb.widget().locator(".sw-label-help").inner_text()
    keyboard.press("ArrowLeft")
    keyboard.press("Tab")  # Undo is disabled: straight on to "Check my answer"
    assert nb.focused("data-focus-key") == "check"
    keyboard.press("Tab")
    assert nb.focused("data-unit-id") == "H"
    keyboard.press("ArrowDown")
    keyboard.press("Enter")  # S1: the first label
    keyboard.press("ArrowDown")
    keyboard.press("2")
    keyboard.press(" ")  # S2: the second label
    unit = ARTICLE.unit
    wait_for_saved(nb, "q_units", {"mode": "units", "marks": [
        {"unit": "S1", "start": unit("S1").start, "end": unit("S1").end, "label": first},
        {"unit": "S2", "start": unit("S2").start, "end": unit("S2").end, "label": second}]})
    s2 = nb.widget().locator("[data-unit-id='S2']")
    assert s2.get_attribute("aria-pressed") == "true"
    assert f"labelled: {second}" in s2.inner_text()
    wait_until(lambda: nb.widget().locator(".sw-live").inner_text() == "Saved.", timeout=5,
               what="the live region to say Saved.")
    for _ in range(6):  # back to "Check my answer"
        if nb.focused("data-focus-key") == "check":
            break
        keyboard.press("Shift+Tab")
    assert nb.focused("data-focus-key") == "check"
    keyboard.press("Enter")
    feedback = nb.widget().locator(".sw-feedback")
    feedback.wait_for(timeout=15000)
    assert "make an attempt first" in feedback.inner_text()  # two sentences (issue 24)
    assert in_viewport(feedback)
    assert nb.page.locator(".jp-Notebook .jp-Cell").count() == 1  # no key reached the notebook


# -- 8. lesson 3's comparison --------------------------------------------------------------------
def test_comparison_uses_the_width_and_titles_panes_like_its_columns(open_notebook: Any) -> None:
    nb = open_notebook("comparison-all")
    nb.run_all(ready="select[data-row-id='C37'][data-col-id='wire-sceptic']")
    w = nb.widget()
    nb.page.set_viewport_size({"width": 1600, "height": 1000})
    output = w.locator("xpath=ancestor::*[contains(@class, 'jp-OutputArea-output')][1]")
    wait_until(lambda: w.bounding_box()["width"] > 1000, timeout=5,
               what=f"the widget to use the width (it is {w.bounding_box()['width']:.0f} px)")
    assert w.bounding_box()["width"] >= output.bounding_box()["width"] - 40
    panes = w.locator(".sw-pane")
    assert panes.count() == 7
    row = w.locator(".sw-panes")
    assert row.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "panes scroll sideways"
    for pane in panes.all():
        assert pane.evaluate("e => getComputedStyle(e).overflowY") == "visible"
        assert pane.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    titles = [p.locator("h4").inner_text() for p in panes.all()[1:]]
    columns = w.locator("table[data-grid-id='matrix'] thead th[data-col-id]").all_inner_texts()
    assert titles == columns
    # The header row stays on top while the matrix scrolls (a short window makes it scroll).
    nb.page.set_viewport_size({"width": 1280, "height": 600})
    wrap = w.locator(".sw-table-wrap")
    wrap.scroll_into_view_if_needed()
    wrap.evaluate("e => { e.scrollTop = e.scrollHeight; }")
    nb.page.wait_for_timeout(100)
    header = w.locator("table[data-grid-id='matrix'] thead th").first
    assert abs(header.bounding_box()["y"] - wrap.bounding_box()["y"]) < 2
    assert wrap.evaluate("e => e.scrollTop") > 0
