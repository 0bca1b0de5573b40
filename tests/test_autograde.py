"""Autograde on a real temp course: partial credit, deleted cells, damaged files, noise, loops."""

from __future__ import annotations

from pathlib import Path

import pytest
from course_builder import LESSON, STUDENTS, graded_course, source_cells

from sourcewise.grading import grading_log
from sourcewise.grading.course import gradebook
from sourcewise.grading.item_grading import score_task

pytestmark = pytest.mark.nbgrader


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    return graded_course(tmp_path_factory.mktemp("graded"))


def _grades(course: Path, student: str) -> dict[str, tuple[float | None, bool]]:
    with gradebook(course) as gb:
        notebook = gb.find_submission_notebook(LESSON, LESSON, student)
        return {g.name: (g.auto_score, bool(g.needs_manual_grade)) for g in notebook.grades}


def _expected(course: Path, answers: dict) -> dict[str, float]:
    """Points computed directly with the scoring functions (no nbgrader, no kernel)."""
    return {cell.grade_id: score_task(cell.kind, answers.get(cell.question), cell.key)
            .points(cell.points) for cell in source_cells(course) if cell.autograded}


def _log(course: Path, student: str) -> list[grading_log.LogEntry]:
    runs = grading_log.latest_run(grading_log.read(course))
    return runs[(student, LESSON)]


def test_partial_credit_is_recorded_as_computed(graded):
    """Does the gradebook hold exactly the points the scoring functions give?"""
    expected = _expected(graded.path, graded.answers["middling"])
    grades = _grades(graded.path, "middling")
    assert any(0 < value < cell.points for cell in source_cells(graded.path)
               if cell.autograded for value in [expected[cell.grade_id]])
    for grade_id, points in expected.items():
        assert grades[grade_id][0] == pytest.approx(points, abs=1e-9)
        assert grades[grade_id][1] is False


def test_perfect_gets_full_marks_and_empty_gets_zero(graded):
    cells = {c.grade_id: c for c in source_cells(graded.path) if c.autograded}
    perfect, empty = _grades(graded.path, "perfect"), _grades(graded.path, "empty")
    for grade_id, cell in cells.items():
        assert perfect[grade_id][0] == pytest.approx(cell.points)
        assert empty[grade_id][0] == 0.0


def test_deleted_grade_cell_is_restored_and_graded(graded):
    """Is a deleted grade cell graded from the answers (not left 'needs manual grading')?"""
    expected = _expected(graded.path, graded.answers["deleted"])
    grades = _grades(graded.path, "deleted")
    for grade_id, points in expected.items():
        assert grades[grade_id] == (pytest.approx(points, abs=1e-9), False)
    restored = [e for e in _log(graded.path, "deleted") if e.event == "restored"]
    assert len(restored) == 1 and "deleted" in restored[0].reason


def test_corrupt_answer_file_scores_zero_with_a_reason(graded):
    grades = _grades(graded.path, "corrupt")
    entries = {e.item: e for e in _log(graded.path, "corrupt") if e.item}
    for cell in source_cells(graded.path):
        if cell.autograded:
            assert grades[cell.grade_id] == (0.0, False)
            assert "damaged" in entries[cell.grade_id].reason
    notes = [e.reason for e in _log(graded.path, "corrupt") if e.item is None]
    assert any("damaged" in note for note in notes)


@pytest.mark.parametrize("student", ["noisy", "crashing", "looping", "hooked", "tampered"])
def test_student_code_problems_do_not_change_the_grade(graded, student):
    """stderr noise, an exception, an endless loop, stderr inside graded cells, an edited or
    duplicated grade cell: each gets the grade its answers earn."""
    expected = _expected(graded.path, graded.answers[student])
    grades = _grades(graded.path, student)
    for grade_id, points in expected.items():
        assert grades[grade_id][0] == pytest.approx(points, abs=1e-9)
        assert grades[grade_id][1] is False


def test_stderr_in_a_graded_cell_is_corrected_with_a_reason(graded):
    corrected = [e for e in _log(graded.path, "hooked") if e.event == "corrected"]
    assert corrected and all("stderr" in e.reason for e in corrected)


def test_edited_and_duplicated_cells_are_noted(graded):
    notes = " ".join(e.reason for e in _log(graded.path, "tampered") if e.item is None)
    assert "edited" in notes and "more than once" in notes


def test_timeout_and_exception_are_noted(graded):
    assert any("time limit" in e.reason for e in _log(graded.path, "looping"))
    assert any("ValueError" in e.reason for e in _log(graded.path, "crashing"))


def test_unreadable_notebook_scores_zero_and_the_rest_are_graded(graded):
    grades = _grades(graded.path, "unreadable")
    assert all(score == 0.0 and not pending for score, pending in grades.values())
    notes = [e.reason for e in _log(graded.path, "unreadable") if e.item is None]
    assert any("could not be read" in note for note in notes)
    assert graded.exit_code == 1  # reported, yet every other student was graded
    graded_students = {p.parent.name for p in (graded.path / "autograded").glob(f"*/{LESSON}")}
    assert graded_students == set(STUDENTS) - {"unreadable"}


def test_nothing_submitted_is_changed_and_answers_are_the_students(graded):
    after = {str(p.relative_to(graded.path)): p.read_bytes()
             for p in (graded.path / "submitted").rglob("*") if p.is_file()}
    assert after == graded.submitted_before
    for student in ("perfect", "middling"):
        ours = graded.path / "autograded" / student / LESSON / "answers" / f"{LESSON}.json"
        theirs = graded.path / "submitted" / student / LESSON / "answers" / f"{LESSON}.json"
        assert ours.read_bytes() == theirs.read_bytes()


def test_rerun_skips_graded_submissions(graded, capsys):
    from sourcewise.grading.autograde import autograde_course

    lines_before = len(grading_log.read(graded.path))
    autograde_course(graded.path, students=["perfect"], progress=False)
    assert "skipped 1" in capsys.readouterr().out
    assert len(grading_log.read(graded.path)) == lines_before


def test_precheck_notes_stale_and_damaged_answer_files(tmp_path):
    """Does the pre-check name a stale or damaged answer file in plain words?"""
    from sourcewise.grading.autograde import precheck
    from sourcewise.grading.simulated_class import write_answers

    folder = tmp_path / "submitted" / "s1" / LESSON
    folder.mkdir(parents=True)
    (folder / f"{LESSON}.ipynb").write_text('{"cells": [], "metadata": {}}', encoding="utf-8")
    write_answers(folder, LESSON, {"q_attribution": {"marks": []}}, fingerprint="old-text")
    assert any("another version" in note for note in precheck(tmp_path, "s1", LESSON))
    (folder / "answers" / f"{LESSON}.json").write_text('{"schema_version": 1, "ans',
                                                       encoding="utf-8")
    assert any("damaged" in note for note in precheck(tmp_path, "s1", LESSON))
    (folder / f"{LESSON}.ipynb").write_text("not json", encoding="utf-8")
    assert any("could not be read" in note for note in precheck(tmp_path, "s1", LESSON))
