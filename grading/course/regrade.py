"""What a regrade keeps: a person's grade of a written answer that has not changed.

nbgrader's ``SaveAutoGrades`` marks every cell that has a manual score "needs manual grading"
again on each autograde (nbgrader 0.9.6, ``saveautogrades.py``), so ``autograde --force``
reopens every written answer an instructor had already graded. Sourcewise compares each
written answer with the copy graded last time (the notebook in ``autograded/``): an unchanged
answer keeps its grade; a changed one is opened again for a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sourcewise.lessons.lesson_cells import cell_source, cells_by_id, read_notebook_json


def graded_copy(course: Path, student: str, lesson: str) -> Path:
    return Path(course) / "autograded" / student / lesson / f"{lesson}.ipynb"


def written_texts(notebook: Mapping[str, Any] | Path | None,
                  grade_ids: Iterable[str]) -> dict[str, str] | None:
    """The text of each written-answer cell (None: no graded copy to compare with)."""
    if notebook is None:
        return None
    if isinstance(notebook, Path):
        try:
            notebook = read_notebook_json(notebook)
        except (OSError, ValueError):
            return None
    cells = cells_by_id(notebook)
    return {grade_id: cell_source(cells[grade_id]).strip() for grade_id in grade_ids
            if grade_id in cells}


def changed_answers(before: Mapping[str, str] | None, after: Mapping[str, str] | None
                    ) -> list[str] | None:
    """Grade ids whose answer differs between two graded copies (None: cannot tell)."""
    if before is None or after is None:
        return None
    return sorted(g for g in set(before) | set(after) if before.get(g) != after.get(g))


def needs_manual_after_regrade(manual: float | None, auto: float | None, *, written: bool,
                changed: list[str] | None, grade_id: str, old_auto: float | None = None
                ) -> bool:
    """Whether a cell needs manual grading after a regrade.

    A written answer a person graded stays graded while its text is unchanged; an autograded
    item a person overrode is reopened only when its computed score changed.
    """
    if manual is None:
        return auto is None
    if written:
        return changed is None or grade_id in changed
    return auto is None or old_auto is None or abs(auto - old_auto) > 1e-9
