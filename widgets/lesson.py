"""One object per lesson notebook: its answer store, its article, and factories for its widgets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sourcewise.seeds import load_accounts, load_article, load_lesson_key
from sourcewise.seeds.article import SEED_ARTICLE

from .answer_store import AnswerStore, answers_path


class Points(float):
    """A self-check's score: a plain float to nbgrader (its text is the number), shown to the
    student as "1.29 of 3 points"."""

    def __new__(cls, value: float, out_of: float) -> Points:
        made = super().__new__(cls, value)
        made.out_of = float(out_of)
        return made

    def _repr_markdown_(self) -> str:
        return f"**{float(self):.2f} of {self.out_of:g} points** (self-check)"


class Lesson:
    """``Lesson("01-claims")`` opens ``answers/01-claims.json`` beside the notebook.

    Every widget it makes restores that question's saved answer and saves the student's changes.
    """

    def __init__(self, lesson_id: str, article_id: str = SEED_ARTICLE,
                 folder: str | Path | None = None) -> None:
        self.id = lesson_id
        self.article = load_article(article_id)
        # The full key in self-study; in a course edition only what the questions show.
        self.key = load_lesson_key(article_id)
        self.store = AnswerStore(answers_path(lesson_id, folder))

    @property
    def answers_file(self) -> Path:
        return self.store.path

    def annotator(self, question_id: str, labels: Sequence[str] | None = None, *,
                  task: str | None = None, mode: str = "spans", prompt: str = "",
                  label_help: Mapping[str, str] | None = None) -> Any:
        from .annotator import Annotator

        if labels is None:
            if task is None:
                raise ValueError("give the annotator its labels or a task that defines them")
            from sourcewise.grading.task_keys import task as task_spec

            labels = task_spec(task).labels
        return Annotator(self.article, question_id, labels, store=self.store, mode=mode,
                         task_id=task, prompt=prompt, label_help=dict(label_help or {}))

    def source_linker(self, question_id: str, claim_ids: Sequence[str], *,
                      task: str | None = None, prompt: str = "",
                      scales: Mapping[str, Sequence[str]] | None = None) -> Any:
        from .grid_views import SourceLinker

        return SourceLinker(self.article, self.key, question_id, claim_ids, store=self.store,
                            scales=scales, task_id=task, prompt=prompt)

    def comparison(self, question_id: str, claim_ids: Sequence[str], *,
                   task: str | None = None, prompt: str = "",
                   account_ids: Sequence[str] | None = None) -> Any:
        from .grid_views import Comparison

        accounts = load_accounts(self.article.id)
        if account_ids is not None:
            accounts = [a for a in accounts if a.id in account_ids]
        return Comparison(self.article, self.key, accounts, question_id, claim_ids,
                          store=self.store, task_id=task, prompt=prompt)

    def confidence(self, question_id: str, claim_ids: Sequence[str], *,
                   task: str | None = None, prompt: str = "") -> Any:
        from .confidence import ConfidenceSliders

        return ConfidenceSliders(self.article, self.key, question_id, claim_ids,
                                 store=self.store, task_id=task, prompt=prompt)

    def search(self, question_id: str, claim_ids: Sequence[str], *, task: str | None = None,
               prompt: str = "") -> Any:
        """Lateral reading: search the article's documented records, record what was found."""
        from .search import SearchView

        return SearchView(self.article, self.key, question_id, claim_ids, store=self.store,
                          task_id=task, prompt=prompt)

    def self_score(self, question_id: str, task_id: str, points: float,
                   claims: list[str] | None = None) -> Points | None:
        """Self-check for a graded cell (the grade itself is computed by the instructor).

        Self-study: the saved answer's points against the packaged key, shown as "1.29 of 3
        points", with what is missing in plain words. Course mode: only whether an answer is
        saved (no key, no score). Never raises; while nbgrader executes it stays silent.
        """
        import os

        if os.environ.get("NBGRADER_EXECUTION") == "autograde":
            return None
        try:
            from sourcewise.grading.item_grading import is_empty, score_task
            from sourcewise.grading.task_keys import task, task_key

            from .feedback import Feedback, mode
            from .self_check import still_needed

            answer = self.answer(question_id)
            if is_empty(answer):
                print(f"No saved answer to {question_id} yet: answer in its widget above, "
                      "then run this cell again. (Unanswered items score 0.)")
                return Points(0.0, points)
            if mode() == "course":
                print(f"Your answer to {question_id} is saved in {self.answers_file.name}. "
                      "Your instructor grades it from that file; the widget's "
                      "'Check my answer' says what is still open.")
                return None
            result = score_task(task(task_id).kind, answer,
                                task_key(task_id, self.article.id, claims))
            if task(task_id).kind != "calibration" and still_needed(result):
                # Counts of a near-empty answer would say how many items the key holds.
                print(f"{task(task_id).title}: make an attempt first; the widget's 'Check my "
                      "answer' then gives hints.")
            else:
                print(Feedback(task(task_id).title, result, mode()).summary())
            return Points(result.points(points), points)
        except Exception as err:  # a self-check must never stop "Run All"
            print(f"The self-check for {question_id} could not run ({err}).")
            return Points(0.0, points)

    def answer(self, question_id: str, default: Any = None) -> Any:
        """A saved answer as it is on disk now (e.g. to reuse the orientation pre-assessment)."""
        self.store.reload()
        return self.store.get(question_id, default)

    def saved_answer(self, other_lesson: str, question_id: str, default: Any = None) -> Any:
        """An answer saved in another lesson's file in the same folder."""
        return AnswerStore(self.store.path.with_name(f"{other_lesson}.json")).get(question_id,
                                                                                   default)
