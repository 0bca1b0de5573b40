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
