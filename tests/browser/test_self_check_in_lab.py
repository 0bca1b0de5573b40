"""Lesson 1's claims task in a real JupyterLab: checks that teach, and clicks at the bottom edge.

Issue 24: an empty "Check my answer" must not hand over the key, the expert's answer comes only
on request after an attempt and is noted in the answers file; a plain click on a word near the
bottom of the notebook marks that one word, not a range.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from lab_driver import NotebookPage, wait_until

from sourcewise.grading.span_scoring import WORD
from sourcewise.grading.task_keys import CLAIM_CHECK_LABELS
from sourcewise.seeds import load_article, load_key
from sourcewise.seeds.task_settings import load_task_settings

# The sentences lesson 1's focused task asks about (the seed's tasks.json).
FOCUS_UNITS = load_task_settings("isis-morale-2014").focus_units

pytestmark = pytest.mark.browser

ARTICLE = load_article()
KEY = load_key()
READY = ".sw-token[data-start]"
QUESTION = "claims_check"


def saved(nb: NotebookPage) -> dict[str, Any]:
    path = nb.server.answers_file
    return json.loads(path.read_text(encoding="utf-8"))["answers"] if path.exists() else {}


def marks(nb: NotebookPage) -> list[dict[str, Any]]:
    return (saved(nb).get(QUESTION) or {}).get("value", {}).get("marks", [])


def token_at(nb: NotebookPage, start: int) -> Any:
    return nb.widget().locator(f".sw-token[data-start='{start}']")


def words_of(unit_id: str) -> list[tuple[int, int]]:
    """The widget's words of a unit, as absolute (start, end) offsets."""
    unit = ARTICLE.unit(unit_id)
    return [(unit.start + m.start(), unit.start + m.end()) for m in WORD.finditer(unit.text)]


def last_token_start(unit_id: str, end: int) -> int:
    return [s for s, _ in words_of(unit_id) if s < end][-1]


def mark_claim(nb: NotebookPage, claim_id: str, label_number: int) -> None:
    """Click the claim's first word, shift-click its last, press the label's number key."""
    claim = KEY.claim(claim_id)
    start, end = claim["span"]["start"], claim["span"]["end"]
    token_at(nb, start).click()
    token_at(nb, last_token_start(claim["unit"], end)).click(modifiers=["Shift"])
    before = len(marks(nb))
    nb.page.keyboard.press(str(label_number))
    wait_until(lambda: len(marks(nb)) == before + 1, what=f"{claim_id} to be saved")


def check(nb: NotebookPage, expect: str, button: str = "button.sw-check") -> str:
    """Press a self-check button and wait for a result that says ``expect``."""
    widget = nb.widget()
    widget.locator(button).click()
    feedback = widget.locator(".sw-feedback")
    wait_until(lambda: feedback.count() and expect in feedback.inner_text(),
               what=f"a self-check result saying {expect!r}")
    return str(feedback.inner_text())


def focus_claims() -> list[dict[str, Any]]:
    return [c for c in KEY.claims if c["unit"] in FOCUS_UNITS]


def test_checks_ask_for_an_attempt_give_hints_then_the_noted_expert_answer(
        open_notebook: Any) -> None:
    nb = open_notebook("claims-focused")
    nb.run_all(ready=READY)
    w = nb.widget()
    for _ in range(3):  # Check, again and again, on an empty answer: the key stays hidden
        text = check(nb, "make an attempt first")
        assert w.locator("button.sw-expert").count() == 0
        for claim in focus_claims():
            assert claim["span"]["text"] not in text and claim["rationale"] not in text
    own_unverified = CLAIM_CHECK_LABELS.index("own voice · unverified") + 1
    # An attempt: five claims of S7 and S12, all as the writer's unsourced assertions
    # (right for C21, C34 and C35; C20 and C33 are attributed in the article).
    for claim_id in ("C20", "C21", "C33", "C34", "C35"):
        mark_claim(nb, claim_id, own_unverified)
    text = check(nb, "Hints:")
    assert "who stands behind it: reconsider" in text
    assert "S2 still holds" in text and "S9 still holds" in text
    for claim in focus_claims():
        assert claim["rationale"] not in text
        if claim["unit"] in ("S2", "S9"):
            assert claim["span"]["text"] not in text
    assert not any(k.endswith("expert_answer") for k in saved(nb))

    text = check(nb, "You asked for the expert's answer", "button.sw-expert")
    s2_claim = next(c for c in focus_claims() if c["unit"] == "S2")
    assert s2_claim["rationale"] in text  # now the full answer, with the expert's reasons
    note = saved(nb)[f"{QUESTION}.claims.focused.expert_answer"]["value"]
    assert note["times"] == 1 and 0 < note["score_before"] < 1


GAP = """(start) => {
    const outer = document.querySelector('.jp-WindowedPanel-outer');
    const word = document.querySelector(`.sw-token[data-start='${start}']`);
    return outer.getBoundingClientRect().bottom - word.getBoundingClientRect().bottom;
}"""


def place_at_bottom(nb: NotebookPage, start: int) -> dict[str, float]:
    """Put the word starting at ``start`` at the notebook's bottom edge (3 px above it):
    scroll the notebook, and where it cannot scroll that far, make the window shorter."""
    gap = nb.page.evaluate(GAP, start)
    nb.page.evaluate("(d) => { document.querySelector('.jp-WindowedPanel-outer').scrollTop -= d; }",
                     gap - 3)
    nb.page.wait_for_timeout(150)
    gap = nb.page.evaluate(GAP, start)
    if gap > 3.5:  # the notebook is not long enough to scroll the word down to the edge
        size = nb.page.viewport_size
        nb.page.set_viewport_size({"width": size["width"], "height": int(size["height"] - gap + 3)})
        nb.page.wait_for_timeout(300)
    return token_at(nb, start).bounding_box()


@pytest.mark.parametrize("unit_id", ["S1", "S2", "S7", "S12", "S14"])
def test_a_click_at_the_bottom_edge_marks_one_word(open_notebook: Any, unit_id: str) -> None:
    nb = open_notebook("claims-focused")
    nb.run_all(ready=READY)
    unit = ARTICLE.unit(unit_id)
    words = words_of(unit_id)
    start, end = words[1]  # its first line: the rest of the sentence lies below the edge
    box = place_at_bottom(nb, start)
    outer = nb.page.evaluate(
        "document.querySelector('.jp-WindowedPanel-outer').getBoundingClientRect().bottom")
    assert outer - 40 < box["y"] + box["height"] <= outer + 1, "the word is not at the edge"
    # A student's click: the button stays down for a moment while the page reacts. When
    # content moves under a still pointer, a desktop Chromium sends a mouse move at the same
    # place (headless Chromium does not by itself): the second move stands for it.
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    nb.page.mouse.move(x, y)
    nb.page.mouse.down()
    nb.page.wait_for_timeout(200)
    nb.page.mouse.move(x, y)
    nb.page.wait_for_timeout(100)
    nb.page.mouse.up()
    nb.page.wait_for_timeout(300)  # any scroll or redraw the click causes has happened
    nb.page.keyboard.press("Enter")
    wait_until(lambda: marks(nb), what="the click's mark to be saved")
    assert [(m["start"], m["end"]) for m in marks(nb)] == [(start, end)], (
        f"a click on {unit.text[start - unit.start:end - unit.start]!r} marked "
        f"{[ARTICLE.text[m['start']:m['end']] for m in marks(nb)]}")
