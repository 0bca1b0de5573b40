"""Are graded confidence answers frozen before the record is shown, and graded as frozen?

Lesson 5's step 3 is scored against what later reporting found. A student who could see that
record (in "Check my answer", in the reveal, in a score) and still move the sliders would get
a perfect score for nothing, so the widget locks the answers first and keeps them locked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sourcewise.grading.item_grading import score_task
from sourcewise.grading.task_keys import task_key
from sourcewise.widgets import Lesson
from sourcewise.widgets.annotation_model import AnswerModelError
from sourcewise.widgets.confidence_model import ConfidenceModel, is_frozen

# Settled true, settled true, not settled (the record settles none of lesson 5's claims false).
CLAIMS = ["C06", "C11", "C20"]
ANSWER = {"C06": {"p": 80.0, "reason": "several outlets describe the same areas"},
          "C11": {"p": 30.0, "reason": "only the article says so"},
          "C20": {"p": 50.0, "reason": "one side's claim"}}


@pytest.fixture(autouse=True)
def _writable_self_study(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NBGRADER_EXECUTION", "SOURCEWISE_READ_ONLY", "SOURCEWISE_MODE"):
        monkeypatch.delenv(name, raising=False)


def sliders(folder: Path, *, graded: bool = True) -> Any:
    lesson = Lesson("t", folder=folder)
    return lesson.confidence("q", CLAIMS, task="weighing.calibration" if graded else None)


def saved(folder: Path) -> Any:
    data = json.loads((folder / "answers" / "t.json").read_text(encoding="utf-8"))
    return data["answers"]["q"]["value"]


def from_browser(widget: Any, value: Any) -> None:
    widget.value = json.loads(json.dumps(value))


def press_lock(widget: Any) -> None:
    """What "Yes, lock my answers" sends."""
    widget._on_message(widget, {"event": "lock"}, [])


def test_before_the_lock_check_gives_no_score_and_no_outcome(tmp_path: Path) -> None:
    widget = sliders(tmp_path)
    from_browser(widget, ANSWER)
    widget._on_message(widget, {"event": "check"}, [])
    shown = widget.feedback_html
    assert "not scored yet" in shown and "Lock my answers and show the record" in shown
    for leak in ("Why", "later reporting showed", "Brier", "Hit (2 October 2014)", "right"):
        assert leak not in shown
    assert widget.reveal() is False and widget.outcomes == {}
    assert widget.lockable and not widget.locked


def test_lock_is_refused_while_a_slider_is_not_set(tmp_path: Path) -> None:
    widget = sliders(tmp_path)
    from_browser(widget, {"C06": ANSWER["C06"], "C11": {"p": None, "reason": "unsure"}})
    press_lock(widget)
    assert widget.notice.startswith("Not locked") and "C11, C20" in widget.notice
    assert not is_frozen(saved(tmp_path)) and widget.outcomes == {}


def test_locking_saves_the_lock_then_shows_the_record_beside_each_claim(tmp_path: Path) -> None:
    widget = sliders(tmp_path)
    from_browser(widget, ANSWER)
    press_lock(widget)
    assert saved(tmp_path) == {**ANSWER, "frozen": True}
    assert widget.locked
    assert widget.outcomes["C06"].startswith("Later reporting: true")
    assert widget.outcomes["C11"].startswith("Later reporting: true")
    assert "Why" in widget.feedback_html and "not scored yet" not in widget.feedback_html


def test_after_the_lock_no_change_reaches_the_answers_file(tmp_path: Path) -> None:
    widget = sliders(tmp_path)
    from_browser(widget, ANSWER)
    press_lock(widget)
    # The perfect answer, once the record is known: refused, and the file keeps the old one.
    from_browser(widget, {"C06": {"p": 100.0, "reason": ""}, "C11": {"p": 0.0, "reason": ""},
                          "C20": {"p": 50.0, "reason": ""}})
    assert "Not accepted" in widget.notice and "locked" in widget.notice
    assert saved(tmp_path) == {**ANSWER, "frozen": True}
    with pytest.raises(AnswerModelError, match="locked"):
        widget.judge("C06", 100)
    again = sliders(tmp_path)  # a rerun (or a restarted kernel) restores the lock
    assert again.locked and again.outcomes and again.value == {**ANSWER, "frozen": True}


def test_the_instructor_grades_the_frozen_answer(tmp_path: Path) -> None:
    """The instructor's scoring reads the saved value; the lock flag does not disturb it."""
    widget = sliders(tmp_path)
    from_browser(widget, ANSWER)
    press_lock(widget)
    result = score_task("calibration", saved(tmp_path),
                        task_key("weighing.calibration", claims=CLAIMS))
    # By hand: C06 true at 80 % → Brier 0.04; C11 true at 30 % → 0.49; C20 is not scored.
    assert result.score == pytest.approx(1 - (0.04 + 0.49) / 2)


def test_a_lock_that_cannot_be_saved_reveals_nothing(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    widget = sliders(tmp_path)
    from_browser(widget, ANSWER)
    monkeypatch.setenv("SOURCEWISE_READ_ONLY", "1")
    press_lock(widget)
    assert widget.notice.startswith("Not locked") and not widget.locked
    assert widget.outcomes == {} and not is_frozen(saved(tmp_path))
    from_browser(widget, {**ANSWER, "C06": {"p": 75.0, "reason": ""}})  # still open to change
    assert widget.model.judgements["C06"]["p"] == 75.0


def test_first_impressions_show_the_record_when_revealed_and_have_no_lock(tmp_path: Path) -> None:
    widget = sliders(tmp_path, graded=False)
    assert not widget.lockable and not widget.checkable
    assert widget.reveal() is True and widget.locked and "C06" in widget.outcomes


def test_a_saved_lock_from_an_incomplete_answer_is_left_out_not_trusted() -> None:
    model = ConfidenceModel(("C06", "C11"))
    problems = model.restore({"C06": {"p": 80.0, "reason": ""}, "frozen": True})
    assert not model.frozen and problems and "C11" in problems[0]
