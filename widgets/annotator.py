"""Annotator view: the article as running text; label sentences or word spans."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import traitlets

from sourcewise.grading.span_scoring import WORD
from sourcewise.seeds.article import Article

from .annotation_model import AnnotationModel
from .answer_store import AnswerStore
from .persistent_view import PersistentView, static_css, static_esm


def unit_payload(article: Article) -> list[dict[str, Any]]:
    """Units with their word tokens (absolute offsets), as the view needs them."""
    payload = []
    for unit in article.units:
        toks = [[unit.start + m.start(), unit.start + m.end()] for m in WORD.finditer(unit.text)]
        payload.append({"id": unit.id, "text": unit.text, "start": unit.start, "end": unit.end,
                        "tokens": toks})
    return payload


class Annotator(PersistentView):
    """Label whole units (``mode="units"``) or word spans (``mode="spans"``) of an article."""

    _esm = static_esm("annotator.js")
    _css = static_css("annotator.css")
    units = traitlets.List().tag(sync=True)
    labels = traitlets.List().tag(sync=True)
    mode = traitlets.Unicode("units").tag(sync=True)

    def __init__(self, article: Article, question_id: str, labels: Sequence[str], *,
                 store: AnswerStore, mode: str = "spans", task_id: str | None = None,
                 prompt: str = "", label_help: dict[str, str] | None = None) -> None:
        model = AnnotationModel(article, tuple(labels), mode)
        help_ = label_help or {}
        super().__init__(question_id=question_id, store=store, fingerprint=article.fingerprint,
                         model=model, task_id=task_id, article_id=article.id, prompt=prompt,
                         units=unit_payload(article), mode=mode,
                         labels=[{"name": name, "help": help_.get(name, "")} for name in labels])

    def toggle_unit(self, unit_id: str, label: str) -> None:
        self.model.toggle_unit(unit_id, label)
        self.push()

    def mark(self, start: int, end: int, label: str) -> None:
        self.model.add_span(start, end, label)
        self.push()

    def undo(self) -> None:
        if self.model.undo():
            self.push()
