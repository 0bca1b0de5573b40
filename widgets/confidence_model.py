"""Confidence judgements: a probability (0–100 %) that each chosen claim is true, with a reason.

A graded set of judgements is *frozen* before the outcomes are shown: the saved value then
carries ``"frozen": true`` beside the claims, and no change is accepted after that, so the
answer that is graded (here and on the instructor's side, which reads the same saved value)
is the one given before the student saw what later reporting found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .annotation_model import AnswerModelError

MAX_REASON = 300
FROZEN = "frozen"  # the saved value's flag; claim ids ("C06") never take this name
LOCKED = ("these judgements were locked when you asked to see the record, so they stay as "
          "they were (they are the ones graded)")


def is_frozen(value: Any) -> bool:
    """Whether a saved confidence answer was locked before the outcomes were shown."""
    return isinstance(value, dict) and value.get(FROZEN) is True


@dataclass
class ConfidenceModel:
    """Per claim: ``{"p": 0..100 or None, "reason": "..."}``; claims not yet judged are absent.

    ``p`` is None ("not set") while only a reason has been written: 50 % is an answer a
    student can give, so it must never stand for "not set". Once ``frozen`` (see ``freeze``),
    every change is refused.
    """

    claims: tuple[str, ...]
    judgements: dict[str, dict[str, Any]] = field(default_factory=dict)
    frozen: bool = False

    def __post_init__(self) -> None:
        if not self.claims:
            raise AnswerModelError("a confidence task needs at least one claim")

    def judge(self, claim_id: str, percent: float | None, reason: str = "") -> None:
        """Set a claim's confidence (None: not set) and reason; both empty removes the entry."""
        if self.frozen:
            raise AnswerModelError(LOCKED)
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

    def unset(self) -> list[str]:
        """The claims that have no probability yet."""
        return [c for c in self.claims if (self.judgements.get(c) or {}).get("p") is None]

    def freeze(self) -> None:
        """Lock the judgements (before the outcomes are shown); every claim needs a number."""
        if self.frozen:
            return
        missing = self.unset()
        if missing:
            raise AnswerModelError("every claim needs a probability before the judgements "
                                   f"can be locked; not yet set: {', '.join(missing)}")
        self.frozen = True

    def to_value(self) -> dict[str, Any]:
        value: dict[str, Any] = {c: dict(j) for c, j in self.judgements.items()}
        if self.frozen:
            value[FROZEN] = True
        return value

    def restore(self, value: Any) -> list[str]:
        """Take a saved (or edited) value; once frozen, anything but the same value is refused."""
        if self.frozen:
            return [] if value == self.to_value() else [LOCKED]
        problems: list[str] = []
        self.judgements = {}
        if value is None:
            return problems
        if not isinstance(value, dict):
            return ["the saved answer is not in the expected form and was left out"]
        for claim_id, entry in value.items():
            if claim_id == FROZEN:
                continue
            try:
                self.judge(claim_id, entry["p"], entry.get("reason", ""))
            except (AnswerModelError, KeyError, TypeError, AttributeError) as err:
                problems.append(f"a saved judgement for {claim_id} was left out ({err})")
        if value.get(FROZEN) is True:
            try:
                self.freeze()
            except AnswerModelError as err:
                problems.append(f"the lock was left out ({err})")
        return problems


