"""Confidence sliders: the probability that each claim is true, then calibration once revealed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import traitlets

from sourcewise.seeds import Article, Key

from .answer_store import AnswerStore
from .confidence_model import ConfidenceModel
from .persistent_view import PersistentView, claims_for, static_css, static_esm


class ConfidenceSliders(PersistentView):
    """One 0–100 % slider and a one-line reason per claim."""

    _esm = static_esm("confidence.js")
    _css = static_css("confidence.css")
    claims = traitlets.List().tag(sync=True)
    outcomes = traitlets.Dict().tag(sync=True)

    def __init__(self, article: Article, key: Key, question_id: str, claim_ids: Sequence[str], *,
                 store: AnswerStore, task_id: str | None = None, prompt: str = "") -> None:
        claims = [{"id": c["id"], "label": c["paraphrase"]}
                  for c in claims_for("confidence sliders", article, key, claim_ids)]
        model = ConfidenceModel(tuple(claim_ids))
        self._key = key
        super().__init__(question_id=question_id, store=store, fingerprint=article.fingerprint,
                         model=model, task_id=task_id, article_id=article.id, prompt=prompt,
                         claims=claims)

    def judge(self, claim_id: str, percent: float | None, reason: str = "") -> None:
        self.model.judge(claim_id, percent, reason)
        self.push()

    def claim_ids(self) -> list[str] | None:
        return list(self.model.claims)

    def reveal(self) -> None:
        """Show under each claim what later reporting showed, with how certain that is."""
        shown = {}
        for cid in self.model.claims:
            later = self._key.claim(cid).get("later_reporting")
            if later:
                shown[cid] = (f"Later reporting: {later['outcome']} "
                              f"(certainty {later['certainty']}). {later['summary']}")
        self.outcomes = shown

    def _settled(self) -> dict[str, str]:
        return {cid: self._key.claim(cid)["later_reporting"]["outcome"]
                for cid in self.model.claims if "later_reporting" in self._key.claim(cid)}

    def brier(self) -> float | None:
        """Mean Brier score over the claims later reporting settled (lower is better)."""
        from sourcewise.grading.calibration import forecasts_from, mean_brier

        return mean_brier(forecasts_from(self.model.to_value()), self._settled())

    def reliability_figure(self) -> Any:
        """A plotly reliability chart: stated confidence against how often claims were true."""
        import plotly.graph_objects as go

        from sourcewise.grading.calibration import forecasts_from, reliability_bins

        rows = reliability_bins(forecasts_from(self.model.to_value()), self._settled())
        fig = go.Figure()
        fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect calibration",
                                 line={"dash": "dash", "color": "#777"}))
        fig.add_trace(go.Scatter(x=[r["mean_forecast"] for r in rows],
                                 y=[r["observed"] for r in rows], mode="markers+lines",
                                 marker={"size": [8 + 4 * r["count"] for r in rows]},
                                 name="your judgements",
                                 text=[f"{int(r['count'])} claim(s)" for r in rows]))
        fig.update_layout(title="Reliability: your confidence vs what later reporting showed",
                          xaxis_title="your stated probability", yaxis_title="share true",
                          xaxis={"range": [0, 1]}, yaxis={"range": [-0.05, 1.05]}, height=380)
        return fig
