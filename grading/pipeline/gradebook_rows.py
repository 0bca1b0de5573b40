"""Recording instructor-side scores in nbgrader's gradebook, as nbgrader's own autograde would.

Rows are written through nbgrader's ``Gradebook`` API: a student is registered the first time
their submission is graded, the submission gets its ``timestamp.txt`` time, each grade its auto
score (``needs_manual_grade`` exactly as nbgrader's SaveAutoGrades sets it), and each written
answer left untouched the comment "No response.". The caller commits, so a batch of submissions
costs one transaction.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from .submission_files import read_regular
from .submission_result import SubmissionResult

TIMESTAMP_FILE = "timestamp.txt"


def submitted_at(folder: Path) -> tuple[datetime | None, str]:
    """The submission time from ``timestamp.txt`` (as nbgrader reads it) and a note if unusable."""
    from nbgrader.utils import parse_utc

    path = Path(folder) / TIMESTAMP_FILE
    if not path.exists() and not path.is_symlink():
        return None, ""
    try:
        text = read_regular(path, 200)[:200].decode("utf-8", errors="replace").strip()
        return (parse_utc(text), "") if text else (None, "")
    except (OSError, ValueError, OverflowError, TypeError):
        return None, ("The submission's timestamp.txt could not be read, so no submission "
                      "time was recorded.")


class GradebookRows:
    """Writes graded submissions into an open ``Gradebook``; remembers registered students."""

    def __init__(self, gb: Any) -> None:
        self.gb = gb
        self.students = {s.id for s in gb.students}

    def write(self, result: SubmissionResult, timestamp: datetime | None) -> None:
        """Record one submission's scores (no commit)."""
        gb = self.gb
        if result.student not in self.students:
            gb.update_or_create_student(result.student)
            self.students.add(result.student)
        extra = {"timestamp": timestamp} if timestamp is not None else {}
        submission = gb.update_or_create_submission(result.lesson, result.student, **extra)
        scores = {item.grade_id: item.fix if item.fix is not None else item.score
                  for item in result.items}
        unanswered = set(result.unanswered)
        for nb in submission.notebooks:
            for grade in nb.grades:
                score = scores.get(grade.name)
                grade.auto_score = score
                grade.needs_manual_grade = grade.manual_score is not None or score is None
            for comment in nb.comments:
                comment.auto_comment = "No response." if comment.name in unanswered else None
