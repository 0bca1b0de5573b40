"""Score results: a number in [0, 1] with an itemised, student-readable explanation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["right", "partly", "missed", "wrong", "extra", "unscored"]


@dataclass(frozen=True)
class ItemResult:
    """How one key item (a claim, span, link, matrix cell…) was answered."""

    item_id: str
    status: Status
    credit: float
    message: str
    rationale: str = ""
    accepted: tuple[str, ...] = ()
    given: str | None = None  # what the student chose (label, source, probability…)
    # For hints that must not quote the key: where the item is (a unit id such as "S7", or
    # the question's own label) and the student's own marked words.
    where: str = ""
    answered: str = ""


@dataclass(frozen=True)
class ScoreResult:
    """A score in [0, 1] and the items behind it."""

    score: float
    items: tuple[ItemResult, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def count(self, status: Status) -> int:
        return sum(1 for item in self.items if item.status == status)

    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in ("right", "partly", "missed", "wrong",
                                                           "extra", "unscored")}

    def points(self, maximum: float) -> float:
        """The score scaled to ``maximum`` points, a plain float clamped to [0, maximum]."""
        return float(min(max(self.score * maximum, 0.0), maximum))


def clamp01(value: float) -> float:
    return float(min(max(value, 0.0), 1.0))
