"""A one-page summary per student of their skills and their gain, in words a student reads
(``feedback/<student>/skills-summary.html`` in a course; the same page for a self-learner)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sourcewise.grading.atomic_write import write_bytes_atomic
from sourcewise.grading.course.results.skills import skill_data
from sourcewise.grading.skills_page import PAGE, StudentGain, page_context, render_page


def write_student_pages(course: Path, gains: Sequence[StudentGain], maxima: Mapping[str, float],
                        skill_rows: Sequence[Mapping[str, Any]]) -> list[Path]:
    """``feedback/<student>/skills-summary.html`` for every student, beside their feedback."""
    written = []
    for row in gains:
        own = [r for r in skill_rows if r["student"] == row.student and r["scope"] == "lessons"]
        path = Path(course) / "feedback" / row.student / PAGE
        path.parent.mkdir(parents=True, exist_ok=True)
        html = render_page(page_context(
            row, maxima, lessons=own, skills=skill_data()["skills"],
            context=("Your skills check before and after the lessons, and your points in each "
                     "skill across the lessons. Only you and your teacher see this page.")))
        write_bytes_atomic(path, html.encode("utf-8"))
        written.append(path)
    return written
