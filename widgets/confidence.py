"""Confidence sliders: the probability that each claim is true, then calibration once revealed.

A graded set of sliders (one with a task) is locked before anything about the outcomes is
shown: the student presses "Lock my answers and show the record", the lock is saved with the
answer (``"frozen": true``, see ``confidence_model``), and only then do the outcomes appear
beside each claim and "Check my answer" explain the score. Before the lock, the check says
only what is unfinished, so no score can be climbed by moving sliders.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import traitlets

from sourcewise.seeds import Article, Key

from .annotation_model import AnswerModelError
from .answer_store import AnswerStore
from .completeness import confidence_gaps
from .confidence_model import ConfidenceModel, is_frozen
from .feedback import CourseCheck, Feedback, mode
from .persistent_view import PersistentView, claims_for, static_css, static_esm

LOCK_FIRST = ("The score compares each judgement with what later reporting found, so it is "
              "shown once your answers are locked: set every slider, then press \"Lock my "
              "answers and show the record\". After that they cannot change.")


@dataclass(frozen=True)
class BeforeLock:
    """"Check my answer" before the lock: what is unfinished, and how to see the score."""

    title: str
    gaps: tuple[str, ...]

    def lines(self) -> list[str]:
        return [f"{self.title}: not scored yet", *self.gaps, LOCK_FIRST]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(gap)}</li>" for gap in self.gaps)
        return (f"<p><strong>{html.escape(self.title)}: not scored yet</strong></p>"
                f"<ul>{items}</ul><p>{html.escape(LOCK_FIRST)}</p>")


class ConfidenceSliders(PersistentView):
    """One 0–100 % slider and a one-line reason per claim; graded ones lock before the reveal."""

    _esm = static_esm("confidence.js")
    _css = static_css("confidence.css")
    claims = traitlets.List().tag(sync=True)
    outcomes = traitlets.Dict().tag(sync=True)
    lockable = traitlets.Bool(False).tag(sync=True)  # graded: offers the lock button
    locked = traitlets.Bool(False).tag(sync=True)  # the view takes no more changes

    def __init__(self, article: Article, key: Key, question_id: str, claim_ids: Sequence[str], *,
                 store: AnswerStore, task_id: str | None = None, prompt: str = "") -> None:
        claims = [{"id": c["id"], "label": c["paraphrase"]}
                  for c in claims_for("confidence sliders", article, key, claim_ids)]
        model = ConfidenceModel(tuple(claim_ids))
        self._key = key
        super().__init__(question_id=question_id, store=store, fingerprint=article.fingerprint,
                         model=model, task_id=task_id, article_id=article.id, prompt=prompt,
                         claims=claims, lockable=task_id is not None)
        if model.frozen:  # locked in an earlier session: the record stays in view
            self.locked = True
            self.reveal()

    def judge(self, claim_id: str, percent: float | None, reason: str = "") -> None:
        self.model.judge(claim_id, percent, reason)
        self.push()

    def claim_ids(self) -> list[str] | None:
        return list(self.model.claims)

    def lock(self) -> bool:
        """Freeze and save the judgements, then show the record and the self-check.

        Nothing is revealed unless the lock is saved: an unsaved lock would vanish with the
        kernel and leave the student free to change answers after seeing the outcomes.
        """
        try:
            self.model.freeze()
        except AnswerModelError as err:
            self.notice = f"Not locked: {err}."
            return False
        self.push()
        if not is_frozen(self.store.get(self.question_id)):
            self.model.frozen = False
            self.push()
            self.notice = ("Not locked: the lock could not be saved, so the record stays hidden "
                           f"({self.notice.splitlines()[-1] if self.notice else 'no reason'})")
            return False
        self.locked = True
        self.reveal()
        if self.task_id is not None:
            self.check()
        return True

    def _on_message(self, widget: Any, content: Any, buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "lock":
            try:
                self.lock()
            except Exception as err:  # the button must answer, not fail silently in a log
                self.notice = f"Not locked ({type(err).__name__}: {err})."
            return
        super()._on_message(widget, content, buffers)

    def reveal(self) -> bool:
        """Show under each claim what later reporting showed, with how certain that is.

        A graded widget shows it only once its answers are locked; an ungraded one (first
        impressions) shows it when asked and takes no more changes in this view. Returns
        whether the record is shown.
        """
        if self.lockable and not self.model.frozen:
            return False
        shown = {}
        for cid in self.model.claims:
            later = self._key.claim(cid).get("later_reporting")
            if later:
                shown[cid] = (f"Later reporting: {later['outcome']} "
                              f"(certainty {later['certainty']}). {later['summary']}")
        self.locked = True
        self.outcomes = shown
        return True

    def check(self, task_id: str | None = None) -> Feedback | CourseCheck | BeforeLock:
        """As for every widget, but in self-study nothing is scored before the lock."""
        if self.lockable and not self.model.frozen and mode() != "course":
            from sourcewise.grading.task_keys import task

            before = BeforeLock(task(task_id or self.task_id).title,
                                tuple(confidence_gaps(self.model)))
            self.feedback_html = before._repr_html_()
            return before
        return super().check(task_id)

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

        from .charts import Chart

        rows = reliability_bins(forecasts_from(self.model.to_value()), self._settled())
        fig = Chart()
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
