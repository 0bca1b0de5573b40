"""How far an article's key is written: not started, in progress or complete, and what is open.

``sourcewise validate`` prints this after the list of problems: the items that still lack a
rationale a student can learn from, the sentences that hold no claim (often right, but worth a
second look), and the parts of the key that are still empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .article import SeedError, read_json
from .validation import KEY_PARTS, key_not_started

NOT_STARTED, IN_PROGRESS, COMPLETE = "key not started", "key in progress", "key complete"
# The schema asks for 40 characters: a rationale shorter than that cannot explain anything.
MIN_RATIONALE = 40
ARTICLE_LEVEL_PARTS = ("headline_vs_body", "internal_contradictions", "missing_voices",
                       "entman", "provenance")


@dataclass(frozen=True)
class KeyProgress:
    """What is done and what is open in a key."""

    status: str
    counts: dict[str, int] = field(default_factory=dict)
    without_rationale: tuple[str, ...] = ()
    unclaimed_units: tuple[str, ...] = ()
    empty_parts: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        if self.status == NOT_STARTED:
            return [f"{NOT_STARTED}: open the authoring notebook (sourcewise article author DIR)"]
        counts = ", ".join(f"{n} {part}" for part, n in self.counts.items())
        out = [f"{self.status}: {counts}"]
        if self.empty_parts:
            out.append("still empty: " + ", ".join(self.empty_parts))
        if self.without_rationale:
            out.append(f"{len(self.without_rationale)} item(s) without a rationale: "
                       + ", ".join(self.without_rationale))
        if self.unclaimed_units:
            out.append(f"{len(self.unclaimed_units)} sentence(s) with no claim: "
                       + ", ".join(self.unclaimed_units))
        return out


def _rationale_missing(record: Any) -> bool:
    text = record.get("rationale") if isinstance(record, dict) else None
    return not isinstance(text, str) or len(text.strip()) < MIN_RATIONALE


def key_progress(folder: str | Path, *, problems: int = 0) -> KeyProgress:
    """The progress of the key in an article folder (``problems``: how many validation found)."""
    folder = Path(folder)
    try:
        key = read_json(folder / "key.json")
        sentence_map = read_json(folder / "units.json")
    except SeedError:
        return KeyProgress(IN_PROGRESS, empty_parts=("key.json or units.json is unreadable",))
    if key_not_started(key):
        return KeyProgress(NOT_STARTED)
    if not isinstance(key, dict) or not isinstance(sentence_map, dict):
        return KeyProgress(IN_PROGRESS, empty_parts=("key.json",))
    records = {part: [r for r in key.get(part) or [] if isinstance(r, dict)]
               for part in KEY_PARTS}
    missing = [str(r.get("id", f"{part}/{index}")) for part in KEY_PARTS
               for index, r in enumerate(records[part]) if _rationale_missing(r)]
    claimed = {c.get("unit") for c in records["claims"]}
    unclaimed = [u.get("id") for u in sentence_map.get("units", [])
                 if isinstance(u, dict) and u.get("id") != "H" and u.get("id") not in claimed]
    level = key.get("article_level") if isinstance(key.get("article_level"), dict) else {}
    empty = [part for part in KEY_PARTS if not records[part]]
    empty += [f"article_level/{part}" for part in ARTICLE_LEVEL_PARTS if not level.get(part)]
    done = not (empty or missing or problems)
    return KeyProgress(COMPLETE if done else IN_PROGRESS,
                       {part: len(records[part]) for part in KEY_PARTS},
                       tuple(missing), tuple(str(u) for u in unclaimed), tuple(empty))
