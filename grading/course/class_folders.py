"""What is under ``submitted/``: the hand-ins to grade, and every folder or file that is not one.

nbgrader's layout is ``submitted/<student>/<lesson>/``. A real class also produces a typo'd
lesson folder (``01-claim``), a notebook dropped straight into ``submitted/<student>/``, a
folder named ``Alice`` for the registered ``alice``, and ``root`` when someone ran the exchange
as the root user. None of these is graded, and none is dropped without a word: each becomes a
:class:`Problem` naming the folder and what to do. A student not on the course's roster (the
gradebook's students) is graded only when the instructor says so (``--add-students``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sourcewise.grading.course.submission_result import Problem


@dataclass
class ClassFolders:
    """The hand-ins to grade (student, lesson) and what was left ungraded, with reasons."""

    to_grade: list[tuple[str, str]] = field(default_factory=list)
    not_graded: list[Problem] = field(default_factory=list)
    new_students: list[str] = field(default_factory=list)  # graded because add_students


def _near(name: str, choices: Iterable[str]) -> str | None:
    """The lesson or student a mistyped name most likely meant (difflib, as git does)."""
    options = list(choices)
    lowered = {choice.lower(): choice for choice in options}
    if name.lower() in lowered:
        return lowered[name.lower()]
    found = difflib.get_close_matches(name, options, n=1, cutoff=0.75)
    return found[0] if found else None


def _stray_file(student: str, path: Path, lessons: Sequence[str]) -> Problem:
    stem = path.stem.split(" (")[0]
    lesson = _near(stem, lessons)
    where = f"submitted/{student}/{lesson}/" if lesson else f"submitted/{student}/<lesson>/"
    return Problem(student, lesson or "", f"{path.name} is outside any lesson folder",
                   f"move it into {where} and run autograde again")


def _unknown_student(student: str, roster: set[str]) -> Problem:
    if student == "root":
        return Problem(student, "", "'root' is not on the roster: a submission made by the "
                       "root user (nbgrader's exchange names a hand-in after the account "
                       "that made it)", "find whose work it is, move it to submitted/<their "
                       "id>/ and run autograde again")
    meant = _near(student, roster)
    if meant is not None:
        return Problem(student, "", f"{student!r} is not on the roster; did you mean "
                       f"{meant!r}?", f"rename the folder submitted/{student}/ to "
                       f"submitted/{meant}/ if it is theirs")
    return Problem(student, "", f"{student!r} is not on the roster",
                   "check the name; to grade them, run autograde with --add-students (or "
                   f"register them: sourcewise course init COURSE --students {student})")


def survey(course: Path, lessons: Sequence[str], roster: Iterable[str], *,
           only_lessons: Sequence[str] | None = None,
           only_students: Sequence[str] | None = None,
           add_students: bool = False) -> ClassFolders:
    """Sort ``submitted/`` into hand-ins to grade and the rest (nothing is changed).

    Hidden entries (``.ipynb_checkpoints``, ``.DS_Store``) are ignored: Jupyter and file
    managers make them, students do not hand them in.
    """
    found = ClassFolders()
    registered = set(roster)
    wanted_lessons = set(only_lessons or lessons)
    wanted_students = set(only_students) if only_students else None
    root = Path(course) / "submitted"
    if not root.is_dir():
        return found
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        student = entry.name
        if wanted_students is not None and student not in wanted_students:
            continue
        if not entry.is_dir() or entry.is_symlink():
            found.not_graded.append(Problem("", "", f"submitted/{entry.name} is a file outside "
                                            "any student's folder",
                                            "move it into submitted/<student>/<lesson>/"))
            continue
        if student not in registered:
            if not add_students:
                found.not_graded.append(_unknown_student(student, registered))
                continue
            found.new_students.append(student)
        for item in sorted(entry.iterdir()):
            if item.name.startswith("."):
                continue
            if not item.is_dir() or item.is_symlink():
                found.not_graded.append(_stray_file(student, item, lessons))
            elif item.name in lessons:
                if item.name in wanted_lessons:
                    found.to_grade.append((student, item.name))
            elif only_lessons is None:
                meant = _near(item.name, lessons)
                found.not_graded.append(Problem(
                    student, item.name, f"{item.name}/ is not a lesson of this course"
                    + (f"; did you mean {meant}?" if meant else ""),
                    f"rename it to submitted/{student}/{meant}/" if meant else
                    f"the lessons are {', '.join(lessons)}"))
    return found


def roster(course: Path) -> set[str]:
    """The students registered in the course's gradebook."""
    from sourcewise.grading.course.nbgrader_env import gradebook

    with gradebook(course) as gb:
        return {student.id for student in gb.students}
