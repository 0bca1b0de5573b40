"""Confidence judgements: a probability (0–100 %) that each chosen claim is true, with a reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .annotation_model import AnswerModelError

MAX_REASON = 300


@dataclass
class ConfidenceModel:
    """Per claim: ``{"p": 0..100 or None, "reason": "..."}``; claims not yet judged are absent.

    ``p`` is None ("not set") while only a reason has been written: 50 % is an answer a
    student can give, so it must never stand for "not set".
    """

    claims: tuple[str, ...]
    judgements: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.claims:
            raise AnswerModelError("a confidence task needs at least one claim")

    def judge(self, claim_id: str, percent: float | None, reason: str = "") -> None:
        """Set a claim's confidence (None: not set) and reason; both empty removes the entry."""
        if claim_id not in self.claims:
            raise AnswerModelError(f"claim {claim_id!r} is not part of this task")
        if percent is not None:
            if isinstance(percent, bool) or not isinstance(percent, int | float):
                raise AnswerModelError(
                    f"confidence must be a number from 0 to 100, not {percent!r}")
            if not 0 <= percent <= 100:
                raise AnswerModelError(f"confidence must be from 0 to 100 %, not {percent}")
        reason = " ".join(str(reason).split())[:MAX_REASON]
        if percent is None and not reason:
            self.judgements.pop(claim_id, None)
            return
        self.judgements[claim_id] = {"p": None if percent is None else float(percent),
                                     "reason": reason}

    def to_value(self) -> dict[str, dict[str, Any]]:
        return {c: dict(j) for c, j in self.judgements.items()}

    def restore(self, value: Any) -> list[str]:
        problems: list[str] = []
        self.judgements = {}
        if value is None:
            return problems
        if not isinstance(value, dict):
            return ["the saved answer is not in the expected form and was left out"]
        for claim_id, entry in value.items():
            try:
                self.judge(claim_id, entry["p"], entry.get("reason", ""))
            except (AnswerModelError, KeyError, TypeError, AttributeError) as err:
                problems.append(f"a saved judgement for {claim_id} was left out ({err})")
        return problems


