"""Feedback HTML: explanations shown, hidden tests, keys and tracebacks never."""

from __future__ import annotations

import json

import pytest
from course_builder import LESSON, STUDENTS, graded_course, source_cells

from sourcewise.grading.course.results.feedback import feedback_course, feedback_leaks

pytestmark = pytest.mark.nbgrader


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    graded = graded_course(tmp_path_factory.mktemp("graded"))
    assert feedback_course(graded.path, progress=False) == 0
    return {student: (graded.path / "feedback" / student / LESSON / f"{LESSON}.html")
            .read_text(encoding="utf-8") for student in STUDENTS}


@pytest.fixture(scope="module")
def key_texts(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Strings that exist only in the key: rationales and the raw key literal's fields."""
    graded = graded_course(tmp_path_factory.mktemp("graded"))
    texts = []
    for cell in source_cells(graded.path):
        if cell.key is None:
            continue
        items = cell.key.get("items") or {s["id"]: s for s in cell.key.get("spans", [])}
        texts += [str(item["rationale"]) for item in items.values() if item.get("rationale")]
        texts.append(json.dumps(cell.key, ensure_ascii=False)[:80])
    return texts


def test_no_hidden_tests_or_tracebacks_in_any_feedback(pages):
    """Is every page free of hidden-test source, key literals and tracebacks?"""
    for student, page in pages.items():
        leaks = feedback_leaks(page)
        if student == "cheating":  # its own cell redefines grade_item: the student's text
            leaks = [leak for leak in leaks if leak != "grade_item"]
        assert leaks == [], student


def test_perfect_student_sees_no_key_text(pages, key_texts):
    """With nothing missed, no rationale (key text) is shown — only the explanation."""
    import html

    page = html.unescape(pages["perfect"])
    assert "Score: " in page
    for text in key_texts:
        assert text not in page


def test_missed_items_show_the_explanation_with_rationale(pages):
    import html

    page = html.unescape(pages["middling"])
    assert "Why:" in page and "Score: " in page


def test_an_unusable_notebook_gets_a_page_with_the_reason_and_its_answers_graded(pages):
    import html

    page = html.unescape(pages["unreadable"])
    assert "could not be used" in page and "Score: " in page


def test_feedback_shows_the_grading_reasons(pages):
    import html

    assert "Grading note" in pages["deleted"]
    assert "Notes from grading" in pages["corrupt"]
    assert "not valid JSON" in html.unescape(pages["corrupt"])
