"""A new article folder from a plain-text report: verbatim text, sentence map, meta, empty key.

``new_article`` is what ``sourcewise article new`` runs. The folder it writes loads with
``load_article`` at once, and its key validates as "key not started". Every file is written
atomically (temporary file in the same folder, fsync, rename), so an interrupted write never
leaves half a key.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from sourcewise.grading.atomic_write import write_json_atomic
from sourcewise.seeds.article import SeedError, read_json
from sourcewise.seeds.sentences import DEFAULT_SPLITTER, merge_units, split_text, split_unit

TEXT_FILE = "article.txt"


def slug(text: str, fallback: str = "article") -> str:
    """An article id from a title: lowercase ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())[:8]
    return "-".join(words) or fallback


def empty_key(article_id: str) -> dict[str, Any]:
    """A key with nothing in it yet: ``sourcewise validate`` calls it "key not started"."""
    return {"schema_version": 1, "article_id": article_id, "sources": [], "claims": [],
            "framing": [], "article_level": {}}


def normalise_text(raw: bytes) -> str:
    """The report as UTF-8 text with Unix line ends; nothing else changes (quotes stay as given)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SeedError(f"the text is not UTF-8 (bad byte at {err.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def new_article(folder: str | Path, text: str, *, title: str | None = None,
                date: str | None = None, outlet: str | None = None, url: str | None = None,
                author: str | None = None, article_id: str | None = None,
                splitter: str = DEFAULT_SPLITTER) -> Path:
    """Write an article folder; refuses to overwrite an existing article's files."""
    folder = Path(folder)
    if not text.strip():
        raise SeedError(f"{TEXT_FILE}: the text is empty")
    for name in (TEXT_FILE, "units.json", "key.json"):
        if (folder / name).exists():
            raise SeedError(f"{folder / name} exists already: choose a new folder "
                            "(nothing was overwritten)")
    units = split_text(text, splitter)
    headline = text[units[0]["start"]:units[0]["end"]]
    article_id = article_id or slug(title or headline)
    if not re.fullmatch(r"[a-z0-9-]+", article_id):
        raise SeedError(f"article id {article_id!r}: use lowercase letters, digits and hyphens")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / TEXT_FILE).write_bytes(text.encode("utf-8"))
    write_json_atomic(folder / "units.json", {"schema_version": 1, "article_id": article_id,
                                              "file": TEXT_FILE, "units": units})
    meta = {"schema_version": 1, "article_id": article_id, "title": title or headline,
            "as_found": {"byline": author, "date": date, "credit": outlet, "where": url},
            "splitter": splitter}
    write_json_atomic(folder / "meta.json", meta)
    write_json_atomic(folder / "key.json", empty_key(article_id))
    return folder


def _edit_units(folder: Path, edit: Any) -> list[dict[str, Any]]:
    folder = Path(folder)
    key_path = folder / "key.json"
    key = read_json(key_path) if key_path.exists() else {}
    if any(key.get(part) for part in ("claims", "framing")):
        raise SeedError("units.json: the key already marks claims or framing devices in these "
                        "units; merge or split units before keying (or remove those items)")
    sentence_map = read_json(folder / "units.json")
    text = (folder / sentence_map.get("file", TEXT_FILE)).read_text(encoding="utf-8")
    units = edit(text, sentence_map["units"])
    write_json_atomic(folder / "units.json", {**sentence_map, "units": units})
    return units


def merge_with_next(folder: str | Path, unit_id: str) -> list[dict[str, Any]]:
    """Merge a unit with the next one in the folder's sentence map (before keying)."""
    return _edit_units(Path(folder), lambda text, units: merge_units(text, units, unit_id))


def split_at(folder: str | Path, unit_id: str, offset: int) -> list[dict[str, Any]]:
    """Split a unit at an absolute text offset in the folder's sentence map (before keying)."""
    return _edit_units(Path(folder), lambda text, units: split_unit(text, units, unit_id, offset))
