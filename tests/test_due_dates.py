"""Due dates, extensions, late work and a report that tells the truth (issue 23, items 3 and 6):
a real course with due dates from ``course init``, hand-ins on time, late, under an extension,
without a time, as an accepted download and not at all."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from course_builder import LESSON, fixture_lesson, submit

from sourcewise.grading.answer_bundle import bundle_bytes, collect_bundle
from sourcewise.grading.cli.main import main
from sourcewise.grading.course.autograde.run import autograde_course
from sourcewise.grading.course.bundle_intake import accept_bundle
from sourcewise.grading.course.course_folder import build_course, init_course
from sourcewise.grading.course.due_dates import submission_status
from sourcewise.grading.course.nbgrader_env import gradebook
from sourcewise.grading.course.results.report import report_frames
from sourcewise.grading.demo.simulated_class import SimulatedStudent, write_submission

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

LATER = "91-later"  # built but not given out yet: it must not count in anyone's total
DUE = "2026-03-02T12:00+00:00"
STAMP = "%Y-%m-%d %H:%M:%S.%f UTC"  # nbgrader's timestamp.txt
ROSTER = ["on-time", "late", "extended", "no-time", "accepted", "accepted-late", "absent"]


def _stamp(course: Path, sid: str, when: datetime) -> None:
    (course / "submitted" / sid / LESSON / "timestamp.txt").write_text(
        when.strftime(STAMP), encoding="utf-8")


def _download(course: Path, root: Path, sid: str, created: str) -> Path:
    device = root / f"device-{sid}"
    write_submission(course / "release" / LESSON / f"{LESSON}.ipynb", device,
                     SimulatedStudent(sid, 0.8))
    bundle = collect_bundle(device, student=sid).bundle
    data = json.loads(bundle_bytes(bundle))
    data["created"] = created
    path = root / f"{sid}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("dated")
    lesson = fixture_lesson(root / "lesson")
    later = shutil.copyfile(lesson, root / "lesson" / f"{LATER}.ipynb")
    course = root / "course"
    assert init_course(course, ROSTER, lessons=[lesson, later], due=[f"{LESSON}={DUE}"],
                       extensions=[f"extended:{LESSON}=2d"], late_penalty="10/50") == 0
    assert build_course(course) == 0
    due = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    for sid in ("on-time", "late", "extended", "no-time"):
        submit(course, SimulatedStudent(sid, 0.8))
    _stamp(course, "on-time", due - timedelta(hours=1))
    _stamp(course, "late", due + timedelta(days=1, hours=3))
    _stamp(course, "extended", due + timedelta(days=1, hours=3))
    accepted_at = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    accept_bundle(course, _download(course, root, "accepted", "2026-03-02T11:30:00+00:00"),
                  now=accepted_at)
    accept_bundle(course, _download(course, root, "accepted-late", "2026-03-02T12:30:00+00:00"),
                  now=accepted_at)
    assert autograde_course(course, progress=False) == 0
    out = root / "exports"
    assert main(["export", str(course), "--out", str(out)]) == 0
    return {"course": course, "out": out, "due": due,
            "grades": pd.read_csv(out / "grades.csv").set_index(["student", "lesson"])}


def test_due_dates_are_kept_in_the_course_and_in_nbgrader(dated):
    course = dated["course"]
    stored = json.loads((course / "due-dates.json").read_text(encoding="utf-8"))
    assert stored["lessons"] == {LESSON: "2026-03-02T12:00+00:00"}
    assert stored["extensions"] == {"extended": {LESSON: "2d"}}
    assert stored["late_penalty"] == {"percent_per_day": 10.0, "max_percent": 50.0}
    with gradebook(course) as gb:
        assert gb.find_assignment(LESSON).duedate == datetime(2026, 3, 2, 12, 0)
        assert gb.find_submission(LESSON, "extended").extension == timedelta(days=2)
        # nbgrader's own lateness agrees: 27 h late; 0 for the extended student.
        assert gb.find_submission(LESSON, "late").total_seconds_late == 27 * 3600
        assert gb.find_submission(LESSON, "extended").total_seconds_late == 0


def test_export_says_submitted_late_and_missing(dated):
    grades = dated["grades"]
    row = grades.loc[("late", LESSON)]
    assert row["submission"] == "late by 1 day 3 h"
    assert row["late_by_hours"] == 27.0
    assert row["late_penalty_percent"] == 20.0  # two started days at 10 % a day
    assert grades.loc[("on-time", LESSON), "submission"] == "submitted"
    assert grades.loc[("extended", LESSON), "submission"] == "submitted"
    assert grades.loc[("no-time", LESSON), "submission"] == "submitted (time unknown)"
    absent = grades.loc[("absent", LESSON)]
    assert absent["submission"] == "missing"
    assert pd.isna(absent["score"]) and pd.isna(absent["percent"])  # not handed in is not 0
    assert grades.loc[("absent", LATER), "submission"] == "not submitted"


def test_accept_records_when_the_student_made_the_file(dated):
    course = dated["course"]
    folder = course / "submitted" / "accepted" / LESSON
    assert (folder / "timestamp.txt").read_text() == "2026-03-02 11:30:00.000000 UTC"
    assert (folder / "accepted.txt").read_text() == "2026-03-05 09:00:00.000000 UTC"
    assert submission_status(course, "accepted", LESSON).state == "submitted"
    late = submission_status(course, "accepted-late", LESSON)
    assert (late.state, late.late_by) == ("late", timedelta(minutes=30))


def test_csv_numbers_have_at_most_four_decimals(dated):
    for name in ("grades.csv", "items.csv"):
        text = (dated["out"] / name).read_text(encoding="utf-8")
        assert not re.search(r"\d\.\d{5,}", text), name


def test_totals_count_released_lessons_only(dated):
    frames = report_frames(dated["course"])
    students = frames["students"].set_index("student")
    grades = dated["grades"]
    on_time = grades.loc[("on-time", LESSON)]
    assert students.loc["on-time", "total %"] == pytest.approx(
        round(100 * on_time["score"] / on_time["max_score"], 1))
    assert students.loc["absent", "total %"] == 0.0  # a released lesson not handed in
    assert pd.isna(students.loc["absent", LESSON])
    lessons = frames["lessons"].set_index("lesson")
    assert lessons.loc[LESSON, "released"] == "yes" and lessons.loc[LATER, "released"] == "no"
    assert lessons.loc[LESSON, "submitted"] == 6
    assert lessons.loc[LESSON, "late"] == 2
    assert lessons.loc[LESSON, "missing"] == 1
    assert lessons.loc[LESSON, "manual items open"] == 6  # one written answer each
    assert lessons.loc[LATER, "submitted"] == 0


def test_a_bad_due_date_is_one_sentence_and_makes_nothing(tmp_path, capsys):
    target = tmp_path / "new-course"
    assert main(["course", "init", str(target), "--due", "01-claims=next friday"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert "2031-04-08T23:59" in err
    assert not target.exists()


def test_the_report_page_shows_the_lesson_counts_and_escapes_text(dated):
    from sourcewise.grading.course.results.report import render_report

    page = render_report(report_frames(dated["course"]), "Class <b>7A</b>")
    assert "<title>Class &lt;b&gt;7A&lt;/b&gt;</title>" in page
    assert "<h2>Lessons</h2>" in page and "<b>2</b>late" in page and "<b>1</b>missing" in page
    assert "not a zero" in page


def test_each_feedback_page_says_when_the_work_came_in(dated):
    """Does the page a student reads first say 'on time' or 'late by …', against the due date
    (with the student's extension), and nothing for a lesson without one?"""
    import html

    from sourcewise.grading.course.results.feedback import feedback_course

    course = dated["course"]
    assert feedback_course(course, [LESSON], progress=False) == 0

    def handed_in(sid: str) -> str:
        page = html.unescape((course / "feedback" / sid / LESSON / f"{LESSON}.html")
                             .read_text(encoding="utf-8"))
        found = re.search(r"Handed in:</strong>\s*([^<]+)<", page)
        return found.group(1).strip() if found else ""

    assert handed_in("late").startswith("late by 1 day 3 h (due 2026-03-02 12:00")
    assert handed_in("on-time").startswith("on time (due 2026-03-02 12:00")
    assert handed_in("extended").startswith("on time (due 2026-03-04 12:00")  # two days more
    assert handed_in("accepted-late").startswith("late by 30 min")
