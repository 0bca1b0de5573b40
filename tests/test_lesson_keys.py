"""Are the lessons' hidden tests generated from the key, and kept in step with it?"""

from __future__ import annotations

import ast
from pathlib import Path

from sourcewise.lessons import lesson_paths
from sourcewise.lessons.lesson_keys import BEGIN, END, sync_cell, sync_notebook


def graded_cell(points: float = 3, claims: list[str] | None = None) -> dict:
    spec = {"task": "sources.links", "question": "q_links"}
    if claims:
        spec["claims"] = claims
    return {"cell_type": "code", "source": 'lesson.self_score("q_links", "sources.links", 3)',
            "metadata": {"nbgrader": {"grade": True, "points": points, "grade_id": "g"},
                         "sourcewise": spec}, "outputs": [], "execution_count": None}


def test_hidden_block_is_written_after_the_visible_part() -> None:
    cell = graded_cell(claims=["C20", "C33"])
    assert sync_cell(cell, "02-sources")
    visible, hidden = cell["source"].split(BEGIN)
    assert visible.strip() == 'lesson.self_score("q_links", "sources.links", 3)'
    assert hidden.strip().endswith(END)
    key = ast.literal_eval(hidden.split("KEY = ")[1].split("\n")[0])
    assert set(key["items"]) == {"C20", "C33"}
    assert 'grade_item("02-sources", "q_links", "links", KEY, 3.0)' in hidden
    assert not sync_cell(cell, "02-sources"), "a second sync must change nothing"


def test_committed_lessons_are_in_step_with_the_key(tmp_path: Path) -> None:
    for path in lesson_paths():
        copy = tmp_path / path.name
        copy.write_bytes(path.read_bytes())
        assert not sync_notebook(copy), (
            f"{path.name}: hidden tests differ from the key; run "
            f"python -m sourcewise.lessons.lesson_keys lessons/{path.name}")
