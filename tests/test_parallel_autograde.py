"""Parallel autograde and kernel-free scoring give the same grades as sequential nbgrader."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from course_builder import LESSON, STUDENTS, graded_course, make_course

from sourcewise.grading.course.autograde.run import autograde_course, is_graded
from sourcewise.grading.course.autograde.score_only import score_class
from sourcewise.grading.course.nbgrader_env import recorded_grades

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]


@pytest.fixture(scope="module")
def sequential(tmp_path_factory: pytest.TempPathFactory):
    return graded_course(tmp_path_factory.mktemp("graded"))


def all_grades(course: Path) -> dict[tuple[str, str, str], tuple[float | None, bool]]:
    return recorded_grades(course)


def same_submissions(source: Path, root: Path) -> Path:
    """A fresh course with the sequential course's submitted files, not yet graded."""
    course = make_course(root, sorted(STUDENTS))
    for path in (source / "submitted").rglob("*"):
        if path.is_file():
            target = course / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return course


def test_parallel_grades_equal_sequential_grades(sequential, tmp_path: Path) -> None:
    """Are grades from two workers identical to one-by-one grading, item by item?"""
    course = same_submissions(sequential.path, tmp_path)
    assert autograde_course(course, jobs=2, progress=False) == sequential.exit_code
    expected, got = all_grades(sequential.path), all_grades(course)
    assert len(expected) >= len(STUDENTS)
    assert got == expected
    assert not (course / ".sourcewise-workers").exists()


def test_kernel_free_scores_equal_autograde_on_every_item_it_scores(sequential) -> None:
    grades = all_grades(sequential.path)
    scores = score_class(sequential.path)
    scored = [s for s in scores if s.points is not None]
    assert len(scored) >= 2 * (len(STUDENTS) - 1)
    for score in scored:
        recorded = grades[(score.student, score.lesson, score.grade_id)][0]
        assert recorded == pytest.approx(score.points, abs=1e-12), score
    # A notebook that does not parse does not stop its saved answers from being scored.
    unreadable = [s for s in scores if s.student == "unreadable" and s.status != "manual"]
    assert unreadable and all(s.status == "scored" for s in unreadable)


def _worker_pids(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == parent and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def test_a_killed_worker_does_not_corrupt_the_gradebook(sequential, tmp_path: Path) -> None:
    """Under --execute, is the submission a killed kernel worker was grading retried, the
    gradebook left whole, and every grade equal to the default (answers) run's?"""
    course = same_submissions(sequential.path, tmp_path)
    killed: list[int] = []

    def kill_one_worker() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            pids = _worker_pids(os.getpid())
            if pids:
                time.sleep(4)  # let it get into a submission
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
            time.sleep(0.2)

    thread = threading.Thread(target=kill_one_worker, daemon=True)
    thread.start()
    autograde_course(course, jobs=2, progress=False, execute=True)
    thread.join()
    assert killed, "no worker was found to kill"
    db = course / "gradebook.db"
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert all_grades(course) == all_grades(sequential.path)
    # The student whose cell replaced the grading helper got full marks from the kernel; the
    # score computed from their answers was recorded instead, and the log says so.
    from sourcewise.grading.course import grading_log

    runs = grading_log.latest_run(grading_log.read(course))
    assert any(e.event == "overridden" for e in runs[("cheating", LESSON)])


def test_ctrl_c_stops_cleanly_and_a_rerun_grades_only_the_rest(sequential,
                                                               tmp_path: Path) -> None:
    course = same_submissions(sequential.path, tmp_path)
    # A shell that runs this suite in the background ignores SIGINT, and children inherit
    # that: give the command the default handling a terminal's Ctrl+C meets.
    proc = subprocess.Popen([sys.executable, "-m", "sourcewise.grading.cli.main", "autograde",
                             str(course), "--jobs", "2", "--execute"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = [s for s in STUDENTS if is_graded(course, s, LESSON)]
        if len(done) >= 2:
            break
        time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=240)  # kernels of stopped workers close their pipes late
    assert proc.returncode == 130, err
    assert "run the same command again" in err
    graded_first = {s for s in STUDENTS if is_graded(course, s, LESSON)}
    assert 2 <= len(graded_first) < len(STUDENTS)
    rerun = subprocess.run([sys.executable, "-m", "sourcewise.grading.cli.main", "autograde",
                            str(course), "--jobs", "2", "--execute"], capture_output=True,
                           text=True,
                           timeout=300)
    assert f"skipped {len(graded_first)} already graded" in rerun.stdout
    assert all_grades(course) == all_grades(sequential.path)
