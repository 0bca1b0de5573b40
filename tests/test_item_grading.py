"""Does the graded-cell helper always end in a plain, clamped float with a reason, never a crash?"""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.grading.item_grading import grade_item, is_empty, score_task
from sourcewise.grading.task_keys import TASKS, task_key
from sourcewise.widgets.answer_store import AnswerStore, answers_path


@pytest.fixture(autouse=True)
def _writable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


def perfect_marks(key: dict) -> dict:
    return {"mode": "spans", "marks": [{"unit": "?", "start": s["start"], "end": s["end"],
                                        "label": s["labels"][0]} for s in key["spans"]]}


def test_perfect_answer_earns_full_points_as_a_plain_float(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    key = task_key("claims.verification")
    AnswerStore(answers_path("01-claims", tmp_path)).set("q", perfect_marks(key))
    points = grade_item("01-claims", "q", "spans", key, 4, folder=tmp_path)
    assert type(points) is float and points == 4.0
    captured = capsys.readouterr()
    assert "Score: 4.00 of 4 points" in captured.out
    assert captured.err == ""


def test_partial_answer_earns_partial_points_with_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = task_key("claims.verification")
    answer = perfect_marks(key)
    answer["marks"] = answer["marks"][:10]
    AnswerStore(answers_path("01-claims", tmp_path)).set("q", answer)
    points = grade_item("01-claims", "q", "spans", key, 4, folder=tmp_path)
    assert 0 < points < 4
    assert "Why:" in capsys.readouterr().out


@pytest.mark.parametrize("content", [None, b"{not json", b""])
def test_missing_or_broken_answers_score_zero_with_a_message(tmp_path: Path, content: bytes | None,
                                                             capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    if content is not None:
        path = answers_path("01-claims", tmp_path)
        path.parent.mkdir()
        path.write_bytes(content)
    assert grade_item("01-claims", "q", "spans", task_key("claims.verification"), 4,
                      folder=tmp_path) == 0.0
    captured = capsys.readouterr()
    assert "scores 0" in captured.out and captured.err == ""


def test_a_broken_key_scores_zero_instead_of_raising(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    AnswerStore(answers_path("01-claims", tmp_path)).set("q", {"marks": [{"start": 0, "end": 3,
                                                                          "label": "x"}]})
    assert grade_item("01-claims", "q", "spans", {"nonsense": 1}, 4, folder=tmp_path) == 0.0
    assert "could not be scored" in capsys.readouterr().out


def test_every_task_scores_its_own_perfect_answer_as_one() -> None:
    for task_id, spec in TASKS.items():
        key = task_key(task_id)
        if spec.kind == "spans":
            answer = perfect_marks(key)
        elif spec.kind == "calibration":
            value = {"true": 100, "false": 0, "mixed": 50}
            answer = {c: {"p": value.get(o, 50), "reason": ""} for c, o in key["outcomes"].items()}
        elif spec.kind == "choices":  # a flat {item: choice} answer (the search task)
            answer = {item: exp["choice"] for item, exp in key["items"].items()}
        else:
            grid: dict = {}
            for item, exp in key["items"].items():
                row, _, col = item.partition("|")
                grid.setdefault(row, {})[col or "source"] = exp["choice"]
            answer = {{"links": "links", "ratings": "ratings", "matrix": "matrix"}[spec.kind]: grid}
        assert score_task(spec.kind, answer, key).score == pytest.approx(1.0), task_id


def test_empty_answers_are_recognised() -> None:
    assert is_empty({"mode": "units", "marks": []})
    assert is_empty({"links": {}, "ratings": {}})
    assert not is_empty({"matrix": {"C01": {"wire": "silent"}}})
