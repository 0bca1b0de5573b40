"""Student feedback HTML: nbgrader's feedback without hidden tests, keys or tracebacks.

nbgrader's default feedback shows each test cell whole (hidden tests and the key literal
included) and the tracebacks of failing hidden code (README, "nbgrader facts").
``StripHiddenTests`` runs in ``GenerateFeedback`` after ``GetGrades``: a graded cell keeps only
its released (visible) part and the explanation printed with its score, errors become one plain
line, widget state is dropped (a static page cannot run widgets), and the grading log's reasons
are shown where they apply.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from sourcewise.grading.course import grading_log
from sourcewise.grading.course.autograde.steps import RESTORED_PREFIX
from sourcewise.lessons.lesson_cells import cell_source, split_hidden

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = "[An interactive widget: open the notebook in JupyterLab to see your answers.]"
CHART_NOTE = "[A chart: open the notebook in JupyterLab to see it.]"
# What a static HTML page can show; anything else (a plotly figure's JSON) becomes a note.
SHOWABLE = ("text/html", "text/plain", "text/markdown", "text/latex", "image/png", "image/jpeg",
            "image/svg+xml", "image/gif", "application/pdf")

# GenerateFeedback's pipeline (also written into nbgrader_config.py by `course init`).
FEEDBACK_STEPS = [
    "nbgrader.preprocessors.GetGrades",
    # after GetGrades: scores are set
    "sourcewise.grading.course.results.feedback.StripHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]


def _stream(text: str, name: str = "stdout") -> dict[str, Any]:
    from nbformat import NotebookNode

    return NotebookNode(output_type="stream", name=name, text=text)


def _is_graded_code(cell: Any) -> bool:
    grading = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(grading.get("grade"))


def _visible(source: str) -> str:
    visible, _ = split_hidden(source)
    if visible.startswith(RESTORED_PREFIX):  # drop nbgrader's "was missing" comment line
        visible = visible.split("\n", 1)[1].lstrip("\n") if "\n" in visible else ""
    return visible


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
        notes, reasons = self._log_entries(resources)
        nb.metadata.pop("widgets", None)
        for cell in nb.cells:
            self._strip_cell(cell, reasons)
        if notes:
            from nbformat.v4 import new_markdown_cell

            lines = "\n".join(f"- {note}" for note in notes)
            nb.cells.insert(0, new_markdown_cell(f"**Notes from grading**\n\n{lines}"))
        return nb, resources

    def _strip_cell(self, cell: Any, reasons: dict[str, str]) -> None:
        if cell.get("cell_type") != "code":
            return
        graded = _is_graded_code(cell)
        source = cell_source(cell)
        if graded or "### BEGIN HIDDEN TESTS" in source:
            cell.source = _visible(source)
        outputs = []
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                value = str(output.get("evalue", "")).strip().splitlines()
                if graded:
                    continue  # the reason below says why the item scored 0
                outputs.append(_stream(f"{output.get('ename', 'Error')}: "
                                       f"{value[0] if value else ''}\n", "stderr"))
            elif kind == "stream" and output.get("name") == "stderr" and graded:
                continue
            elif kind in ("display_data", "execute_result") and WIDGET_MIME in output.get(
                    "data", {}):
                outputs.append(_stream(WIDGET_NOTE + "\n"))
            elif kind in ("display_data", "execute_result") and not any(
                    mime in output.get("data", {}) for mime in SHOWABLE):
                outputs.append(_stream(CHART_NOTE + "\n"))
            else:
                outputs.append(output)
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if graded and grade_id in reasons:
            outputs.append(_stream(f"Grading note: {reasons[grade_id]}\n"))
        cell.outputs = outputs


def ungraded_page(student: str, lesson: str, entries: Sequence[grading_log.LogEntry]) -> str:
    """A plain feedback page for a submission nbgrader could not grade: the reasons, the zeros."""
    import html

    notes = "".join(f"<li>{html.escape(e.reason)}</li>" for e in entries
                    if e.item is None and e.reason)
    rows = "".join(f"<tr><td>{html.escape(str(e.item))}</td><td>{e.score or 0:g} / "
                   f"{e.max_score or 0:g}</td><td>{html.escape(e.reason)}</td></tr>"
                   for e in entries if e.item is not None)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(lesson)}</title></head><body><h1>{html.escape(lesson)}: "
            f"feedback for {html.escape(student)}</h1><p>This notebook could not be graded "
            f"automatically.</p><ul>{notes}</ul><table border=\"1\"><tr><th>Item</th>"
            f"<th>Score</th><th>Why</th></tr>{rows}</table><p>Talk to your instructor: your "
            "submitted files were kept unchanged.</p></body></html>")


def feedback_course(directory: Path, lessons: Sequence[str] | None = None, *,
                    progress: bool = True, students: Sequence[str] | None = None) -> int:
    """Write ``feedback/<student>/<lesson>/<lesson>.html`` for every graded submission.

    Submissions nbgrader could not grade (no autograded notebook) get a plain page with the
    grading log's reasons instead, so every student who handed something in hears why.
    """
    from sourcewise.grading.course.nbgrader_env import nbgrader_api, quiet_sqlalchemy
    from sourcewise.grading.course.progress import progress_bar

    course = Path(directory).resolve()
    only = set(students or ())
    pairs = sorted((folder.parent.name, folder.name)
                   for folder in (course / "autograded").glob("*/*") if folder.is_dir()
                   and (not lessons or folder.name in lessons))
    runs = grading_log.latest_run(grading_log.read(course))
    ungraded = sorted(key for key in runs if key not in set(pairs)
                      and (not lessons or key[1] in lessons)
                      and (course / "submitted" / key[0] / key[1]).is_dir())
    if not pairs and not ungraded:
        print(f"no autograded submissions under {course / 'autograded'}: run autograde first",
              file=sys.stderr)
        return 1
    quiet_sqlalchemy()
    overrides = {"GenerateFeedback": {"preprocessors": FEEDBACK_STEPS},
                 "StripHiddenTests": {"course_root": str(course)}}
    api = nbgrader_api(course, overrides)
    students = sorted({student for student, _ in pairs + ungraded
                       if not only or student in only})
    failed = []
    bar = progress_bar(len(students), "feedback", progress, unit="student")
    for student in students:
        bar.update(1)
        for lesson in [lesson for s, lesson in pairs if s == student]:
            try:
                result = api.generate_feedback(lesson, student, force=True)
            except Exception as err:  # one page that cannot be written must not stop the rest
                result = {"success": False, "error": str(err)}
            if not result.get("success"):
                failed.append(f"{student}/{lesson}")
        for lesson in [lesson for s, lesson in ungraded if s == student]:
            page = course / "feedback" / student / lesson / f"{lesson}.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(ungraded_page(student, lesson, runs[(student, lesson)]),
                            encoding="utf-8")
    bar.close()
    for name in failed:
        print(f"could not write feedback for {name}", file=sys.stderr)
    print(f"feedback written for {len(pairs) + len(ungraded) - len(failed)} submission(s) in "
          f"{course / 'feedback'}" + (f" ({len(ungraded)} could not be graded: their pages "
                                      "give the reasons)" if ungraded else ""))
    return 1 if failed else 0


def feedback_leaks(html: str, keys: Sequence[str] = ()) -> list[str]:
    """Hidden-test markers, key-literal fields (and any given key strings) found in a page."""
    markers = ["HIDDEN TESTS", "grade_item", "&quot;rationale&quot;", '"rationale"',
               "&quot;also&quot;", '"also"', "Traceback (most recent call last)", *keys]
    return [marker for marker in markers if marker in html]
