"""Does the span scorer give each defensible alternative answer the outcome an expert gives it?

The cases live in ``tests/fixtures/span_answers.json``: answers a second expert or a careful
student could give (finer or coarser splits, clause-level marks, interchangeable labels,
accepted extras, marks outside a task's scope), each with the outcome written by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sourcewise.grading.item_grading import score_task
from sourcewise.grading.task_keys import task, task_key
from sourcewise.seeds import load_article

CASES = json.loads((Path(__file__).parent / "fixtures" / "span_answers.json")
                   .read_text(encoding="utf-8"))["cases"]
ARTICLE = load_article("isis-morale-2014")


def key_in_play(case: dict[str, Any]) -> dict[str, Any]:
    """The task's key with only the listed items, plus accepted extras and out-of-scope spans."""
    full = task_key(case["task"])
    wanted = set(case["key"])
    spans = [s for s in full["spans"] if s["id"] in wanted or s.get("role") == "ignore"
             or s.get("required") is False]
    assert wanted <= {s["id"] for s in spans}, f"unknown key items in {case['name']!r}"
    return {**full, "spans": spans}


def mark(unit_id: str, phrase: str, label: str, nth: int = 1) -> dict[str, Any]:
    unit = ARTICLE.unit(unit_id)
    if phrase == "*":
        return {"unit": unit_id, "start": unit.start, "end": unit.end, "label": label}
    at = -1
    for _ in range(nth):
        at = unit.text.index(phrase, at + 1)
    start = unit.start + at
    return {"unit": unit_id, "start": start, "end": start + len(phrase), "label": label}


def test_there_are_at_least_thirty_cases_with_distinct_names() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) >= 30 and len(set(names)) == len(names)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_scorer_agrees_with_the_expert(case: dict[str, Any]) -> None:
    marks = [mark(*m) for m in case["marks"]]
    for m in marks:  # every label used must be one the task's widget offers
        assert m["label"] in task(case["task"]).labels, m["label"]
    result = score_task("spans", {"mode": "spans", "marks": marks}, key_in_play(case))
    expect = case["expect"]
    statuses = {item.item_id: item.status for item in result.items}
    for item_id, status in expect.get("items", {}).items():
        assert statuses.get(item_id) == status, (case["why"], result.items)
    if "extras" in expect:
        assert result.count("extra") == expect["extras"], (case["why"], result.items)
    if "missed" in expect:
        low, high = expect["missed"]
        assert low <= result.count("missed") <= high, (case["why"], result.items)
    low, high = expect["score"]
    assert low - 1e-9 <= result.score <= high + 1e-9, (case["why"], result.score, result.items)
