"""Simulated students: the key's answers at quality 1, nothing at 0, monotone in between."""

from __future__ import annotations

import pytest
from course_builder import fixture_lesson
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcewise.grading.demo.simulated_class import class_plan, simulate_answers
from sourcewise.grading.item_grading import score_task
from sourcewise.lessons.lesson_cells import graded_cells


@pytest.fixture(scope="module")
def cells(tmp_path_factory: pytest.TempPathFactory):
    return [c for c in graded_cells(fixture_lesson(tmp_path_factory.mktemp("lesson")))
            if c.autograded]


def _scores(cells, quality: float, seed: str = "s") -> list[float]:
    answers = simulate_answers(cells, quality, seed)
    return [score_task(str(c.kind), answers.get(str(c.question)), c.key).score for c in cells]


def test_perfect_scores_one_and_empty_answers_nothing(cells):
    assert _scores(cells, 1.0) == [1.0] * len(cells)
    assert simulate_answers(cells, 0.0) == {}


@settings(max_examples=8, deadline=None)
@given(low=st.floats(0.0, 1.0), high=st.floats(0.0, 1.0))
def test_higher_quality_never_scores_lower(cells, low, high):
    low, high = sorted((low, high))
    for a, b in zip(_scores(cells, low), _scores(cells, high), strict=True):
        assert a <= b + 1e-12


def test_deterministic_for_a_seed(cells):
    assert simulate_answers(cells, 0.6, "x") == simulate_answers(cells, 0.6, "x")


def test_class_plan_has_the_named_students():
    plan = class_plan(9)
    assert [s.id for s in plan[:7]] == ["perfect", "strong", "middling", "weak", "empty",
                                        "deleted-cell", "corrupt-file"]
    assert len(plan) == 9 and all(0.2 <= s.quality <= 0.95 for s in plan[7:])
