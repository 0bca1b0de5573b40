"""Kernel-free scoring: the widget tasks of every submission, straight from the answer files.

It uses the same scoring functions and the same keys (read from the source notebooks' hidden
blocks) as the graded cells, so its scores equal nbgrader's autograde on every item it scores;
free-text answers and anything else that needs a kernel or a person are listed as unscored.
"""

from __future__ import annotations

import csv
import io
import sys
import time
from collections.abc import Iterable
from contextlib import redirect_stdout
from dataclasses import asdict, dataclass
from pathlib import Path

from .item_grading import grade_item
from .lesson_cells import GradedCell, grade_ids, graded_cells, lesson_sources, read_notebook_json


@dataclass(frozen=True)
class ItemScore:
    """One grade item of one submission: its points, or why it was not scored here."""

    student: str
    lesson: str
    grade_id: str
    max_points: float
    points: float | None
    status: str  # scored | deleted_cell | unreadable_notebook | needs_kernel | manual
    reason: str = ""


def _unscored(student: str, lesson: str, cell: GradedCell) -> ItemScore:
    if not cell.autograded:
        return ItemScore(student, lesson, cell.grade_id, cell.points, None, "manual",
                         "free-text answer: graded by a person")
    return ItemScore(student, lesson, cell.grade_id, cell.points, None, "needs_kernel",
                     "this cell does not grade a saved widget answer")


def score_submission(submission: Path, lesson: str, cells: list[GradedCell]) -> list[ItemScore]:
    """Scores of one submitted lesson folder (``submitted/<student>/<lesson>/``)."""
    student = submission.parent.name
    notebook = submission / f"{lesson}.ipynb"
    present: set[str] | None = None
    problem = ""
    if notebook.exists():
        try:
            present = set(grade_ids(read_notebook_json(notebook)))
        except ValueError as err:
            problem = str(err)
    scores = []
    for cell in cells:
        if not (cell.autograded and cell.key is not None and cell.kind and cell.question):
            scores.append(_unscored(student, lesson, cell))
        elif problem:
            scores.append(ItemScore(student, lesson, cell.grade_id, cell.points, None,
                                    "unreadable_notebook", problem))
        elif present is not None and cell.grade_id not in present:
            # Autograde restores deleted cells from the source (add_missing_cells), and the
            # restored cell grades the saved answer: score it the same way here.
            scores.append(_score(student, lesson, submission, cell, "deleted_cell",
                                 "the grade cell was deleted; it was restored and graded"))
        else:
            scores.append(_score(student, lesson, submission, cell, "scored", ""))
    return scores


def _score(student: str, lesson: str, folder: Path, cell: GradedCell, status: str,
           reason: str) -> ItemScore:
    printed = io.StringIO()
    with redirect_stdout(printed):
        points = grade_item(lesson, cell.question or "", cell.kind or "", cell.key or {},
                            cell.points, folder=folder)
    return ItemScore(student, lesson, cell.grade_id, cell.points, points, status, reason)


def score_class(course: Path, lessons: Iterable[str] | None = None) -> list[ItemScore]:
    """Every submission of a course folder, scored without kernels."""
    course = Path(course)
    scores: list[ItemScore] = []
    for lesson, source in lesson_sources(course, lessons).items():
        cells = graded_cells(source)
        for submission in sorted((course / "submitted").glob(f"*/{lesson}")):
            if submission.is_dir():
                scores += score_submission(submission, lesson, cells)
    return scores


def write_csv(scores: list[ItemScore], out: Path | None) -> str:
    fields = list(ItemScore.__dataclass_fields__)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    for score in scores:
        writer.writerow(asdict(score))
    if out is not None:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(buffer.getvalue(), encoding="utf-8")
    return buffer.getvalue()


def score_course(course: Path, out: Path | None = None) -> int:
    """CLI entry: score the class, write a CSV (default ``<course>/kernel-free-scores.csv``)."""
    start = time.perf_counter()
    scores = score_class(course)
    elapsed = time.perf_counter() - start
    out = out or Path(course) / "kernel-free-scores.csv"
    write_csv(scores, out)
    scored = [s for s in scores if s.points is not None]
    submissions = {(s.student, s.lesson) for s in scores}
    print(f"Scored {len(scored)} widget items in {len(submissions)} submissions without kernels "
          f"in {elapsed:.2f} s; {len(scores) - len(scored)} items need a kernel or a person.")
    unscored: dict[str, list[str]] = {}
    for s in scores:
        if s.points is None and s.status != "manual":
            unscored.setdefault(s.student, []).append(f"{s.lesson}/{s.grade_id} ({s.status})")
    for student, items in sorted(unscored.items()):
        print(f"  {student}: could not score {', '.join(items)}", file=sys.stdout)
    print(f"Scores: {out}")
    return 0
