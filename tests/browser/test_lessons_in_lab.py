"""The real lessons in a real JupyterLab: can a keyboard alone do one, and does axe-core pass
every widget of every lesson?

The lessons are the source notebooks with the instructor's hidden tests taken out (what the
student's release holds), served by one JupyterLab whose notebooks render every cell (no
windowing), so that widgets far down a lesson are on the page for the audit too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from lab_driver import LabServer, NotebookPage, saved_answers, start_lab, wait_until
from test_accessibility import BLOCKING

from sourcewise.lessons import LESSONS_DIR, lesson_ids
from sourcewise.lessons.lesson_keys import BEGIN, END

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDGET = ".sw-widget:not([data-stale])"
# JupyterLab 4 keeps only the cells in view in the page by default ("full" windowing).
NO_WINDOWING = {"windowingMode": "none"}


def student_copy(lesson: str, folder: Path) -> None:
    """The lesson as its release has it: hidden tests out, no outputs."""
    nb = nbformat.read(LESSONS_DIR / f"{lesson}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and BEGIN in cell.source:
            head, _, rest = cell.source.partition(BEGIN)
            cell.source = head + rest.partition(END)[2]
    nbformat.write(nb, folder / f"{lesson}.ipynb")


@pytest.fixture(scope="module")
def lessons_lab(browser_available: None,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    root, home = tmp_path_factory.mktemp("lessons-root"), tmp_path_factory.mktemp("lessons-home")
    for lesson in lesson_ids():
        student_copy(lesson, root)
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps(NO_WINDOWING),
                                                          encoding="utf-8")
    server = start_lab(root, home)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def open_lesson(lessons_lab: LabServer, browser: Any) -> Iterator[Any]:
    pages: list[Any] = []
    errors: list[str] = []

    def _open(lesson: str) -> NotebookPage:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.on("pageerror", lambda err: errors.append(str(err)))
        pages.append(page)
        return NotebookPage(page, lessons_lab, lesson).open()

    try:
        yield _open
        assert not errors, f"JavaScript errors in the page: {errors}"
    finally:
        for page in pages:
            page.close()
        lessons_lab.delete_sessions()


# -- axe-core over every widget of every lesson ------------------------------------------------
@pytest.mark.parametrize("lesson", lesson_ids())
def test_axe_passes_every_widget_of_the_lesson(open_lesson: Any, lesson: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    nb = open_lesson(lesson)
    nb.run_all(ready="")
    widgets = nb.page.locator(WIDGET).count()
    if not widgets:
        print(f"axe-core, {lesson}: no widget in this lesson")
        return
    violations = Axe().run(nb.page, context=WIDGET).response["violations"]
    blocking = [f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}; e.g. "
                f"{v['nodes'][0]['html'][:160]}" for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe-core in lesson {lesson}:\n" + "\n".join(blocking)
    rest = {f"{v['id']} ({v['impact']})": len(v["nodes"]) for v in violations}
    print(f"axe-core, {lesson} ({widgets} widgets): 0 critical, 0 serious, "
          f"{sum(rest.values())} other {rest or ''}")


# -- lesson 5 with the keyboard only -----------------------------------------------------------
def answers(nb: NotebookPage) -> dict[str, Any]:
    return saved_answers(nb.server.root / "answers" / f"{nb.name}.json")


def press(nb: NotebookPage, key: str) -> None:
    nb.page.keyboard.press(key)


def focused(nb: NotebookPage) -> str:
    return str(nb.page.evaluate("() => document.activeElement?.dataset?.focusKey ?? "
                                "document.activeElement?.tagName"))


def judge_every_claim(nb: NotebookPage, widget: Any, question: str, claims: list[str]) -> None:
    """Per claim: the slider (Enter sets 50 %, arrows move it), then the reason; Tab between."""
    widget.locator("input[type='range']").first.focus()  # Tab's landing place in the widget
    for i, claim in enumerate(claims):
        assert focused(nb) == f"p-{claim}", f"focus is on {focused(nb)}, not {claim}'s slider"
        press(nb, "Enter")  # "not set" becomes 50 %
        for _ in range(i % 3):
            press(nb, "ArrowRight")  # 55 %, 60 %
        want = 50.0 + 5 * (i % 3)
        wait_until(lambda c=claim, w=want: (answers(nb).get(question) or {}).get(c, {})
                   .get("p") == w, what=f"{claim} at {want} %")
        press(nb, "Tab")  # the claim's "Clear" button
        press(nb, "Tab")  # its reason
        assert focused(nb) == f"r-{claim}"
        nb.page.keyboard.type(f"reason {i}")
        press(nb, "Tab")  # leaving the box saves the reason; focus goes to the next slider
        wait_until(lambda c=claim, i=i: (answers(nb).get(question) or {}).get(c, {})
                   .get("reason") == f"reason {i}", what=f"the reason for {claim}")


def tab_to(nb: NotebookPage, key: str, *, back: bool = False, limit: int = 10) -> None:
    """Tab (or Shift+Tab) until the control ``key`` has the focus."""
    for _ in range(limit):
        if focused(nb) == key:
            return
        press(nb, "Shift+Tab" if back else "Tab")
    raise AssertionError(f"Tab never reached {key} (focus on {focused(nb)})")


def test_lesson_5_can_be_completed_with_the_keyboard_alone(open_lesson: Any) -> None:
    from sourcewise.grading.task_keys import calibration_claims
    from sourcewise.seeds import load_key

    claims = calibration_claims(load_key())
    nb = open_lesson("05-weighing")
    nb.run_all(ready="[data-claim-id] input[type='range']")
    before, after = nb.page.locator(WIDGET).nth(0), nb.page.locator(WIDGET).nth(1)

    judge_every_claim(nb, before, "conf_before", claims)
    judge_every_claim(nb, after, "conf_after", claims)

    # "Check my answer" before the lock: what is open, no score, no record.
    tab_to(nb, "check")
    press(nb, "Enter")
    feedback = after.locator(".sw-feedback")
    feedback.wait_for(timeout=15000)
    assert "not scored yet" in feedback.inner_text()
    assert after.locator(".sw-outcome").count() == 0

    # Lock: back from "Check my answer" to the button, then the confirmation; Enter on each.
    assert focused(nb) == "check"
    tab_to(nb, "lock", back=True)
    press(nb, "Enter")
    assert focused(nb) == "lock-now", "the confirmation takes the focus"
    press(nb, "Enter")
    wait_until(lambda: (answers(nb).get("conf_after") or {}).get("frozen") is True,
               what="the lock saved with the answers")
    wait_until(lambda: after.locator(".sw-outcome").count() == len(claims),
               what="the record beside every claim")
    wait_until(lambda: "not scored yet" not in feedback.inner_text()
               and "Brier" in feedback.inner_text(), what="the scored self-check")
    assert after.locator("input[type='range']:disabled").count() == len(claims)
    assert "You said 50 %" in after.locator(".sw-outcome").first.inner_text()

    # And "Check my answer" again, by keyboard: the full self-check stays.
    tab_to(nb, "check")
    press(nb, "Enter")
    wait_until(lambda: "Brier" in after.locator(".sw-feedback").inner_text(),
               what="the self-check after the lock")
    saved = answers(nb)["conf_after"]
    assert saved["frozen"] is True
    assert [saved[c]["p"] for c in claims] == [50.0 + 5 * (i % 3) for i in range(len(claims))]
