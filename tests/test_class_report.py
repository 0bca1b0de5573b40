"""Class report: DataFrames for instructors and one self-contained HTML page."""

from __future__ import annotations

import re

import pytest
from course_builder import LESSON, STUDENTS, graded_course

from sourcewise.grading.course.results.report import render_report, report_course, report_frames

pytestmark = pytest.mark.nbgrader


@pytest.fixture(scope="module")
def frames(tmp_path_factory: pytest.TempPathFactory):
    return report_frames(graded_course(tmp_path_factory.mktemp("graded")).path)


def test_frames_for_instructors(frames):
    assert {"grades", "items", "key_items", "difficulty", "most_missed", "agreement",
            "students"} <= frames.keys()
    difficulty = frames["difficulty"]
    assert difficulty["share_right"].between(0, 1).all()
    assert frames["most_missed"]["rationale"].str.len().gt(0).all()
    agreement = frames["agreement"].dropna(subset=["alpha_with_key"])
    assert not agreement.empty and agreement["alpha_with_key"].le(1).all()
    # the perfect student agrees with the key on every item
    key_items = frames["key_items"]
    assert key_items[key_items["student"] == "perfect"]["status"].eq("right").all()


def test_report_is_self_contained(frames, tmp_path):
    page = render_report(frames, "Test class")
    assert not re.search(r"<script[^>]+src=", page)
    assert "<link" not in page
    assert "Plotly" in page and 'class="sortable"' in page
    assert "Krippendorff" in page and "Most-missed items" in page


def test_report_course_writes_the_file(tmp_path_factory):
    graded = graded_course(tmp_path_factory.mktemp("graded"))
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert report_course(graded.path, out) == 0
    page = out.read_text(encoding="utf-8")
    # Not its size (the inlined plotly.js alone is over 3 MB): what an instructor reads in it.
    for student in STUDENTS:
        assert f">{student}<" in page, f"the report has no row for {student}"
    assert LESSON in page
    assert page.count("Plotly.newPlot(") >= 2, "the report's charts carry no data"
