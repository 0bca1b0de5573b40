"""A sentence map for any text: the headline ``H``, then sentences ``S1``…``Sn`` with exact offsets.

Paragraphs (blank lines) always end a unit, so a paragraph that ends in a comma stays its own
unit; inside a paragraph a maintained splitter finds the sentences (``sentencex``, Wikimedia's
rule-based segmenter; ``pysbd`` can be chosen for comparison, see tests/bench/bench_article.py).
Every unit is a slice of the verbatim text with its outer whitespace trimmed, so
``text[start:end] == unit text`` holds by construction. Authors may merge or split units
before keying (``merge_units``, ``split_unit``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from .article import SeedError

SPLITTERS = ("sentencex", "pysbd")
DEFAULT_SPLITTER = "sentencex"
PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
Span = tuple[int, int]


def _segmenter(name: str) -> Callable[[str], list[str]]:
    if name == "sentencex":
        import sentencex

        return lambda text: list(sentencex.segment("en", text))
    if name == "pysbd":
        try:
            import pysbd
        except ModuleNotFoundError:
            raise SeedError("the pysbd splitter is not installed: 'pip install pysbd', or use "
                            "the default splitter (sentencex)") from None

        segmenter = pysbd.Segmenter(language="en", clean=False)
        return lambda text: list(segmenter.segment(text))
    raise ValueError(f"unknown splitter {name!r}; choose one of {', '.join(SPLITTERS)}")


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def paragraphs(text: str) -> list[Span]:
    """The paragraphs of a text (blank-line separated), trimmed, as offsets."""
    spans, cursor = [], 0
    for gap in [*PARAGRAPH_BREAK.finditer(text), None]:
        stop = gap.start() if gap else len(text)
        span = _trimmed(text, cursor, stop)
        if span:
            spans.append(span)
        cursor = gap.end() if gap else len(text)
    return spans


def sentence_spans(text: str, splitter: str = DEFAULT_SPLITTER) -> list[Span]:
    """Headline (the first paragraph) and the sentences of every later paragraph, as offsets."""
    blocks = paragraphs(text)
    if not blocks:
        return []
    segment = _segmenter(splitter)
    spans = [blocks[0]]
    for start, end in blocks[1:]:
        block, cursor = text[start:end], 0
        for piece in segment(block):
            stripped = piece.strip()
            if not stripped:
                continue
            found = block.find(stripped, cursor)
            if found < 0:  # a splitter that changed the text: keep the rest as one unit
                spans.append((start + cursor, end))
                cursor = len(block)
                break
            # Anything skipped between two pieces belongs to the earlier unit's gap.
            spans.append((start + found, start + found + len(stripped)))
            cursor = found + len(stripped)
        rest = _trimmed(text, start + cursor, end)
        if rest:
            spans.append(rest)
    return spans


def units_from_spans(text: str, spans: Sequence[Span]) -> list[dict[str, Any]]:
    """Units in the sentence-map form: ids H, S1… in order, each with its verbatim text."""
    return [{"id": "H" if index == 0 else f"S{index}", "start": start, "end": end,
             "text": text[start:end]} for index, (start, end) in enumerate(spans)]


def split_text(text: str, splitter: str = DEFAULT_SPLITTER) -> list[dict[str, Any]]:
    """The sentence map's units of a text."""
    return units_from_spans(text, sentence_spans(text, splitter))


def merge_units(text: str, units: Sequence[dict[str, Any]], first: str) -> list[dict[str, Any]]:
    """Merge unit ``first`` with the unit after it (ids are renumbered)."""
    spans = [(u["start"], u["end"]) for u in units]
    index = _index(units, first)
    if index + 1 >= len(spans):
        raise SeedError(f"units.json: unit {first} is the last one: nothing follows to merge")
    if index == 0:
        raise SeedError("units.json: the headline H cannot be merged into the body")
    spans[index:index + 2] = [(spans[index][0], spans[index + 1][1])]
    return units_from_spans(text, spans)


def split_unit(text: str, units: Sequence[dict[str, Any]], unit_id: str, at: int
               ) -> list[dict[str, Any]]:
    """Split a unit at absolute offset ``at`` (whitespace around the cut is trimmed)."""
    spans = [(u["start"], u["end"]) for u in units]
    index = _index(units, unit_id)
    start, end = spans[index]
    left, right = _trimmed(text, start, at), _trimmed(text, at, end)
    if not start < at < end or left is None or right is None:
        raise SeedError(f"units.json: unit {unit_id}: offset {at} does not cut it into two "
                        "non-empty parts")
    spans[index:index + 1] = [left, right]
    return units_from_spans(text, spans)


def _index(units: Sequence[dict[str, Any]], unit_id: str) -> int:
    for index, unit in enumerate(units):
        if unit["id"] == unit_id:
            return index
    raise SeedError(f"units.json: no unit {unit_id!r}")
