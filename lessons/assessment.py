"""The skills check's two nbgrader assignments, ``pre`` and ``post``, built from forms A and B.

Both notebooks have the same cells; the setup cell opens the form the student takes
(``widgets.assessment``), and each graded cell's hidden block holds the keys of both forms
(``KEY = {"A": …, "B": …}``). The instructor's grading picks the key of the student's form by
the course's student id (``form_cells``), never by what a notebook says. Regenerate the
committed notebooks after changing a form's key:

    python -m sourcewise.lessons.assessment
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sourcewise.lessons import LESSONS_DIR
from sourcewise.lessons.lesson_cells import GradedCell
from sourcewise.lessons.lesson_keys import BEGIN, END, sorted_json
from sourcewise.lessons.notebook_json import cell, notebook
from sourcewise.seeds.forms import ASSESSMENTS, FORMS, form_for

ASSESSMENT_DIR = LESSONS_DIR / "assessment"


@dataclass(frozen=True)
class Item:
    """One graded item of the skills check: the same on both forms."""

    name: str
    question: str
    task: str
    points: float
    skill: str
    claims: tuple[str, ...] = ()  # the key is narrowed to these claims
    shows: tuple[str, ...] = ()  # claims the widget shows (a course edition's public key)


# The design of both forms: same item types, counts and points per skill (a test checks the
# forms' keys against it). Claim ids mean the same role on both forms.
ITEMS = (
    Item("claims", "claims", "claims.check", 4, "claims"),
    Item("links", "sources", "sources.links", 1, "sourcing", ("C03",)),
    Item("ratings", "sources", "sources.ratings", 3, "sourcing"),
    Item("framing", "framing", "framing.all", 3, "framing"),
    Item("records", "records", "corroboration.search", 3, "corroboration", shows=("C01",)),
    Item("confidence", "confidence", "weighing.calibration", 2, "calibration",
         shows=("C02",)),
)
WIDGETS = {
    "claims": 'lesson.annotator(\n    "claims", task="claims.check",\n    prompt="Mark each '
              'claim and label it.",\n)',
    "sources": 'lesson.source_linker(\n    "sources", ["C03"], task="sources.links",'
               '\n    prompt="Choose the source of the claim; rate each source.",\n)',
    "framing": 'lesson.annotator(\n    "framing", task="framing.all",\n    prompt="Choose a label,'
               ' then mark the words.",\n)',
    "records": 'lesson.search(\n    "records", ["C01"], task="corroboration.search",'
               '\n    prompt="Search the records, then record what you found.",\n)',
    "confidence": 'lesson.confidence(\n    "confidence", claim_ids, '
                  'task="weighing.calibration",\n    prompt="How likely is this claim to be '
                  'true?",\n)',
}
PARTS = {
    "claims": "## 1 · Claims (4 points)\n\nMark each checkable claim and label it.",
    "sources": "## 2 · Sources (4 points)\n\nLink the claim to its source; rate each source.",
    "framing": "## 3 · Framing (3 points)\n\nMark the words that steer the reader.",
    "records": "## 4 · Corroboration (3 points)\n\nTrace the original; find an independent record "
               "for the claim.",
    "confidence": "## 5 · Confidence (2 points)\n\nHow likely is the claim to be true?",
}
# What tests/bench/lesson_times.py estimates for the forms (12.6-12.8 min; a test keeps the
# page in step with the model).
MINUTES = "12–13"
TITLES = {"pre": "Skills check · before the lessons", "post": "Skills check · after the lessons"}


def assessment_paths() -> list[Path]:
    """The source notebooks of the skills check (``pre``, ``post``)."""
    return [ASSESSMENT_DIR / f"{a}.ipynb" for a in ASSESSMENTS]


def form_keys(item: Item) -> dict[str, Any]:
    """``{"A": key, "B": key}``: the scoring key of one item on each form."""
    from sourcewise.grading.task_keys import task_key
    from sourcewise.seeds.forms import form_article

    return {form: sorted_json(task_key(item.task, form_article(form),
                                   list(item.claims) if item.claims else None))
            for form in FORMS}


def _meta(assessment: str, name: str, *, grade: bool = False,
          points: float | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "grade_id": f"{assessment}-{name}", "locked": True,
                            "schema_version": 3, "solution": False, "task": False}
    if points is not None:
        meta["points"] = points
    return {"deletable": False, "editable": False, "nbgrader": meta}


def _graded_source(assessment: str, item: Item) -> str:
    claims = f", claims={list(item.claims)!r}" if item.claims else ""
    kind = {"claims.check": "spans", "framing.all": "spans", "sources.links": "links",
            "sources.ratings": "ratings", "corroboration.search": "choices",
            "weighing.calibration": "calibration"}[item.task]
    return "\n".join([
        f"# Graded ({item.points:g} points): your score for this part, read from your saved "
        "answers.",
        f"lesson.self_score({item.question!r}, {item.task!r}, {item.points:g}{claims})",
        BEGIN, "from sourcewise.grading import grade_item",
        f"KEY = {form_keys(item)!r}",
        f'grade_item("{assessment}", "{item.question}", "{kind}", KEY[lesson.form], '
        f"{float(item.points)!r})",
        END])


def assessment_notebook(assessment: str) -> dict[str, Any]:
    """The nbgrader source notebook of ``pre`` or ``post`` (both forms' keys inside)."""
    total = sum(i.points for i in ITEMS)
    cells: list[dict[str, Any]] = []

    def add(kind: str, text: str, metadata: Mapping[str, Any] | None = None) -> None:
        cells.append(cell(kind, text, f"{assessment}-{len(cells):02d}", metadata))

    add("markdown", f"# {TITLES[assessment]}\n\n**{total:g} points** · **About {MINUTES} "
        "minutes**\n\n> **A constructed teaching text** about fictional events. One of two "
        "equally hard forms: " + ("the other comes after the lessons." if assessment == "pre"
                                  else "you took the other before the lessons."),
        _meta(assessment, "header"))
    # The first widget cell also opens the student's form: one cell fewer to run.
    setup = ("# Run this cell first (Shift+Enter): it opens your form of the check.\n"
             "from sourcewise.widgets.assessment import assessment_lesson\n"
             f"lesson = assessment_lesson({assessment!r})\n")
    shown: set[str] = set()
    for item in ITEMS:
        if item.question not in shown:
            first = not shown
            shown.add(item.question)
            add("markdown", PARTS[item.question], _meta(assessment, f"task-{item.question}"))
            ids = 'claim_ids = ["C02"]\n' if item.question == "confidence" else ""
            add("code", f"{setup if first else ''}{ids}{item.question}_widget = "
                f"{WIDGETS[item.question]}\n{item.question}_widget",
                _meta(assessment, f"widget-{item.question}"))
        spec: dict[str, Any] = {"task": item.task, "question": item.question,
                                "forms": sorted(FORMS.values()), "skill": item.skill}
        if item.claims or item.shows:
            spec["claims"] = list(item.claims or item.shows)
        if item.claims:  # the key is narrowed to these (the summary cell scores with it)
            spec["key_claims"] = list(item.claims)
        meta = {**_meta(assessment, item.name, grade=True, points=item.points),
                "sourcewise": spec}
        add("code", _graded_source(assessment, item), meta)
    add("markdown", "## Done\n\nHand it in. After both checks, your summary page shows what "
        "changed (the cell below).", _meta(assessment, "summary"))
    # Optional, after the check: left out of the time estimate like any extension.
    add("code", "# After both checks: your skills summary (also saved as skills-summary.html).\n"
        "from sourcewise.widgets.skills_summary import show_summary\n"
        "show_summary()", {**_meta(assessment, "summary-page"),
                           "sourcewise": {"extension": True}})
    nb = notebook(cells)
    skills = json.loads((LESSONS_DIR / "skills.json").read_text(encoding="utf-8"))["skills"]
    # Pairs, not an object: notebook writers sort keys, and the skills' order is documented.
    nb["metadata"]["sourcewise"] = {"assessment": assessment,
                                    "skills": [[s, text] for s, text in skills.items()]}
    return nb


def form_cells(cells: Sequence[GradedCell], student: str, assessment: str) -> list[GradedCell]:
    """The graded cells with the key of the form this student takes (other lessons: as given).

    The form comes from the course's student id; a cell whose key is not a per-form key is
    returned unchanged, so this is safe to call for every lesson.
    """
    if assessment not in ASSESSMENTS:
        return list(cells)
    form = form_for(student, assessment)
    return [replace(c, key=c.key[form]) if isinstance(c.key, Mapping) and set(c.key) == set(FORMS)
            else c for c in cells]


def write_notebooks(folder: Path = ASSESSMENT_DIR) -> list[Path]:
    """Write ``pre.ipynb`` and ``post.ipynb`` (without outputs)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for assessment in ASSESSMENTS:
        path = folder / f"{assessment}.ipynb"
        path.write_text(json.dumps(assessment_notebook(assessment), ensure_ascii=False,
                                   indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_notebooks():
        print(f"wrote {written_path}")
    sys.exit(0)
