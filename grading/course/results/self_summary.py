"""The skills summary for a self-learner: their own pre- and post-test scored from the answers
files in their working folder (self-study has the key), on the same page a course student gets.
"""

from __future__ import annotations

from pathlib import Path

from sourcewise.grading.answer_file import answers_path, read_answers
from sourcewise.grading.atomic_write import write_bytes_atomic
from sourcewise.grading.course.results.gains import student_gain
from sourcewise.grading.course.results.skills import skill_data, skill_maxima, skill_of
from sourcewise.grading.item_grading import is_empty, score_task
from sourcewise.grading.skills_page import PAGE, page_context, render_page
from sourcewise.lessons.assessment import assessment_paths, form_cells
from sourcewise.lessons.lesson_cells import graded_cells


def form_scores(folder: Path, learner: str, test: str) -> dict[str, float] | None:
    """``{skill: points}`` of one test from ``answers/<test>.json``; None when not taken."""
    saved = read_answers(answers_path(test, folder))
    source = next(p for p in assessment_paths() if p.stem == test)
    cells = [c for c in form_cells(graded_cells(source), learner, test) if c.autograded]
    values = {c.question: (saved.answers.get(c.question) or {}).get("value") for c in cells}
    if saved.problem or all(is_empty(v) for v in values.values()):
        return None
    points: dict[str, float] = {}
    for cell in cells:
        value = values[cell.question]
        got = 0.0 if is_empty(value) else score_task(str(cell.kind), value,
                                                     cell.key or {}).points(cell.points)
        skill = skill_of(test, cell.grade_id) or "other"
        points[skill] = points.get(skill, 0.0) + got
    return points


def write_self_summary(folder: Path, learner: str | None = None) -> Path:
    """Write ``<folder>/skills-summary.html`` for the learner of this working folder."""
    from sourcewise.widgets.assessment import student_id

    folder = Path(folder).resolve()
    who = student_id(learner, folder)
    pre_source = assessment_paths()[0]
    maxima = skill_maxima({c.grade_id: c.points for c in graded_cells(pre_source, keys=False)},
                          "pre")
    pre, post = (form_scores(folder, who, test) for test in ("pre", "post"))
    row = student_gain(who, None if pre is None else sum(pre.values()),
                       None if post is None else sum(post.values()), sum(maxima.values()),
                       pre, post)
    html = render_page(page_context(row, maxima, skills=skill_data()["skills"], context=(
        "Your skills check before and after the lessons, scored on this computer from your "
        "saved answers.")))
    path = folder / PAGE
    write_bytes_atomic(path, html.encode("utf-8"))
    return path
