"""A mixed class with real nbgrader (issue 23): one student submits through the exchange, one
hands in a folder, one a download filed by ``sourcewise accept``. A regrade keeps a person's
grade of an unchanged written answer and reopens a changed one; ``--student`` regrades and
releases one student; ``sourcewise release-feedback`` returns every page where nbgrader's own
``release_feedback`` stops."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from course_builder import LESSON, make_course, source_cells, submit

from sourcewise.grading.answer_bundle import bundle_bytes, collect_bundle
from sourcewise.grading.cli.main import main
from sourcewise.grading.course import grading_log
from sourcewise.grading.course.nbgrader_env import gradebook, nbgrader_api
from sourcewise.grading.demo.simulated_class import SimulatedStudent, write_submission

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

WRITTEN = "answer_why"
EXCHANGE_STUDENT = "root"  # nbgrader's exchange names a submission after the account: root here


def _nbgrader(step: str, cwd: Path, course: Path, cache: Path) -> None:
    """A student's nbgrader command, run in their own folder."""
    run = subprocess.run([sys.executable, "-m", "nbgrader", step, LESSON, f"--course={course.name}",
                          f"--Exchange.root={course / 'exchange'}", f"--Exchange.cache={cache}"],
                         cwd=cwd, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("mixed")
    course = make_course(root, [EXCHANGE_STUDENT, "hand", "accepted", "ada"])
    api = nbgrader_api(course)
    assert api.release_assignment(LESSON)["success"]
    home, cache = root / "student-home", root / "student-cache"
    home.mkdir()
    _nbgrader("fetch_assignment", home, course, cache)
    write_submission(home / LESSON / f"{LESSON}.ipynb", home / LESSON,
                     SimulatedStudent(EXCHANGE_STUDENT, 0.7), source_cells(course))
    _nbgrader("submit", home, course, cache)
    assert api.collect(LESSON)["success"]
    for sid in ("hand", "ada"):
        submit(course, SimulatedStudent(sid, 0.7))
    device = root / "device"
    write_submission(course / "release" / LESSON / f"{LESSON}.ipynb", device,
                     SimulatedStudent("accepted", 0.7), source_cells(course))
    bundle = root / "sourcewise-answers.json"
    bundle.write_bytes(bundle_bytes(collect_bundle(device, student="accepted").bundle))
    assert main(["accept", str(bundle), "--course", str(course)]) == 0
    assert main(["autograde", str(course)]) == 0
    return {"course": course, "home": home, "cache": cache, "api": api}


def _grade(course: Path, sid: str, grade_id: str = WRITTEN):
    with gradebook(course) as gb:
        grade = gb.find_grade(grade_id, LESSON, LESSON, sid)
        return grade.manual_score, bool(grade.needs_manual_grade)


def _hand_grade(course: Path, sid: str, score: float) -> None:
    """What formgrader does when a person grades a written answer."""
    with gradebook(course) as gb:
        grade = gb.find_grade(WRITTEN, LESSON, LESSON, sid)
        grade.manual_score, grade.needs_manual_grade = score, False
        gb.db.commit()


def test_the_three_ways_in_are_all_graded(mixed):
    course = mixed["course"]
    submitted = course / "submitted"
    assert (submitted / EXCHANGE_STUDENT / LESSON / "submission_secret.txt").is_file()
    assert not (submitted / "hand" / LESSON / "timestamp.txt").exists()
    assert not (submitted / "accepted" / LESSON / "submission_secret.txt").exists()
    for sid in (EXCHANGE_STUDENT, "hand", "accepted", "ada"):
        assert _grade(course, sid) == (None, True), sid


@pytest.mark.parametrize("execute", [False, True])
def test_a_regrade_keeps_hand_grades_of_unchanged_answers(mixed, tmp_path, execute):
    import shutil

    course = Path(shutil.copytree(mixed["course"], tmp_path / "course"))
    for sid in ("hand", "ada"):
        _hand_grade(course, sid, 1.5)
    args = ["autograde", str(course), "--force", "--lesson", LESSON]
    assert main(args + (["--execute"] if execute else [])) == 0
    assert _grade(course, "hand") == (1.5, False)
    assert _grade(course, "ada") == (1.5, False)
    # ada rewrites her answer and hands in again: her grade is opened for a person again.
    path = course / "submitted" / "ada" / LESSON / f"{LESSON}.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == WRITTEN:
            cell["source"] = "A new answer: the claim rests on one unnamed activist."
    path.write_text(json.dumps(notebook), encoding="utf-8")
    runs_before = grading_log.latest_run(grading_log.read(course))
    assert main(args + ["--student", "ada"] + (["--execute"] if execute else [])) == 0
    assert _grade(course, "ada") == (1.5, True)
    assert _grade(course, "hand") == (1.5, False)
    runs_after = grading_log.latest_run(grading_log.read(course))
    assert runs_after[("hand", LESSON)] == runs_before[("hand", LESSON)]  # not regraded
    assert runs_after[("ada", LESSON)] != runs_before[("ada", LESSON)]


def test_nbgrader_release_feedback_stops_on_this_class_and_ours_returns_every_page(mixed):
    course, api = mixed["course"], mixed["api"]
    assert main(["feedback", str(course)]) == 0
    pages = sorted(p.relative_to(course / "feedback").parts[0]
                   for p in (course / "feedback").glob(f"*/{LESSON}/{LESSON}.html"))
    assert pages == sorted([EXCHANGE_STUDENT, "hand", "accepted", "ada"])
    try:
        theirs = api.release_feedback(LESSON)["success"]
    except Exception:
        theirs = False
    assert not theirs  # the pages without submission_secret.txt stop nbgrader's step
    assert main(["release-feedback", str(course)]) == 0
    for sid in ("hand", "accepted", "ada"):
        assert (course / "returned" / sid / LESSON / f"{LESSON}.html").is_file(), sid
    assert not (course / "returned" / EXCHANGE_STUDENT).exists()
    _nbgrader("fetch_feedback", mixed["home"], course, mixed["cache"])
    fetched = list((mixed["home"] / LESSON / "feedback").glob(f"*/{LESSON}.html"))
    assert len(fetched) == 1
    assert fetched[0].read_bytes() == (course / "feedback" / EXCHANGE_STUDENT / LESSON
                                       / f"{LESSON}.html").read_bytes()


def test_feedback_and_release_for_one_student(mixed, tmp_path):
    import shutil

    course = Path(shutil.copytree(mixed["course"], tmp_path / "course"))
    shutil.rmtree(course / "feedback", ignore_errors=True)
    shutil.rmtree(course / "returned", ignore_errors=True)
    assert main(["feedback", str(course), "--student", "hand"]) == 0
    # Only hand's pages (beside the lessons' shared stylesheet folder, which is no student).
    assert [p.name for p in (course / "feedback").iterdir() if p.name != "_shared"] == ["hand"]
    assert main(["release-feedback", str(course), "--student", "hand"]) == 0
    assert [p.name for p in (course / "returned").iterdir()] == ["hand"]
    assert main(["release-feedback", str(course), "--student", "nobody"]) == 1
