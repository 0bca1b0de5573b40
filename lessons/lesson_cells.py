"""What a lesson notebook grades: its graded cells, their tasks and the keys in their hidden blocks.

Reads nbgrader *source* notebooks (and autograded ones) as plain JSON; no kernel, no nbgrader.
The course pipeline, the export, the class report and the simulated class all start here.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sourcewise.grading.answer_file import NOTEBOOK_MAX_BYTES, load_notebook_json
from sourcewise.lessons.lesson_keys import BEGIN, END

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
        from sourcewise.grading.task_keys import TASKS

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
            except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
                return None
            return value if isinstance(value, dict) else None
    return None


CELL_TYPES = ("code", "markdown", "raw")


def parse_notebook_json(raw: bytes, name: str = "the notebook") -> dict[str, Any]:
    """Notebook bytes as plain JSON with every cell usable (ValueError says what is wrong).

    Bounded like every reader of student data: size, nesting depth, and shape (a list of cells,
    each with a known type, text source and a metadata object).
    """
    data = load_notebook_json(raw, name)
    for number, cell in enumerate(data["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") not in CELL_TYPES:
            raise ValueError(f"{name}: cell {number} is not a notebook cell")
        source = cell.get("source", "")
        if not (isinstance(source, str)
                or (isinstance(source, list) and all(isinstance(s, str) for s in source))):
            raise ValueError(f"{name}: cell {number} has a source that is not text")
        if not isinstance(cell.get("metadata", {}), dict):
            raise ValueError(f"{name}: cell {number} has metadata that is not an object")
        if cell.get("cell_type") == "code" and not isinstance(cell.get("outputs", []), list):
            raise ValueError(f"{name}: cell {number} has outputs that are not a list")
    return data


def read_notebook_json(path: Path) -> dict[str, Any]:
    """A notebook file as plain JSON (raises ValueError when it is not a usable notebook)."""
    path = Path(path)
    try:
        if path.is_symlink() or not path.is_file():
            raise ValueError(f"{path.name} is not a regular file")
        if path.stat().st_size > NOTEBOOK_MAX_BYTES:
            raise ValueError(f"{path.name} is too large to be a lesson notebook "
                             f"({path.stat().st_size:,} bytes)")
        raw = path.read_bytes()
    except OSError as err:
        raise ValueError(f"{path.name} could not be read ({err.strerror})") from None
    return parse_notebook_json(raw, path.name)


@dataclass(frozen=True)
class NbgraderMeta:
    """A cell's nbgrader metadata, read defensively (student-controlled data)."""

    grade_id: str
    grade: bool = False
    solution: bool = False
    locked: bool = False
    task: bool = False
    points: float = 0.0


def nbgrader_meta(cell: Any) -> NbgraderMeta | None:
    """The cell's nbgrader metadata, or None when it has none or it is unusable.

    The one reader of nbgrader metadata: a missing or non-text ``grade_id``, a string instead
    of an object, or points that are not a finite number make the cell an ordinary one.
    """
    if not isinstance(cell, Mapping):
        return None
    meta = cell.get("metadata")
    grading = meta.get("nbgrader") if isinstance(meta, Mapping) else None
    if not isinstance(grading, Mapping):
        return None
    grade_id = grading.get("grade_id")
    if not isinstance(grade_id, str) or not grade_id.strip() or len(grade_id) > 200:
        return None
    points = grading.get("points", 0)
    if isinstance(points, bool) or not isinstance(points, int | float) or not (
            math.isfinite(points) and points >= 0):
        points = 0.0

    def flag(name: str) -> bool:
        return grading.get(name) is True

    return NbgraderMeta(grade_id, flag("grade"), flag("solution"), flag("locked"), flag("task"),
                        float(points))


def graded_cells(notebook: Mapping[str, Any] | Path, *, keys: bool = True) -> list[GradedCell]:
    """Every nbgrader grade cell of a notebook, in order (``keys=False``: without reading the
    hidden blocks, for notebooks a student wrote)."""
    nb = read_notebook_json(notebook) if isinstance(notebook, Path) else notebook
    found = []
    for cell in nb["cells"]:
        grading = nbgrader_meta(cell)
        if grading is None or not grading.grade:
            continue
        spec = cell.get("metadata", {}).get("sourcewise")
        spec = spec if isinstance(spec, Mapping) else {}
        found.append(GradedCell(
            grade_id=grading.grade_id, points=grading.points,
            cell_type=str(cell.get("cell_type")),
            task=spec.get("task") if isinstance(spec.get("task"), str) else None,
            question=spec.get("question") if isinstance(spec.get("question"), str) else None,
            key=hidden_key(cell_source(cell)) if keys and cell.get("cell_type") == "code"
            else None))
    return found


def cells_by_id(notebook: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Grade cells keyed by grade id (the last one wins when a student duplicated a cell)."""
    found = {}
    for cell in notebook["cells"]:
        grading = nbgrader_meta(cell)
        if grading is not None and grading.grade:
            found[grading.grade_id] = cell
    return found


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
