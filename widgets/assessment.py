"""The skills check in a notebook: the form this student takes, opened as a lesson.

``assessment_lesson("pre")`` picks form A or B by the student id (``sourcewise.seeds.forms``)
and returns a ``Lesson`` over that form's constructed text, whose widgets save to
``answers/pre.json``. The id is, in order: ``student=``, ``SOURCEWISE_STUDENT``,
``JUPYTERHUB_USER`` (a course on JupyterHub), or in self-study a learner id made once and kept
in ``.sourcewise/learner-id`` of the working folder, so the same learner always gets the same
order. The instructor's grading uses the course's student id, whatever a notebook says.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from sourcewise.grading.atomic_write import write_bytes_atomic
from sourcewise.seeds import load_article
from sourcewise.seeds.edition import COURSE, edition
from sourcewise.seeds.forms import form_article, form_for

from .lesson import Lesson

LEARNER_FILE = Path(".sourcewise") / "learner-id"


class AssessmentLesson(Lesson):
    """A ``Lesson`` over one form of the skills check; ``form`` is ``"A"`` or ``"B"``."""

    def __init__(self, assessment: str, form: str, student: str,
                 folder: str | Path | None = None) -> None:
        super().__init__(assessment, form_article(form), folder)
        self.form = form
        self.student = student


def learner_id(folder: str | Path | None = None) -> str:
    """This working folder's self-study learner id (made on first use, then kept)."""
    path = Path(folder or ".") / LEARNER_FILE
    try:
        saved = path.read_text(encoding="utf-8").strip()
        if saved:
            return saved
    except OSError:
        pass
    made = f"learner-{uuid.uuid4().hex[:12]}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, made.encode("utf-8"))
    except OSError:  # a read-only folder: the order then holds for this session only
        pass
    return made


def student_id(student: str | None = None, folder: str | Path | None = None) -> str:
    """Who is taking the skills check (see the module docstring for the order)."""
    for value in (student, os.environ.get("SOURCEWISE_STUDENT"),
                  os.environ.get("JUPYTERHUB_USER")):
        if value and value.strip():
            return value.strip()
    if edition() == COURSE:
        raise ValueError("This notebook does not know your course id: write it in the first "
                         "cell, e.g. assessment_lesson(\"pre\", student=\"your-id\"), and run "
                         "it again.")
    return learner_id(folder)


def assessment_lesson(assessment: str, student: str | None = None,
                      folder: str | Path | None = None) -> AssessmentLesson:
    """The lesson object of this student's form of the ``pre`` or ``post`` skills check."""
    who = student_id(student, folder)
    form = form_for(who, assessment)
    other = "B" if form == "A" else "A"
    when = "before" if assessment == "pre" else "after"
    lesson = AssessmentLesson(assessment, form, who, folder)
    label = load_article(form_article(form)).meta.get("constructed_label", "")
    print(f"Form {form} of the skills check, {when} the lessons (for {who}: students whose id "
          f"falls on this side start with form {form}, the others with form {other}).\n{label}")
    return lesson
