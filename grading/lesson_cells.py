"""What a lesson notebook grades: its graded cells, their tasks and the keys in their hidden blocks.

Reads nbgrader *source* notebooks (and autograded ones) as plain JSON; no kernel, no nbgrader.
The course pipeline, the export, the class report and the simulated class all start here.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .lesson_keys import BEGIN, END

KEY_PREFIX = "KEY = "


@dataclass(frozen=True)
class GradedCell:
    """One nbgrader grade cell: an autograded widget task or a manually graded free text."""

    grade_id: str
    points: float
    cell_type: str
    task: str | None = None
    question: str | None = None
    key: Mapping[str, Any] | None = None

    @property
    def autograded(self) -> bool:
        """True for code test cells (nbgrader scores them); free-text answers are manual."""
        return self.cell_type == "code"

    @property
    def kind(self) -> str | None:
        """The scoring kind of the task (spans, choices, links…), when the cell names a task."""
        if self.task is None:
            return None
        from .task_keys import TASKS

        spec = TASKS.get(self.task)
        return spec.kind if spec else None


def cell_source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def split_hidden(source: str) -> tuple[str, str]:
    """``(visible, hidden)`` parts of a test cell; hidden is empty when there is no block."""
    if BEGIN not in source:
        return source, ""
    visible, _, rest = source.partition(BEGIN)
    hidden, _, after = rest.partition(END)
    return (visible.rstrip("\n") + ("\n" + after.strip("\n") if after.strip() else ""),
            BEGIN + hidden + END)


def hidden_key(source: str) -> dict[str, Any] | None:
    """The ``KEY = {...}`` literal of a hidden block (written as JSON by lesson_keys)."""
    _, hidden = split_hidden(source)
    for line in hidden.splitlines():
        if line.startswith(KEY_PREFIX):
            try:
                value = ast.literal_eval(line[len(KEY_PREFIX):])
            except (ValueError, SyntaxError):
                return None
            return value if isinstance(value, dict) else None
    return None


def read_notebook_json(path: Path) -> dict[str, Any]:
    """A notebook as plain JSON (raises ValueError when it does not parse)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{Path(path).name} is not a readable notebook ({err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise ValueError(f"{Path(path).name} is not a notebook (no list of cells)")
    return data


def graded_cells(notebook: Mapping[str, Any] | Path) -> list[GradedCell]:
    """Every nbgrader grade cell of a notebook, in order."""
    nb = read_notebook_json(notebook) if isinstance(notebook, Path) else notebook
    found = []
    for cell in nb["cells"]:
        meta = cell.get("metadata", {})
        grading = meta.get("nbgrader", {})
        if not grading.get("grade"):
            continue
        spec = meta.get("sourcewise") or {}
        found.append(GradedCell(
            grade_id=str(grading["grade_id"]), points=float(grading.get("points", 0)),
            cell_type=str(cell.get("cell_type")), task=spec.get("task"),
            question=spec.get("question"),
            key=hidden_key(cell_source(cell)) if cell.get("cell_type") == "code" else None))
    return found


def grade_ids(notebook: Mapping[str, Any]) -> list[str]:
    """The grade ids present in a notebook (a deleted cell is missing here)."""
    return [c.grade_id for c in graded_cells(notebook)]


def cells_by_id(notebook: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Grade cells keyed by grade id (the last one wins when a student duplicated a cell)."""
    return {str(c["metadata"]["nbgrader"]["grade_id"]): c for c in notebook["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("grade")}


def stream_text(cell: Mapping[str, Any], name: str = "stdout") -> str:
    """What a cell printed to ``stdout`` (or ``stderr``)."""
    return "".join(cell_source({"source": o.get("text", "")}) for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == name)


def lesson_sources(course: Path, lessons: Iterable[str] | None = None) -> dict[str, Path]:
    """The source notebook of each lesson of a course folder (``source/<id>/<id>.ipynb``)."""
    wanted = set(lessons) if lessons else None
    found = {}
    for path in sorted((Path(course) / "source").glob("*/*.ipynb")):
        if path.parent.name == path.stem and (wanted is None or path.stem in wanted):
            found[path.stem] = path
    return found
