"""The expert key: claims, sources, framing devices and article-level findings, schema-checked."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .article import SEED_ARTICLE, SEEDS_DIR, SeedError, article_dir, read_json
from .edition import COURSE, KEY_WITHHELD, edition

SCHEMA_DIR = SEEDS_DIR / "schema"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """One of the JSON Schemas shipped with the package (``key``, ``units``, ``account``)."""
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Key:
    """An article's expert key; the raw JSON stays available as ``data``.

    ``folder`` is where it was read from: an article outside the package is found by its
    folder, not by its id (``ref`` gives whichever loads the article).
    """

    data: dict[str, Any]
    folder: Path | None = None

    @property
    def article_id(self) -> str:
        return str(self.data["article_id"])

    @property
    def ref(self) -> str | Path:
        """What ``load_article`` needs to find this key's article."""
        return self.folder if self.folder is not None else self.article_id

    @property
    def claims(self) -> list[dict[str, Any]]:
        return list(self.data["claims"])

    @property
    def sources(self) -> list[dict[str, Any]]:
        return list(self.data["sources"])

    @property
    def framing(self) -> list[dict[str, Any]]:
        return list(self.data["framing"])

    @property
    def article_level(self) -> dict[str, Any]:
        return dict(self.data["article_level"])

    def claim(self, claim_id: str) -> dict[str, Any]:
        return _by_id(self.data["claims"], claim_id, "claim")

    def source(self, source_id: str) -> dict[str, Any]:
        return _by_id(self.data["sources"], source_id, "source")

    def claims_in(self, unit_id: str) -> list[dict[str, Any]]:
        return [c for c in self.data["claims"] if c["unit"] == unit_id]


def _by_id(items: list[dict[str, Any]], item_id: str, what: str) -> dict[str, Any]:
    for item in items:
        if item["id"] == item_id:
            return item
    raise KeyError(f"the key has no {what} {item_id!r}")


REQUIRED_LISTS = ("sources", "claims", "framing")


def check_shape(data: Any) -> None:
    """A quick structural check (no jsonschema): the parts every widget and lesson rely on."""
    if not isinstance(data, dict):
        raise SeedError("key.json: (top level): the key must be a JSON object")
    for name in REQUIRED_LISTS:
        items = data.get(name)
        if not isinstance(items, list) or not items:
            raise SeedError(f"key.json: {name}: missing or empty")
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise SeedError(f"key.json: {name}/{index}: each entry needs an id")
    if not isinstance(data.get("article_level"), dict):
        raise SeedError("key.json: article_level: missing")


def load_key(article_id: str | Path = SEED_ARTICLE, *, validate: bool = True) -> Key:
    """Load an article's key, checked against its JSON Schema (SeedError on a problem).

    ``validate=False`` does only the quick structural check: lessons use it because importing
    jsonschema costs over a second per kernel (the full schema is checked by
    ``sourcewise validate`` and the tests).
    """
    path = article_dir(article_id) / "key.json"
    if not path.exists() and edition() == COURSE:
        raise SeedError(KEY_WITHHELD)
    data = read_json(path)
    check_shape(data)
    if validate:
        import jsonschema

        errors = sorted(
            jsonschema.Draft202012Validator(load_schema("key")).iter_errors(data),
            key=lambda e: list(e.absolute_path),
        )
        if errors:
            first = errors[0]
            where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
            raise SeedError(f"key.json: {where}: {first.message} ({len(errors)} problem(s))")
    return Key(data, path.parent)


PUBLIC_KEY_FILE = "public_key.json"


def public_key_data(key: Key, claim_ids: list[str],
                    task_claims: dict[str, list[str]]) -> dict[str, Any]:
    """What of a key the questions themselves show, and nothing that answers them.

    The claims that grid and slider tasks ask about (id, sentence, words, paraphrase), each
    source's name and whether it is the writer's own voice, and which claims each such task
    asks about. No labels, no verification or attribution, no rationales, no outcomes.
    """
    wanted = set(claim_ids)
    claims = [{"id": c["id"], "unit": c["unit"], "paraphrase": c["paraphrase"],
               "span": {k: c["span"][k] for k in ("start", "end", "text")}}
              for c in key.claims if c["id"] in wanted]
    sources = [{"id": s["id"], "named_as": s["named_as"],
                "type": "writer" if s["type"] == "writer" else "cited"} for s in key.sources]
    return {"article_id": key.article_id, "public": True, "claims": claims, "sources": sources,
            "framing": [], "article_level": {},
            "task_claims": {task: list(ids) for task, ids in task_claims.items()}}


def load_lesson_key(article_id: str | Path = SEED_ARTICLE) -> Key:
    """The key a lesson shows: the full key where it is installed (self-study), otherwise the
    public part a course edition carries (``public_key.json``)."""
    folder = article_dir(article_id)
    if (folder / "key.json").exists():
        return load_key(article_id, validate=False)
    public = folder / PUBLIC_KEY_FILE
    if public.exists():
        return Key(read_json(public), folder)
    raise SeedError(KEY_WITHHELD if edition() == COURSE else
                    f"{folder.name}: no key.json (and no {PUBLIC_KEY_FILE}) in {folder}")
