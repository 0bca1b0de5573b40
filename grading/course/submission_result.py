"""What grading one submission found: per item a score and its reason; plain data."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ItemOutcome:
    """What autograde gave one grade cell, and what Sourcewise sets when that was wrong."""

    grade_id: str
    max_score: float
    score: float | None
    event: str = "graded"
    reason: str = ""
    explanation: str = ""
    fix: float | None = None  # the score to record instead of nbgrader's


@dataclass(frozen=True)
class Problem:
    """Something about one hand-in that the instructor should hear of: what, and what to do."""

    student: str
    lesson: str
    what: str
    todo: str = ""


@dataclass
class SubmissionResult:
    """The outcome of grading one student's lesson; plain data, safe to pass between processes."""

    student: str
    lesson: str
    ok: bool
    seconds: float
    notes: list[str] = field(default_factory=list)
    items: list[ItemOutcome] = field(default_factory=list)
    error: str = ""
    # Written-answer cells still holding the release text ("No response." in the gradebook).
    unanswered: list[str] = field(default_factory=list)
    # Problems for the run's closing summary (the notes say the same to the student).
    problems: list[Problem] = field(default_factory=list)
    # Written-answer cells whose text differs from the last graded copy (a person's grade of
    # an unchanged answer is kept on a regrade; of a changed one, it is opened again).
    changed_written: list[str] | None = None

    def flag(self, what: str, todo: str = "") -> None:
        """Add a problem for the summary."""
        self.problems.append(Problem(self.student, self.lesson, what, todo))
