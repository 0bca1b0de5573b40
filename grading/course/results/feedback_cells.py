"""What a feedback page may show of a graded cell: its visible part, safe outputs, and the
explanation printed with its score, split into items.

Shared by the in-process page renderer and nbgrader's converter (``StripHiddenTests``), so
both hide the same things: hidden tests and key literals, tracebacks of graded cells, and
widget state a static page cannot run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sourcewise.grading.course.autograde.steps import RESTORED_PREFIX
from sourcewise.lessons.lesson_cells import split_hidden

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = "[An interactive widget: open the notebook in JupyterLab to see your answers.]"
CHART_NOTE = "[A chart: open the notebook in JupyterLab to see it.]"
# What a static HTML page can show; anything else (a plotly figure's JSON) becomes a note.
SHOWABLE = ("text/html", "text/plain", "text/markdown", "text/latex", "image/png", "image/jpeg",
            "image/svg+xml", "image/gif", "application/pdf")
# The marks ``sourcewise.grading.item_grading.explain`` puts before each item.
MARKS = {"✓": "right", "~": "partly", "○": "missed", "✗": "wrong", "+": "extra",
         "·": "unscored"}
ITEM_LINE = re.compile(r"^  (?P<mark>[✓~○✗+·]) (?P<text>.*)$")
WHY_LINE = re.compile(r"^\s+Why: (?P<text>.*)$")
NOTE_LINE = re.compile(r"^  Note: (?P<text>.*)$")
COUNTS = re.compile(r"points \((?P<counts>[^)]*)\)\.?$")


def is_graded_code(cell: Mapping[str, Any]) -> bool:
    grading = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(grading.get("grade"))


def visible_source(source: str) -> str:
    """A graded cell's released part: no hidden tests, no nbgrader "was missing" comment."""
    visible, _ = split_hidden(source)
    if visible.startswith(RESTORED_PREFIX):
        visible = visible.split("\n", 1)[1].lstrip("\n") if "\n" in visible else ""
    return visible


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def shown_outputs(cell: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A code cell's outputs as a page may show them (plain dicts; notes replace the rest).

    Errors become one line (a graded cell's are dropped: its grading note says why it scored
    0), a graded cell's stderr is dropped, widgets and charts become a note.
    """
    graded = is_graded_code(cell)
    shown: list[dict[str, Any]] = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        data = output.get("data", {})
        if kind == "error":
            if graded:
                continue
            value = str(output.get("evalue", "")).strip().splitlines()
            shown.append({"output_type": "stream", "name": "stderr",
                          "text": f"{output.get('ename', 'Error')}: {value[0] if value else ''}\n"})
        elif kind == "stream" and output.get("name") == "stderr" and graded:
            continue
        elif kind in ("display_data", "execute_result") and WIDGET_MIME in data:
            shown.append({"output_type": "stream", "name": "stdout", "text": WIDGET_NOTE + "\n"})
        elif kind in ("display_data", "execute_result") and not any(m in data for m in SHOWABLE):
            shown.append({"output_type": "stream", "name": "stdout", "text": CHART_NOTE + "\n"})
        else:
            shown.append(dict(output))
    return shown


@dataclass
class ExplainedItem:
    """One line of an explanation: its status (right, missed, …), text and the key's reason."""

    status: str
    text: str
    why: str = ""


@dataclass
class Explanation:
    """The explanation a graded cell printed, split the way ``explain`` wrote it."""

    summary: str = ""
    notes: list[str] = field(default_factory=list)
    items: list[ExplainedItem] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # lines in no known shape, kept in order

    @property
    def counts(self) -> str:
        """The summary's tally ("22 right, 5 missed"), without the score it repeats."""
        found = COUNTS.search(self.summary)
        return found["counts"] if found else ""

    @property
    def to_fix(self) -> list[ExplainedItem]:
        return [item for item in self.items if item.status != "right"]

    @property
    def right(self) -> list[ExplainedItem]:
        return [item for item in self.items if item.status == "right"]


def graded_stdout(cell: Mapping[str, Any]) -> str:
    """The explanation a graded code cell printed (its stdout); not the raw score value."""
    return "".join(_text(o.get("text")) for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stdout")


def parse_explanation(text: str) -> Explanation:
    """Split an explanation into summary, notes and items; unknown lines are kept as they are."""
    result = Explanation()
    for line in text.splitlines():
        if not line.strip():
            continue
        item, why, note = ITEM_LINE.match(line), WHY_LINE.match(line), NOTE_LINE.match(line)
        if why and result.items and not result.items[-1].why:
            result.items[-1].why = why["text"].strip()
        elif item:
            result.items.append(ExplainedItem(MARKS[item["mark"]], item["text"].strip()))
        elif note:
            result.notes.append(note["text"].strip())
        elif not result.summary and line.startswith("Score: "):
            result.summary = line.strip()
        else:
            result.other.append(line.strip())
    return result
