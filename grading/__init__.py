"""Scoring: the student-side layer (answers-file reader, pure scoring functions, result types).

The instructor side lives in subpackages (``course``, ``editions``, ``authoring``, ``demo``,
``cli``); nothing here imports
it. Names load on first use, so reading an answers file does not import the scorers.
"""

from typing import Any

__all__ = [
    "Expected",
    "ItemResult",
    "KeySpan",
    "Mark",
    "ScoreResult",
    "brier",
    "explain",
    "grade_item",
    "mean_brier",
    "read_answers",
    "reliability_bins",
    "score_calibration",
    "score_choices",
    "score_spans",
    "score_task",
]

_LAZY = {
    "brier": ".calibration", "mean_brier": ".calibration", "reliability_bins": ".calibration",
    "score_calibration": ".calibration",
    "Expected": ".choice_scoring", "score_choices": ".choice_scoring",
    "explain": ".item_grading", "grade_item": ".item_grading", "score_task": ".item_grading",
    "ItemResult": ".score_result", "ScoreResult": ".score_result",
    "KeySpan": ".span_scoring", "Mark": ".span_scoring", "score_spans": ".span_scoring",
    "read_answers": ".answer_file",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
