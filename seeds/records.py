"""Documented records for lateral reading: real pages, summarised in our own words, searchable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .article import SEED_ARTICLE, SeedError, article_dir, load_article, read_json
from .record_search import STOPWORDS, RecordIndex, normalise

__all__ = ["KIND_LABELS", "QUESTION_FIELDS", "RECORD_ANSWER_FIELDS", "STOPWORDS", "Record",
           "load_records", "normalise", "record_index", "search", "search_items"]

# Fields that answer the lateral-reading task: a course edition must not ship them.
RECORD_ANSWER_FIELDS = ("role", "bears_on")
QUESTION_FIELDS = ("id", "outlet", "title", "author", "date", "url", "kind", "credits",
                   "summary", "phrases")
KIND_LABELS = {"news_report": "news report", "agency_report": "news agency report",
               "syndicated_copy": "republished report", "aggregator_copy": "aggregator copy",
               "blog_excerpt": "blog excerpt", "press_release": "press release"}
# A record whose title is the article's own headline is a copy of the article: its page
# text, as a search engine would index it, is the article's text.
PAGE_TEXT_FROM_ARTICLE = "the article's headline"
@dataclass(frozen=True)
class Record:
    """One documented page. ``data`` may lack the answer fields (a course edition's copy)."""

    data: dict[str, Any]
    page_text: str = field(default="", repr=False, compare=False)

    @property
    def id(self) -> str:
        return str(self.data["id"])

    def public(self) -> dict[str, Any]:
        """The record as a student may see it: question fields only."""
        return {k: self.data.get(k) for k in QUESTION_FIELDS}

    def searchable(self) -> dict[str, list[str]]:
        """What a search engine sees of the page, by index column (question fields only)."""
        names = [self.data.get(k) or "" for k in ("outlet", "author", "credits")]
        return {"title": [self.data.get("title") or ""],
                "phrases": list(self.data.get("phrases") or []),
                "names": [n for n in names if n], "summary": [self.data.get("summary") or ""],
                "text": [self.page_text] if self.page_text else []}


def record_index(records: Sequence[Record], engine: str | None = None) -> RecordIndex:
    """A ranked full-text index of the records (see ``record_search``)."""
    return RecordIndex({r.id: r.searchable() for r in records},
                       dates={r.id: str(r.data.get("date") or "") for r in records},
                       engine=engine)


def search(records: Sequence[Record], query: str) -> list[str]:
    """Ids of the records a query finds, best first (see ``record_search``)."""
    return record_index(records).search(query)


def load_records(article_id: str | Path = SEED_ARTICLE) -> list[Record]:
    """An article's documented records (``records/*.json``), sorted by id; [] when it has none.

    A record titled with the article's own headline carries the article's text as its page
    text, so a student's search for a few words of any sentence finds that copy.
    """
    folder = article_dir(article_id) / "records"
    records = []
    paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
    article = load_article(article_id) if paths else None
    headline = normalise(article.units[0].text) if article and article.units else None
    for path in paths:
        data = read_json(path)
        if not isinstance(data, dict):
            raise SeedError(f"records/{path.name}: a record must be a JSON object")
        missing = [k for k in ("id", "outlet", "title", "url", "summary") if not data.get(k)]
        if missing:
            raise SeedError(f"records/{path.name}: missing {', '.join(missing)}")
        copy = normalise(str(data["title"])) == headline
        records.append(Record(data, article.text if copy and article else ""))
    return sorted(records, key=lambda r: r.id)


def search_items(records: list[Record]) -> list[str]:
    """The claims the lateral-reading task asks about: those the records bear on, in order."""
    return sorted({cid for r in records for cid in r.data.get("bears_on") or {}})
