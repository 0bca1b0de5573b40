"""The demo: the whole instructor flow on a few simulated students, scores in quality order."""

from __future__ import annotations

import pandas as pd
import pytest
from course_builder import LESSON, fixture_lesson

from sourcewise.grading.demo.run import run_demo

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]


def test_demo_orders_scores_by_quality(tmp_path, capsys):
    lesson = fixture_lesson(tmp_path / "lesson")
    out = tmp_path / "demo"
    assert run_demo(out, students=5, lessons=[lesson], timeout=30, progress=False) == 0
    printed = capsys.readouterr().out
    assert "scores follow answer quality" in printed and "✗" not in printed
    grades = pd.read_csv(out / "exports" / "grades.csv").set_index("student")
    auto = grades["auto_score"] / grades["auto_max"]
    assert auto["perfect"] == 1.0 and auto["empty"] == 0.0
    assert auto["perfect"] > auto["strong"] > auto["middling"] > auto["weak"] > auto["empty"]
    assert len(pd.read_csv(out / "exports" / "items.csv")) > len(grades)
    assert (out / "reports" / "class-report.html").exists()
    assert len(list((out / "feedback").glob(f"*/{LESSON}/{LESSON}.html"))) == 5


def test_demo_refuses_a_folder_that_is_not_a_demo(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert run_demo(tmp_path, students=1, progress=False) == 2
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
