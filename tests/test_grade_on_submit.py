"""Grade on submit, on a real course folder: submissions written into nbgrader's exchange the way
its Submit writes them are collected, graded from their answers files, recorded, and their
feedback released where the student's assignment list finds it. (The same service on a real
JupyterHub, with system users and a kill, is in tests/hub/test_grade_on_submit_hub.py.)"""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from course_builder import LESSON, make_course

from sourcewise.grading.cli.main import main as cli
from sourcewise.grading.course import grading_log
from sourcewise.grading.course.nbgrader_env import gradebook, recorded_grades
from sourcewise.grading.course.results.feedback import feedback_leaks
from sourcewise.grading.course.service.grade_one import MANUAL_NOTE
from sourcewise.grading.course.service.queue_state import SubmissionQueue
from sourcewise.grading.course.service.runner import GradingService
from sourcewise.grading.demo.simulated_class import SimulatedStudent, write_submission

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

# The fixture lesson: three widget tasks (4 + 3 + 2 points) and one written answer (2 points).
AUTOGRADED_POINTS = {"grade_attribution": 4.0, "grade_links": 3.0, "grade_ratings": 2.0}
STUDENTS = ["amy", "ben", "cas"]
START = datetime(2031, 4, 8, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_course(tmp_path_factory.mktemp("gos"), STUDENTS)


@pytest.fixture
def course(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built course per test, grading on submit switched on (the folders
    are owned by root here, not by each student, so the owner check is off but for one test)."""
    import shutil

    folder = tmp_path / "course"
    shutil.copytree(built, folder, symlinks=True)
    config = folder / "nbgrader_config.py"
    config.write_text(config.read_text().replace(str(built), str(folder)))
    (folder / "grade-on-submit.toml").write_text(
        f'lessons = ["{LESSON}"]\ncheck_owner = false\n', encoding="utf-8")
    return folder


def inbound(course: Path) -> Path:
    return course / "exchange" / "course" / "inbound"


def hand_in(course: Path, student: str, quality: float, minutes: float = 0) -> Path:
    """A submission folder as nbgrader's Submit writes it: notebook, answers, timestamp and
    the submission secret, named ``student+lesson+timestamp+random``."""
    when = (START + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    folder = inbound(course) / f"{student}+{LESSON}+{when}+{secrets.token_hex(4)}"
    write_submission(course / "release" / LESSON / f"{LESSON}.ipynb", folder,
                     SimulatedStudent(student, quality))
    (folder / "timestamp.txt").write_text(when)
    (folder / "submission_secret.txt").write_text(secrets.token_hex(64))
    return folder


def auto_scores(course: Path, student: str) -> dict[str, float | None]:
    return {item: score for (s, _, item), (score, _) in recorded_grades(course).items()
            if s == student and item in AUTOGRADED_POINTS}


def released_page(course: Path, folder: Path) -> Path:
    """Where nbgrader's assignment list looks for this submission's feedback."""
    from nbgrader.utils import notebook_hash

    secret = (folder / "submission_secret.txt").read_text()
    return course / "exchange" / "course" / "feedback" / \
        f"{notebook_hash(secret=secret, notebook_id=LESSON)}.html"


def statuses(course: Path) -> dict[str, str]:
    queue = SubmissionQueue(course / ".sourcewise-service")
    return {name: entry.status for name, entry in queue.entries.items()}


def test_a_submission_is_graded_and_its_feedback_released(course: Path) -> None:
    """Is a perfect submission given full points on every widget task, recorded in the
    gradebook, and its feedback page (no hidden tests, saying the written answer follows)
    released under the name the student's assignment list looks for?"""
    folder = hand_in(course, "amy", 1.0)
    service = GradingService(course)
    service.drain()
    service.close()
    assert auto_scores(course, "amy") == AUTOGRADED_POINTS
    page = released_page(course, folder)
    assert page.exists()
    text = page.read_text(encoding="utf-8")
    assert feedback_leaks(text) == []
    assert MANUAL_NOTE.split(".")[0] in text
    assert statuses(course) == {folder.name: "graded"}


def test_the_latest_submission_counts_and_earlier_ones_stay(course: Path) -> None:
    """Two submissions of one student, the later one perfect, the earlier empty: only the
    later is graded; both stay in the exchange. One that arrives later with an older
    timestamp does not replace it."""
    first = hand_in(course, "ben", 0.0, minutes=0)
    second = hand_in(course, "ben", 1.0, minutes=5)
    service = GradingService(course)
    service.drain()
    assert auto_scores(course, "ben") == AUTOGRADED_POINTS
    older = hand_in(course, "ben", 0.0, minutes=1)
    service.drain()
    service.close()
    assert auto_scores(course, "ben") == AUTOGRADED_POINTS
    assert statuses(course) == {first.name: "superseded", second.name: "graded",
                                older.name: "superseded"}
    assert first.exists() and second.exists() and older.exists()
    assert released_page(course, second).exists()


def test_a_stopped_service_loses_and_doubles_nothing(course: Path) -> None:
    """A service that queued a submission and stopped before grading it, and a submission
    that arrived while no service ran: the next service grades both, once each (one
    submission row per student in the gradebook)."""
    queued_then_stopped = hand_in(course, "amy", 1.0)
    first = GradingService(course)
    assert [e.name for e in first.scan()] == [queued_then_stopped.name]
    first.close()  # stopped here: queued on disk, not graded
    while_down = hand_in(course, "cas", 0.0)
    again = GradingService(course)
    again.drain()
    again.drain()  # nothing new: nothing graded twice
    again.close()
    assert statuses(course) == {queued_then_stopped.name: "graded", while_down.name: "graded"}
    assert auto_scores(course, "amy") == AUTOGRADED_POINTS
    assert set(auto_scores(course, "cas").values()) == {0.0}
    with gradebook(course) as gb:
        rows = [(s.student.id, s.assignment.name) for s in gb.assignment_submissions(LESSON)]
    assert sorted(rows) == [("amy", LESSON), ("cas", LESSON)]
    graded = [e for e in grading_log.read(course) if e.item == "grade_attribution"]
    assert sorted(e.student for e in graded) == ["amy", "cas"]


def test_files_autograde_refuses_are_refused_and_others_are_still_graded(course: Path) -> None:
    """A submission whose answers file is a link to a file outside it is graded without it
    (its feedback says why, and does not show the linked file); a folder claiming a student
    id that is no user name is refused; the other student is graded as usual."""
    secret = course.parent / "outside.txt"
    secret.write_text("sourcewise-outside-secret-93c1")
    linked = hand_in(course, "amy", 1.0)
    answers = linked / "answers" / f"{LESSON}.json"
    answers.unlink()
    answers.symlink_to(secret)
    bogus = inbound(course) / f"..+{LESSON}+2031-04-08 09:00:00.000000 UTC+abcd"
    bogus.mkdir()
    fine = hand_in(course, "ben", 1.0)
    service = GradingService(course)
    service.drain()
    service.close()
    assert statuses(course) == {linked.name: "graded", bogus.name: "refused",
                                fine.name: "graded"}
    assert set(auto_scores(course, "amy").values()) == {0.0}
    assert auto_scores(course, "ben") == AUTOGRADED_POINTS
    page = released_page(course, linked).read_text(encoding="utf-8")
    assert "is a link to another file" in page
    assert "sourcewise-outside-secret-93c1" not in page
    assert not (course / LESSON).exists()  # "submitted/../<lesson>" was never written


def test_a_folder_written_by_another_user_is_refused(course: Path) -> None:
    """With the owner check on (the default), a folder naming amy but written by root is
    not graded, and the reason names both."""
    (course / "grade-on-submit.toml").write_text(f'lessons = ["{LESSON}"]\n')
    folder = hand_in(course, "amy", 1.0)
    service = GradingService(course)
    service.drain()
    service.close()
    entry = SubmissionQueue(course / ".sourcewise-service").entries[folder.name]
    owner = __import__("pwd").getpwuid(os.getuid()).pw_name
    assert entry.status == "refused"
    assert "names amy" in entry.reason and f"written by {owner}" in entry.reason
    assert not (course / "submitted" / "amy" / LESSON).exists()


def test_status_shows_the_queue_and_the_log(course: Path, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    """Does ``sourcewise service status`` list what waits, what was graded, and the log?"""
    hand_in(course, "amy", 1.0)
    service = GradingService(course)
    service.drain()
    service.close()
    hand_in(course, "ben", 1.0)
    GradingService(course).scan()
    assert cli(["service", "status", str(course)]) == 0
    out = capsys.readouterr().out
    assert f"grade on submit (grade-on-submit.toml): {LESSON}" in out
    assert "submissions: 1 queued, 1 graded, 0 superseded, 0 refused, 0 failed" in out
    assert f"  ben {LESSON} (submitted 2031-04-08T09:00:00" in out
    assert " graded submission=amy+" in out


def test_settings_name_the_problem(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (course / "grade-on-submit.toml").write_text('lessons = ["07-nothing"]\n')
    assert cli(["service", "status", str(course)]) == 1
    err = capsys.readouterr().err
    assert "07-nothing is not a lesson of this course" in err
    (course / "grade-on-submit.toml").unlink()
    assert cli(["service", "run", str(course), "--once"]) == 1
    assert "grade-on-submit.toml not found" in capsys.readouterr().err


def test_queue_file_is_plain_json(course: Path) -> None:
    folder = hand_in(course, "amy", 1.0)
    GradingService(course).scan()
    data = json.loads((course / ".sourcewise-service" / "queue.json").read_text())
    assert data["submissions"][folder.name]["status"] == "queued"
    assert data["submissions"][folder.name]["student"] == "amy"


def test_with_before_duedate_the_last_submission_before_the_due_date_counts(course: Path
                                                                           ) -> None:
    """With ``CollectApp.before_duedate`` and a due date, an on-time empty submission and a
    late perfect one: the on-time one is graded, the late one is set aside (kept on disk)."""
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.CollectApp.before_duedate = True\n")
    with gradebook(course) as gb:
        gb.update_or_create_assignment(LESSON, duedate=(START + timedelta(minutes=10))
                                       .replace(tzinfo=None))
    on_time = hand_in(course, "ben", 0.0, minutes=5)
    late = hand_in(course, "ben", 1.0, minutes=20)
    service = GradingService(course)
    service.drain()
    service.close()
    assert statuses(course) == {on_time.name: "graded", late.name: "superseded"}
    assert set(auto_scores(course, "ben").values()) == {0.0}
    assert late.exists()
