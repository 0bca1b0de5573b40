"""Per key item: what each student answered and whether it matches, read from answer files.

The class report needs more than a score per cell: which claim, source or framing span each
student got right, and the label they chose (for agreement statistics). This reads the answer
files directly, with the key each graded cell carries, and takes each item's verdict from the
same scoring functions the graded cells call, so the report and the grades cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sourcewise.grading.item_grading import score_task
from sourcewise.lessons.lesson_cells import GradedCell, graded_cells, lesson_sources

NONE = "(not marked)"
COLUMNS = ["student", "lesson", "grade_id", "task", "item", "label", "status", "credit", "value",
           "preferred", "rationale"]


def item_rows(kind: str, key: Mapping[str, Any], answer: Any) -> list[dict[str, Any]]:
    """One row per key item: the scorer's own verdict (status, credit) and what was given."""
    result = score_task(kind, answer, key)
    if kind == "spans":
        labels = {s["id"]: s.get("text") or key["text"][s["start"]:s["end"]]
                  for s in key["spans"]}
    else:
        labels = dict(key.get("names") or {})
    rows = []
    for item in result.items:
        if item.status in ("extra", "unscored"):
            continue
        preferred = item.accepted[0] if item.accepted else None
        if kind == "calibration":
            value = None if item.given is None else (
                "true" if float(item.given) >= 50 else "false")
        elif item.status == "right":
            value = preferred  # an accepted alternative counts as the key's answer
        else:
            value = item.given if item.given is not None else (NONE if kind == "spans"
                                                               else None)
        rows.append({"item": item.item_id, "label": labels.get(item.item_id, item.item_id),
                     "status": item.status, "credit": item.credit, "value": value,
                     "preferred": preferred, "rationale": item.rationale})
    return rows


def cell_items(cell: GradedCell, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows for one graded cell of one student (empty when the cell has no usable key)."""
    if cell.key is None or cell.question is None or cell.kind is None:
        return []
    try:
        rows = item_rows(cell.kind, cell.key, answers.get(cell.question))
    except Exception:  # an answer of an odd shape: no rows for it, the report goes on
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
    from sourcewise.grading.answer_file import answers_path, read_answers

    folder = Path(course) / stage / student / lesson
    if not folder.is_dir():
        return None
    return read_answers(answers_path(lesson, folder)).values()


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
