"""A class's real hand-ins (issue 23): stray and renamed notebooks, lost written answers, typo'd
lesson folders, loose files, students not on the roster. Each is graded or listed with what to
do, never silently dropped or zeroed, and every graded hand-in gets a feedback page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from course_builder import LESSON, make_course, submit

from sourcewise.grading.course import grading_log
from sourcewise.grading.course.autograde.run import autograde_course
from sourcewise.grading.course.nbgrader_env import gradebook, recorded_grades
from sourcewise.grading.course.results.feedback import feedback_course
from sourcewise.grading.demo.simulated_class import FREE_TEXT, SimulatedStudent

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

NOTEBOOK = f"{LESSON}.ipynb"
WRITTEN = "answer_why"  # the fixture lesson's written answer (2 points, graded by a person)
# Second downloads, Jupyter's "Untitled" and copies: every one is set aside, whatever its name.
STRAYS = {"stray-untitled": "Untitled.ipynb", "stray-untitled1": "Untitled1.ipynb",
          "stray-copy": f"{LESSON}-Copy1.ipynb", "stray-download": f"{LESSON} (1).ipynb"}
# A lone notebook under another name is the lesson's.
RENAMED = {"renamed-download": f"{LESSON} (1).ipynb", "renamed-untitled": "Untitled.ipynb"}
ROSTER = ["clean", "no-notebook", "cell-deleted", "two-strays", "link-beside", "alice",
          "gina", "lena", "dave-later", *STRAYS, *RENAMED]
# Folders a class makes that are not hand-ins of a lesson (relative to submitted/).
TYPO_FOLDERS = {"gina/90-fixtur": "90-fixture", "gina/90_fixture": "90-fixture",
                "gina/90-Fixture": "90-fixture"}


def _student(sid: str) -> SimulatedStudent:
    return SimulatedStudent(sid, 0.9)


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("week")
    course = make_course(root, [s for s in ROSTER if s != "dave-later"])
    sub = course / "submitted"
    for sid in ["clean", "no-notebook", "cell-deleted", "two-strays", "link-beside",
                *STRAYS, *RENAMED]:
        submit(course, _student(sid))
    for sid, name in STRAYS.items():
        folder = sub / sid / LESSON
        if name.startswith("Untitled"):
            (folder / name).write_bytes(b"")  # an empty file, as a crashed save leaves
        else:
            shutil.copyfile(folder / NOTEBOOK, folder / name)
    for name in ("Untitled.ipynb", "scratch.ipynb"):
        (sub / "two-strays" / LESSON / name).write_text('{"cells": []}', encoding="utf-8")
    for sid, name in RENAMED.items():
        folder = sub / sid / LESSON
        (folder / NOTEBOOK).rename(folder / name)
    (sub / "no-notebook" / LESSON / NOTEBOOK).unlink()
    deleted = sub / "cell-deleted" / LESSON / NOTEBOOK
    nb = json.loads(deleted.read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"]
                   if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != WRITTEN]
    deleted.write_text(json.dumps(nb), encoding="utf-8")
    (sub / "link-beside" / LESSON / "notes-link").symlink_to("/etc/hostname")
    # Not hand-ins: typo'd lesson folders, a loose notebook, students not on the roster.
    source = sub / "clean" / LESSON
    for relative in TYPO_FOLDERS:
        shutil.copytree(source, sub / relative)
    (sub / "lena").mkdir()
    shutil.copyfile(source / NOTEBOOK, sub / "lena" / NOTEBOOK)
    for folder in ("Alice", "ALICE", "root", "dave-later"):
        shutil.copytree(source, sub / folder / LESSON)
    code = autograde_course(course, progress=False)
    return {"course": course, "code": code}


def _grades(course: Path, sid: str) -> dict[str, tuple[float | None, bool]]:
    return {g: v for (s, lesson, g), v in recorded_grades(course).items()
            if s == sid and lesson == LESSON}


def _reasons(course: Path, sid: str) -> str:
    run = grading_log.latest_run(grading_log.read(course))[(sid, LESSON)]
    return " ".join(e.reason for e in run)


def test_stray_notebooks_are_set_aside_and_named(week):
    course = week["course"]
    for sid, name in {**STRAYS, "two-strays": "scratch.ipynb"}.items():
        graded = course / "autograded" / sid / LESSON
        assert sorted(p.name for p in graded.glob("*.ipynb")) == [NOTEBOOK], sid
        assert name in _reasons(course, sid), sid
        assert "Set aside" in _reasons(course, sid), sid
        clean = _grades(course, "clean")
        assert _grades(course, sid) == clean, sid  # same answers, same grades


def test_a_lone_renamed_notebook_is_graded_with_its_written_answer(week):
    course = week["course"]
    for sid, name in RENAMED.items():
        graded = json.loads((course / "autograded" / sid / LESSON / NOTEBOOK).read_text())
        texts = [c["source"] for c in graded["cells"]
                 if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == WRITTEN]
        assert texts == [FREE_TEXT["proficient"]], sid
        assert f"named {name}" in _reasons(course, sid), sid
        assert "deleted" not in _reasons(course, sid), sid
        score, pending = _grades(course, sid)[WRITTEN]
        assert (score, pending) == (None, True), sid  # waits for a person, as for 'clean'


@pytest.mark.parametrize("sid", ["no-notebook", "cell-deleted"])
def test_a_written_answer_that_cannot_be_found_waits_for_a_person(week, sid):
    """Never a silent 0: the cell needs manual grading, and the reason says why."""
    course = week["course"]
    score, pending = _grades(course, sid)[WRITTEN]
    assert (score, pending) == (None, True)
    entry = grading_log.item_entries(grading_log.read(course))[(sid, LESSON, WRITTEN)]
    assert entry.event == "manual"
    assert "not found" in entry.reason and "by hand" in entry.reason
    assert "had been deleted from the notebook; it was put back and graded" not in entry.reason


def test_a_set_aside_file_does_not_say_the_submission_was_not_graded(week):
    course = week["course"]
    reasons = _reasons(course, "link-beside")
    assert "notes-link" in reasons and "Not graded" not in reasons
    assert all(not pending for g, (_, pending) in _grades(course, "link-beside").items()
               if g != WRITTEN)


def test_every_graded_hand_in_gets_a_feedback_page(week):
    course = week["course"]
    assert feedback_course(course, progress=False) == 0
    for sid in ["clean", "no-notebook", "cell-deleted", "two-strays", *STRAYS, *RENAMED]:
        assert (course / "feedback" / sid / LESSON / f"{LESSON}.html").is_file(), sid


def test_folders_not_on_the_roster_are_not_added(week):
    course = week["course"]
    with gradebook(course) as gb:
        ids = {s.id for s in gb.students}
    assert not {"Alice", "ALICE", "root", "dave-later"} & ids
    assert not {s for (s, _, _) in recorded_grades(course)} & {"Alice", "ALICE", "root"}
    assert not (course / "autograded" / "gina").exists()
    assert not (course / "autograded" / "lena").exists()


def test_the_summary_lists_every_problem_and_every_folder_not_graded(week, tmp_path, capsys):
    copy = shutil.copytree(week["course"], tmp_path / "course")
    assert autograde_course(copy, progress=False, force=True) == 0
    out = capsys.readouterr().out
    for typo, meant in TYPO_FOLDERS.items():
        name = typo.split("/")[1]
        assert f"gina/{name}: {name}/ is not a lesson of this course; did you mean {meant}?" \
            in out
    assert f"lena/{LESSON}: {NOTEBOOK} is outside any lesson folder" in out
    assert "'Alice' is not on the roster; did you mean 'alice'?" in out
    assert "'ALICE' is not on the roster; did you mean 'alice'?" in out
    assert "root: 'root' is not on the roster" in out
    assert "'dave-later' is not on the roster" in out and "--add-students" in out
    for sid in ["no-notebook", "cell-deleted", "two-strays", *STRAYS, *RENAMED]:
        assert f"  {sid}/{LESSON}: " in out, sid
    assert f"  clean/{LESSON}: " not in out
    assert "written answer not found" in out


def test_add_students_grades_a_student_added_later(week, tmp_path):
    copy = shutil.copytree(week["course"], tmp_path / "course")
    assert autograde_course(copy, progress=False, students=["dave-later"],
                            add_students=True) == 0
    assert _grades(copy, "dave-later") == _grades(copy, "clean")
    with gradebook(copy) as gb:
        assert "dave-later" in {s.id for s in gb.students}
        assert "root" not in {s.id for s in gb.students}
