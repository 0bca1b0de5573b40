"""Builds real nbgrader courses from the fixture lesson for the grading tests (shared per session).

Not a test module: ``graded_course()`` builds one course with a handful of simulated students
(and the bad inputs issue 5 names), autogrades it once, and hands the same folder to every
test module that asks, so the slow part runs once per test session.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sourcewise.grading.demo.simulated_class import (
    SimulatedStudent,
    simulate_answers,
    write_submission,
)
from sourcewise.lessons.lesson_cells import GradedCell, graded_cells
from sourcewise.lessons.lesson_keys import sync_notebook

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "90-fixture.ipynb"
LESSON = "90-fixture"
TIMEOUT = 15  # per cell; the endless-loop student costs this much once

# A stderr hook that fires after every cell, graded cells included (nbgrader scores those 0).
STDERR_HOOK = ('import sys\nget_ipython().events.register("post_run_cell", '
               'lambda result: print("library noise", file=sys.stderr))')


def fixture_lesson(folder: Path) -> Path:
    """A copy of the fixture lesson with hidden blocks regenerated from the current key."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FIXTURE.name
    shutil.copyfile(FIXTURE, path)
    sync_notebook(path)
    return path


def make_course(root: Path, students: list[str], timeout: int = TIMEOUT) -> Path:
    """An initialised and built course with the fixture lesson."""
    from sourcewise.grading.course.course_folder import build_course, init_course

    lesson = fixture_lesson(root / "lesson")
    course = root / "course"
    assert init_course(course, students, lessons=[lesson], timeout=timeout) == 0
    assert build_course(course) == 0
    return course


def source_cells(course: Path) -> list[GradedCell]:
    return graded_cells(course / "source" / LESSON / f"{LESSON}.ipynb")


def _tamper(notebook: dict[str, Any]) -> None:
    """Edit the first graded cell to claim full points and duplicate the second one."""
    graded = [i for i, c in enumerate(notebook["cells"])
              if c.get("metadata", {}).get("nbgrader", {}).get("grade")
              and c["cell_type"] == "code"]
    notebook["cells"][graded[0]]["source"] = "4.0"
    copy = json.loads(json.dumps(notebook["cells"][graded[1]]))
    copy["id"] = "duplicated-cell"
    notebook["cells"].insert(graded[1] + 1, copy)


def submit(course: Path, student: SimulatedStudent, *, extra_cells: tuple[str, ...] = (),
           raw_notebook: str | None = None, tamper: bool = False) -> dict[str, Any]:
    """Write a submission; extra code cells go right after the setup cell."""
    folder = course / "submitted" / student.id / LESSON
    write_submission(course / "release" / LESSON / f"{LESSON}.ipynb", folder, student,
                     source_cells(course))
    notebook_path = folder / f"{LESSON}.ipynb"
    if raw_notebook is not None:
        notebook_path.write_text(raw_notebook, encoding="utf-8")
    elif extra_cells or tamper:
        notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
        if tamper:
            _tamper(notebook)
        for offset, source in enumerate(extra_cells):
            notebook["cells"].insert(2 + offset, {
                "cell_type": "code", "id": f"student-{offset}", "metadata": {},
                "source": source, "outputs": [], "execution_count": None})
        notebook_path.write_text(json.dumps(notebook), encoding="utf-8")
    return simulate_answers(source_cells(course), student.quality,
                            f"0|{student.id}|{LESSON}", noise=student.noise)


@dataclass
class GradedCourse:
    """A course autograded once, and what each simulated student submitted."""

    path: Path
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    submitted_before: dict[str, bytes] = field(default_factory=dict)
    exit_code: int = 0


STUDENTS = {
    "perfect": SimulatedStudent("perfect", 1.0),
    "middling": SimulatedStudent("middling", 0.6),
    "empty": SimulatedStudent("empty", 0.0),
    "deleted": SimulatedStudent("deleted", 0.6, "deleted-cell"),
    "corrupt": SimulatedStudent("corrupt", 0.6, "corrupt-file"),
    "noisy": SimulatedStudent("noisy", 0.6),
    "hooked": SimulatedStudent("hooked", 0.6),
    "crashing": SimulatedStudent("crashing", 0.6),
    "looping": SimulatedStudent("looping", 0.6),
    "exiting": SimulatedStudent("exiting", 0.6),
    "cheating": SimulatedStudent("cheating", 0.3),
    "unreadable": SimulatedStudent("unreadable", 0.6),
    "tampered": SimulatedStudent("tampered", 0.6),
}
EXTRA_CELLS = {
    "noisy": ('import sys\nprint("a warning from my code", file=sys.stderr)',),
    "hooked": (STDERR_HOOK,),
    "crashing": ('raise ValueError("a bug in my own cell")',),
    "looping": ("while True:\n    pass",),
    "exiting": ("import os\nos._exit(3)",),
    # Full points from any graded cell that asks the helper (it is never asked by default).
    "cheating": ("import sourcewise.grading as g\ng.grade_item = lambda *a, **k: float(a[4])",),
}

_BUILT: dict[str, GradedCourse] = {}


def graded_course(root: Path) -> GradedCourse:
    """The shared autograded course (built on first use under ``root``)."""
    if "main" in _BUILT:
        return _BUILT["main"]
    from sourcewise.grading.course.autograde.run import autograde_course

    course = make_course(root, sorted(STUDENTS))
    # An instructor who tried the lesson inside source/ left answers there: autograde must not
    # copy them over the students' files (Autograde.exclude_overwriting).
    instructor = course / "source" / LESSON / "answers" / f"{LESSON}.json"
    instructor.parent.mkdir(parents=True)
    instructor.write_text('{"schema_version": 1, "answers": {}}', encoding="utf-8")
    result = GradedCourse(course)
    for sid, student in STUDENTS.items():
        raw = '{"cells": [' if sid == "unreadable" else None
        result.answers[sid] = submit(course, student, extra_cells=EXTRA_CELLS.get(sid, ()),
                                     raw_notebook=raw, tamper=sid == "tampered")
    result.submitted_before = {str(p.relative_to(course)): p.read_bytes()
                               for p in (course / "submitted").rglob("*") if p.is_file()}
    result.exit_code = autograde_course(course, progress=False)
    _BUILT["main"] = result
    return result
