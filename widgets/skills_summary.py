"""A self-learner's skills summary from inside a notebook (the local lab and the browser edition).

``show_summary()`` scores the learner's two skills checks from ``answers/pre.json`` and
``answers/post.json`` beside the notebooks, on the learner's own forms, with the packaged keys
and the same scoring as the self-checks; it writes ``skills-summary.html`` (the page a course
student gets with their feedback, and ``sourcewise summary`` writes) and shows it in the
notebook. The checks' design (tasks, points, skills) is read from the ``pre`` and ``post``
notebooks in the folder, so nothing from the instructor's side is needed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sourcewise.grading.answer_file import answers_path, read_answers
from sourcewise.grading.atomic_write import write_bytes_atomic
from sourcewise.grading.skills_page import PAGE, page_context, render_page, student_gain
from sourcewise.seeds.edition import COURSE, edition
from sourcewise.seeds.forms import ASSESSMENTS, form_article, form_for

CONTEXT = ("Your skills check before and after the lessons, scored on this computer from your "
           "saved answers.")


def check_design(folder: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """``(items, skills)``: every graded item of the skills check (task, question, points,
    skill, key claims) and the documented skills, from the first of the two notebooks found."""
    for test in ASSESSMENTS:
        path = folder / f"{test}.ipynb"
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        items = []
        for cell in nb.get("cells", []):
            meta = cell.get("metadata", {})
            spec, grading = meta.get("sourcewise") or {}, meta.get("nbgrader") or {}
            if grading.get("grade") and spec.get("task") and spec.get("skill"):
                items.append({**spec, "points": float(grading.get("points", 0))})
        pairs = (nb.get("metadata", {}).get("sourcewise") or {}).get("skills") or []
        skills = {str(p[0]): str(p[1]) for p in pairs if isinstance(p, list) and len(p) == 2}
        if items and skills:
            return items, skills
    raise FileNotFoundError(f"no skills-check notebook (pre.ipynb or post.ipynb) in {folder}: "
                            "the summary reads the checks' questions from there")


def check_scores(folder: Path, learner: str, test: str, items: list[Mapping[str, Any]]
                ) -> dict[str, float] | None:
    """``{skill: points}`` of one check; None when nothing was answered on the learner's form."""
    from sourcewise.grading.item_grading import is_empty, score_task
    from sourcewise.grading.task_keys import task, task_key
    from sourcewise.seeds import load_article

    article = form_article(form_for(learner, test))
    fingerprint = load_article(article).fingerprint
    saved = read_answers(answers_path(test, folder))
    if saved.problem:
        return None
    points: dict[str, float] = {}
    answered = False
    for item in items:
        entry = saved.answers.get(item["question"]) or {}
        value = entry.get("value")
        if entry.get("fingerprint") not in (None, fingerprint):
            value = None  # made on the other form: not this learner's check
        got = 0.0
        if not is_empty(value):
            answered = True
            key = task_key(item["task"], article, item.get("key_claims"))
            got = score_task(task(item["task"]).kind, value, key).points(item["points"])
        points[item["skill"]] = points.get(item["skill"], 0.0) + got
    return points if answered else None


def write_summary(folder: str | Path | None = None, student: str | None = None) -> Path:
    """Write ``skills-summary.html`` in the working folder and return its path."""
    from sourcewise.widgets.assessment import student_id

    here = Path(folder or ".").resolve()
    who = student_id(student, here)
    items, skills = check_design(here)
    maxima: dict[str, float] = {}
    for item in items:
        maxima[item["skill"]] = maxima.get(item["skill"], 0.0) + item["points"]
    pre, post = (check_scores(here, who, test, items) for test in ASSESSMENTS)
    row = student_gain(who, None if pre is None else sum(pre.values()),
                       None if post is None else sum(post.values()), sum(maxima.values()),
                       pre, post)
    path = here / PAGE
    page = render_page(page_context(row, maxima, skills=skills, context=CONTEXT))
    write_bytes_atomic(path, page.encode("utf-8"))
    return path


def show_summary(folder: str | Path | None = None, student: str | None = None) -> Any:
    """The summary cell: write the page and show it in the notebook (self-study only)."""
    import html

    from IPython.display import HTML

    if os.environ.get("NBGRADER_EXECUTION"):
        return None
    if edition() == COURSE:
        print("In a course, your teacher gives you this page with your feedback.")
        return None
    try:
        path = write_summary(folder, student)
    except (OSError, ValueError) as err:
        print(f"The summary could not be made: {err}")
        return None
    page = path.read_text(encoding="utf-8")
    print(f"Saved as {path.name} beside this notebook (open it in a new tab to print it).")
    return HTML(f'<iframe class="sw-skills-summary" title="Your skills summary" '
                f'srcdoc="{html.escape(page, quote=True)}" '
                'style="width: 100%; height: 36em; border: 1px solid #ddd"></iframe>')
