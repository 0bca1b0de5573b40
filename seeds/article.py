"""Articles as plain data: the verbatim text, its sentence map and provenance metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEEDS_DIR = Path(__file__).resolve().parent
# The seed article every default refers to.
SEED_ARTICLE = "isis-morale-2014"


class SeedError(ValueError):
    """An article folder or key that cannot be used; the message names file and field."""


@dataclass(frozen=True)
class Unit:
    """One addressable piece of the article: the headline ``H`` or a sentence ``S1``…``Sn``."""

    id: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Article:
    """The verbatim article text with its units (headline first) and metadata."""

    id: str
    text: str
    units: tuple[Unit, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def headline(self) -> Unit:
        return self.units[0]

    @property
    def body(self) -> tuple[Unit, ...]:
        return self.units[1:]

    def unit(self, unit_id: str) -> Unit:
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        raise KeyError(f"article {self.id!r} has no unit {unit_id!r}")

    def unit_at(self, offset: int) -> Unit | None:
        """The unit containing character ``offset``, or None between units."""
        for unit in self.units:
            if unit.start <= offset < unit.end:
                return unit
        return None

    @property
    def fingerprint(self) -> str:
        """A short hash of the text; answers record it to detect a changed article."""
        import hashlib

        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]


# A lesson built for an article outside the package carries a copy of it (text, sentence map and
# what its key may show) in this folder beside the notebook, which is a kernel's working folder.
LOCAL_ARTICLES = "articles"


def article_dir(article_id: str | Path) -> Path:
    """The folder of an article: a path to a folder, a packaged seed id, or the id of an
    article copied into ``articles/<id>/`` beside the notebook (a generated lesson's copy)."""
    candidate = Path(article_id)
    if candidate.is_dir():
        return candidate
    folder = SEEDS_DIR / str(article_id)
    if folder.is_dir():
        return folder
    form = SEEDS_DIR / "assessment" / str(article_id)  # the skills assessment's forms
    if candidate.name == str(article_id) and (form / "units.json").is_file():
        return form
    local = Path(LOCAL_ARTICLES) / str(article_id)
    if candidate.name == str(article_id) and (local / "units.json").is_file():
        return local
    known = ", ".join(list_articles()) or "none"
    raise SeedError(f"no article {str(article_id)!r} (known articles: {known})")


def list_articles() -> list[str]:
    """Ids of the articles shipped with the package."""
    return sorted(p.name for p in SEEDS_DIR.iterdir() if (p / "units.json").is_file())


def read_json(path: Path) -> Any:
    """Parse a JSON file, turning every failure into a SeedError naming the file."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedError(f"{path.name}: file is missing") from None
    except UnicodeDecodeError as err:
        raise SeedError(f"{path.name}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise SeedError(f"{path.name}: not valid JSON (line {err.lineno}: {err.msg})") from None


def load_article(article_id: str | Path = SEED_ARTICLE) -> Article:
    """Load an article by seed id (or folder path) and check that its map fits its text."""
    folder = article_dir(article_id)
    sentence_map = read_json(folder / "units.json")
    text_path = folder / sentence_map.get("file", "article.txt")
    try:
        text = text_path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise SeedError(f"{text_path.name}: file is missing") from None
    except UnicodeDecodeError:
        raise SeedError(f"{text_path.name}: not UTF-8 text") from None
    units = []
    for index, raw in enumerate(sentence_map.get("units", [])):
        try:
            unit = Unit(str(raw["id"]), str(raw["text"]), int(raw["start"]), int(raw["end"]))
        except (KeyError, TypeError, ValueError) as err:
            raise SeedError(f"units.json: units[{index}] is malformed ({err})") from None
        if text[unit.start : unit.end] != unit.text:
            raise SeedError(
                f"units.json: unit {unit.id}: offsets {unit.start}-{unit.end} "
                "do not reproduce its text"
            )
        units.append(unit)
    if not units:
        raise SeedError("units.json: the article has no units")
    meta_path = folder / "meta.json"
    meta = read_json(meta_path) if meta_path.exists() else {}
    return Article(id=sentence_map.get("article_id", folder.name), text=text, units=tuple(units),
                   meta=meta)
