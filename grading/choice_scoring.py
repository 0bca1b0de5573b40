"""Scoring one choice per item (labels per claim, claim-to-source links, matrix cells)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .score_result import ItemResult, ScoreResult, clamp01


@dataclass(frozen=True)
class Expected:
    """The key's answer for one item: the preferred choice, accepted alternatives, rationale."""

    choice: str
    also: tuple[str, ...] = ()
    rationale: str = ""
    partial: Mapping[str, float] | None = None

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.choice, *self.also)


def expected_from(
    raw: Mapping[str, Sequence[object] | Mapping[str, object]],
) -> dict[str, Expected]:
    """Build ``Expected`` items from plain JSON (what hidden test cells carry)."""
    items = {}
    for item_id, spec in raw.items():
        if isinstance(spec, Mapping):
            items[item_id] = Expected(str(spec["choice"]), tuple(spec.get("also", ())),
                                      str(spec.get("rationale", "")), spec.get("partial"))
        else:
            items[item_id] = Expected(str(spec[0]), tuple(spec[1:]))
    return items


def score_choices(answer: Mapping[str, object] | None, expected: Mapping[str, Expected], *,
                  names: Mapping[str, str] | None = None,
                  choice_names: Mapping[str, str] | None = None) -> ScoreResult:
    """Share of key items answered with an accepted choice; partial credit where the key allows.

    An item left empty is ``missed``; a choice outside the accepted set is ``wrong``. Answers for
    items the key does not have are ignored (they cannot lower the score).
    """
    answer = answer or {}
    names = names or {}
    shown = dict(choice_names or {})
    items = []
    for item_id, exp in expected.items():
        given = answer.get(item_id)
        label = names.get(item_id, item_id)
        said, key_says = shown.get(str(given), given), shown.get(exp.choice, exp.choice)
        if given in (None, ""):
            items.append(ItemResult(item_id, "missed", 0.0, f"{label}: no answer given.",
                                    exp.rationale, exp.accepted))
        elif given in exp.accepted:
            items.append(ItemResult(item_id, "right", 1.0, f"{label}: {said} is right.",
                                    exp.rationale, exp.accepted, str(given)))
        elif exp.partial and given in exp.partial:
            credit = clamp01(float(exp.partial[str(given)]))
            items.append(ItemResult(item_id, "partly", credit,
                                    f"{label}: {said} is partly right; the key says "
                                    f"{key_says}.", exp.rationale, exp.accepted, str(given)))
        else:
            items.append(ItemResult(item_id, "wrong", 0.0,
                                    f"{label}: you chose {said}; the key says {key_says}.",
                                    exp.rationale, exp.accepted, str(given)))
    total = sum(item.credit for item in items)
    # `where` names the question as the student sees it, for hints that must not name answers.
    items = [replace(item, where=names.get(item.item_id, item.item_id)) for item in items]
    return ScoreResult(clamp01(total / len(items)) if items else 0.0, tuple(items))
