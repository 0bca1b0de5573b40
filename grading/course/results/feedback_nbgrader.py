"""Feedback through nbgrader's converter (``GenerateFeedback``), page by page.

This was ``sourcewise feedback`` until pages were rendered in-process; it stays because
``nbgrader generate_feedback`` (and formgrader's button) use the course's
``GenerateFeedback.preprocessors``, and the benchmark times it beside the template path.
nbgrader's default feedback shows each test cell whole (hidden tests and the key literal
included) and the tracebacks of failing hidden code: ``StripHiddenTests`` runs after
``GetGrades`` and keeps what :mod:`feedback_cells` allows, with the grading log's reasons.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from sourcewise.grading.course import grading_log
from sourcewise.grading.course.results.feedback_cells import (
    is_graded_code,
    shown_outputs,
    visible_source,
)
from sourcewise.lessons.lesson_cells import cell_source


class StripHiddenTests(Preprocessor):
    """Remove hidden tests, keys and tracebacks from feedback; add the grading log's reasons."""

    enabled = Bool(True).tag(config=True)  # nbconvert preprocessors are off by default
    course_root = Unicode("", help="course folder (holds grading-log.jsonl); default: cwd"
                          ).tag(config=True)

    def _log_entries(self, resources: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
        info = resources.get("nbgrader", {})
        root = Path(self.course_root or os.getcwd())  # nbgrader runs steps in the course root
        runs = grading_log.latest_run(grading_log.read(root))
        entries = runs.get((str(info.get("student")), str(info.get("assignment"))), [])
        notes = [e.reason for e in entries if e.item is None and e.reason]
        reasons = {e.item: e.reason for e in entries if e.item is not None and e.reason}
        return notes, reasons

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        from nbformat import from_dict

        notes, reasons = self._log_entries(resources)
        nb.metadata.pop("widgets", None)
        for cell in nb.cells:
            if cell.get("cell_type") != "code":
                continue
            source = cell_source(cell)
            if is_graded_code(cell) or "### BEGIN HIDDEN TESTS" in source:
                cell.source = visible_source(source)
            outputs = shown_outputs(cell)
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if is_graded_code(cell) and grade_id in reasons:
                outputs.append({"output_type": "stream", "name": "stdout",
                                "text": f"Grading note: {reasons[grade_id]}\n"})
            cell.outputs = [from_dict(output) for output in outputs]
        if notes:
            from nbformat.v4 import new_markdown_cell

            lines = "\n".join(f"- {note}" for note in notes)
            nb.cells.insert(0, new_markdown_cell(f"**Notes from grading**\n\n{lines}"))
        return nb, resources


def nbgrader_feedback(course: Path, pairs: Sequence[tuple[str, str]],
                      steps: Sequence[str]) -> list[str]:
    """Write nbgrader's page for each (student, lesson); the ones that failed, as "s/l"."""
    from sourcewise.grading.course.nbgrader_env import nbgrader_api, quiet_sqlalchemy

    quiet_sqlalchemy()
    overrides = {"GenerateFeedback": {"preprocessors": list(steps)},
                 "StripHiddenTests": {"course_root": str(course)}}
    api = nbgrader_api(course, overrides)
    failed = []
    for student, lesson in pairs:
        try:
            result = api.generate_feedback(lesson, student, force=True)
        except Exception as err:  # one page that cannot be written must not stop the rest
            result = {"success": False, "error": str(err)}
        if not result.get("success"):
            failed.append(f"{student}/{lesson}")
    return failed
