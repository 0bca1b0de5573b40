"""The course edition's ``my-answers`` page (issue 23): a course student, whose lessons sit in
folders of their own as nbgrader fetches them, downloads every answer as one file; ``sourcewise
accept`` files it and autograde gives it the grades of the same answers handed in as folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from course_builder import LESSON, make_course, source_cells

from sourcewise.grading.answer_bundle import bundle_bytes, collect_bundle
from sourcewise.grading.cli.main import main
from sourcewise.grading.course.nbgrader_env import recorded_grades
from sourcewise.grading.demo.simulated_class import SimulatedStudent, write_submission
from sourcewise.widgets.answer_restore import restore_bundle

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_course(tmp_path_factory.mktemp("my-answers"), ["zoe", "zoe-folder"])


def _home(course: Path, home: Path, sid: str) -> Path:
    """A student's home as after 'nbgrader fetch_assignment': home/<lesson>/<lesson>.ipynb."""
    write_submission(course / "release" / LESSON / f"{LESSON}.ipynb", home / LESSON,
                     SimulatedStudent(sid, 0.7), source_cells(course))
    return home


def test_course_build_writes_the_page_for_course_students(course):
    page = course / "for-students" / "my-answers.ipynb"
    nbformat.validate(nbformat.read(page, as_version=4))
    text = json.loads(page.read_text(encoding="utf-8"))["cells"][0]["source"]
    assert "folders of their own" in text and "Download all my answers" in text
    assert not (course / "release" / "my-answers.ipynb").exists()


def test_one_file_from_lesson_folders_grades_like_the_folders(course, tmp_path):
    home = _home(course, tmp_path / "home", "zoe")
    bundle = collect_bundle(home, student="zoe").bundle
    assert list(bundle.lessons) == [LESSON]
    assert bundle.lessons[LESSON].answers is not None and bundle.lessons[LESSON].written
    download = tmp_path / "sourcewise-answers.json"
    download.write_bytes(bundle_bytes(bundle))
    assert main(["accept", str(download), "--course", str(course)]) == 0
    folder = course / "submitted" / "zoe-folder" / LESSON
    shutil.copytree(home / LESSON, folder)
    assert main(["autograde", str(course)]) == 0
    grades = recorded_grades(course)
    mine = {g: v for (s, _, g), v in grades.items() if s == "zoe"}
    theirs = {g: v for (s, _, g), v in grades.items() if s == "zoe-folder"}
    assert mine and mine == theirs


def test_loading_the_file_fills_the_lesson_folders(course, tmp_path):
    home = _home(course, tmp_path / "home", "zoe")
    download = collect_bundle(home, student="zoe").bundle
    fresh = tmp_path / "other-device"
    (fresh / LESSON).mkdir(parents=True)
    shutil.copyfile(course / "release" / LESSON / f"{LESSON}.ipynb",
                    fresh / LESSON / f"{LESSON}.ipynb")
    restore_bundle(download, fresh)
    restored = json.loads((fresh / LESSON / "answers" / f"{LESSON}.json").read_text())
    original = json.loads((home / LESSON / "answers" / f"{LESSON}.json").read_text())
    assert restored["answers"] == original["answers"]
    assert not (fresh / "answers").exists()
