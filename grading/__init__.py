"""Grading: pure scoring functions, the graded-cell helper, and (lazily) the course pipeline."""

from .calibration import brier, mean_brier, reliability_bins, score_calibration
from .choice_scoring import Expected, score_choices
from .item_grading import explain, grade_item, score_task
from .score_result import ItemResult, ScoreResult
from .span_scoring import KeySpan, Mark, score_spans

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
    "reliability_bins",
    "score_calibration",
    "score_choices",
    "score_spans",
    "score_task",
]
