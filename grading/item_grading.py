"""The one helper graded cells call: load the student's answers, score them, return points.

nbgrader takes a test cell's last value as its score, but any stderr output zeroes it and a
bool, numpy scalar or out-of-range number gives full or no marks (README, "nbgrader facts").
It runs only under ``sourcewise autograde --execute`` and in a lesson's hidden tests; the
default autograde scores the same answers in the instructor's process. So this helper
never raises, silences warnings, keeps stderr clean and always returns a plain float in
[0, points]. What went wrong is printed to stdout, which feedback shows to the student.
"""

from __future__ import annotations

import contextlib
import io
import sys
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .score_result import ScoreResult

TASKS = ("spans", "choices", "matrix", "links", "ratings", "calibration")


def flatten_matrix(answer: Mapping[str, Any] | None) -> dict[str, Any]:
    """``{claim: {account: relation}}`` -> ``{"claim|account": relation}``."""
    flat = {}
    for claim_id, row in (answer or {}).items():
        if isinstance(row, Mapping):
            for account_id, relation in row.items():
                flat[f"{claim_id}|{account_id}"] = relation
    return flat


def is_empty(value: Any) -> bool:
    """True when a saved answer holds no choice at all (e.g. an annotation with no marks)."""
    if isinstance(value, Mapping):
        return all(is_empty(v) for k, v in value.items() if k != "mode")
    if isinstance(value, list | tuple):
        return all(is_empty(v) for v in value)
    return value in (None, "")


def choices_in(task: str, answer: Any) -> dict[str, Any]:
    """A grid widget's saved answer as ``{item id: choice}`` for a choice task.

    Grid widgets save ``{grid id: {row: {column: choice}}}``; plain choice answers pass through.
    """
    grids = answer if isinstance(answer, Mapping) else {}
    if task == "matrix":
        return flatten_matrix(grids.get("matrix"))
    if task == "links":
        links = grids.get("links") or {}
        return {claim: row.get("source") for claim, row in links.items()
                if isinstance(row, Mapping)}
    if task == "ratings":
        return flatten_matrix(grids.get("ratings"))
    return dict(grids)


def score_task(task: str, answer: Any, key: Mapping[str, Any]) -> ScoreResult:
    """Score one saved answer against the key carried by a graded cell (pure; may raise)."""
    if task == "spans":
        from .span_scoring import key_spans_from, marks_from, score_spans

        return score_spans(key["text"], marks_from((answer or {}).get("marks")),
                           key_spans_from(key["spans"]))
    if task in ("choices", "matrix", "links", "ratings"):
        from .choice_scoring import expected_from, score_choices

        return score_choices(choices_in(task, answer), expected_from(key["items"]),
                             names=key.get("names"),
                             choice_names=key.get("choice_names"))
    if task == "calibration":
        from .calibration import forecasts_from, score_calibration

        return score_calibration(forecasts_from(answer), key["outcomes"],
                                 rationales=key.get("rationales"))
    raise ValueError(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")


def explain(result: ScoreResult, points: float, *, limit: int | None = None) -> str:
    """Student-facing, itemised explanation of a score."""
    counts = result.counts()
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    lines = [f"Score: {result.points(points):.2f} of {points:g} points ({summary or 'nothing'})."]
    lines += [f"  Note: {note}" for note in result.notes]
    for item in result.items[:limit]:
        mark = {"right": "✓", "partly": "~", "missed": "○", "wrong": "✗", "extra": "+",
                "unscored": "·"}[item.status]
        lines.append(f"  {mark} {item.message}")
        if item.status != "right" and item.rationale:
            lines.append(f"      Why: {item.rationale}")
    return "\n".join(lines)


def grade_item(lesson: str, question_id: str, task: str, key: Mapping[str, Any], points: float,
               *, folder: str | Path | None = None, fingerprint: str | None = None,
               report: Callable[[str], None] | None = None) -> float:
    """Points for one autograded item; never raises, never writes to stderr."""
    out = report or (lambda text: print(text, file=sys.stdout))
    points = float(points)
    sink = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(sink):
            warnings.simplefilter("ignore")
            from .answer_file import answers_path, read_answers

            saved = read_answers(answers_path(lesson, folder))
            if saved.problem:
                out(f"Note: Your answers file {lesson}.json {saved.problem}.")
            entry = saved.answers.get(question_id) or {}
            answer = entry.get("value")
            if (fingerprint is not None and entry.get("fingerprint") not in (None, fingerprint)):
                answer = None  # saved for another version of the text
            if is_empty(answer):
                out(f"{question_id}: no saved answer was found, so this item scores 0. "
                    "Run the widget's cell, answer in the widget, and check that "
                    f"answers/{lesson}.json sits beside the notebook.")
                return 0.0
            result = score_task(task, answer, key)
            out(explain(result, points))
            return result.points(points)
    except Exception as err:  # a graded cell must never crash: zero with a reason instead
        out(f"{question_id}: this item could not be scored ({type(err).__name__}: {err}); "
            "it scores 0. Tell your instructor if you think your answer was saved.")
        return 0.0
