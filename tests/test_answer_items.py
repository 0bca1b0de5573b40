"""Per-key-item results read from answer files agree with the scoring functions' items."""

from __future__ import annotations

import random

import pytest
from course_builder import fixture_lesson
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcewise.grading.course.results.answer_items import cell_items
from sourcewise.grading.demo.simulated_class import task_answer
from sourcewise.grading.item_grading import score_task
from sourcewise.lessons.lesson_cells import graded_cells


@pytest.fixture(scope="module")
def cells(tmp_path_factory: pytest.TempPathFactory):
    return [c for c in graded_cells(fixture_lesson(tmp_path_factory.mktemp("lesson")))
            if c.autograded]


@settings(max_examples=8, deadline=None)
@given(quality=st.floats(0.05, 1.0), seed=st.integers(0, 10_000))
def test_item_status_and_credit_match_score_task(cells, quality, seed):
    for cell in cells:
        answer = task_answer(cell, quality, random.Random(seed), noise=0.2)
        result = score_task(str(cell.kind), answer, cell.key)
        expected = {i.item_id: (i.status, pytest.approx(i.credit)) for i in result.items
                    if i.status != "extra"}
        rows = cell_items(cell, {str(cell.question): answer})
        assert {r["item"]: (r["status"], r["credit"]) for r in rows} == expected


def test_missing_answer_is_all_missed(cells):
    for cell in cells:
        rows = cell_items(cell, {})
        assert rows and all(r["status"] == "missed" for r in rows)
