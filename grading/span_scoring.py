"""Scoring marked spans against key spans: tolerant of boundaries, splits, merges and clauses.

Two experts who agree on what a text claims still draw their marks differently: one marks a
whole sentence, another its two clauses; one marks two neighbouring claims as one. The scorer
accepts these defensible variants (each rule below is pinned by a hand-written fixture in
``tests/fixtures/span_answers``):

- **boundaries**: a mark matches a key span when they share at least half their words
  (Dice >= 0.5);
- **splits**: adjacent marks that together cover a key span match it; the key item earns
  credit once and the pieces are not counted as extras;
- **clauses**: inside a long key span (a sentence-sized omission, a long clause), a mark of
  at least a short clause that lies wholly inside it matches it;
- **merges**: one mark that contains two key spans, and is mostly made of them, matches both;
- **labels**: a key span lists every label experts use for it; a label made of parts joined
  by " · " (e.g. "attributed · unverified") earns credit per part;
- **accepted extras**: key spans with ``required: false`` are defensible marks the key does
  not require; marking one never lowers the score and leaving it out costs nothing;
- **out of scope**: key spans with ``role: "ignore"`` (sentences a task does not ask about)
  swallow marks without credit or penalty;
- **nested items**: where one key span lies inside another (a hedge inside a longer omission),
  marking either is enough for the required one: the annotator holds one mark per stretch.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .score_result import ItemResult, ScoreResult, clamp01

WORD = re.compile(r"\w+(?:[’'.]\w+)*", re.UNICODE)
MATCH_THRESHOLD = 0.5
WRONG_LABEL_CREDIT = 0.5
LABEL_PART_SEPARATOR = " · "
# A mark lies "inside" a key span when at least this share of its words are in it.
INSIDE = 0.8
# Pieces of a split must together cover at least this share of the key span for full credit.
SPLIT_COVERAGE = 0.5
# A key span this long (in words) accepts any clause inside it of at least CLAUSE_WORDS words.
LONG_SPAN_WORDS = 12
CLAUSE_WORDS = 3
# A merged mark must be made mostly of the key spans it contains, and contain at most two.
MERGE_SHARE = 0.6
MERGE_MAX = 2


@dataclass(frozen=True)
class KeySpan:
    """A span the key expects, with the labels it accepts."""

    id: str
    start: int
    end: int
    labels: tuple[str, ...]
    rationale: str = ""
    text: str = ""
    required: bool = True
    role: str = "claim"  # "claim" (scored) or "ignore" (outside the task's scope)
    where: str = ""  # the unit it sits in, e.g. "S7", so feedback can say where to look


@dataclass(frozen=True)
class Mark:
    """A student's span (or whole unit) with a label."""

    start: int
    end: int
    label: str


def key_spans_from(raw: Sequence[Mapping[str, object]]) -> list[KeySpan]:
    """Build ``KeySpan`` items from plain JSON (what hidden test cells carry)."""
    return [KeySpan(str(r["id"]), int(r["start"]), int(r["end"]),  # type: ignore[arg-type]
                    tuple(r.get("labels", ())),  # type: ignore[arg-type]
                    str(r.get("rationale", "")), str(r.get("text", "")),
                    bool(r.get("required", True)), str(r.get("role", "claim")),
                    str(r.get("unit", "")))
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


def label_credit(given: str, accepted: Sequence[str], wrong: float = WRONG_LABEL_CREDIT) -> float:
    """1 for an accepted label; per-part credit for " · " labels; ``wrong`` otherwise."""
    if given in accepted:
        return 1.0
    if LABEL_PART_SEPARATOR in given:
        parts = given.split(LABEL_PART_SEPARATOR)
        best = 0.0
        for label in accepted:
            other = label.split(LABEL_PART_SEPARATOR)
            if len(other) == len(parts):
                best = max(best, sum(a == b for a, b in zip(parts, other, strict=True))
                           / len(parts))
        return best
    return wrong


@dataclass
class _Match:
    marks: list[int]
    coverage: float = 1.0  # share of the key span's words the marks cover (splits)
    how: str = "match"
    pieces: list[int] = field(default_factory=list)  # further pieces of a span already found


def score_spans(text: str, marks: Sequence[Mark], key: Sequence[KeySpan], *,
                wrong_label_credit: float = WRONG_LABEL_CREDIT) -> ScoreResult:
    """Soft F1 between marks and the key's required spans.

    Each required key span earns its label credit once when found (scaled down when a split
    covers too little of it). Score = 2·credit / (required spans + counted marks), where a
    counted mark is one matched key span or one extra mark, so unmatched marks lower
    precision and missing spans lower recall; accepted extras and out-of-scope marks count
    in neither.
    """
    tok = {i: tokens(text, m.start, m.end) for i, m in enumerate(marks)}
    ktok = [tokens(text, k.start, k.end) for k in key]
    ignored = {mi for mi, t in tok.items()
               if t and any(k.role == "ignore" and len(t & kt) >= INSIDE * len(t)
                            for k, kt in zip(key, ktok, strict=True))}
    scored = [ki for ki, k in enumerate(key) if k.role != "ignore"]
    live = [mi for mi in tok if tok[mi] and mi not in ignored]

    def dice(mi: int, ki: int) -> float:
        a, b = tok[mi], ktok[ki]
        return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0

    def inside(mi: int, ki: int) -> bool:
        return len(tok[mi] & ktok[ki]) >= INSIDE * len(tok[mi])

    # 1. One-to-one matches at Dice >= 0.5, the right label and the closest fit first.
    matches: dict[int, _Match] = {}
    used: set[int] = set()
    pairs = sorted(((label_credit(marks[mi].label, key[ki].labels, wrong_label_credit),
                     dice(mi, ki), key[ki].required, ki, mi)
                    for ki in scored for mi in live if dice(mi, ki) >= MATCH_THRESHOLD),
                   reverse=True)
    for _, _, _, ki, mi in pairs:
        if ki not in matches and mi not in used:
            matches[ki] = _Match([mi])
            used.add(mi)

    # 2. Splits and clauses: unused marks lying inside a key span.
    for ki in scored:
        pieces = [mi for mi in live if mi not in used and inside(mi, ki)
                  and not _fits_elsewhere(mi, ki, scored, key, tok, ktok)]
        if not pieces:
            continue
        if ki in matches:  # more pieces of a span already found: absorbed, never extras
            matches[ki].pieces.extend(pieces)
            used.update(pieces)
            continue
        covered = len(frozenset().union(*(tok[mi] for mi in pieces)) & ktok[ki])
        share = covered / len(ktok[ki])
        clause = (len(ktok[ki]) >= LONG_SPAN_WORDS
                  and any(len(tok[mi]) >= CLAUSE_WORDS for mi in pieces))
        if clause or share >= SPLIT_COVERAGE or covered >= 2:
            coverage = 1.0 if clause else min(1.0, share / SPLIT_COVERAGE)
            matches[ki] = _Match(pieces, coverage, "clause" if clause else "split")
            used.update(pieces)

    # 3. Merges: one mark that contains up to two key spans and is mostly made of them.
    for mi in live:
        contained = [ki for ki in scored
                     if len(ktok[ki] & tok[mi]) >= INSIDE * len(ktok[ki])]
        # A key span nested in another one is not a neighbour to merge with (see 5. below).
        contained = [ki for ki in contained
                     if not any(ktok[ki] < ktok[kj] for kj in contained if kj != ki)]
        if not 2 <= len(contained) <= MERGE_MAX:
            continue
        union = frozenset().union(*(ktok[ki] for ki in contained))
        if len(union & tok[mi]) < MERGE_SHARE * len(tok[mi]):
            continue
        for ki in contained:
            if ki not in matches:
                matches[ki] = _Match([mi], how="merge")
        used.add(mi)

    # 4. Duplicates: a further mark of a key span already found (Dice >= 0.5) neither adds nor
    #    costs, so marking a claim once more can never lower a score.
    for mi in live:
        if mi not in used and any(dice(mi, ki) >= MATCH_THRESHOLD for ki in matches):
            used.add(mi)

    # 5. Nested key items (a hedge inside a longer omission): the widget holds one mark per
    #    stretch of words, so one of a nested pair suffices; the other neither adds nor costs.
    #    The marked one may be an accepted-but-not-required item (the causal "as" inside a
    #    required omission): it still fills the stretch the required item needs.
    nested = {ki for ki in scored if key[ki].required and ki not in matches
              and any(kj in matches and ktok[ki] and ktok[kj]
                      and (ktok[ki] <= ktok[kj] or ktok[kj] <= ktok[ki])
                      for kj in scored if kj != ki)}

    # A required item held only by an accepted-but-not-required one inside (or around) it is
    # filled by that mark: it counts, with that mark's label credit.
    filled = {ki: kj for ki in nested for kj in scored
              if kj in matches and not key[kj].required and ktok[ki] and ktok[kj]
              and (ktok[ki] <= ktok[kj] or ktok[kj] <= ktok[ki])
              and not any(kk in matches and key[kk].required and ktok[kk]
                          and (ktok[ki] <= ktok[kk] or ktok[kk] <= ktok[ki])
                          for kk in scored if kk != ki)}

    items: list[ItemResult] = []
    credit = 0.0
    counted = 0
    for ki in scored:
        item = key[ki]
        where = f" (in {item.where})" if item.where else ""
        quoted = repr(item.text or text[item.start:item.end])
        found = matches.get(ki)
        answered = "" if found is None else " … ".join(
            text[marks[mi].start:marks[mi].end] for mi in [*found.marks, *found.pieces])

        def add(result: ItemResult, _item: KeySpan = item, _answered: str = answered) -> None:
            items.append(replace(result, where=_item.where, answered=_answered))

        if ki in filled:
            partner = key[filled[ki]]
            given = [marks[mi].label for mi in matches[filled[ki]].marks]
            earned = sum(label_credit(g, partner.labels, wrong_label_credit)
                         for g in given) / len(given)
            counted += 1
            credit += earned
            add(ItemResult(item.id, "right" if earned >= 1.0 else "partly", earned,
                           f"{quoted}{where}: held by the mark you made inside or around "
                           "it; one of the two suffices.", item.rationale, item.labels,
                           " + ".join(dict.fromkeys(given))))
            continue
        if ki in nested:
            add(ItemResult(item.id, "unscored", 0.0,
                           f"{quoted}{where} lies inside, or around, another item you marked; "
                           "one of the two suffices, so it neither adds nor costs.",
                           item.rationale, item.labels))
            continue
        if found is None:
            if item.required:
                add(ItemResult(item.id, "missed", 0.0,
                               f"{quoted}{where} was not marked.",
                               item.rationale, item.labels))
            continue
        given = [marks[mi].label for mi in found.marks]
        if not item.required:
            add(ItemResult(item.id, "unscored", 0.0,
                           f"{quoted}{where}: also a defensible mark; the key accepts "
                           "it but does not require it, so it neither adds nor costs.",
                           item.rationale, item.labels, given[0]))
            continue
        counted += 1
        credits = [label_credit(g, item.labels, wrong_label_credit) for g in given]
        labelled = sum(credits) / len(credits)
        if found.pieces:  # a split around a one-to-one match: the pieces can only help
            more = [label_credit(marks[mi].label, item.labels, wrong_label_credit)
                    for mi in found.pieces]
            labelled = max(labelled, (sum(credits) + sum(more)) / (len(credits) + len(more)))
            given += [marks[mi].label for mi in found.pieces]
        earned = labelled * found.coverage
        credit += earned
        shown = " + ".join(dict.fromkeys(given))
        if found.how == "split" and found.coverage < 1.0:
            add(ItemResult(item.id, "partly", earned,
                           f"{quoted}{where}: you marked only part of it.",
                           item.rationale, item.labels, shown))
        elif labelled <= 0.0:
            add(ItemResult(item.id, "wrong", 0.0,
                           f"{quoted}{where} found, but labelled {shown}; the key says "
                           f"{' or '.join(item.labels)}.", item.rationale,
                           item.labels, shown))
        elif labelled >= 1.0:
            add(ItemResult(item.id, "right", earned, f"{quoted}{where} marked as "
                           f"{shown}.", item.rationale, item.labels, shown))
        else:
            add(ItemResult(item.id, "partly", earned,
                           f"{quoted}{where} found, but labelled {shown}; the key says "
                           f"{' or '.join(item.labels)}.", item.rationale,
                           item.labels, shown))
    for mi in live:
        if mi not in used:
            counted += 1
            mark = marks[mi]
            items.append(ItemResult(f"extra-{mark.start}-{mark.end}", "extra", 0.0,
                                    f"{text[mark.start:mark.end]!r} ({mark.label}) is not in the "
                                    "key for this task.", "", (), mark.label,
                                    answered=text[mark.start:mark.end]))
    required = sum(1 for ki in scored if key[ki].required
                   and (ki not in nested or ki in filled))
    notes = (f"{len(ignored)} mark(s) in sentences this task does not ask about were "
             "left out of the score.",) if ignored else ()
    denominator = required + counted
    score = clamp01(2 * credit / denominator) if denominator and required else 0.0
    return ScoreResult(score, tuple(items), notes)


def _fits_elsewhere(mi: int, ki: int, scored: Sequence[int], key: Sequence[KeySpan],
                    tok: Mapping[int, frozenset[int]], ktok: Sequence[frozenset[int]]) -> bool:
    """True when a mark inside key span ``ki`` is a closer fit for a smaller key span.

    A short phrase inside a sentence-sized key span (an omission) may also be its own key
    item (a loaded word inside it); it should not be swallowed as a piece of the big span.
    """
    for other in scored:
        if other == ki or not ktok[other] or len(ktok[other]) >= len(ktok[ki]):
            continue
        shared = len(tok[mi] & ktok[other])
        if shared and 2 * shared / (len(tok[mi]) + len(ktok[other])) >= MATCH_THRESHOLD:
            return True
    return False
