"""Export: grades.csv (student × lesson) and items.csv (student × lesson × item)."""

from __future__ import annotations

import pandas as pd
import pytest
from course_builder import LESSON, STUDENTS, graded_course, source_cells

from sourcewise.grading.course.results.export import export_course

pytestmark = pytest.mark.nbgrader


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory):
    graded = graded_course(tmp_path_factory.mktemp("graded"))
    out = tmp_path_factory.mktemp("exports")
    assert export_course(graded.path, out) == 0
    return graded, pd.read_csv(out / "grades.csv"), pd.read_csv(out / "items.csv")


def test_one_grade_row_per_student_and_lesson(exported):
    _, grades, _ = exported
    assert len(grades) == len(STUDENTS)
    assert set(grades["lesson"]) == {LESSON}
    perfect = grades.set_index("student").loc["perfect"]
    assert perfect["auto_score"] == pytest.approx(perfect["auto_max"])
    assert grades.set_index("student").loc["empty", "auto_score"] == 0.0


def test_item_rows_carry_scores_and_explanations(exported):
    graded, _, items = exported
    cells = source_cells(graded.path)
    assert len(items) == len(STUDENTS) * len(cells)
    auto = items[(items["student"] == "middling") & (items["kind"] == "auto")]
    assert set(auto["task"]) == {c.task for c in cells if c.autograded}
    assert auto["explanation"].str.startswith("Score:").all()
    corrupt = items[(items["student"] == "corrupt") & (items["kind"] == "auto")]
    assert corrupt["reason"].str.contains("not valid JSON").all()
