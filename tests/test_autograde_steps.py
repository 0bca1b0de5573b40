"""Do Sourcewise's autograde steps leave grading intact while skipping display-only cells?"""

from __future__ import annotations

import nbformat

from sourcewise.grading.course.autograde.steps import SKIPPED_TEXT, SkipDisplayOnlyCells
from sourcewise.lessons import lesson_paths


def test_display_only_cells_are_blanked_and_graded_cells_are_not() -> None:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import pandas", metadata={"sourcewise": {"display_only": True}}),
        nbformat.v4.new_code_cell("grade_item()", metadata={
            "sourcewise": {"display_only": True}, "nbgrader": {"grade": True}}),
        nbformat.v4.new_code_cell("x = 1"),
    ])
    out, _ = SkipDisplayOnlyCells().preprocess(nb, {})
    assert [c.source for c in out.cells] == [SKIPPED_TEXT, "grade_item()", "x = 1"]


def test_lessons_mark_their_chart_cells_display_only_and_nothing_graded_needs_them() -> None:
    marked = 0
    for path in lesson_paths():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.metadata.get("sourcewise", {}).get("display_only"):
                marked += 1
                grading = cell.metadata["nbgrader"]
                assert grading["locked"] and not grading["grade"]
    assert marked >= 4
