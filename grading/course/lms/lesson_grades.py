"""Each student's grade per lesson as the LMS should see it: a score, "no grade yet", or missing.

The numbers are the gradebook's, read through ``results.export.course_frames`` (the same rows
``grades.csv`` holds); this module only decides what each LMS cell says. A lesson whose
written answers still wait for a person is left without a grade (a part score would look
final), and a lesson never handed in is "no grade" unless the instructor asks for 0. Each grade
also carries its hand-in's timing from ``due_dates`` (when, how late, the late policy's
penalty); the score stays the gradebook's, which no late policy changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sourcewise.grading.course.due_dates import SubmissionStatus

GRADED, WAITING, MISSING = "graded", "waiting for manual grading", "not submitted"


@dataclass(frozen=True)
class LessonGrade:
    """One student's result in one lesson, as recorded in the gradebook."""

    student: str
    lesson: str
    state: str  # GRADED, WAITING or MISSING
    score: float
    max_score: float
    needs_manual: int  # written answers not graded yet
    timing: SubmissionStatus = field(default_factory=lambda: SubmissionStatus("not submitted"))

    @property
    def submitted_at(self) -> datetime | None:
        return self.timing.submitted

    @property
    def overdue(self) -> bool:
        """Not handed in and past its due date (the report's "missing")."""
        return self.state == MISSING and self.timing.state == "missing"


@dataclass
class CourseGrades:
    """Every student × lesson of a course, and each lesson's maximum."""

    lessons: list[str]
    maxima: dict[str, float]
    students: list[str]
    grades: dict[tuple[str, str], LessonGrade] = field(default_factory=dict)
    # given out through the exchange, handed in by someone, or past due (as the report says)
    released: set[str] = field(default_factory=set)


def course_grades(course: Path) -> CourseGrades:
    """The gradebook's lesson grades (registered students × every lesson of the course)."""
    from sourcewise.grading.course.due_dates import read_due_dates, status_of
    from sourcewise.grading.course.results.export import course_frames

    frame, _ = course_frames(course)
    dates = read_due_dates(course)
    lessons = list(dict.fromkeys(frame["lesson"]))
    result = CourseGrades(lessons, {}, sorted(set(frame["student"])))
    for row in frame.itertuples(index=False):
        state = (MISSING if row.status == "not submitted"
                 else WAITING if int(row.needs_manual) else GRADED)
        result.grades[(row.student, row.lesson)] = LessonGrade(
            row.student, row.lesson, state, float(row.score), float(row.max_score),
            int(row.needs_manual),
            status_of(dates, row.student, row.lesson,
                      Path(course) / "submitted" / row.student / row.lesson))
        if row.released:
            result.released.add(row.lesson)
        result.maxima[row.lesson] = max(result.maxima.get(row.lesson, 0.0), float(row.max_score))
    return result


def cell_text(grade: LessonGrade | None, *, no_grade: str, missing_as_zero: bool) -> str:
    """What the LMS cell says: the score, or the LMS's "no grade" (0 for missing on request)."""
    if grade is None or grade.state == WAITING:
        return ""
    if grade.state == MISSING:
        return "0" if missing_as_zero else no_grade
    return number(grade.score)


def number(value: float) -> str:
    """A score as an LMS reads it: a dot for decimals, no trailing zeros, two places at most."""
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
