"""Per key item: what each student answered and whether it matches, read from answer files.

The class report needs more than a score per cell: which claim, source or framing span each
student got right, and the label they chose (for agreement statistics). This reads the answer
files directly, with the key each graded cell carries, and applies the scoring modules' rules
(span matching as in ``span_scoring``: Dice >= 0.5 on word tokens, one mark per key span,
best matches first) with tokenisation done once per text, so a large class stays fast.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .calibration import OUTCOME_VALUES, brier, forecasts_from
from .item_grading import flatten_matrix
from .lesson_cells import GradedCell, graded_cells, lesson_sources
from .span_scoring import MATCH_THRESHOLD, WORD, marks_from

NONE = "(not marked)"
COLUMNS = ["student", "lesson", "grade_id", "task", "item", "label", "status", "credit", "value",
           "preferred", "rationale"]


class _Tokens:
    """Word start offsets of one text, for fast token sets of spans."""

    def __init__(self, text: str) -> None:
        matches = list(WORD.finditer(text))
        self.starts = [m.start() for m in matches]
        self.ends = [m.end() for m in matches]

    def span(self, start: int, end: int) -> frozenset[int]:
        # words overlapping [start, end): word.start < end and word.end > start
        hi = bisect.bisect_left(self.starts, end)
        lo = bisect.bisect_right(self.ends, start)
        return frozenset(self.starts[lo:hi])


_TOKEN_CACHE: dict[int, tuple[str, _Tokens]] = {}


def _tokens(text: str) -> _Tokens:
    cached = _TOKEN_CACHE.get(id(text))
    if cached is None or cached[0] is not text:
        cached = (text, _Tokens(text))
        _TOKEN_CACHE[id(text)] = cached
    return cached[1]


def _dice(a: frozenset[int], b: frozenset[int]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def span_items(key: Mapping[str, Any], answer: Any) -> list[dict[str, Any]]:
    """One row per key span: the label the student gave it (or none) and the credit."""
    from .span_scoring import WRONG_LABEL_CREDIT

    text = key["text"]
    tokens = _tokens(text)
    marks = marks_from((answer or {}).get("marks") if isinstance(answer, Mapping) else None)
    mark_tokens = [tokens.span(m.start, m.end) for m in marks]
    spans = key["spans"]
    pairs = []
    for ki, span in enumerate(spans):
        kt = tokens.span(int(span["start"]), int(span["end"]))
        for mi, mt in enumerate(mark_tokens):
            dice = _dice(kt, mt)
            if dice >= MATCH_THRESHOLD:
                pairs.append((marks[mi].label in span["labels"], dice, ki, mi))
    pairs.sort(reverse=True)
    matched: dict[int, int] = {}
    used: set[int] = set()
    for _, _, ki, mi in pairs:
        if ki not in matched and mi not in used:
            matched[ki] = mi
            used.add(mi)
    rows = []
    for ki, span in enumerate(spans):
        labels = list(span["labels"])
        if ki in matched:
            value = marks[matched[ki]].label
            right = value in labels
            status, credit = ("right", 1.0) if right else ("partly", WRONG_LABEL_CREDIT)
        else:
            value, status, credit = NONE, "missed", 0.0
        rows.append({"item": span["id"], "label": span.get("text") or text[span["start"]:
                                                                             span["end"]],
                     "status": status, "credit": credit,
                     "value": labels[0] if status == "right" else value,
                     "preferred": labels[0], "rationale": span.get("rationale", "")})
    return rows


def _flat_choices(kind: str, answer: Any) -> dict[str, Any]:
    grids = answer if isinstance(answer, Mapping) else {}
    if kind == "matrix":
        return flatten_matrix(grids.get("matrix"))
    if kind == "links":
        links = grids.get("links") or {}
        return {claim: row.get("source") for claim, row in links.items()
                if isinstance(row, Mapping)}
    if kind == "ratings":
        return flatten_matrix(grids.get("ratings"))
    return dict(grids)


def choice_items(kind: str, key: Mapping[str, Any], answer: Any) -> list[dict[str, Any]]:
    """One row per key item of a choice task (links, ratings, matrix, plain choices)."""
    given = _flat_choices(kind, answer)
    names = key.get("names") or {}
    rows = []
    for item_id, spec in key["items"].items():
        if isinstance(spec, Mapping):
            preferred, also = str(spec["choice"]), [str(a) for a in spec.get("also", [])]
            rationale = str(spec.get("rationale", ""))
        else:
            preferred, also, rationale = str(spec[0]), [str(a) for a in spec[1:]], ""
        value = given.get(item_id)
        if value in (None, ""):
            status, credit, shown = "missed", 0.0, None
        elif value in (preferred, *also):
            status, credit, shown = "right", 1.0, preferred
        else:
            status, credit, shown = "wrong", 0.0, str(value)
        rows.append({"item": item_id, "label": names.get(item_id, item_id), "status": status,
                     "credit": credit, "value": shown, "preferred": preferred,
                     "rationale": rationale})
    return rows


def calibration_items(key: Mapping[str, Any], answer: Any) -> list[dict[str, Any]]:
    """One row per settled claim: the Brier-based credit; value = the side the student took."""
    forecasts = {f.claim_id: f for f in forecasts_from(answer if isinstance(answer, Mapping)
                                                        else None)}
    rationales = key.get("rationales") or {}
    rows = []
    for claim_id, outcome in key["outcomes"].items():
        if outcome not in OUTCOME_VALUES:
            continue
        forecast = forecasts.get(claim_id)
        if forecast is None:
            status, credit, value = "missed", 0.0, None
        else:
            b = brier(forecast.percent, OUTCOME_VALUES[outcome])
            credit = 1.0 - b
            status = "right" if b <= 0.09 else "partly" if b < 0.25 else "wrong"
            value = "true" if forecast.percent >= 50 else "false"
        rows.append({"item": claim_id, "label": claim_id, "status": status, "credit": credit,
                     "value": value, "preferred": outcome, "rationale": rationales.get(claim_id,
                                                                                      "")})
    return rows


def cell_items(cell: GradedCell, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows for one graded cell of one student (empty when the cell has no usable key)."""
    if cell.key is None or cell.question is None or cell.kind is None:
        return []
    answer = answers.get(cell.question)
    try:
        if cell.kind == "spans":
            rows = span_items(cell.key, answer)
        elif cell.kind == "calibration":
            rows = calibration_items(cell.key, answer)
        else:
            rows = choice_items(cell.kind, cell.key, answer)
    except (KeyError, TypeError, ValueError):
        return []
    for row in rows:
        row["grade_id"], row["task"] = cell.grade_id, cell.task
    return rows


def submission_answers(course: Path, student: str, lesson: str,
                       stage: str = "autograded") -> dict[str, Any] | None:
    """The saved answers of a submission at a stage; None when that stage has no folder.

    ``autograded`` is what nbgrader graded (a submission it could not grade has no folder
    there); ``submitted`` is what the student handed in. A damaged answer file gives {}.
    """
    from sourcewise.widgets.answer_store import AnswerStore, answers_path

    folder = Path(course) / stage / student / lesson
    if not folder.is_dir():
        return None
    return AnswerStore(answers_path(lesson, folder)).all()


def course_item_rows(course: Path, lessons: Iterable[str] | None = None,
                     students: Sequence[str] | None = None,
                     stage: str = "autograded") -> list[dict[str, Any]]:
    """Key-item rows for every submission of a course that reached ``stage``."""
    course = Path(course)
    rows: list[dict[str, Any]] = []
    for lesson, path in lesson_sources(course, lessons).items():
        cells = [c for c in graded_cells(path) if c.autograded and c.key is not None]
        if not cells:
            continue
        for folder in sorted((course / stage).glob(f"*/{lesson}")):
            student = folder.parent.name
            if students is not None and student not in students:
                continue
            answers = submission_answers(course, student, lesson, stage) or {}
            for cell in cells:
                for row in cell_items(cell, answers):
                    row["student"], row["lesson"] = student, lesson
                    rows.append(row)
    return rows


def key_item_frame(course: Path, lessons: Iterable[str] | None = None) -> Any:
    """pandas DataFrame: student × lesson × graded cell × key item (status, value, rationale)."""
    import pandas as pd

    return pd.DataFrame(course_item_rows(course, lessons), columns=COLUMNS)
