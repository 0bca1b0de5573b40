"""Feedback pages in real Chromium: readable at 1400 px and on a 400 px phone, score first.

Screenshots of each page at each width go to the session's artefacts folder (printed), so a
person can look at what a student sees.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from course_builder import LESSON, graded_course

from sourcewise.grading.course.results.feedback import feedback_course

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader]

WIDTHS = (1400, 400)
HEIGHT = 800
# A missed-items page with a written answer not yet graded, a page with notes from grading,
# a page with nothing missed, and one whose notebook could not be read at all.
STUDENTS = ("middling", "corrupt", "perfect", "unreadable")

MEASURE = """() => {
  const root = document.documentElement;
  const score = document.querySelector('#score').getBoundingClientRect();
  const wide = [...document.querySelectorAll('pre, table, img, .item, blockquote')]
    .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right >
            root.clientWidth + 1).map(e => e.tagName + '.' + e.className);
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
          scoreBottom: score.bottom, scoreText: document.querySelector('#score').innerText,
          styled: getComputedStyle(document.querySelector('.item')).borderLeftWidth,
          wide: wide};
}"""


@pytest.fixture(scope="module")
def feedback_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    graded = graded_course(tmp_path_factory.mktemp("graded"))
    assert feedback_course(graded.path, progress=False) == 0
    return graded.path / "feedback"


def _look(browser: Any, page_path: Path, width: int, shot: Path) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": width, "height": HEIGHT})
    try:
        page = context.new_page()
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        found = page.evaluate(MEASURE)
        page.screenshot(path=str(shot), full_page=False)
        page.screenshot(path=str(shot.with_name(shot.stem + "-full.png")), full_page=True)
        print(f"screenshot: {shot}")
        return found
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_width_and_show_the_score_first(browser, artefacts, feedback_root,
                                                      width):
    """No sideways scroll (page or any block), the score inside the first screenful."""
    for student in STUDENTS:
        page = feedback_root / student / LESSON / f"{LESSON}.html"
        found = _look(browser, page, width, artefacts / f"feedback-{student}-{width}.png")
        assert found["scrollWidth"] <= found["clientWidth"], (student, found)
        assert found["wide"] == [], (student, found["wide"])
        assert found["scoreBottom"] <= HEIGHT, (student, found)
        assert "Score" in found["scoreText"], student
        assert found["styled"] == "6px", student  # the shared stylesheet was applied


def test_a_page_released_alone_still_fits_a_phone(browser, artefacts, feedback_root, tmp_path):
    """nbgrader's release copies only the .html: without the shared CSS it still wraps."""
    alone = tmp_path / "fetched" / f"{LESSON}.html"
    alone.parent.mkdir()
    shutil.copyfile(feedback_root / "middling" / LESSON / f"{LESSON}.html", alone)
    found = _look(browser, alone, 400, artefacts / "feedback-middling-400-alone.png")
    assert found["styled"] != "6px"  # really without the stylesheet
    assert found["scrollWidth"] <= found["clientWidth"], found
    assert found["scoreBottom"] <= HEIGHT, found
