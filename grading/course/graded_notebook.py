"""The autograded notebook of a submission, built without running it.

It follows nbgrader's own sanitising steps (ClearOutput, DeduplicateIds, OverwriteKernelspec,
OverwriteCells with missing cells restored, CheckCellMetadata) on plain JSON: locked cells and
graded test cells come back from the instructor's source notebook, a student's written answers
stay, a deleted grade cell is put back after the nearest earlier cell that is still there, and
a graded cell's outputs are the score computed in the instructor's process and its explanation.
Every cell is rebuilt from known fields, so the result is a valid nbformat 4.5 notebook however
odd the submitted JSON was; formgrader and nbgrader's feedback read it as they read their own.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Mapping
from typing import Any

from sourcewise.lessons.lesson_cells import cell_source, nbgrader_meta

CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")
RESTORED_NOTE = ("This graded cell was missing from your notebook; it was put back and graded "
                 "from your saved answers.")


def _clean_metadata(cell: Mapping[str, Any], nbgrader: Mapping[str, Any] | None,
                    sourcewise: Any = None) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    tags = cell.get("metadata", {}).get("tags") if isinstance(cell.get("metadata"), Mapping) \
        else None
    if isinstance(tags, list) and all(isinstance(t, str) and t and "," not in t for t in tags):
        meta["tags"] = list(dict.fromkeys(tags))
    if nbgrader is not None:
        meta["nbgrader"] = copy.deepcopy(dict(nbgrader))
    if isinstance(sourcewise, Mapping):
        meta["sourcewise"] = copy.deepcopy(dict(sourcewise))
    return meta


def _cell(cell_type: str, source: str, metadata: dict[str, Any], cell_id: str) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": cell_type, "id": cell_id, "metadata": metadata,
                            "source": source}
    if cell_type == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def score_outputs(score: float, explanation: str) -> list[dict[str, Any]]:
    """A graded cell's outputs: the explanation (stdout) and the score as its last value.

    nbgrader reads a test cell's score from its ``execute_result``; the number is written with
    ``repr`` so that parsing it gives back exactly the float that was computed.
    """
    outputs: list[dict[str, Any]] = []
    if explanation:
        outputs.append({"output_type": "stream", "name": "stdout",
                        "text": explanation.rstrip("\n") + "\n"})
    outputs.append({"output_type": "execute_result", "execution_count": None, "metadata": {},
                    "data": {"text/plain": repr(float(score))}})
    return outputs


class NotebookBuilder:
    """Rebuilds submitted notebooks of one lesson against its source and release notebooks."""

    def __init__(self, source: Mapping[str, Any], release: Mapping[str, Any]) -> None:
        self.source = source
        self.release_meta = copy.deepcopy(dict(release.get("metadata", {})))
        self.release_meta.pop("widgets", None)
        self.order: list[str] = []
        self.source_cells: dict[str, Mapping[str, Any]] = {}
        for cell in source["cells"]:
            meta = nbgrader_meta(cell)
            if meta is not None and meta.grade_id not in self.source_cells:
                self.order.append(meta.grade_id)
                self.source_cells[meta.grade_id] = cell
        # The release carries nbgrader's checksums of the untouched answer cells.
        self.release_nbgrader = {}
        for cell in release.get("cells", []):
            meta = nbgrader_meta(cell)
            if meta is not None:
                self.release_nbgrader[meta.grade_id] = cell["metadata"]["nbgrader"]
        self.release_visible = {
            grade_id: cell_source(cell) for grade_id, cell in
            ((m.grade_id, c) for c in release.get("cells", [])
             for m in [nbgrader_meta(c)] if m is not None)}

    def _restored(self, grade_id: str, cell_id: str) -> dict[str, Any]:
        src = self.source_cells[grade_id]
        nbgrader = self.release_nbgrader.get(grade_id) or src["metadata"]["nbgrader"]
        return _cell(src["cell_type"], cell_source(src),
                     _clean_metadata(src, nbgrader, src.get("metadata", {}).get("sourcewise")),
                     cell_id)

    def _must_restore(self, grade_id: str) -> bool:
        meta = nbgrader_meta(self.source_cells[grade_id])
        assert meta is not None
        return meta.locked or (meta.grade and not meta.solution
                               and self.source_cells[grade_id]["cell_type"] == "code")

    def build(self, submitted: Mapping[str, Any] | None) -> tuple[dict[str, Any], list[str],
                                                                   set[str]]:
        """``(notebook, notes, restored grade ids)`` for a submitted notebook (None: unusable,
        so every cell comes from the source)."""
        notes: list[str] = []
        cells: list[dict[str, Any]] = []
        present: list[str | None] = []
        seen: set[str] = set()
        used_ids: set[str] = set()

        def unique_id(wanted: Any, salt: str) -> str:
            cell_id = wanted if isinstance(wanted, str) and CELL_ID.match(wanted) else ""
            if not cell_id or cell_id in used_ids:
                cell_id = "sw-" + hashlib.sha1(f"{salt}-{len(used_ids)}".encode()).hexdigest()[:12]
            used_ids.add(cell_id)
            return cell_id

        for index, cell in enumerate((submitted or {"cells": []})["cells"]):
            meta = nbgrader_meta(cell)
            grade_id = meta.grade_id if meta is not None else None
            cell_id = unique_id(cell.get("id"), f"cell{index}")
            if grade_id in self.source_cells and grade_id not in seen:
                seen.add(grade_id)
                if self._must_restore(grade_id):
                    visible = self.release_visible.get(grade_id)
                    if (visible is not None and cell.get("cell_type") == "code"
                            and cell_source(cell).strip() != visible.strip()):
                        notes.append(f"Graded cell {grade_id} had been edited; the original was "
                                     "restored before grading.")
                    cells.append(self._restored(grade_id, cell_id))
                else:  # a written answer: the student's text, the instructor's metadata
                    src = self.source_cells[grade_id]
                    nbgrader = self.release_nbgrader.get(grade_id) or src["metadata"]["nbgrader"]
                    cells.append(_cell(src["cell_type"], cell_source(cell),
                                       _clean_metadata(cell, nbgrader), cell_id))
                present.append(grade_id)
                continue
            if grade_id in seen:
                notes.append(f"Graded cell {grade_id} appears more than once; only the first "
                             "copy was graded.")
            kind = cell.get("cell_type")
            cells.append(_cell(kind if kind in ("code", "markdown", "raw") else "raw",
                               cell_source(cell), _clean_metadata(cell, None), cell_id))
            present.append(None)
        restored = self._restore_missing(cells, present, seen, unique_id)
        notebook = {"cells": cells, "metadata": copy.deepcopy(self.release_meta),
                    "nbformat": 4, "nbformat_minor": 5}
        return notebook, notes, restored

    def _restore_missing(self, cells: list[dict[str, Any]], present: list[str | None],
                         seen: set[str], unique_id: Any) -> set[str]:
        """Put back grade and task cells the submission lacks (nbgrader restores only those)."""
        restored = set()
        for position, grade_id in enumerate(self.order):
            meta = nbgrader_meta(self.source_cells[grade_id])
            if grade_id in seen or meta is None or not (meta.grade or meta.task):
                continue
            index = 0
            for earlier in reversed(self.order[:position]):
                if earlier in present:
                    index = len(present) - present[::-1].index(earlier)
                    break
            cells.insert(index, self._restored(grade_id, unique_id("", f"restored-{grade_id}")))
            present.insert(index, grade_id)
            seen.add(grade_id)
            restored.add(grade_id)
        return restored


def set_score(notebook: Mapping[str, Any], grade_id: str, score: float,
              explanation: str) -> None:
    """Write a graded cell's computed score and explanation as its outputs."""
    for cell in notebook["cells"]:
        meta = nbgrader_meta(cell)
        if meta is not None and meta.grade_id == grade_id and cell["cell_type"] == "code":
            cell["outputs"] = score_outputs(score, explanation)
            return


def solution_unchanged(cell: Mapping[str, Any]) -> bool:
    """True when a written-answer cell still holds the release text (nbgrader's checksum)."""
    from nbformat import from_dict
    from nbgrader.utils import compute_checksum

    checksum = cell.get("metadata", {}).get("nbgrader", {}).get("checksum")
    return checksum is not None and checksum == compute_checksum(from_dict(dict(cell)))


