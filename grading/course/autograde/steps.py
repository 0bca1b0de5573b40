"""nbgrader autograde steps Sourcewise replaces or adds: restoring grade cells a student
deleted, and not drawing charts while grading.

nbgrader 0.9.6 leaves a deleted grade cell "needs manual grading" with no warning, and its own
``OverwriteCells.add_missing_cells`` crashes the whole submission (KeyError) when the cell
before the deleted one is a locked, ungraded cell — which is how every lesson places its widget
cells. ``RestoreDeletedCells`` puts the cell back after the nearest earlier cell that is still
there; the restored hidden tests then grade the answer file like any other submission.

A duplicated grade cell trips two more: DeduplicateIds leaves the extra copy with empty
``nbgrader`` metadata, which the task-cell restore reads as ``["grade_id"]`` (KeyError) and the
metadata check rejects as "an old version of the nbgrader metadata format". Both fail the whole
submission; this step drops the empty metadata (the copy becomes an ordinary cell) first.
"""

from __future__ import annotations

import hashlib
from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells

RESTORED_PREFIX = "# This cell (id:"

# The autograde "sanitize" pipeline: nbgrader's list with RestoreDeletedCells in place of
# OverwriteCells (same position: after the kernelspec is fixed, before metadata is checked).
SANITIZE_STEPS = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "sourcewise.grading.course.autograde.steps.RestoreDeletedCells",
    "nbgrader.preprocessors.CheckCellMetadata",
    # Last: the cells it blanks have been restored from the source by now.
    "sourcewise.grading.course.autograde.steps.SkipDisplayOnlyCells",
]
SKIPPED_TEXT = "# Not run while grading: this cell only draws a chart or table for the student."


class SkipDisplayOnlyCells(NbGraderPreprocessor):
    """Blank cells a lesson marks ``display_only`` (charts, tables) before autograde runs them.

    They import pandas and plotly, which cost more than the rest of a lesson's grading, and no
    graded cell depends on them: graded cells read only the answer file.
    """

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        for cell in nb.cells:
            meta = cell.get("metadata", {})
            if (cell.get("cell_type") == "code" and meta.get("sourcewise", {}).get("display_only")
                    and not meta.get("nbgrader", {}).get("grade")):
                cell.source = SKIPPED_TEXT
        return nb, resources


def _grade_id(cell: Any) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


class RestoreDeletedCells(OverwriteCells):
    """OverwriteCells whose missing-cell restore works after locked, ungraded cells."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        for cell in nb.cells:
            if cell.get("metadata", {}).get("nbgrader", None) == {}:
                del cell.metadata["nbgrader"]  # a duplicate DeduplicateIds emptied
        return super().preprocess(nb, resources)

    def missing_cell_transform(self, source_cell: Any, max_score: float, is_solution: bool = False,
                               is_task: bool = False) -> Any:
        cell = super().missing_cell_transform(source_cell, max_score, is_solution, is_task)
        # nbformat 4.5 wants a cell id (nbgrader's restored cell has none, and warns).
        cell["id"] = "restored-" + hashlib.sha1(source_cell.name.encode()).hexdigest()[:12]
        return cell

    def add_missing_grade_cells(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = list(source_nb.source_cells)
        order = [cell.name for cell in source_cells]
        solution_ids = {cell.name for cell in source_nb.solution_cells}
        for grade_cell in source_nb.grade_cells:
            present = [_grade_id(cell) for cell in nb.cells]
            if grade_cell.name in present or grade_cell.name not in order:
                continue
            position = order.index(grade_cell.name)
            index = 0
            for earlier in reversed(order[:position]):
                if earlier in present:
                    index = len(present) - present[::-1].index(earlier)
                    break
            self.log.warning("Grade cell %s was deleted; restoring it from the gradebook",
                             grade_cell.name)
            nb.cells.insert(index, self.missing_cell_transform(
                source_cells[position], grade_cell.max_score,
                is_solution=grade_cell.name in solution_ids))
        return nb, resources

    def add_missing_task_cells(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = list(source_nb.source_cells)
        order = [cell.name for cell in source_cells]
        present = {_grade_id(cell) for cell in nb.cells}
        for task_cell in source_nb.task_cells:
            if task_cell.name not in present and task_cell.name in order:
                nb.cells.append(self.missing_cell_transform(
                    source_cells[order.index(task_cell.name)], task_cell.max_score,
                    is_task=True))
        return nb, resources
