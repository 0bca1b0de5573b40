"""One object per lesson notebook: its answer store, its article, and factories for its widgets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sourcewise.seeds import load_accounts, load_article, load_key

from .answer_store import AnswerStore, answers_path


class Lesson:
    """``Lesson("01-claims")`` opens ``answers/01-claims.json`` beside the notebook.

    Every widget it makes restores that question's saved answer and saves the student's changes.
    """

    def __init__(self, lesson_id: str, article_id: str = "isis-morale-2014",
                 folder: str | Path | None = None) -> None:
        self.id = lesson_id
        self.article = load_article(article_id)
        self.key = load_key(article_id, validate=False)
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

    def self_score(self, question_id: str, task_id: str, points: float,
                   claims: list[str] | None = None) -> float:
        """Self-check for a graded cell: the saved answer's points against the packaged key.

        Prints what is missing in plain words; never raises. While nbgrader autogrades, it stays
        silent and returns 0.0 (the hidden tests that follow give the real score); under
        ``nbgrader validate`` (the release has no hidden tests) its score is the cell's value.
        """
        import os

        if os.environ.get("NBGRADER_EXECUTION") == "autograde":
            return 0.0
        try:
            from sourcewise.grading.item_grading import is_empty, score_task
            from sourcewise.grading.task_keys import task, task_key

            from .feedback import Feedback, mode

            answer = self.answer(question_id)
            if is_empty(answer):
                print(f"No saved answer to {question_id} yet: answer in its widget above, "
                      "then run this cell again. (Unanswered items score 0.)")
                return 0.0
            result = score_task(task(task_id).kind, answer,
                                task_key(task_id, self.article.id, claims))
            print(Feedback(task(task_id).title, result, mode()).summary())
            return result.points(points)
        except Exception as err:  # a self-check must never stop "Run All"
            print(f"The self-check for {question_id} could not run ({err}).")
            return 0.0

    def answer(self, question_id: str, default: Any = None) -> Any:
        """A saved answer as it is on disk now (e.g. to reuse the orientation pre-assessment)."""
        self.store.reload()
        return self.store.get(question_id, default)

    def saved_answer(self, other_lesson: str, question_id: str, default: Any = None) -> Any:
        """An answer saved in another lesson's file in the same folder."""
        return AnswerStore(self.store.path.with_name(f"{other_lesson}.json")).get(question_id,
                                                                                   default)
