"""The base of every view: restore from the answer store on creation, save on user changes."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from sourcewise.seeds import Article, Key
from sourcewise.seeds.article import SEED_ARTICLE

from .annotation_model import AnswerModelError
from .answer_store import AnswerStore, AnswerStoreError
from .feedback import CourseCheck, Feedback, mode, self_study_feedback
from .self_check import expert_record

STATIC = Path(__file__).resolve().parent / "static"


def static_esm(name: str) -> str:
    """A view's ES module with the shared helpers of common.js in front (no build step)."""
    return (STATIC / "common.js").read_text(encoding="utf-8") + (STATIC / name).read_text(
        encoding="utf-8")


def static_css(name: str) -> str:
    return (STATIC / "common.css").read_text(encoding="utf-8") + (STATIC / name).read_text(
        encoding="utf-8")


CLAIM_FIELDS = ("unit", "span", "paraphrase")
# Put before a self-check's result once the answer has changed: it speaks of an older answer.
STALE = ('<p class="sw-stale"><strong>Your answer has changed since this check:</strong> '
         "check again to see where it stands now.</p>")


def claims_for(widget: str, article: Article, key: Key,
               claim_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The key's claims a widget asks about; AnswerModelError says what is missing or broken."""
    if not article.units:
        raise AnswerModelError(f"article {article.id!r} has no units: the {widget} has "
                               "nothing to show")
    if not claim_ids:
        raise AnswerModelError(f"the {widget} needs at least one claim")
    try:
        known = {c["id"]: c for c in key.claims}
    except (KeyError, TypeError) as err:
        raise AnswerModelError(f"the key has no usable list of claims ({err})") from None
    missing = [cid for cid in claim_ids if cid not in known]
    if missing:
        raise AnswerModelError(f"the key has no claim {', '.join(missing)}, which the "
                               f"{widget} asks about")
    units = {unit.id for unit in article.units}
    for cid in claim_ids:
        claim = known[cid]
        lacking = [f for f in CLAIM_FIELDS if f not in claim]
        if "text" not in claim.get("span", {}):
            lacking.append("span text")
        if lacking:
            raise AnswerModelError(f"claim {cid} of the key lacks {', '.join(lacking)}")
        if claim["unit"] not in units:
            raise AnswerModelError(f"claim {cid} of the key is in unit {claim['unit']!r}, "
                                   f"which article {article.id!r} does not have")
    return [known[cid] for cid in claim_ids]


class PersistentView(anywidget.AnyWidget):
    """A view over a plain answer model, persisted under one question id.

    Construction only reads the store. A change of ``value`` coming from the student is
    checked by the model (what does not fit is left out, with a notice) and saved; nothing is
    written while nbgrader executes the notebook (see ``answer_store.writes_allowed``).
    """

    value = traitlets.Any(None).tag(sync=True)
    notice = traitlets.Unicode("").tag(sync=True)
    # One more on every save attempt, so the front end announces a repeated "Saved." too.
    saves = traitlets.Int(0).tag(sync=True)
    feedback_html = traitlets.Unicode("").tag(sync=True)
    prompt = traitlets.Unicode("").tag(sync=True)
    checkable = traitlets.Bool(False).tag(sync=True)
    # After a real attempt, the view offers "Show me the expert's answer" (self-study only).
    expert_offer = traitlets.Bool(False).tag(sync=True)

    def __init__(self, *, question_id: str, store: AnswerStore, fingerprint: str | None,
                 model: Any, task_id: str | None = None, article_id: str = SEED_ARTICLE,
                 **traits: Any) -> None:
        self._restoring = True
        super().__init__(checkable=task_id is not None, **traits)
        self.question_id = question_id
        self.store = store
        self.fingerprint = fingerprint
        self.model = model
        self.task_id = task_id
        self.article_id = article_id
        saved = store.get(question_id, fingerprint=fingerprint)
        problems = model.restore(saved)
        self._set_aside = saved if problems else None
        notices = list(store.notices) + [f"Left out of your saved answer: {p}." for p in problems]
        if problems:
            notices.append("The full saved answer is kept aside in the answers file.")
        self.notice = "\n".join(notices)
        self.value = model.to_value()
        self._restoring = False
        self.on_msg(self._on_message)

    @traitlets.observe("value")
    def _on_value(self, change: dict[str, Any]) -> None:
        if self._restoring:
            return
        # Re-validating an unchanged value would reset the model's undo history.
        before = self.model.to_value()
        problems = [] if change["new"] == before else self.model.restore(change["new"])
        clean = self.model.to_value()
        if problems and clean == before:  # refused whole (e.g. a locked answer): say so
            self.notice = "\n".join([f"Not accepted: {p}." for p in problems]
                                    + ["Nothing was saved: your saved answer is unchanged."])
            self._restoring = True
            self.value = clean
            self._restoring = False
            return
        try:
            saved = self.store.set(self.question_id, clean, fingerprint=self.fingerprint,
                                   set_aside=self._set_aside)
            self._set_aside = None
            status = "Saved." if saved else "Not saved: this is a read-only (grading) run."
        except AnswerStoreError as err:
            status = f"Not saved: {err}"
        with self.hold_sync():
            self.notice = "\n".join([f"Not accepted: {p}." for p in problems] + [status])
            self.saves += 1
            if self.feedback_html and STALE not in self.feedback_html:
                self.feedback_html = STALE + self.feedback_html
        if clean != change["new"]:
            self._restoring = True
            self.value = clean
            self._restoring = False

    def push(self) -> None:
        """Send the model's state to the view and save it (for changes made from Python)."""
        self._on_value({"new": self.model.to_value()})
        self._restoring = True
        self.value = self.model.to_value()
        self._restoring = False

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        event = content.get("event") if isinstance(content, dict) else None
        if event in ("check", "expert"):
            try:
                self.check() if event == "check" else self.show_expert()
            except Exception as err:  # the button must answer, not fail silently in a log
                self.feedback_html = ("<p>The self-check could not run "
                                      f"({type(err).__name__}: {html.escape(str(err))}).</p>")

    def claim_ids(self) -> list[str] | None:
        """The claims this widget asks about (None: the whole article)."""
        return None

    def scoring_key(self, task_id: str) -> dict[str, Any]:
        """The task's key, narrowed to what this widget asks about."""
        from sourcewise.grading.task_keys import task_key

        return task_key(task_id, self.article_id, self.claim_ids())

    def check(self, task_id: str | None = None) -> Feedback | CourseCheck:
        """Self-study: an attempt first, then hints, the expert's answer once asked for (see
        ``self_check``). Course mode: say what is unfinished, without the key (a course
        edition has none)."""
        task_id = task_id or self.task_id
        if task_id is None:
            raise ValueError("this widget has no key to check against")
        if mode() == "course":
            return self._course_check(task_id)
        feedback = self._feedback(task_id, noted=self.expert_shown(task_id))
        with self.hold_sync():
            self.expert_offer = feedback.stage == "hints"
            self.feedback_html = feedback._repr_html_()
        return feedback

    def _course_check(self, task_id: str) -> CourseCheck:
        from sourcewise.grading.task_keys import task

        from .completeness import gaps

        progress = CourseCheck(task(task_id).title, tuple(gaps(self.model)))
        with self.hold_sync():
            self.expert_offer = False
            self.feedback_html = progress._repr_html_()
        return progress

    def _feedback(self, task_id: str, *, noted: bool) -> Feedback:
        from sourcewise.grading.item_grading import score_task
        from sourcewise.grading.task_keys import task

        spec = task(task_id)
        key = self.scoring_key(task_id)
        result = score_task(spec.kind, self.model.to_value(), key)
        return self_study_feedback(task_id, spec.title, spec.kind, result, key, noted=noted)

    def expert_shown(self, task_id: str) -> bool:
        """Whether the student has asked for the expert's answer to this question's task."""
        self.store.reload()  # another view of the same question may have noted it
        return self.store.get(expert_record(self.question_id, task_id)) is not None

    def show_expert(self, task_id: str | None = None) -> Feedback | CourseCheck:
        """"Show me the expert's answer": only after a real attempt, and only once noted.

        The note goes into the answers file as ``<question id>.<task id>.expert_answer`` (when
        it was first and last asked for, how often, and the score just before), so an
        instructor sees it; where it cannot be written, nothing is shown.
        """
        task_id = task_id or self.task_id
        if task_id is None:
            raise ValueError("this widget has no key to check against")
        if mode() == "course":
            return self._course_check(task_id)
        before = self._feedback(task_id, noted=False)
        if before.stage == "attempt":
            with self.hold_sync():
                self.expert_offer = False
                self.feedback_html = before._repr_html_()
            return before
        from datetime import UTC, datetime

        record_id = expert_record(self.question_id, task_id)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        earlier = self.store.get(record_id) or {}
        record = {"first_shown": earlier.get("first_shown", now), "last_shown": now,
                  "times": int(earlier.get("times", 0)) + 1,
                  "score_before": round(before.result.score, 3)}
        try:
            noted = self.store.set(record_id, record)
        except AnswerStoreError as err:
            noted, why = False, str(err)
        else:
            why = "this is a read-only (grading) run"
        if not noted:
            self.feedback_html = ("<p>The expert's answer is shown only when your request can "
                                  "be noted in your answers file, and it could not "
                                  f"({html.escape(why)}).</p>")
            return before
        feedback = self._feedback(task_id, noted=True)
        with self.hold_sync():
            self.expert_offer = False
            self.feedback_html = feedback._repr_html_()
        return feedback
