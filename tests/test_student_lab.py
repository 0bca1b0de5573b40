"""`sourcewise lab`: student versions copied once; students' work never replaced."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from course_builder import LESSON, fixture_lesson

from sourcewise.grading.editions.lab import (
    MANIFEST,
    lab_command,
    lab_environment,
    open_lab,
)
from sourcewise.grading.editions.my_answers_page import TRANSFER_NOTEBOOK

pytestmark = pytest.mark.nbgrader


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("lab")
    lesson = fixture_lesson(root / "lesson")
    work, cache = root / "work", root / "cache"
    assert open_lab(work, prepare_only=True, lessons=[lesson], cache=cache) == 0
    return lesson, work, cache


def test_student_version_has_no_key(lab):
    _, work, _ = lab
    text = (work / f"{LESSON}.ipynb").read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" not in text and "rationale" not in text
    assert (work / "answers").is_dir() and (work / MANIFEST).exists()


def test_rerun_keeps_the_students_notebook_and_answers(lab):
    lesson, work, cache = lab
    notebook = work / f"{LESSON}.ipynb"
    edited = notebook.read_text(encoding="utf-8").replace("Fixture lesson", "My notes")
    notebook.write_text(edited, encoding="utf-8")
    answers = work / "answers" / f"{LESSON}.json"
    answers.write_text('{"schema_version": 1, "answers": {}}', encoding="utf-8")
    assert open_lab(work, prepare_only=True, lessons=[lesson], cache=cache) == 0
    assert notebook.read_text(encoding="utf-8") == edited
    assert answers.read_text(encoding="utf-8") == '{"schema_version": 1, "answers": {}}'
    assert not (work / f"{LESSON}.v2.ipynb").exists()


def test_new_lesson_version_goes_beside_the_old_one(lab, tmp_path):
    lesson, work, cache = lab
    changed = tmp_path / lesson.name
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = "# Fixture lesson, second edition"
    changed.write_text(json.dumps(nb), encoding="utf-8")
    before = (work / f"{LESSON}.ipynb").read_bytes()
    assert open_lab(work, prepare_only=True, lessons=[changed], cache=cache) == 0
    assert (work / f"{LESSON}.ipynb").read_bytes() == before
    assert "second edition" in (work / f"{LESSON}.v2.ipynb").read_text(encoding="utf-8")
    assert open_lab(work, prepare_only=True, lessons=[changed], cache=cache) == 0
    assert not (work / f"{LESSON}.v3.ipynb").exists()


def test_lab_command_is_local_and_promptless(tmp_path):
    command = lab_command(tmp_path, no_browser=True, port=8899)
    assert "--ServerApp.ip=127.0.0.1" in command and "--no-browser" in command
    assert "--ServerApp.port=8899" in command
    assert "--MappingKernelManager.default_kernel_name=python3" in command
    settings = tmp_path / ".sourcewise" / "lab-settings" / "@jupyterlab" / \
        "apputils-extension" / "notification.jupyterlab-settings"
    assert json.loads(settings.read_text())["fetchNews"] == "false"


def test_student_lab_config_hides_nbgrader_instructor_tools(tmp_path):
    """Is the page config on the student lab's config path, and only on its own?"""
    base = {"JUPYTER_CONFIG_PATH": "/elsewhere"}
    env = lab_environment(tmp_path, base)
    first, rest = env["JUPYTER_CONFIG_PATH"].split(os.pathsep)
    assert rest == "/elsewhere" and base == {"JUPYTER_CONFIG_PATH": "/elsewhere"}
    page_config = json.loads((Path(first) / "labconfig" / "page_config.json").read_text())
    disabled = {name for name, off in page_config["disabledExtensions"].items() if off}
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
            "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:validate-assignment",
            "@jupyter/nbgrader:menu"} == disabled
    assert Path(first).is_relative_to(tmp_path)


def test_the_folder_gets_the_answers_file_page_once_and_keeps_the_students_copy(
        lab: tuple[Path, Path, Path]) -> None:
    """``my-answers.ipynb`` (download / load all answers as one file) is placed beside the
    lessons, valid nbformat, and never replaced by a later run."""
    import nbformat

    lesson, work, cache = lab
    page = work / TRANSFER_NOTEBOOK
    notebook = nbformat.read(page, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    assert "AnswerTransfer()" in notebook.cells[-1].source
    assert "`answers/` folder" in notebook.cells[0].source
    page.write_text(page.read_text(encoding="utf-8").replace("My answers", "Mine"),
                    encoding="utf-8")
    edited = page.read_bytes()
    assert open_lab(work, prepare_only=True, lessons=[lesson], cache=cache) == 0
    assert page.read_bytes() == edited
