"""Self-check feedback: an attempt first, then hints, the expert's answer on request."""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sourcewise.grading.score_result import ItemResult, ScoreResult
from sourcewise.seeds.edition import COURSE, edition

from .self_check import Hint, hints_for, still_needed

MODE_VARIABLE = "SOURCEWISE_MODE"
COURSE_NOTE = ("Course mode: this check says what is unfinished, never what is right or wrong. "
               "Your instructor grades your saved answers.")
ATTEMPT_FIRST = ("The check gives hints on what you have done, so it needs an attempt first: "
                 "{needed}, then check again.")
EXPERT_OFFER = ("Worked through the hints? \"Show me the expert's answer\" shows every item "
                "with the expert's reasons; it is noted in your answers file.")
EXPERT_NOTE = "You asked for the expert's answer; this is noted in your answers file."


def mode() -> str:
    """``course`` in a course edition (fixed at install: no variable turns it off), or when
    ``SOURCEWISE_MODE=course`` asks a full edition to behave like one; else ``self-study``."""
    if edition() == COURSE:
        return "course"
    chosen = os.environ.get(MODE_VARIABLE, "").strip().lower()
    return "course" if chosen == "course" else "self-study"


@dataclass(frozen=True)
class Feedback:
    """What a self-check shows; renders as HTML in a notebook and as text elsewhere."""

    title: str
    result: ScoreResult
    mode: str
    # "attempt" (too little answered: nothing about the key), "hints", or "expert".
    stage: str = "expert"
    hints: tuple[Hint, ...] = ()
    needed: str = ""
    noted: bool = False  # the student asked for the expert's answer (noted in the answers file)

    def summary(self) -> str:
        c = self.result.counts()
        parts = [f"{c['right']} right"]
        if c["partly"]:
            parts.append(f"{c['partly']} partly right")
        parts += [f"{c['missed']} missed", f"{c['wrong']} wrong"]
        if c["extra"]:
            parts.append(f"{c['extra']} not in the key")
        if c["unscored"]:
            parts.append(f"{c['unscored']} shown but not scored")
        return f"{self.title}: " + ", ".join(parts) + "."

    def lines(self) -> list[str]:
        if self.mode == "course":  # never counts: they would let a student climb item by item
            return [f"{self.title}: {COURSE_NOTE}"]
        if self.stage == "attempt":
            return [f"{self.title}: make an attempt first.",
                    ATTEMPT_FIRST.format(needed=self.needed)]
        if self.stage == "hints":
            return [f"{self.summary()} Hints:", *(f"- {h.text}" for h in self.hints),
                    EXPERT_OFFER]
        out = [self.summary(), *([EXPERT_NOTE] if self.noted else [])]
        for item in by_status(self.result):
            out.append(f"[{item.status}] {item.message}")
            if item.status != "right" and item.rationale:
                out.append(f"    Why: {item.rationale}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        return to_html(self)


def to_html(feedback: Feedback) -> str:
    """HTML list of the feedback, one entry per item."""
    if feedback.mode == "course":
        return f"<p>{html.escape(feedback.title)}: {html.escape(COURSE_NOTE)}</p>"
    if feedback.stage == "attempt":
        first, then = feedback.lines()
        return f"<p><strong>{html.escape(first)}</strong></p><p>{html.escape(then)}</p>"
    head = f"<p><strong>{html.escape(feedback.summary())}</strong></p>"
    if feedback.stage == "hints":
        rows = "".join(f'<li class="sw-fb-{h.status}">{html.escape(h.text)}</li>'
                       for h in feedback.hints)
        return (f"{head}<p>Hints:</p><ul>{rows}</ul>"
                f'<p class="sw-expert-offer">{html.escape(EXPERT_OFFER)}</p>')
    rows = []
    for item in by_status(feedback.result):
        why = (f"<br><em>Why:</em> {html.escape(item.rationale)}"
               if item.status != "right" and item.rationale else "")
        rows.append(f'<li class="sw-fb-{item.status}"><strong>{item.status}</strong>: '
                    f"{html.escape(item.message)}{why}</li>")
    note = f"<p>{html.escape(EXPERT_NOTE)}</p>" if feedback.noted else ""
    return f"{head}{note}<ul>{''.join(rows)}</ul>"


def by_status(result: ScoreResult) -> list[ItemResult]:
    """What to reconsider first (wrong, partly, missed), the right items last: the one wrong
    cell of a 30-cell matrix must not be buried among the right ones."""
    order = {"wrong": 0, "partly": 1, "missed": 2, "extra": 3, "unscored": 4, "right": 5}
    return sorted(result.items, key=lambda item: order.get(item.status, 6))


# Tasks of the lessons before tracing (lesson 3) must not quote what tracing finds.
BEFORE_TRACING = ("claims.", "sources.")


def self_study_feedback(task_id: str, title: str, kind: str, result: ScoreResult,
                        key: Mapping[str, Any], *, noted: bool) -> Feedback:
    """The stage a self-study check is at: attempt first, hints, or the expert's answer.

    A calibration check runs only once the answers are locked and the record is shown
    beside them, so it explains everything at once: no answer can change any more.
    """
    if kind == "calibration":
        return Feedback(title, result, "self-study")
    if noted:
        if task_id.startswith(BEFORE_TRACING):
            from sourcewise.grading.task_keys import before_tracing

            result = replace(result, items=tuple(
                replace(i, rationale=before_tracing(i.rationale)) if i.rationale else i
                for i in result.items))
        return Feedback(title, result, "self-study", "expert", noted=True)
    needed = still_needed(result)
    if needed:
        what = (f"mark at least {needed} more" if kind == "spans"
                else f"answer at least {needed} more of the questions")
        return Feedback(title, result, "self-study", "attempt", needed=what)
    return Feedback(title, result, "self-study", "hints",
                    hints=tuple(hints_for(task_id, kind, result, key)))


@dataclass(frozen=True)
class CourseCheck:
    """A course-mode self-check: what the answer still lacks, from the answer alone."""

    title: str
    gaps: tuple[str, ...]

    def lines(self) -> list[str]:
        return [f"{self.title}: what is still open", *self.gaps, COURSE_NOTE]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(gap)}</li>" for gap in self.gaps)
        return (f"<p><strong>{html.escape(self.title)}: what is still open</strong></p>"
                f"<ul>{items}</ul><p>{html.escape(COURSE_NOTE)}</p>")
