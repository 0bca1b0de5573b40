"""Grades out of the gradebook: student × lesson and student × lesson × item, as CSV or pandas.

nbgrader's own export gives one row per submission; ``items.csv`` adds one row per grade cell
with the itemised explanation ``grade_item`` printed and any reason from the grading log.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sourcewise.grading.course import grading_log
from sourcewise.grading.course.course_errors import CourseError
from sourcewise.grading.course.due_dates import DueDates, read_due_dates, status_of
from sourcewise.grading.course.results.gradebook_scores import read_grades
from sourcewise.lessons.lesson_cells import (
    cells_by_id,
    graded_cells,
    lesson_sources,
    read_notebook_json,
    stream_text,
)

GRADE_COLUMNS = ["student", "lesson", "status", "score", "max_score", "auto_score", "auto_max",
                 "percent", "auto_percent", "needs_manual", "released", "submission",
                 "submitted_at", "due", "late_by_hours", "late_penalty_percent"]
CSV_DECIMALS = 4  # exact for every score a lesson gives (points are multiples of 1/100)
ITEM_COLUMNS = ["student", "lesson", "item", "task", "question", "kind", "score", "max_score",
                "auto_score", "manual_score", "needs_manual_grade", "event", "reason",
                "explanation"]


def _explanations(course: Path, student: str, lesson: str) -> dict[str, str]:
    path = Path(course) / "autograded" / student / lesson / f"{lesson}.ipynb"
    try:
        notebook = read_notebook_json(path)
    except (OSError, ValueError):
        return {}
    return {grade_id: stream_text(cell).strip() for grade_id, cell in cells_by_id(notebook).items()}


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="minutes") if moment else None


def released_lessons(course: Path, lessons: Iterable[str], dates: DueDates,
                     submitted: set[str], now: datetime) -> set[str]:
    """Lessons students have been given: in the exchange's outbound folder, handed in by
    someone, or past their due date. Totals count only these (a lesson built but not yet
    given out is not 0 for everyone)."""
    from sourcewise.grading.course.feedback_release import exchange_feedback_folder

    try:
        outbound = exchange_feedback_folder(course).parent / "outbound"
    except CourseError:
        outbound = None
    return {lesson for lesson in lessons
            if lesson in submitted or (outbound is not None and (outbound / lesson).is_dir())
            or (lesson in dates.lessons and dates.lessons[lesson] <= now)}


def course_frames(directory: Path) -> tuple[Any, Any]:
    """``(grades, items)`` DataFrames for every registered student and every lesson."""
    import pandas as pd

    from sourcewise.grading.course.nbgrader_env import gradebook

    course = Path(directory).resolve()
    sources = lesson_sources(course)
    specs = {lesson: {c.grade_id: c for c in graded_cells(path)}
             for lesson, path in sources.items()}
    logged = grading_log.item_entries(grading_log.read(course))
    dates = read_due_dates(course)
    now = datetime.now(UTC)
    grade_rows: list[dict[str, Any]] = []
    item_rows: list[dict[str, Any]] = []
    with gradebook(course) as gb:
        students = sorted(s.id for s in gb.students)
    # Every grade of the class in two queries (nbgrader's objects ask once per value).
    submitted = read_grades(course, list(sources))
    released = released_lessons(course, sources, dates, {le for _, le in submitted}, now)
    for student in students:
        for lesson in sources:
            submission = submitted.get((student, lesson))
            cells = specs[lesson]
            auto_max = sum(c.points for c in cells.values() if c.autograded)
            state = status_of(dates, student, lesson,
                              course / "submitted" / student / lesson, now)
            timing = {"released": lesson in released, "submission": state.describe(),
                      "submitted_at": _iso(state.submitted), "due": _iso(state.due),
                      "late_by_hours": (state.late_by.total_seconds() / 3600
                                        if state.late_by else None),
                      "late_penalty_percent": state.penalty_percent or None}
            if submission is None:
                # Not handed in is not a zero: the score stays empty.
                grade_rows.append({"student": student, "lesson": lesson,
                                   "status": "not submitted", "score": None,
                                   "max_score": sum(c.points for c in cells.values()),
                                   "auto_score": None, "auto_max": auto_max,
                                   "needs_manual": 0, **timing})
                continue
            order = {grade_id: i for i, grade_id in enumerate(cells)}
            named = sorted(submission.grades.items(),
                           key=lambda pair: (order.get(pair[0], len(order)), pair[0]))
            explained = None
            auto_score, pending = 0.0, 0
            for name, grade in named:
                spec = cells.get(name)
                entry = logged.get((student, lesson, name))
                explanation = entry.explanation if entry else ""
                if not explanation and spec is not None and spec.autograded:
                    if explained is None:
                        explained = _explanations(course, student, lesson)
                    explanation = explained.get(name, "")
                autograded = spec.autograded if spec else grade.auto_score is not None
                if autograded:
                    auto_score += float(grade.auto_score or 0.0)
                pending += int(grade.needs_manual)
                item_rows.append({
                    "student": student, "lesson": lesson, "item": name,
                    "task": spec.task if spec else None,
                    "question": spec.question if spec else None,
                    "kind": "auto" if autograded else "manual",
                    "score": grade.score, "max_score": grade.max_score,
                    "auto_score": grade.auto_score, "manual_score": grade.manual_score,
                    "needs_manual_grade": grade.needs_manual,
                    "event": entry.event if entry else "",
                    "reason": entry.reason if entry else "", "explanation": explanation})
            grade_rows.append({"student": student, "lesson": lesson,
                               "status": "needs manual grading" if pending else "graded",
                               "score": sum(g.score for g in submission.grades.values()),
                               "max_score": sum(g.max_score
                                                for g in submission.grades.values()),
                               "auto_score": auto_score, "auto_max": auto_max,
                               "needs_manual": pending, **timing})
    grades = pd.DataFrame(grade_rows, columns=GRADE_COLUMNS)
    grades[["score", "auto_score"]] = grades[["score", "auto_score"]].astype(float)
    grades["percent"] = (100 * grades["score"] / grades["max_score"].where(
        grades["max_score"] > 0)).round(1)
    grades["auto_percent"] = (100 * grades["auto_score"] / grades["auto_max"].where(
        grades["auto_max"] > 0)).round(1)
    items = pd.DataFrame(item_rows, columns=ITEM_COLUMNS)
    return grades, items


def export_course(directory: Path, out: Path | None = None) -> int:
    """Write ``grades.csv`` and ``items.csv`` (default: ``<course>/exports/``)."""
    course = Path(directory).resolve()
    folder = Path(out) if out is not None else course / "exports"
    grades, items = course_frames(course)
    if grades.empty:
        print(f"nothing to export: no students in the gradebook of {course}")
        return 1
    try:
        folder.mkdir(parents=True, exist_ok=True)
        grades.round(CSV_DECIMALS).to_csv(folder / "grades.csv", index=False)
        items.round(CSV_DECIMALS).to_csv(folder / "items.csv", index=False)
    except OSError as err:
        raise CourseError(f"cannot write the exports to {folder} ({err.strerror}); give a "
                          "folder you can write to with --out") from None
    from sourcewise.grading.course.results.assessment_export import write_assessment_csvs

    more = write_assessment_csvs(course, grades, items, folder)  # skills.csv, gains.csv
    print(f"wrote {folder / 'grades.csv'} ({len(grades)} rows) and {folder / 'items.csv'} "
          f"({len(items)} rows)" + "".join(f"; {m}" for m in more))
    return 0
