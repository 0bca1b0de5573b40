"""Handing in the one answers file: does ``sourcewise accept`` turn a student's download into a
submission that the real ``sourcewise autograde`` grades exactly like the same answers handed in
as a folder, and does it refuse what it must (an existing submission, an unusable student id)?
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from course_builder import LESSON, make_course, submit

from sourcewise.grading.answer_bundle import bundle_bytes, collect_bundle, written_answers
from sourcewise.grading.cli.main import main
from sourcewise.grading.course.gradebook_rows import submitted_at
from sourcewise.grading.course.nbgrader_env import recorded_grades
from sourcewise.grading.demo.simulated_class import (
    SimulatedStudent,
    fill_free_text,
    write_answers,
)

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

QUALITY = 0.6


def autograde(course: Path) -> None:
    """The real command, in its own process, as an instructor runs it."""
    run = subprocess.run([sys.executable, "-m", "sourcewise.grading.cli.main", "autograde",
                          str(course), "--add-students"], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr


def browser_device(course: Path, folder: Path, answers: dict[str, Any]) -> Path:
    """A student's browser storage: the released lesson, written answers, saved answers."""
    folder.mkdir(parents=True)
    release = course / "release" / LESSON / f"{LESSON}.ipynb"
    notebook = fill_free_text(json.loads(release.read_text(encoding="utf-8")), QUALITY)
    (folder / release.name).write_text(json.dumps(notebook), encoding="utf-8")
    write_answers(folder, LESSON, answers)
    return folder


def download(folder: Path, target: Path, student: str | None) -> Path:
    target.write_bytes(bundle_bytes(collect_bundle(folder, student=student).bundle))
    return target


def grades_of(course: Path, student: str) -> dict[str, tuple[float | None, bool]]:
    return {grade_id: value for (sid, lesson, grade_id), value in recorded_grades(course).items()
            if sid == student and lesson == LESSON}


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One course: "folder" handed in a folder, "bundle" handed in a download of the same
    answers; both autograded by the real command."""
    root = tmp_path_factory.mktemp("intake")
    path = make_course(root, ["folder"])
    answers = submit(path, SimulatedStudent("folder", QUALITY))
    device = browser_device(path, root / "device", answers)
    bundle = download(device, root / "sourcewise-answers-2031-04-08.json", "bundle")
    exit_code = main(["accept", str(bundle), "--course", str(path)])
    autograde(path)
    return {"path": path, "bundle": bundle, "device": device, "exit": exit_code, "root": root}


def test_an_accepted_download_is_a_normal_submission(course: dict[str, Any]) -> None:
    assert course["exit"] == 0
    folder = course["path"] / "submitted" / "bundle" / LESSON
    assert sorted(files(folder)) == [f"{LESSON}.ipynb", "accepted.txt",
                                     f"answers/{LESSON}.json", "timestamp.txt"]
    timestamp, note = submitted_at(folder)
    assert timestamp is not None and note == ""
    stored = json.loads((folder / "answers" / f"{LESSON}.json").read_text(encoding="utf-8"))
    device = course["device"] / "answers" / f"{LESSON}.json"
    assert stored == json.loads(device.read_text(encoding="utf-8"))
    notebook = json.loads((folder / f"{LESSON}.ipynb").read_text(encoding="utf-8"))
    assert written_answers(notebook) == written_answers(json.loads(
        (course["device"] / f"{LESSON}.ipynb").read_text(encoding="utf-8")))
    import nbformat

    nbformat.validate(nbformat.reads(json.dumps(notebook), as_version=4))


def test_the_download_earns_the_same_grades_as_the_folder(course: dict[str, Any]) -> None:
    by_folder = grades_of(course["path"], "folder")
    by_bundle = grades_of(course["path"], "bundle")
    assert by_bundle == by_folder
    assert any(score for score, _ in by_bundle.values())  # something was earned
    assert any(manual for _, manual in by_bundle.values())  # the written answer waits for a person


def test_a_second_hand_in_is_refused_without_replace(course: dict[str, Any],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    before = files(course["path"] / "submitted")
    assert main(["accept", str(course["bundle"]), "--course", str(course["path"])]) == 1
    err = capsys.readouterr().err
    assert "bundle already has a submission of 90-fixture" in err and "--replace" in err
    assert files(course["path"] / "submitted") == before


def test_replace_moves_the_old_submission_aside_and_grades_the_new_one(
        course: dict[str, Any], tmp_path: Path) -> None:
    import shutil

    path = shutil.copytree(course["path"], tmp_path / "course")
    old = files(path / "submitted" / "bundle" / LESSON)
    empty = tmp_path / "empty-device"
    browser_device(path, empty, {})
    newer = download(empty, tmp_path / "again.json", "bundle")
    assert main(["accept", str(newer), "--course", str(path), "--replace"]) == 0
    aside = list((path / "submitted-replaced" / "bundle").iterdir())
    assert len(aside) == 1 and files(aside[0]) == old
    autograde(path)
    assert all(score == 0.0 for score, manual in grades_of(path, "bundle").values()
               if not manual)


@pytest.mark.parametrize(("student", "option", "words"), [
    ("../../etc", None, "the file's name or student ID '../../etc' cannot be used"),
    ("Anna Müller", None, "cannot be used as a student id"),
    (None, None, "does not say whose answers it holds"),
    (None, "a/b", "--student 'a/b' cannot be used"),
])
def test_an_unusable_student_id_is_refused(course: dict[str, Any], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           student: str | None, option: str | None,
                                           words: str) -> None:
    bundle = download(course["device"], tmp_path / "b.json", student)
    before = files(course["path"] / "submitted")
    args = ["accept", str(bundle), "--course", str(course["path"])]
    assert main([*args, "--student", option] if option else args) == 1
    assert words in capsys.readouterr().err
    assert files(course["path"] / "submitted") == before
    assert not (course["path"] / "etc").exists()


def test_student_option_wins_and_foreign_lessons_are_left_out(
        course: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    device = tmp_path / "device"
    import shutil

    shutil.copytree(course["device"], device)
    write_answers(device, "01-claims", {"q1": "an answer for another course"})
    bundle = download(device, tmp_path / "b.json", "someone-else")
    assert main(["accept", str(bundle), "--course", str(course["path"]),
                 "--student", "carol"]) == 0
    out = capsys.readouterr().out
    assert "accepted 90-fixture for carol" in out
    assert "not assignments of this course, left out: 01-claims" in out
    assert (course["path"] / "submitted" / "carol" / LESSON / "timestamp.txt").is_file()
    assert not (course["path"] / "submitted" / "someone-else").exists()
    assert not (course["path"] / "submitted" / "carol" / "01-claims").exists()


def test_a_bad_file_is_refused_and_nothing_is_written(course: dict[str, Any], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "sourcewise-answers", "version": 1, "article": "isis-morale-2014",'
                   ' "student": "mallory", "lessons": {"../../source": {}}}', encoding="utf-8")
    assert main(["accept", str(bad), "--course", str(course["path"])]) == 1
    assert "names a lesson '../../source', which is not a lesson name" in capsys.readouterr().err
    assert not (course["path"] / "submitted" / "mallory").exists()
