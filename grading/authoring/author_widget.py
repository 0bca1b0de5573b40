"""Author mode: the lesson widgets writing an article's key instead of a student's answers.

``Authoring("path/to/article")`` in the authoring notebook (``sourcewise article author DIR``)
makes the same annotator and source linker the lessons use, each backed by a ``KeyStore`` that
reads and writes ``key.json`` through a ``KeyDraft`` (so every mark is saved atomically in the
key's schema at once), plus a small form for the text of each item.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sourcewise.grading.authoring.author_model import (
    CLAIM_LABELS,
    DEVICE_LABELS,
    TYPE_LABELS,
    KeyDraft,
)
from sourcewise.grading.task_keys import CLOSENESS_LABELS
from sourcewise.seeds.key import Key


class KeyStore:
    """The answer-store interface of the views, over a key draft (author mode)."""

    def __init__(self, draft: KeyDraft) -> None:
        self.draft = draft
        self.notices: list[str] = []
        self.path = draft.folder / "key.json"

    def get(self, question_id: str, default: Any = None, *, fingerprint: str | None = None
            ) -> Any:
        return self.draft.answer(question_id)

    def set(self, question_id: str, value: Any, *, fingerprint: str | None = None,
            set_aside: Any = None) -> bool:
        self.draft.apply(question_id, value)
        return True

    def reload(self) -> None:
        """The draft is the only writer of its key while the notebook is open."""


class Authoring:
    """Factories for the author-mode widgets of one article folder."""

    def __init__(self, folder: str | Path) -> None:
        self.draft = KeyDraft.open(folder)
        self.store = KeyStore(self.draft)

    @property
    def article(self) -> Any:
        return self.draft.article

    def claims(self) -> Any:
        """Mark each claim's words; the label sets its attribution and verification."""
        from sourcewise.widgets.annotator import Annotator

        return Annotator(self.article, "claims", tuple(CLAIM_LABELS), store=self.store,
                         prompt="Author mode: mark each claim and label who stands behind it "
                                "and how far the article shows it confirmed. Saved to key.json.")

    def framing(self) -> Any:
        """Mark each framing device; the label is its type."""
        from sourcewise.widgets.annotator import Annotator

        return Annotator(self.article, "framing", tuple(DEVICE_LABELS), store=self.store,
                         prompt="Author mode: mark each framing device and choose its type. "
                                "Saved to key.json.")

    def sources(self) -> Any:
        """Link every claim to its source and rate each source (add sources first)."""
        from sourcewise.widgets.grid_views import SourceLinker

        claim_ids = [c["id"] for c in self.draft.data["claims"]]
        scales = {"closeness": tuple(CLOSENESS_LABELS.values()),
                  "type": tuple(TYPE_LABELS.values())}
        return SourceLinker(self.article, Key(self.draft.data, self.draft.folder), "sources",
                            claim_ids, store=self.store, scales=scales,
                            prompt="Author mode: which source does each claim rest on, how "
                                   "close is each source to events, and what kind is it?")

    def form(self) -> Any:
        """A form for the text of one item: paraphrase, rationale, alternatives, contested."""
        from sourcewise.grading.authoring.author_form import item_form

        return item_form(self.draft)

    def status(self) -> list[str]:
        """Validation problems and how far the key is complete, in plain lines."""
        from sourcewise.seeds.key_progress import key_progress
        from sourcewise.seeds.validation import validate_article_dir

        problems = validate_article_dir(self.draft.folder)
        return [str(p) for p in problems] + key_progress(
            self.draft.folder, problems=len(problems)).lines()

