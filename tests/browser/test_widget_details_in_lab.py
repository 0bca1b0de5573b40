"""Issue 24's smaller widget points in a real JupyterLab: lesson 5's lock refuses unset sliders
beside its button, the clear button reads "Clear", labels 10-13 have keys, and the matrix's
claim column stays readable."""

from __future__ import annotations

from typing import Any

import pytest
from lab_driver import saved_answers, wait_until

from sourcewise.grading.task_keys import task
from sourcewise.seeds import load_article

pytestmark = pytest.mark.browser

ARTICLE = load_article()


def test_the_lock_refuses_unset_sliders_beside_its_button(open_notebook: Any) -> None:
    nb = open_notebook("confidence")
    nb.run_all(ready="[data-claim-id='C33'] input[type='range']")
    w = nb.widget()
    assert w.locator("[data-claim-id='C20'] button.sw-clear").inner_text() == "Clear"
    w.locator("[data-claim-id='C15'] input[type='range']").focus()
    nb.page.keyboard.press("Enter")  # C15 at 50 %; C20 and C33 stay unset
    wait_until(lambda: (saved_answers(nb.server.answers_file).get("q_confidence") or {}).get(
        "C15"), what="C15 to be saved")
    w.locator("button.sw-lock-button").click()
    refusal = w.locator(".sw-lock-refusal")
    refusal.wait_for(timeout=5000)
    assert "C20" in refusal.inner_text() and "C33" in refusal.inner_text()
    assert "C15" not in refusal.inner_text().split("Not set yet:")[1]
    assert refusal.evaluate("node => node.closest('button') === null")
    assert w.locator("button.sw-lock-button").inner_text() == "Lock my answers and show the record"
    assert w.locator("button.sw-lock-now").count() == 0  # no confirmation step: refused
    assert "frozen" not in saved_answers(nb.server.answers_file)["q_confidence"]


def test_labels_ten_to_thirteen_have_keys(open_notebook: Any) -> None:
    labels = task("framing.devices").labels
    assert len(labels) == 13
    nb = open_notebook("annotator-spans")
    nb.run_all(ready=".sw-token[data-start]")
    w = nb.widget()
    assert w.locator(f".sw-legend [data-label='{labels[9]}'] .sw-swatch").inner_text() == "0"
    assert w.locator(f".sw-legend [data-label='{labels[12]}'] .sw-swatch").inner_text() == "⇧3"
    unit = ARTICLE.unit("S1")
    marks = []
    for word, key, label in (("flagging", "0", labels[9]), ("desertion", "Shift+1", labels[10]),
                             ("cohesion", "Shift+3", labels[12])):
        start = unit.start + unit.text.index(word)
        w.locator(f".sw-token[data-start='{start}']").click()
        nb.page.keyboard.press(key)
        marks.append({"unit": "S1", "start": start, "end": start + len(word), "label": label})
        wait_until(lambda m=list(marks): (saved_answers(nb.server.answers_file).get("q_spans")
                                          or {}).get("marks") == m,
                   what=f"{word} to be labelled {label}")


def test_the_matrix_claim_column_is_not_one_word_per_line(open_notebook: Any) -> None:
    nb = open_notebook("comparison-all")
    nb.run_all(ready="select[data-row-id='C37'][data-col-id='wire-sceptic']")
    header = nb.widget().locator("th[scope='row']").first
    box = header.bounding_box()
    assert box["width"] >= 200, f"the claim column is {box['width']:.0f} px wide"
