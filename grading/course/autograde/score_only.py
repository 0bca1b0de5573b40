"""``sourcewise score``: the widget tasks of every submission scored at once, nothing written.

It is the default autograde's scoring (``answer_grading.LessonGrader``) without the gradebook or
the autograded folder, so its scores equal autograde's on every item; free-text answers and code
tasks are listed as unscored.
"""

from __future__ import annotations

import csv
import io
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from sourcewise.grading.course.autograde.from_answers import LessonGrader
from sourcewise.lessons.lesson_cells import GradedCell, lesson_sources


@dataclass(frozen=True)
class ItemScore:
    """One grade item of one submission: its points, or why it was not scored here."""

    student: str
    lesson: str
    grade_id: str
    max_points: float
    points: float | None
    status: str  # scored | needs_kernel | manual | error
    reason: str = ""


def _unscored(student: str, lesson: str, cell: GradedCell) -> ItemScore:
    if not cell.autograded:
        return ItemScore(student, lesson, cell.grade_id, cell.points, None, "manual",
                         "free-text answer: graded by a person")
    return ItemScore(student, lesson, cell.grade_id, cell.points, None, "needs_kernel",
                     "this cell does not grade a saved widget answer")


def score_submission(grader: LessonGrader, student: str) -> list[ItemScore]:
    """Scores of one submission's widget tasks, exactly as the default autograde records them.

    Never raises: a submission that cannot be scored gets a reason on each of its items.
    """
    lesson = grader.lesson
    try:
        scores = grader.task_scores(student)
    except Exception as err:
        reason = f"could not be scored ({type(err).__name__}: {str(err)[:200]})"
        return [ItemScore(student, lesson, c.grade_id, c.points, None, "error", reason)
                for c in grader.cells]
    found = []
    for cell in grader.cells:
        if cell.grade_id in scores:
            found.append(ItemScore(student, lesson, cell.grade_id, cell.points,
                                   scores[cell.grade_id][0], "scored"))
        else:
            found.append(_unscored(student, lesson, cell))
    return found


def score_class(course: Path, lessons: Iterable[str] | None = None) -> list[ItemScore]:
    """Every submission of a course folder, scored without kernels."""
    course = Path(course)
    scores: list[ItemScore] = []
    for lesson in lesson_sources(course, lessons):
        grader = LessonGrader(course, lesson)
        for submission in sorted((course / "submitted").glob(f"*/{lesson}")):
            if submission.is_dir() and not submission.is_symlink():
                scores += score_submission(grader, submission.parent.name)
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
