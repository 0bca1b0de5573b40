"""Can a screen reader and a student in any JupyterLab theme use every widget?

axe-core (bundled by the ``axe-playwright-python`` package) audits each widget in a real
JupyterLab after a few answers are given, so marks, the word cursor and a pending selection are
on the page: no critical and no serious violations; the rest are counted and printed. The
theme test leaves a screenshot per theme in the artefacts folder (see ``conftest.artefacts``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lab_driver import THEMES, NotebookPage, saved_answers, wait_until

from sourcewise.seeds import load_article

pytestmark = pytest.mark.browser

ARTICLE = load_article()
WIDGET = ".sw-widget:not([data-stale])"
BLOCKING = ("critical", "serious")


def audit(nb: NotebookPage, what: str) -> dict[str, int]:
    """axe-core over the widget; fails on critical or serious violations, returns the rest."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(nb.page, context=WIDGET)
    violations = results.response["violations"]
    blocking = [f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}; e.g. "
                f"{v['nodes'][0]['html'][:160]}" for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe-core in {what}:\n" + "\n".join(blocking)
    rest = {f"{v['id']} ({v['impact']})": len(v["nodes"]) for v in violations}
    print(f"axe-core, {what}: 0 critical, 0 serious, {sum(rest.values())} other "
          f"{rest or ''}")
    return rest


def token(nb: NotebookPage, unit_id: str, word: str) -> Any:
    unit = ARTICLE.unit(unit_id)
    return nb.widget().locator(f".sw-token[data-start='{unit.start + unit.text.index(word)}']")


def answer_spans(nb: NotebookPage) -> None:
    """Two marks with different labels, then a pending selection with the cursor in it."""
    token(nb, "S1", "Islamic").click()
    token(nb, "S1", "State").click(modifiers=["Shift"])
    nb.page.keyboard.press("1")
    wait_until(lambda: saved_answers(nb.server.answers_file), what="the first mark")
    token(nb, "S1", "flagging").click()
    token(nb, "S1", "morale").click(modifiers=["Shift"])
    nb.page.keyboard.press("2")
    wait_until(lambda: len(saved_answers(nb.server.answers_file)["q_spans"]["marks"]) == 2,
               what="the second mark")
    token(nb, "S2", "Fighters").click()
    token(nb, "S2", "activists").click(modifiers=["Shift"])


def answer_units(nb: NotebookPage) -> None:
    nb.widget().locator("[data-unit-id='S1']").click()
    nb.widget().locator(".sw-legend [role='radio']").nth(1).click()
    nb.widget().locator("[data-unit-id='S2']").click()
    wait_until(lambda: len((saved_answers(nb.server.answers_file).get("q_units") or {})
                           .get("marks", [])) == 2, what="two labelled sentences")


def answer_grid(nb: NotebookPage) -> None:
    nb.widget().locator("select").first.select_option(index=1)
    wait_until(lambda: saved_answers(nb.server.answers_file), what="a saved choice")


def answer_confidence(nb: NotebookPage) -> None:
    nb.widget().locator("[data-claim-id='C15'] input[type='range']").focus()
    nb.page.keyboard.press("ArrowRight")
    wait_until(lambda: saved_answers(nb.server.answers_file), what="a saved slider")


def answer_transfer(nb: NotebookPage) -> None:
    nb.widget().get_by_label("Your name or student ID (optional)").fill("alice")
    with nb.page.expect_download():
        nb.widget().get_by_role("button", name="Download all my answers").click()
    nb.widget().locator(".sw-transfer-summary").wait_for(timeout=15000)


WIDGETS = {
    "annotator-units": ("[data-unit-id='S14']", answer_units),
    "annotator-spans": (".sw-token[data-start]", answer_spans),
    "source-linker": ("select[data-row-id='C33']", answer_grid),
    "comparison-all": ("select[data-row-id='C37'][data-col-id='wire-sceptic']", answer_grid),
    "confidence": ("[data-claim-id='C33'] input[type='range']", answer_confidence),
    "answer-transfer": ("button.sw-download", answer_transfer),
}


@pytest.mark.parametrize("name", list(WIDGETS))
def test_axe_finds_no_critical_or_serious_violation(open_notebook: Any, name: str) -> None:
    ready, answer = WIDGETS[name]
    nb = open_notebook(name)
    nb.run_all(ready=ready)
    audit(nb, f"{name}, as loaded")
    answer(nb)
    check = nb.widget().locator("button.sw-check")
    if check.count():  # every widget but the answers-file one has a self-check
        check.click()
        nb.widget().locator(".sw-feedback").wait_for(timeout=15000)
    audit(nb, f"{name}, answered and checked")


def test_marks_have_names_and_label_explanations_are_reachable(open_notebook: Any) -> None:
    nb = open_notebook("annotator-spans")
    nb.run_all(ready=WIDGETS["annotator-spans"][0])
    answer_spans(nb)
    w = nb.widget()
    s1 = w.locator("[data-unit-id='S1']")
    assert s1.get_attribute("role") == "listbox"
    names = [m.get_attribute("aria-label") for m in s1.locator(".sw-mark").all()]
    assert len(names) == 2 and all("Mark " in n and "“" in n for n in names)
    s2 = w.locator("[data-unit-id='S2']")
    cursor = s2.get_attribute("aria-activedescendant")
    assert cursor and w.locator(f"#{cursor}").inner_text() == "activists"
    assert s2.locator("[role='option'][aria-selected='true']").all_inner_texts() == [
        "Fighters", "and", "activists"]
    # Each label's explanation is the radio's description, not only a hover title.
    radio = w.locator(".sw-legend [role='radio']").first
    described = radio.get_attribute("aria-describedby")
    assert described and w.locator(f"#{described}").text_content().strip()
    assert w.locator(".sw-label-help").inner_text().strip()


def whole_widget_screenshot(nb: NotebookPage, path: Path) -> None:
    """The window grows for a moment, so the notebook's toolbar does not cover the widget."""
    size = nb.page.viewport_size
    height = nb.widget().bounding_box()["height"]
    nb.page.set_viewport_size({"width": size["width"], "height": int(max(size["height"],
                                                                           height + 300))})
    try:
        nb.widget().scroll_into_view_if_needed()
        nb.widget().screenshot(path=str(path))
    finally:
        nb.page.set_viewport_size(size)


def test_marks_are_readable_in_every_theme(open_notebook: Any, artefacts: Path) -> None:
    nb = open_notebook("annotator-spans")
    nb.run_all(ready=WIDGETS["annotator-spans"][0])
    answer_spans(nb)
    text = nb.widget().locator("[data-unit-id='S1']")
    seen = set()
    try:
        for theme in THEMES:
            nb.set_theme(theme)
            path = artefacts / f"annotator-spans-{theme.lower().replace(' ', '-')}.png"
            whole_widget_screenshot(nb, path)
            assert path.stat().st_size > 5000
            colours = text.locator(".sw-mark").first.evaluate(
                "e => [getComputedStyle(e).color, getComputedStyle(e).borderBottomColor, "
                "getComputedStyle(e.closest('.sw-widget')).color]")
            seen.add(tuple(colours))
            audit(nb, f"annotator-spans in {theme}")  # colour contrast included
    finally:
        nb.set_theme("JupyterLab Light")
    assert len(seen) >= 2, "the marks look the same in light and dark themes"
    print(f"theme screenshots: {artefacts}")
