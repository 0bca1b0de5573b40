"""Search view: a small offline search engine over documented records, and a findings form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import traitlets

from sourcewise.seeds import Article, Key
from sourcewise.seeds.records import KIND_LABELS, load_records

from .answer_store import AnswerStore
from .persistent_view import PersistentView, claims_for, static_css, static_esm
from .search_model import SearchModel, finding_items


class SearchView(PersistentView):
    """Search the records for a phrase, open results, record what was found."""

    _esm = static_esm("search.js")
    _css = static_css("search.css")
    records = traitlets.List().tag(sync=True)
    items = traitlets.List().tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)
    # The query the shown results belong to: the view's message follows it, so a second
    # search (an empty one too) always replaces the first one's message.
    searched = traitlets.Unicode("").tag(sync=True)
    searches = traitlets.Int(0).tag(sync=True)  # one more per search the student submits
    results = traitlets.List().tag(sync=True)

    def __init__(self, article: Article, key: Key, question_id: str, claim_ids: Sequence[str],
                 *, store: AnswerStore, task_id: str | None = None, prompt: str = "") -> None:
        claims = claims_for("search", article, key, claim_ids)
        records = load_records(article.id)
        model = SearchModel(tuple(records), finding_items(records, claims))
        shown = [{**r.public(), "kind": KIND_LABELS.get(str(r.data.get("kind")), "page")}
                 for r in records]
        self.found: set[str] = set()
        super().__init__(question_id=question_id, store=store, fingerprint=article.fingerprint,
                         model=model, task_id=task_id, article_id=article.id, prompt=prompt,
                         records=shown, items=[])
        self.found = model.found_in_answers()
        self._show_items()

    def _show_items(self) -> None:
        self.items = [{"id": i.id, "label": i.label, "detail": i.detail,
                       "options": [{"value": v, "label": label}
                                   for v, label in self.model.shown_options(i, self.found)]}
                      for i in self.model.items]

    @traitlets.observe("query", "searches")
    def _on_query(self, _change: dict[str, Any]) -> None:
        results = self.model.search(self.query)
        self.found |= set(results)
        with self.hold_sync():
            self.results = results
            self.searched = self.query
            self._show_items()

    def search(self, query: str) -> list[str]:
        """Search as the student would (the view shows the results)."""
        self.query = query
        self.searches += 1
        return list(self.results)

    def choose(self, item_id: str, option: str | None) -> None:
        self.model.choose(item_id, option)
        self.push()

    def undo(self) -> None:
        if self.model.undo():
            self.push()
