"""Autograde registers a student the first time their submission is graded, as nbgrader does,
whatever the worker count and mode (issue 14); progress in a log is a few short lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from course_builder import LESSON, make_course, submit

from sourcewise.grading.course.autograde.run import autograde_course
from sourcewise.grading.course.nbgrader_env import gradebook, recorded_grades
from sourcewise.grading.demo.simulated_class import SimulatedStudent

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

STUDENTS = {"never-registered": 1.0, "also-new": 0.5, "deleted-cell": 0.6, "third": 0.0}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built course whose gradebook has no students at all."""
    folder = make_course(tmp_path_factory.mktemp("unregistered"), [])
    with gradebook(folder) as gb:
        assert gb.students == []
    for sid, quality in STUDENTS.items():
        quirk = "deleted-cell" if sid == "deleted-cell" else None
        submit(folder, SimulatedStudent(sid, quality, quirk))
    return folder


def _copy(course: Path, target: Path) -> Path:
    import shutil

    shutil.copytree(course, target)
    return target


@pytest.mark.parametrize(("jobs", "execute"), [(1, False), (2, False), (2, True)])
def test_students_are_registered_on_the_fly(course: Path, tmp_path: Path, jobs: int,
                                            execute: bool) -> None:
    """Does a gradebook without students end up with every submitter's grades?"""
    copy = _copy(course, tmp_path / "course")
    assert autograde_course(copy, jobs=jobs, force=True, progress=False, execute=execute,
                            add_students=True) == 0
    with gradebook(copy) as gb:
        assert sorted(s.id for s in gb.students) == sorted(STUDENTS)
    grades = recorded_grades(copy)
    for sid in STUDENTS:
        mine = {g: v for (s, lesson, g), v in grades.items() if s == sid and lesson == LESSON}
        autograded = [score for score, needs_manual in mine.values() if not needs_manual]
        assert mine and autograded and all(score is not None for score in autograded), mine


def test_same_grades_for_one_and_two_workers(course: Path, tmp_path: Path) -> None:
    one = _copy(course, tmp_path / "one")
    two = _copy(course, tmp_path / "two")
    assert autograde_course(one, jobs=1, progress=False, add_students=True) == 0
    assert autograde_course(two, jobs=2, progress=False, add_students=True) == 0
    assert recorded_grades(one) == recorded_grades(two)


def test_progress_in_a_log_is_a_few_lines_not_carriage_returns(course: Path,
                                                               tmp_path: Path) -> None:
    """When stderr is not a terminal (CI, a pipe), progress is a short line every 10 %."""
    copy = _copy(course, tmp_path / "course")
    run = subprocess.run([sys.executable, "-m", "sourcewise.grading.cli.main", "autograde",
                          str(copy), "--add-students"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "\r" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith("autograde")]
    assert 1 <= len(lines) <= 11, run.stderr
    assert f" {len(STUDENTS)}/{len(STUDENTS)} " in lines[-1]
