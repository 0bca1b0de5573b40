"""Grid views: the source linker and the side-by-side comparison with its matrix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import traitlets

from sourcewise.seeds import Account, Article, Key

from .annotation_model import AnswerModelError
from .answer_store import AnswerStore
from .choice_grid_model import GridSet, grid
from .persistent_view import PersistentView, claims_for, static_css, static_esm

WRITER = "writer"
DEFAULT_SCALES: dict[str, tuple[str, ...]] = {
    "closeness": ("took part", "local observer", "official, at a distance", "second-hand",
                  "cannot tell"),
    "named": ("named", "anonymous"),
}
RELATIONS = ("corroborates", "contradicts", "silent")


class GridView(PersistentView):
    """Base of the grid widgets: panes of text above one or more choice tables."""

    _esm = static_esm("grid.js")
    _css = static_css("grid.css")
    grids = traitlets.List().tag(sync=True)
    panes = traitlets.List().tag(sync=True)

    def choose(self, grid_id: str, row: str, column: str, option: str | None) -> None:
        self.model.choose(grid_id, row, column, option)
        self.push()

    def claim_ids(self) -> list[str] | None:
        first = next(iter(self.model.grids.values()))
        return list(first.rows)


def _claim_rows(key: Key, claim_ids: Sequence[str]) -> list[dict[str, str]]:
    return [{"id": cid, "label": cid, "detail": f"“{key.claim(cid)['span']['text']}”"}
            for cid in claim_ids]


class SourceLinker(GridView):
    """For each claim, the source it rests on; then each source rated on a few scales."""

    def __init__(self, article: Article, key: Key, question_id: str, claim_ids: Sequence[str],
                 *, store: AnswerStore, scales: Mapping[str, Sequence[str]] | None = None,
                 task_id: str | None = None, prompt: str = "") -> None:
        claims_for("source linker", article, key, claim_ids)
        if not key.data.get("sources"):
            raise AnswerModelError("the key lists no sources for the source linker to offer")
        scales = dict(scales or DEFAULT_SCALES)
        source_ids = [s["id"] for s in key.sources]
        options = [{"value": s["id"], "label": s["named_as"] if s["type"] != WRITER
                    else "the writer's own voice"} for s in key.sources]
        rated = [s for s in key.sources if s["type"] != WRITER]
        model = GridSet({
            "links": grid(claim_ids, ["source"], source_ids),
            "ratings": grid([s["id"] for s in rated], list(scales), scales),
        })
        grids = [
            {"id": "links", "title": "Which source does each claim rest on?",
             "row_header": "Claim", "rows": _claim_rows(key, claim_ids),
             "columns": [{"id": "source", "label": "Source", "options": options}]},
            {"id": "ratings", "title": "Rate each source", "row_header": "Source",
             "rows": [{"id": s["id"], "label": s["named_as"], "detail": ""} for s in rated],
             "columns": [{"id": name, "label": name.replace("_", " ").capitalize(),
                          "options": [{"value": o, "label": o} for o in opts]}
                         for name, opts in scales.items()]},
        ]
        super().__init__(question_id=question_id, store=store, fingerprint=article.fingerprint,
                         model=model, task_id=task_id, article_id=article.id, prompt=prompt,
                         grids=grids, panes=[])


class Comparison(GridView):
    """The seed and competing accounts side by side; a claim × account matrix of relations."""

    def __init__(self, article: Article, key: Key, accounts: Sequence[Account], question_id: str,
                 claim_ids: Sequence[str], *, store: AnswerStore, task_id: str | None = None,
                 prompt: str = "") -> None:
        claims_for("comparison", article, key, claim_ids)
        if not accounts:
            raise AnswerModelError("a comparison needs at least one other account")
        model = GridSet({"matrix": grid(claim_ids, [a.id for a in accounts], RELATIONS)})
        panes = [{"id": "seed", "title": "The seed article", "badge": "",
                  "meta": "Unsigned, undated copy (see lesson 3 for where it comes from).",
                  "paragraphs": [u.text for u in article.units]}]
        # A pane is titled by its outlet, the name its matrix column has too; the headline
        # follows as the pane's first line.
        panes += [{"id": a.id, "title": a.data["outlet"], "headline": a.data["headline"],
                   "badge": a.label,
                   "meta": f"Fictional outlet, {a.data['date']}: {a.data['perspective']}",
                   "paragraphs": [p for p in a.text.split("\n") if p.strip()]} for a in accounts]
        grids = [{"id": "matrix", "title": "For each claim of the seed: what does each account do?",
                  "row_header": "Seed claim", "rows": _claim_rows(key, claim_ids),
                  "columns": [{"id": a.id, "label": a.data["outlet"],
                               "options": [{"value": r, "label": r} for r in RELATIONS]}
                              for a in accounts]}]
        super().__init__(question_id=question_id, store=store, fingerprint=article.fingerprint,
                         model=model, task_id=task_id, article_id=article.id, prompt=prompt,
                         grids=grids, panes=panes)

    def scoring_key(self, task_id: str) -> dict[str, Any]:
        """Only the accounts shown: a lesson may compare the seed with a few of them."""
        key = super().scoring_key(task_id)
        shown = set(self.model.grids["matrix"].columns)
        if "items" in key:
            key = {**key, "items": {item: entry for item, entry in key["items"].items()
                                    if item.rpartition("|")[2] in shown}}
        return key

    def matrix_frame(self) -> Any:
        """The answer as a pandas DataFrame (claims × accounts), empty cells as None."""
        import pandas as pd

        g = self.model.grids["matrix"]
        return pd.DataFrame([[g.get(r, c) for c in g.columns] for r in g.rows],
                            index=list(g.rows), columns=list(g.columns))

    def heatmap(self) -> Any:
        """A plotly heatmap of the matrix: +1 corroborates, −1 contradicts, 0 silent."""
        import plotly.graph_objects as go

        from .charts import Chart

        g = self.model.grids["matrix"]
        code = {"corroborates": 1, "contradicts": -1, "silent": 0, None: None}
        z = [[code[g.get(r, c)] for c in g.columns] for r in g.rows]
        text = [[g.get(r, c) or "not answered" for c in g.columns] for r in g.rows]
        # Columns by outlet name, as in the widget: internal ids ("wire-sceptic") would hint
        # at the expected reading.
        outlets = {c["id"]: c["label"] for c in self.grids[0]["columns"]}
        fig = Chart(go.Heatmap(z=z, x=[outlets.get(c, c) for c in g.columns], y=list(g.rows),
                               text=text,
                                   hovertemplate="%{y} / %{x}: %{text}<extra></extra>",
                                   zmin=-1, zmax=1,
                                   colorscale=[[0, "#d55e00"], [0.5, "#eeeeee"], [1, "#0072b2"]],
                                   colorbar={"tickvals": [-1, 0, 1],
                                             "ticktext": ["contradicts", "silent",
                                                          "corroborates"]}))
        fig.update_layout(title="Your corroboration matrix", height=120 + 28 * len(g.rows),
                          yaxis={"autorange": "reversed"})
        return fig
