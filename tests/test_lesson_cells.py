"""Reading graded cells and their hidden keys out of lesson notebooks."""

from __future__ import annotations

from pathlib import Path

from course_builder import fixture_lesson

from sourcewise.grading.task_keys import task_key
from sourcewise.lessons.lesson_cells import graded_cells, hidden_key, split_hidden


def test_hidden_block_is_split_and_its_key_parsed(tmp_path: Path):
    cells = graded_cells(fixture_lesson(tmp_path))
    auto = [c for c in cells if c.autograded]
    assert [c.task for c in auto] == ["claims.attribution", "sources.links", "sources.ratings"]
    for cell in auto:
        assert cell.key == task_key(str(cell.task))
    manual = [c for c in cells if not c.autograded]
    assert len(manual) == 1 and manual[0].key is None


def test_split_keeps_the_visible_part():
    source = 'lesson.self_score("q", "t", 2)\n### BEGIN HIDDEN TESTS\nKEY = {"a": 1}\n' \
             "### END HIDDEN TESTS"
    visible, hidden = split_hidden(source)
    assert visible == 'lesson.self_score("q", "t", 2)'
    assert hidden.startswith("### BEGIN") and hidden_key(source) == {"a": 1}
    assert split_hidden("x = 1") == ("x = 1", "") and hidden_key("x = 1") is None
