"""Interactive widgets over plain answer models, persisted beside the notebook.

Importing this package is light: the anywidget views load only when first used.
"""

from typing import Any

from .answer_store import AnswerStore, AnswerStoreError, answers_path, load_answers
from .feedback import Feedback, mode

__all__ = [
    "Annotator",
    "AnswerStore",
    "AnswerStoreError",
    "AnswerTransfer",
    "Comparison",
    "ConfidenceSliders",
    "Feedback",
    "Lesson",
    "SearchView",
    "SourceLinker",
    "answers_path",
    "load_answers",
    "mode",
]

_LAZY = {
    "Annotator": ".annotator",
    "AnswerTransfer": ".answer_transfer",
    "Comparison": ".grid_views",
    "SourceLinker": ".grid_views",
    "ConfidenceSliders": ".confidence",
    "Lesson": ".lesson",
    "SearchView": ".search",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
