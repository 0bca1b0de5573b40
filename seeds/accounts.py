"""Competing accounts: short texts constructed for teaching, with their alignment to the key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .article import SEED_ARTICLE, SeedError, article_dir, read_json

RELATIONS = ("corroborates", "contradicts", "silent")


@dataclass(frozen=True)
class Account:
    """One constructed account; ``relation(claim_id)`` defaults to silent."""

    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def text(self) -> str:
        return str(self.data["text"])

    @property
    def label(self) -> str:
        return str(self.data["label"])

    def relation(self, claim_id: str) -> str:
        entry = self.data["alignment"].get(claim_id)
        return entry["relation"] if entry else "silent"

    def accepted_relations(self, claim_id: str) -> list[str]:
        entry = self.data["alignment"].get(claim_id)
        if not entry:
            return ["silent"]
        return [entry["relation"], *entry.get("also_acceptable", [])]


def load_accounts(article_id: str | Path = SEED_ARTICLE) -> list[Account]:
    """All competing accounts of an article, sorted by date then id; each must be constructed."""
    folder = article_dir(article_id) / "accounts"
    accounts = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = read_json(path)
        if data.get("constructed") is not True:
            raise SeedError(f"accounts/{path.name}: constructed must be true for a teaching text")
        accounts.append(Account(data))
    return sorted(accounts, key=lambda a: (a.data.get("date", ""), a.id))
