"""Feedback HTML: explanations shown, hidden tests, keys and tracebacks never."""

from __future__ import annotations

import json
from pathlib import Path

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


# -- issue 23: a page a student reads first ----------------------------------------------------

def _item_block(page: str, grade_id: str) -> str:
    start = page.index(f'id="item-{grade_id}"')
    return page[start:page.index("</li>\n", page.index('class="jump"', start))]


def test_page_opens_with_score_and_results_then_notes_then_notebook(pages):
    """Is the order score → what to do next → itemised results → notes → notebook?"""
    page = pages["corrupt"]
    order = [page.index(mark) for mark in ('id="score"', "What to do next:", 'id="results"',
                                          "Notes from grading", 'id="notebook"')]
    assert order == sorted(order)


def test_no_raw_score_values_and_no_test_cell_labels(pages, tmp_path_factory):
    """The value a graded cell returns (nbgrader's Out[ ]) and "Test cell" never show."""
    graded = graded_course(tmp_path_factory.mktemp("graded"))
    notebook = json.loads((graded.path / "autograded" / "middling" / LESSON / f"{LESSON}.ipynb")
                          .read_text(encoding="utf-8"))
    raw = [output["data"]["text/plain"] for cell in notebook["cells"]
           for output in cell.get("outputs", []) if output["output_type"] == "execute_result"]
    assert raw and any(len(value) > 6 for value in raw)  # e.g. 2.76056338028169
    for student, page in pages.items():
        assert "Test cell" not in page and "Out[" not in page, student
    for value in raw:
        if len(value) > 6:
            assert value not in pages["middling"]


def test_written_answer_not_yet_graded_says_so_instead_of_zero(pages):
    """The fixture's written answer (2 points) has no manual grade yet."""
    import html

    block = html.unescape(_item_block(pages["middling"], "answer_why"))
    assert "Not graded yet (2 points)" in block and "0 / 2" not in block
    assert "It matters who says it" in block  # the student's own words
    perfect = html.unescape(pages["perfect"])
    # 4 + 3 + 2 auto-graded points, all right; the 2 written points still open.
    assert "Score so far: 9 / 11" in perfect
    assert "2 of these points are for written answers that are not graded yet" in perfect


def test_pages_of_a_lesson_share_one_stylesheet(pages, tmp_path_factory):
    graded = graded_course(tmp_path_factory.mktemp("graded"))
    css = graded.path / "feedback" / "_shared" / LESSON / "feedback.css"
    rules = css.read_text(encoding="utf-8")
    assert ".explained" in rules
    for student, page in pages.items():
        assert f'href="../../_shared/{LESSON}/feedback.css"' in page, student
        assert ".explained" not in page, student  # linked, not repeated
        inline = page[page.index("<style>"):page.index("</style>")]
        assert len(inline) < 400, student


@pytest.fixture
def course_copy(tmp_path, tmp_path_factory) -> Path:
    """A copy of the graded course (its own gradebook) that a test may change."""
    import shutil

    graded = graded_course(tmp_path_factory.mktemp("graded"))
    shutil.copytree(graded.path, tmp_path / "course", symlinks=True)
    return tmp_path / "course"


def test_a_manual_grade_and_comment_reach_only_that_students_page(course_copy):
    """After hand grading one answer, ``--student`` rewrites that student's page alone."""
    import html
    import os

    from sourcewise.grading.course.nbgrader_env import gradebook

    comment = "You name a reason; now say what a reader can check."
    with gradebook(course_copy) as gb:
        gb.find_grade("answer_why", LESSON, LESSON, "middling").manual_score = 1.5
        gb.find_comment("answer_why", LESSON, LESSON, "middling").manual_comment = comment
        gb.db.commit()
    other = course_copy / "feedback" / "perfect" / LESSON / f"{LESSON}.html"
    os.utime(other, (1_000_000, 1_000_000))
    assert feedback_course(course_copy, student="middling", progress=False) == 0
    page = html.unescape((course_copy / "feedback" / "middling" / LESSON / f"{LESSON}.html")
                         .read_text(encoding="utf-8"))
    block = _item_block(page, "answer_why")
    assert "Score: 1.5 / 2" in block and comment in block and "Not graded yet" not in block
    assert "not graded yet" not in page[:page.index('id="results"')]
    assert other.stat().st_mtime == 1_000_000


def test_nbgrader_release_feedback_finds_the_pages(course_copy):
    """Does ``nbgrader release_feedback`` release the page of a collected submission?"""
    import subprocess
    import sys

    from nbgrader.utils import notebook_hash

    folder = course_copy / "autograded" / "middling" / LESSON
    (folder / "timestamp.txt").write_text("2026-03-02 10:00:00.000000 UTC", encoding="utf-8")
    (folder / "submission_secret.txt").write_text("secret-of-middling", encoding="utf-8")
    assert feedback_course(course_copy, student="middling", progress=False) == 0
    run = subprocess.run([sys.executable, "-m", "nbgrader", "release_feedback", LESSON,
                          "--student", "middling"], cwd=course_copy, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    released = (course_copy / "exchange" / "course" / "feedback"
                / f"{notebook_hash(secret='secret-of-middling', notebook_id=LESSON)}.html")
    page = course_copy / "feedback" / "middling" / LESSON / f"{LESSON}.html"
    assert released.read_bytes() == page.read_bytes()
