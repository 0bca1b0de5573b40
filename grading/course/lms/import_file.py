"""``sourcewise export DIR --lms canvas|moodle --roster FILE``: the LMS's own gradebook import file.

The roster is read (and refused, with line and reason) before anything else, and the file is
written atomically, so a bad roster leaves no half-written import behind. A student on one
list but not the other is named in the summary, never dropped silently and never given 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sourcewise.grading.atomic_write import write_bytes_atomic
from sourcewise.grading.course.course_errors import CourseError
from sourcewise.grading.course.lms import canvas_csv, moodle_csv
from sourcewise.grading.course.lms.lesson_grades import (
    MISSING,
    WAITING,
    cell_text,
    course_grades,
    number,
)
from sourcewise.grading.course.lms.roster import MATCH_LABELS, match_students, read_roster

LMS_NAMES = {"canvas": "Canvas", "moodle": "Moodle"}
FILE_NAMES = {"canvas": "canvas-import.csv", "moodle": "moodle-import.csv"}


@dataclass
class ImportSummary:
    """What was written and who needs the instructor's attention."""

    lms: str
    path: Path
    students: int
    lessons: dict[str, str]  # lesson -> the column header written
    maxima: dict[str, float]
    match: str
    only_in_gradebook: list[str] = field(default_factory=list)
    only_in_roster: list[str] = field(default_factory=list)
    waiting: dict[str, list[str]] = field(default_factory=dict)  # lesson -> names
    missing: dict[str, list[str]] = field(default_factory=dict)
    missing_as_zero: bool = False

    def lines(self) -> list[str]:
        """The summary in plain sentences, for the terminal."""
        name = LMS_NAMES[self.lms]
        out = [f"wrote {self.path}: {self.students} student(s) × {len(self.lessons)} "
               f"lesson(s), for {name}'s gradebook import"]
        for lesson, header in self.lessons.items():
            new = "" if header != lesson or self.lms == "moodle" else " (new assignment)"
            out.append(f"  {header}: out of {number(self.maxima[lesson])}{new}")
        if self.lms == "moodle":
            out.append(f"  in Moodle: Map from '{moodle_csv.MOODLE_COLUMNS[self.match]}' to "
                       f"'{moodle_csv.MAP_TO[self.match]}'; for a new grade item set its "
                       "maximum grade to the lesson's points above")
        for lesson, names in self.waiting.items():
            out.append(f"  {lesson}: left blank for {len(names)} student(s) waiting for "
                       f"manual grading: {', '.join(names)}")
        for lesson, names in self.missing.items():
            what = "0" if self.missing_as_zero else "no grade"
            out.append(f"  {lesson}: not submitted, written as {what}: {', '.join(names)}")
        if self.only_in_gradebook:
            out.append(f"  not in the roster (no grade written; check their "
                       f"{MATCH_LABELS[self.match]}): {', '.join(self.only_in_gradebook)}")
        if self.only_in_roster:
            out.append(f"  in the roster but not in the gradebook (left out of the file): "
                       f"{', '.join(self.only_in_roster)}")
        return out


def write_import_file(course: Path, lms: str, roster_path: Path, *, out: Path | None = None,
                      match: str = "login", missing_as_zero: bool = False) -> ImportSummary:
    """Write the import file for ``lms`` (default: ``<course>/exports/``) and say what it holds."""
    if lms not in FILE_NAMES:
        raise CourseError(f"--lms must be canvas or moodle, not {lms!r}")
    roster = read_roster(roster_path)
    if roster.layout != lms:
        raise CourseError(f"{roster_path} is a {LMS_NAMES[roster.layout]} export, but "
                          f"--lms {lms} was asked for: export the roster from "
                          f"{LMS_NAMES[lms]} (or use --lms {roster.layout})")
    grades = course_grades(course)
    if not grades.students:
        raise CourseError(f"there are no students in the gradebook of {course}")
    matched = match_students(roster, grades.students, match)
    people = [p for p in roster.people if p not in matched.only_in_roster]
    if not people:
        raise CourseError(f"no student of the gradebook is in {roster_path} by "
                          f"{MATCH_LABELS[match]} (gradebook ids: "
                          f"{', '.join(grades.students[:5])}…); try another --match")
    person_of = {id(p): s for s, p in matched.by_student.items()}
    no_grade = canvas_csv.NO_GRADE if lms == "canvas" else moodle_csv.NO_GRADE
    cells: dict[tuple[int, str], str] = {}
    summary = ImportSummary(lms, Path(), len(people), {}, grades.maxima, match,
                            missing_as_zero=missing_as_zero)
    for person in people:
        student = person_of[id(person)]
        for lesson in grades.lessons:
            grade = grades.grades.get((student, lesson))
            cells[(person.line, lesson)] = cell_text(grade, no_grade=no_grade,
                                                     missing_as_zero=missing_as_zero)
            label = f"{person.name} ({student})"
            if grade is not None and grade.state == WAITING:
                summary.waiting.setdefault(lesson, []).append(label)
            elif grade is None or grade.state == MISSING:
                summary.missing.setdefault(lesson, []).append(label)
    if lms == "canvas":
        summary.lessons = canvas_csv.lesson_headers(grades.lessons, roster.assignments)
        payload = canvas_csv.canvas_file(people, summary.lessons, grades.maxima, cells)
    else:
        summary.lessons = {lesson: lesson for lesson in grades.lessons}
        payload = moodle_csv.moodle_file(people, grades.lessons, match, cells)
    summary.only_in_gradebook = matched.only_in_gradebook
    summary.only_in_roster = [f"{p.name} (line {p.line})" for p in matched.only_in_roster]
    folder = Path(out) if out is not None else Path(course) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    summary.path = folder / FILE_NAMES[lms]
    write_bytes_atomic(summary.path, payload)
    return summary
