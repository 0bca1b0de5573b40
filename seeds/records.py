"""Documented records for lateral reading: real pages, summarised in our own words, searchable."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .article import SEED_ARTICLE, SeedError, article_dir, read_json

# Fields that answer the lateral-reading task: a course edition must not ship them.
RECORD_ANSWER_FIELDS = ("role", "bears_on")
QUESTION_FIELDS = ("id", "outlet", "title", "author", "date", "url", "kind", "credits",
                   "summary", "phrases")
KIND_LABELS = {"news_report": "news report", "agency_report": "news agency report",
               "syndicated_copy": "republished report", "aggregator_copy": "aggregator copy",
               "blog_excerpt": "blog excerpt", "press_release": "press release"}
WORD = re.compile(r"[a-z0-9]+")
# Words too common to narrow a search; a query of only these matches nothing.
STOPWORDS = frozenset(["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has",
                       "have", "in", "is", "it", "of", "on", "or", "that", "the", "their",
                       "this", "to", "was", "were", "with"])


def normalise(text: str) -> str:
    """Lower case, curly quotes straightened, punctuation dropped, spaces collapsed."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("'", "")
    return " ".join(WORD.findall(text))


@dataclass(frozen=True)
class Record:
    """One documented page. ``data`` may lack the answer fields (a course edition's copy)."""

    data: dict[str, Any]
    _index: str = field(default="", repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = [self.data.get(k) or "" for k in ("outlet", "title", "author", "credits",
                                                   "summary")]
        parts += list(self.data.get("phrases") or [])
        object.__setattr__(self, "_index", f" {normalise(' '.join(parts))} ")

    @property
    def id(self) -> str:
        return str(self.data["id"])

    def public(self) -> dict[str, Any]:
        """The record as a student may see it: question fields only."""
        return {k: self.data.get(k) for k in QUESTION_FIELDS}

    def matches(self, query: str) -> int:
        """How well a query fits (0: not at all). The whole phrase counts most, then words;
        every word of the query that is not a stop word must occur."""
        phrase = normalise(query)
        words = [w for w in phrase.split() if w not in STOPWORDS]
        if not words or not all(f" {w}" in self._index for w in words):
            return 0
        return (10 if f" {phrase} " in self._index else 0) + sum(
            self._index.count(f" {w}") for w in words)


def search(records: list[Record], query: str) -> list[str]:
    """Ids of the records a query finds, best first (then newest first, then by id)."""
    scored = [(r.matches(query), r.data.get("date") or "", r.id) for r in records]
    hits = sorted((s for s in scored if s[0] > 0), key=lambda s: s[2])
    hits.sort(key=lambda s: s[1], reverse=True)  # stable sorts: score, then date, then id
    hits.sort(key=lambda s: -s[0])
    return [s[2] for s in hits]


def load_records(article_id: str | Path = SEED_ARTICLE) -> list[Record]:
    """An article's documented records (``records/*.json``), sorted by id; [] when it has none."""
    folder = article_dir(article_id) / "records"
    records = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = read_json(path)
        if not isinstance(data, dict):
            raise SeedError(f"records/{path.name}: a record must be a JSON object")
        missing = [k for k in ("id", "outlet", "title", "url", "summary") if not data.get(k)]
        if missing:
            raise SeedError(f"records/{path.name}: missing {', '.join(missing)}")
        records.append(Record(data))
    return sorted(records, key=lambda r: r.id)


def search_items(records: list[Record]) -> list[str]:
    """The claims the lateral-reading task asks about: those the records bear on, in order."""
    return sorted({cid for r in records for cid in r.data.get("bears_on") or {}})
