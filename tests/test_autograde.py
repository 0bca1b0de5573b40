"""Autograde on a real temp course: partial credit, deleted cells, damaged files, noise, loops."""

from __future__ import annotations

from pathlib import Path

import pytest
from course_builder import LESSON, STUDENTS, graded_course, source_cells

from sourcewise.grading.course import grading_log
from sourcewise.grading.course.nbgrader_env import gradebook
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
            assert "not valid JSON" in entries[cell.grade_id].reason
    notes = [e.reason for e in _log(graded.path, "corrupt") if e.item is None]
    assert any("not valid JSON" in note for note in notes)


@pytest.mark.parametrize("student", ["noisy", "crashing", "looping", "hooked", "tampered"])
def test_student_code_problems_do_not_change_the_grade(graded, student):
    """stderr noise, an exception, an endless loop, stderr inside graded cells, an edited or
    duplicated grade cell: each gets the grade its answers earn."""
    expected = _expected(graded.path, graded.answers[student])
    grades = _grades(graded.path, student)
    for grade_id, points in expected.items():
        assert grades[grade_id][0] == pytest.approx(points, abs=1e-9)
        assert grades[grade_id][1] is False


def test_student_code_is_never_run_by_default(graded):
    """Do a stderr hook, a crash and an endless loop change nothing (no kernel runs)?"""
    for student in ("noisy", "hooked", "crashing", "looping", "exiting", "cheating"):
        expected = _expected(graded.path, graded.answers[student])
        grades = _grades(graded.path, student)
        for grade_id, points in expected.items():
            assert grades[grade_id] == (pytest.approx(points, abs=1e-9), False)


def test_edited_and_duplicated_cells_are_noted(graded):
    notes = " ".join(e.reason for e in _log(graded.path, "tampered") if e.item is None)
    assert "edited" in notes and "more than once" in notes


def test_edited_grade_cell_claiming_full_points_gets_the_computed_score(graded):
    expected = _expected(graded.path, graded.answers["tampered"])
    grades = _grades(graded.path, "tampered")
    for grade_id, points in expected.items():
        assert grades[grade_id][0] == pytest.approx(points, abs=1e-9)


def test_unreadable_notebook_still_grades_the_saved_answers(graded):
    """A notebook that does not parse: widget tasks graded from the answers file, written
    answers left for a person (issue 23: never a silent 0), and a note that says why."""
    expected = _expected(graded.path, graded.answers["unreadable"])
    grades = _grades(graded.path, "unreadable")
    for grade_id, (score, pending) in grades.items():
        if grade_id in expected:
            assert score == pytest.approx(expected[grade_id], abs=1e-9)
            assert not pending
        else:
            assert (score, pending) == (None, True)
    notes = [e.reason for e in _log(graded.path, "unreadable") if e.item is None]
    assert any("could not be used" in note for note in notes)
    assert graded.exit_code == 0
    graded_students = {p.parent.name for p in (graded.path / "autograded").glob(f"*/{LESSON}")}
    assert graded_students == set(STUDENTS)


def test_nothing_submitted_is_changed_and_answers_are_the_students(graded):
    after = {str(p.relative_to(graded.path)): p.read_bytes()
             for p in (graded.path / "submitted").rglob("*") if p.is_file()}
    assert after == graded.submitted_before
    for student in ("perfect", "middling"):
        ours = graded.path / "autograded" / student / LESSON / "answers" / f"{LESSON}.json"
        theirs = graded.path / "submitted" / student / LESSON / "answers" / f"{LESSON}.json"
        assert ours.read_bytes() == theirs.read_bytes()


def test_rerun_skips_graded_submissions(graded, capsys):
    from sourcewise.grading.course.autograde.run import autograde_course

    lines_before = len(grading_log.read(graded.path))
    autograde_course(graded.path, students=["perfect"], progress=False)
    assert "skipped 1" in capsys.readouterr().out
    assert len(grading_log.read(graded.path)) == lines_before




def test_formgrader_renders_the_autograded_notebook_and_takes_manual_grades(graded, tmp_path):
    """Does formgrader's own page render an answers-graded submission, and does a manual
    rubric score entered there count in the exported grade?"""
    import shutil

    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    from sourcewise.grading.course.results.export import course_frames

    course = shutil.copytree(graded.path, tmp_path / "course")  # the shared course stays as is
    config = Config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    with gradebook(course) as gb:
        notebook = gb.find_submission_notebook(LESSON, LESSON, "middling")
        resources = {"assignment_id": LESSON, "notebook_id": LESSON,
                     "submission_id": notebook.id, "index": 0, "total": 1, "base_url": "",
                     "student": "middling", "last_name": None, "first_name": None,
                     "notebook_path": f"autograded/middling/{LESSON}/{LESSON}.ipynb"}
        html, _ = HTMLExporter(config=config).from_filename(
            str(course / "autograded" / "middling" / LESSON / f"{LESSON}.ipynb"),
            resources=resources)
        assert "Score: " in html  # the graded cells show the computed score's explanation
        manual = [g for g in notebook.grades if g.needs_manual_grade]
        assert manual, "the written answer waits for a person"
        for grade in manual:  # what formgrader's GradeHandler.put does
            grade.manual_score = 2.0
            grade.needs_manual_grade = False
        gb.db.commit()
    grades, _ = course_frames(course)
    row = grades[(grades.student == "middling") & (grades.lesson == LESSON)].iloc[0]
    expected = sum(_expected(course, graded.answers["middling"]).values()) + 2.0 * len(manual)
    assert row.score == pytest.approx(expected)
    assert row.status == "graded"
