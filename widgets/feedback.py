"""Self-check feedback: full explanations in self-study mode, counts only in course mode."""

from __future__ import annotations

import html
import os
from dataclasses import dataclass

from sourcewise.grading.score_result import ScoreResult
from sourcewise.seeds.edition import COURSE, edition

MODE_VARIABLE = "SOURCEWISE_MODE"
COURSE_NOTE = ("Course mode: this check says what is unfinished, never what is right or wrong. "
               "Your instructor grades your saved answers.")
# Listing every missed item would hand over the whole key after one click; show a few as hints.
MISSED_SHOWN = 3


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
        out = [self.summary()]
        for item in shown_items(self.result):
            out.append(f"[{item.status}] {item.message}")
            if item.status != "right" and item.rationale:
                out.append(f"    Why: {item.rationale}")
        hidden = hidden_missed(self.result)
        if hidden:
            out.append(f"... and {hidden} more not found yet: keep looking, then check again.")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        return to_html(self)


def to_html(feedback: Feedback) -> str:
    """HTML list of the feedback, one entry per item."""
    if feedback.mode == "course":
        return f"<p>{html.escape(feedback.title)}: {html.escape(COURSE_NOTE)}</p>"
    head = f"<p><strong>{html.escape(feedback.summary())}</strong></p>"
    rows = []
    for item in shown_items(feedback.result):
        why = (f"<br><em>Why:</em> {html.escape(item.rationale)}"
               if item.status != "right" and item.rationale else "")
        rows.append(f'<li class="sw-fb-{item.status}"><strong>{item.status}</strong>: '
                    f"{html.escape(item.message)}{why}</li>")
    hidden = hidden_missed(feedback.result)
    more = (f"<p>… and {hidden} more not found yet: keep looking, then check again.</p>"
            if hidden else "")
    return head + "<ul>" + "".join(rows) + "</ul>" + more


def shown_items(result: ScoreResult) -> list:
    """Every item except missed ones beyond the first few."""
    shown, missed = [], 0
    for item in result.items:
        if item.status == "missed":
            missed += 1
            if missed > MISSED_SHOWN:
                continue
        shown.append(item)
    return shown


def hidden_missed(result: ScoreResult) -> int:
    return max(0, result.count("missed") - MISSED_SHOWN)


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
