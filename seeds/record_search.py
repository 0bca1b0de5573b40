"""Ranked full-text search over documented records: SQLite FTS5 with BM25, or plain Python.

What a student types when reading laterally is a few words of a sentence, a name or a place,
not an exact curated phrase. So a query is split into words (stop words dropped, each word
also matching as a prefix: "execut" finds "executions"), a record must hold at least half of
them, and the records are ranked by BM25 (SQLite's FTS5, in Python's own ``sqlite3``) with
the whole phrase first. Where this Python's SQLite has no FTS5 (some builds, possibly the
browser edition's Pyodide), the same rules run on a small index in plain Python: the ranking
then uses a simpler TF-IDF weight, and a test holds both engines to the same query set.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

WORD = re.compile(r"[a-z0-9]+")
# Words too common to narrow a search; a query of only these finds nothing.
STOPWORDS = frozenset(["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has",
                       "have", "in", "is", "it", "its", "of", "on", "or", "that", "the", "their",
                       "this", "to", "was", "were", "with", "who", "which", "had", "been"])
# Columns of the index and their BM25 weights: a hit in a title or a curated phrase says more
# than one in a long page text.
COLUMNS = ("title", "phrases", "names", "summary", "text")
WEIGHTS = (5.0, 4.0, 3.0, 2.0, 1.0)
# A record must hold at least this share of the query's words.
MIN_SHARE = 0.5


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped (curly or straight), punctuation to spaces."""
    text = text.lower().replace("’", "").replace("‘", "").replace("'", "")
    return " ".join(WORD.findall(text))


def query_words(query: str) -> list[str]:
    return list(dict.fromkeys(w for w in normalise(query).split() if w not in STOPWORDS))


def stem(word: str) -> str:
    """A light English stem (the fallback's stand-in for FTS5's porter tokenizer)."""
    for suffix in ("ations", "ation", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=1)
def fts5_available() -> bool:
    """Whether this Python's sqlite3 has FTS5 (it may lack sqlite3 altogether)."""
    try:
        import sqlite3

        with sqlite3.connect(":memory:") as db:
            db.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
        return True
    except Exception:  # ImportError, or sqlite3.OperationalError: no such module: fts5
        return False


class RecordIndex:
    """An index over records' searchable text; ``search`` returns ids, best first."""

    def __init__(self, documents: Mapping[str, Mapping[str, Sequence[str]]], *,
                 dates: Mapping[str, str] | None = None, engine: str | None = None) -> None:
        """``documents``: per record id, per column, the pieces of text (a title, each
        curated phrase, ...); a phrase query matches inside one piece, never across two."""
        self.ids = list(documents)
        self.segments = {rid: [normalise(t) for c in COLUMNS for t in doc.get(c, ())]
                         for rid, doc in documents.items()}
        self.documents = {rid: {c: " ".join(normalise(t) for t in doc.get(c, ()))
                                for c in COLUMNS} for rid, doc in documents.items()}
        self.dates = dict(dates or {})
        self.engine = engine or ("fts5" if fts5_available() else "python")
        self._db = self._build_fts5() if self.engine == "fts5" else None

    def _build_fts5(self) -> object:
        import sqlite3

        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.execute(f"CREATE VIRTUAL TABLE records USING fts5({', '.join(COLUMNS)}, "
                   "tokenize='porter unicode61')")
        db.executemany(f"INSERT INTO records(rowid, {', '.join(COLUMNS)}) VALUES "
                       f"(?, {', '.join('?' for _ in COLUMNS)})",
                       [(i + 1, *(self.documents[rid][c] for c in COLUMNS))
                        for i, rid in enumerate(self.ids)])
        return db

    # -- matching ---------------------------------------------------------------------------
    def _holding(self, word: str) -> set[str]:
        """Ids of the records that hold a word (or a word it begins)."""
        if self._db is not None:
            rows = self._db.execute("SELECT rowid FROM records WHERE records MATCH ?",
                                    (f'"{word}"*',)).fetchall()
            return {self.ids[r[0] - 1] for r in rows}
        wanted = stem(word)
        return {rid for rid, doc in self.documents.items()
                if any(stem(w).startswith(wanted) or w.startswith(word)
                       for c in COLUMNS for w in doc[c].split())}

    def _bm25(self, words: Sequence[str]) -> dict[str, float]:
        """Relevance of each matching record (higher is better)."""
        if self._db is not None:
            expression = " OR ".join(f'"{w}"*' for w in words)
            weights = ", ".join(str(w) for w in WEIGHTS)
            rows = self._db.execute(f"SELECT rowid, bm25(records, {weights}) FROM records "
                                    "WHERE records MATCH ?", (expression,)).fetchall()
            return {self.ids[r[0] - 1]: -float(r[1]) for r in rows}  # bm25: lower is better
        n = len(self.ids)
        scores: dict[str, float] = {}
        for word in words:
            holding = self._holding(word)
            if not holding:
                continue
            idf = math.log(1 + n / len(holding))
            for rid in holding:
                doc = self.documents[rid]
                tf = sum(weight * sum(1 for w in doc[c].split() if stem(w).startswith(stem(word)))
                         for c, weight in zip(COLUMNS, WEIGHTS, strict=True))
                scores[rid] = scores.get(rid, 0.0) + idf * tf / (1 + tf)
        return scores

    def search(self, query: str) -> list[str]:
        """Records holding at least half the query's words: whole phrase first, then the
        share of words held, then BM25, then the newest."""
        words = query_words(query)
        if not words:
            return []
        held: dict[str, int] = {}
        for word in words:
            for rid in self._holding(word):
                held[rid] = held.get(rid, 0) + 1
        needed = max(1, math.ceil(MIN_SHARE * len(words)))
        relevance = self._bm25(words)
        phrase = f" {' '.join(normalise(query).split())} "

        def has_phrase(rid: str) -> bool:
            return len(words) > 1 and any(phrase in f" {piece} " for piece in self.segments[rid])

        hits = [rid for rid, count in held.items() if count >= needed]
        hits.sort(key=lambda rid: (not has_phrase(rid), -held[rid], -relevance.get(rid, 0.0),
                                   _negated(self.dates.get(rid, "")), rid))
        return hits


def _negated(date: str) -> tuple[int, ...]:
    """Sort key: newest first (an undated record last)."""
    digits = [int(part) for part in re.findall(r"\d+", date)]
    return tuple(-d for d in digits) if digits else (1,)
