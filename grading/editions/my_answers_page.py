"""``my-answers.ipynb``: the page with the "all my answers in one file" widget.

Placed beside the lessons in the browser edition (``sourcewise lite build``), in a student's
working folder (``sourcewise lab``) and, for a course, beside the lesson folders a student
fetches (``sourcewise course build`` writes ``for-students/my-answers.ipynb``); it is not a
lesson and has no grades.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sourcewise.lessons.notebook_json import LOCAL_KERNELSPEC, cell, notebook

TRANSFER_NOTEBOOK = "my-answers.ipynb"

WHERE_BROWSER = """\
In the browser edition your answers live in this browser's storage for this site, and nowhere
else. They survive a reload, a kernel restart and closing the browser, but not clearing the
browser's site data, and another browser or device cannot see them."""

WHERE_LOCAL = """\
Your answers live in the `answers/` folder beside the lessons (one file per lesson) and, for
written answers, in the lesson notebooks themselves. To work on another computer, or in the
browser edition, take them along as one file."""

TEXT = """# My answers: keep a copy, move them, hand them in

{where}

Run the cell below (Shift+Enter). It shows two buttons:

- **Download all my answers** saves one file, `sourcewise-answers-DATE.json`, with every
  lesson's answers: the marks, choices and sliders of the widgets and your written answers.
  Keep it somewhere safe; it is small.
- **Load answers from a file** takes such a file, here or on another device, and puts its
  answers back into the lessons. Nothing is lost: where this {place} already has an answer to
  the same question, the one saved later is used and the other is kept aside in the answers
  file; a written answer that differs is kept, with the loaded text added below it. After
  loading, close any lesson you had open and open it again, then run it (Kernel, then
  *Restart Kernel and Run All Cells*) to see the loaded answers.

**Handing in.** If your course asks for this file, type your name or student ID before you
download, then send the file to your instructor as they ask (their grading tool reads it
directly). The file holds your answers only: no key, nothing about this computer.
"""


WHERE_COURSE = """\
Your course's lessons are in folders of their own (`01-claims/`, …), each with its notebook and
an `answers/` folder. Keep this page in the folder that holds those lesson folders (your home
folder on the course's JupyterHub): it collects every lesson's answers from there."""


def transfer_notebook(kernelspec: Mapping[str, str] = LOCAL_KERNELSPEC, *, browser: bool,
                      course: bool = False) -> dict[str, Any]:
    """The notebook (nbformat 4.5, no outputs) for the browser edition, a local folder or a
    course (lessons in folders of their own)."""
    where = WHERE_COURSE if course else WHERE_BROWSER if browser else WHERE_LOCAL
    text = TEXT.format(where=where, place="browser" if browser else "folder")
    return notebook([
        cell("markdown", text, "transfer-help"),
        cell("code", "from sourcewise.widgets import AnswerTransfer\n\nAnswerTransfer()",
             "transfer-widget", {"editable": False, "deletable": False})],
        kernelspec=kernelspec)
