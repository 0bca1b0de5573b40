"""Course folder: layout, generated config, gradebook, and a release without keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from course_builder import LESSON, make_course

from sourcewise.grading.course.course_folder import init_course, release_leaks
from sourcewise.grading.course.nbgrader_env import CONFIG_FILE, gradebook, load_config

pytestmark = pytest.mark.nbgrader


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_course(tmp_path_factory.mktemp("course"), ["ada", "ben"])


def test_layout_and_config(course):
    assert (course / "source" / LESSON / f"{LESSON}.ipynb").exists()
    config = load_config(course)
    assert config.CourseDirectory.course_id == "course"
    assert config.Exchange.root == str(course / "exchange")
    assert config.Autograde.exclude_overwriting[LESSON] == [
        f"answers/{LESSON}.json", f"answers/{LESSON}.json.lock"]
    assert "sourcewise.grading.course.results.feedback.StripHiddenTests" in \
        config.GenerateFeedback.preprocessors
    assert config.Execute.timeout > 0


def test_students_are_registered(course):
    with gradebook(course) as gb:
        assert sorted(s.id for s in gb.students) == ["ada", "ben"]


def test_release_contains_no_key(course):
    """Is every hidden test, key literal and rationale absent from the student release?"""
    assert release_leaks(course) == []
    release = (course / "release" / LESSON / f"{LESSON}.ipynb").read_text(encoding="utf-8")
    source = json.loads((course / "source" / LESSON / f"{LESSON}.ipynb").read_text())
    hidden = [c for c in source["cells"] if "### BEGIN HIDDEN TESTS" in "".join(c["source"])]
    assert hidden, "the fixture must have hidden tests"
    assert "rationale" not in release and "BEGIN HIDDEN" not in release
    assert "lesson.self_score" in release  # the visible self-check stays
    assert "YOUR ANSWER HERE" in release  # the exemplar free-text answer is cleared


def test_init_never_overwrites(course, capsys):
    notebook = course / "source" / LESSON / f"{LESSON}.ipynb"
    edited = notebook.read_text(encoding="utf-8").replace("Fixture lesson", "Edited lesson")
    notebook.write_text(edited, encoding="utf-8")
    config = (course / CONFIG_FILE).read_text(encoding="utf-8") + "\n# my change\n"
    (course / CONFIG_FILE).write_text(config, encoding="utf-8")
    fixture = course.parent / "lesson" / f"{LESSON}.ipynb"
    assert init_course(course, ["cleo"], lessons=[fixture]) == 0
    assert notebook.read_text(encoding="utf-8") == edited
    assert (course / CONFIG_FILE).read_text(encoding="utf-8") == config
    assert (course / (CONFIG_FILE + ".new")).exists()
    with gradebook(course) as gb:
        assert "cleo" in {s.id for s in gb.students}
