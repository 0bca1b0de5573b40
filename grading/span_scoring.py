"""Scoring marked spans against key spans, tolerant of boundaries (token overlap)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .score_result import ItemResult, ScoreResult, clamp01

WORD = re.compile(r"\w+(?:[’'.]\w+)*", re.UNICODE)
MATCH_THRESHOLD = 0.5
WRONG_LABEL_CREDIT = 0.5


@dataclass(frozen=True)
class KeySpan:
    """A span the key expects, with the labels it accepts."""

    id: str
    start: int
    end: int
    labels: tuple[str, ...]
    rationale: str = ""
    text: str = ""


@dataclass(frozen=True)
class Mark:
    """A student's span (or whole unit) with a label."""

    start: int
    end: int
    label: str


def key_spans_from(raw: Sequence[Mapping[str, object]]) -> list[KeySpan]:
    """Build ``KeySpan`` items from plain JSON (what hidden test cells carry)."""
    return [KeySpan(str(r["id"]), int(r["start"]), int(r["end"]),  # type: ignore[arg-type]
                    tuple(r["labels"]), str(r.get("rationale", "")), str(r.get("text", "")))
            for r in raw]


def marks_from(raw: Sequence[Mapping[str, object]] | None) -> list[Mark]:
    """Marks from a saved answer; malformed entries are skipped."""
    marks = []
    for entry in raw or []:
        try:
            marks.append(Mark(int(entry["start"]), int(entry["end"]),  # type: ignore[arg-type]
                              str(entry["label"])))
        except (KeyError, TypeError, ValueError):
            continue
    return marks


@lru_cache(maxsize=8)
def word_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every word of a text, computed once per text."""
    return tuple((m.start(), m.end()) for m in WORD.finditer(text))


def tokens(text: str, start: int, end: int) -> frozenset[int]:
    """Start offsets of the words that overlap [start, end): a span's token set."""
    spans = word_spans(text)
    first = bisect.bisect_right(spans, (start, float("inf"))) - 1
    found = []
    for s, e in spans[max(first, 0):]:
        if s >= end:
            break
        if e > start:
            found.append(s)
    return frozenset(found)


def overlap(text: str, a: tuple[int, int], b: tuple[int, int]) -> float:
    """Dice coefficient of two spans' token sets (1 = same words, 0 = none shared)."""
    ta, tb = tokens(text, *a), tokens(text, *b)
    if not ta or not tb:
        return 0.0
    return 2 * len(ta & tb) / (len(ta) + len(tb))


def score_spans(text: str, marks: Sequence[Mark], key: Sequence[KeySpan], *,
                wrong_label_credit: float = WRONG_LABEL_CREDIT) -> ScoreResult:
    """Soft F1 between marks and key spans.

    A key span is found when a mark shares at least half of their words (Dice >= 0.5); the
    right label earns 1, another label ``wrong_label_credit``. Score = 2·credit / (marks + key),
    so unmatched marks lower precision and missing spans lower recall.
    """
    pairs = []
    for ki, item in enumerate(key):
        for mi, mark in enumerate(marks):
            dice = overlap(text, (item.start, item.end), (mark.start, mark.end))
            if dice >= MATCH_THRESHOLD:
                pairs.append((mark.label in item.labels, dice, ki, mi))
    pairs.sort(reverse=True)
    matched_key: dict[int, int] = {}
    used_marks: set[int] = set()
    for _, _, ki, mi in pairs:
        if ki not in matched_key and mi not in used_marks:
            matched_key[ki] = mi
            used_marks.add(mi)
    items: list[ItemResult] = []
    credit = 0.0
    for ki, item in enumerate(key):
        quoted = repr(item.text or text[item.start:item.end])
        if ki not in matched_key:
            items.append(ItemResult(item.id, "missed", 0.0, f"{quoted} was not marked.",
                                    item.rationale, item.labels))
            continue
        mark = marks[matched_key[ki]]
        if mark.label in item.labels:
            credit += 1.0
            items.append(ItemResult(item.id, "right", 1.0, f"{quoted} marked as {mark.label}.",
                                    item.rationale, item.labels, mark.label))
        else:
            credit += wrong_label_credit
            items.append(ItemResult(item.id, "partly", wrong_label_credit,
                                    f"{quoted} found, but labelled {mark.label}; the key says "
                                    f"{' or '.join(item.labels)}.", item.rationale, item.labels,
                                    mark.label))
    for mi, mark in enumerate(marks):
        if mi not in used_marks:
            items.append(ItemResult(f"extra-{mark.start}-{mark.end}", "extra", 0.0,
                                    f"{text[mark.start:mark.end]!r} ({mark.label}) is not in the "
                                    "key for this task.", ""))
    denominator = len(marks) + len(key)
    score = clamp01(2 * credit / denominator) if denominator and key else 0.0
    return ScoreResult(score, tuple(items))
