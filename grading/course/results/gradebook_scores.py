"""Every grade and comment of the gradebook, read in two queries for the whole class.

nbgrader's ``GetGrades`` asks the gradebook once per cell of every page, and its ORM objects
load each grade's cell and score lazily (a query each); feedback (and any export) for 1,000
students × 7 lessons needs the same rows for everyone, so they are read once with SQLAlchemy
Core on nbgrader's own tables. A grade's score is
nbgrader's: the manual score if a person set one, else the automatic one, plus extra credit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class CellGrade:
    """One graded cell of a submission, as the gradebook holds it."""

    score: float
    max_score: float
    auto_score: float | None
    manual_score: float | None
    needs_manual: bool  # nbgrader's needs_manual_grade

    @property
    def pending(self) -> bool:
        """Needs a person's grade and has none yet."""
        return self.needs_manual and self.manual_score is None


@dataclass
class SubmissionGrades:
    """Grades, comments and late penalty of one (student, lesson)."""

    grades: dict[str, CellGrade] = field(default_factory=dict)  # grade id -> grade
    comments: dict[str, str] = field(default_factory=dict)  # grade id -> comment
    late_penalty: float = 0.0


def read_grades(course: Path, lessons: Iterable[str] | None = None,
                student: str | None = None) -> dict[tuple[str, str], SubmissionGrades]:
    """(student, lesson) -> its grades, for every submission in the gradebook (or the
    given lessons and student)."""
    from nbgrader import api
    from sqlalchemy import func, select

    from sourcewise.grading.course.nbgrader_env import gradebook

    grade, cell = api.Grade.__table__, api.BaseCell.__table__
    grade_cell, task_cell = api.GradeCell.__table__, api.TaskCell.__table__
    comment = api.Comment.__table__
    sub_nb, sub = api.SubmittedNotebook.__table__, api.SubmittedAssignment.__table__
    assignment = api.Assignment.__table__
    wanted = sorted(lessons) if lessons else None

    def scoped(query: Any) -> Any:
        query = query.join(sub, sub_nb.c.assignment_id == sub.c.id).join(
            assignment, sub.c.assignment_id == assignment.c.id)
        return query

    def where(query: Any) -> Any:
        if wanted is not None:
            query = query.where(assignment.c.name.in_(wanted))
        if student is not None:
            query = query.where(sub.c.student_id == student)
        return query

    found: dict[tuple[str, str], SubmissionGrades] = {}
    grades_q = where(select(
        sub.c.student_id, assignment.c.name, cell.c.name, grade.c.auto_score,
        grade.c.manual_score, grade.c.extra_credit, grade.c.needs_manual_grade,
        func.coalesce(grade_cell.c.max_score, task_cell.c.max_score),
        sub_nb.c.late_submission_penalty,
    ).select_from(scoped(grade.join(sub_nb, grade.c.notebook_id == sub_nb.c.id)
                         .join(cell, grade.c.cell_id == cell.c.id)
                         .outerjoin(grade_cell, grade_cell.c.id == cell.c.id)
                         .outerjoin(task_cell, task_cell.c.id == cell.c.id))))
    comments_q = where(select(
        sub.c.student_id, assignment.c.name, cell.c.name,
        func.coalesce(comment.c.manual_comment, comment.c.auto_comment),
    ).select_from(scoped(comment.join(sub_nb, comment.c.notebook_id == sub_nb.c.id)
                         .join(cell, comment.c.cell_id == cell.c.id))))
    with gradebook(course) as gb:
        for sid, lesson, name, auto, manual, extra, needs, points, penalty in gb.db.execute(
                grades_q):
            entry = found.setdefault((sid, lesson), SubmissionGrades())
            base = manual if manual is not None else auto
            score = (base + (extra or 0.0)) if base is not None else 0.0
            entry.grades[name] = CellGrade(float(score), float(points or 0.0), auto, manual,
                                           bool(needs))
            entry.late_penalty = float(penalty or 0.0)
        for sid, lesson, name, text in gb.db.execute(comments_q):
            if text:
                found.setdefault((sid, lesson), SubmissionGrades()).comments[name] = str(text)
    return found
