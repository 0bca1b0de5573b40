"""``skills.csv`` and ``gains.csv`` beside export's grades: skills across the course, and each
student's pre/post gain on the skills check (empty with a reason when a test is missing)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from sourcewise.grading.atomic_write import write_bytes_atomic
from sourcewise.grading.course.results.gains import StudentGain, student_gain
from sourcewise.grading.course.results.skills import (
    SKILL_COLUMNS,
    skill_maxima,
    skill_points,
    skill_rows,
    skills,
)
from sourcewise.lessons.lesson_cells import graded_cells, lesson_sources

Maxima = dict[str, float]
GAIN_COLUMNS = ["student", "pre_form", "post_form", "pre_score", "post_score", "max", "gain",
                "normalised_gain", "reason"]


def assessment_maxima(course: Path) -> dict[str, float] | None:
    """``{skill: points}`` of the skills check (the same on pre and post); None without it."""
    sources = lesson_sources(course, ["pre", "post"])
    if set(sources) != {"pre", "post"}:
        return None
    return skill_maxima({c.grade_id: c.points for c in graded_cells(sources["pre"], keys=False)},
                        "pre")


def refused_tests(course: Path, students: list[str]) -> dict[str, dict[str, str]]:
    """``{student: {test: why}}``: handed-in skills checks answered on the other form (autograde
    refused them; they count as not taken)."""
    from sourcewise.grading.answer_file import MAX_BYTES, parse_answers, read_regular
    from sourcewise.grading.course.autograde.form_check import wrong_form

    found: dict[str, dict[str, str]] = {}
    for student in students:
        for test in ("pre", "post"):
            path = Path(course) / "submitted" / student / test / "answers" / f"{test}.json"
            try:
                answers = parse_answers(read_regular(path, MAX_BYTES))
            except (OSError, ValueError):
                continue
            mismatch = None if answers.problem else wrong_form(answers.answers, student, test)
            if mismatch:
                found.setdefault(student, {})[test] = mismatch.what(test)
    return found


def student_gains(grades: Any, items: Any, maxima: dict[str, float],
                  course: Path | None = None) -> list[StudentGain]:
    """One gain per registered student, from export's grade and item frames (``course``: also
    leave out tests answered on the wrong form)."""
    maximum = sum(maxima.values())
    submitted = {(r["student"], r["lesson"]): r["status"] != "not submitted"
                 for r in grades.to_dict("records")}
    by_skill = {test: skill_points(items, test) for test in ("pre", "post")}
    scores: dict[str, dict[str, float | None]] = {}
    for student in sorted(grades["student"].unique()):
        for test in ("pre", "post"):
            done = submitted.get((student, test), False)
            scores.setdefault(student, {})[test] = (
                sum(by_skill[test].get(student, {}).values()) if done else None)
    refused = refused_tests(course, sorted(scores)) if course is not None else {}
    return [student_gain(student, values["pre"], values["post"], maximum,
                         by_skill["pre"].get(student, {}), by_skill["post"].get(student, {}),
                         refused=refused.get(student))
            for student, values in scores.items()]



def gain_table(rows: list[StudentGain], maxima: Maxima) -> tuple[list[str], list[dict]]:
    """Columns and rows of ``gains.csv`` (per-skill pre and post points at the end)."""
    names = [s for s in skills() if s in maxima]
    columns = GAIN_COLUMNS + [f"{t}_{s}" for s in names for t in ("pre", "post")]
    table = []
    for r in rows:
        row: dict[str, Any] = {"student": r.student, "pre_form": r.pre_form,
                               "post_form": r.post_form, "pre_score": _round(r.pre_score),
                               "post_score": _round(r.post_score), "max": r.maximum,
                               "gain": _round(r.gain),
                               "normalised_gain": _round(r.normalised_gain), "reason": r.reason}
        for s in names:
            row[f"pre_{s}"] = (_round(r.pre_skills.get(s, 0.0)) if r.pre_score is not None
                               else None)
            row[f"post_{s}"] = (_round(r.post_skills.get(s, 0.0)) if r.post_score is not None
                                else None)
        table.append(row)
    return columns, table


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in columns})
    return buffer.getvalue().encode("utf-8")


def write_assessment_csvs(course: Path, grades: Any, items: Any, folder: Path) -> list[str]:
    """Write ``skills.csv`` (always) and ``gains.csv`` (when the course has the skills check);
    returns what was written, for export's message."""
    written = []
    skill_table = skill_rows(items)
    write_bytes_atomic(folder / "skills.csv", _csv(SKILL_COLUMNS, skill_table))
    written.append(f"{folder / 'skills.csv'} ({len(skill_table)} rows)")
    maxima = assessment_maxima(Path(course))
    if maxima is not None:
        columns, table = gain_table(student_gains(grades, items, maxima, Path(course)),
                                    maxima)
        write_bytes_atomic(folder / "gains.csv", _csv(columns, table))
        written.append(f"{folder / 'gains.csv'} ({len(table)} rows)")
    return written
