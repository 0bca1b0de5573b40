"""Late and missing work through ``sourcewise lms push``, as a real LTI platform holds it.

The course is ``lms_course``'s (Aalto 11 of 11, Brook 0 of 11, Chen waiting for manual grading,
Dana never handed in, Eve unknown to the platform) with a due date of 2025-04-08 23:59 UTC and
a late policy of 10 % per started day: Aalto handed in on 2025-04-10 at 10:00 (late by 1 day
10 h: two started days, 20 %), Brook on 2025-04-08 at 12:00 (on time), Chen on 2025-04-09 at
00:30 (late by 31 min: 10 %). The expected texts below are worked out by hand from those times.
"""

from __future__ import annotations

import json
import os

import pytest
from course_builder import LESSON
from lms_course import lms_course
from platform_app import CLIENT_ID, DEPLOYMENT_ID, LEARNER, PlatformServer

from sourcewise.grading.cli.main import main
from sourcewise.grading.course.due_dates import DUE_FILE
from sourcewise.grading.course.lms.ags_client import AgsClient
from sourcewise.grading.course.lms.lti_keys import generate_key, load_registration
from sourcewise.grading.course.lms.push import push_course
from sourcewise.grading.course.nbgrader_env import recorded_grades

pytestmark = [pytest.mark.lti, pytest.mark.nbgrader]

FEEDBACK = "https://hub.school.example/user/{student}/lab?feedback={lesson}"
HANDED_IN = {"aalto": "2025-04-10 10:00:00.000000 UTC", "brook": "2025-04-08 12:00:00.000000 UTC",
             "chen": "2025-04-09 00:30:00.000000 UTC"}


def _due(course, extensions=None) -> None:
    (course / DUE_FILE).write_text(json.dumps({
        "lessons": {LESSON: "2025-04-08T23:59:00+00:00"}, "extensions": extensions or {},
        "late_penalty": {"percent_per_day": 10, "max_percent": 50}}))


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):
    course = lms_course(tmp_path_factory.mktemp("course"))
    for student, when in HANDED_IN.items():  # as nbgrader's exchange writes it
        (course / "submitted" / student / LESSON / "timestamp.txt").write_text(when)
    _due(course)
    home = tmp_path_factory.mktemp("instructor")
    jwk = generate_key(home / "lti-key.pem")
    platform = PlatformServer(tool_jwks={"keys": [jwk]}, hub_url="http://127.0.0.1:9")
    for sub, name in (("aalto", "Aino Aalto"), ("brook", "Ben Brook"), ("chen", "Chao Chen"),
                      ("dana", "Dee Dana")):
        platform.add_member(sub, name, LEARNER)
    registration = home / "lti.json"
    registration.write_text(json.dumps({
        "issuer": platform.url, "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT_ID,
        "token_url": f"{platform.url}/token", "lineitems_url": platform.lineitems_url,
        "private_key": "lti-key.pem", "feedback_url": FEEDBACK}))
    os.chmod(registration, 0o600)
    yield course, registration, platform
    platform.stop()


def _push(course, registration, **options):
    client = AgsClient(load_registration(registration, course=course), pause=0.01)
    return push_course(course, client, **options)


def _stored(platform: PlatformServer, user: str) -> dict:
    return platform.store.scores[("1", user)]


def test_late_work_carries_its_time_and_says_late_by_with_the_policy(setup):
    course, registration, platform = setup
    grades = recorded_grades(course)
    _push(course, registration)
    aalto = _stored(platform, "aalto")
    assert aalto["resultScore"] == 11.0  # the gradebook's score: the penalty is only stated
    assert aalto["comment"] == (
        "90-fixture: 11 of 11 points. Handed in 2025-04-10 10:00 UTC, late by 1 day 10 h; "
        "the course's late policy takes 20 % off for that, not taken off this score (the "
        "gradebook's graded score). Feedback: "
        "https://hub.school.example/user/aalto/lab?feedback=90-fixture")
    assert aalto["submittedAt"] == "2025-04-10T10:00:00.000+00:00"
    assert aalto["canvas_submission"] == {"submitted_at": "2025-04-10T10:00:00.000+00:00"}
    assert aalto["timestamp"] > "2026"  # the score's own time: when it was posted
    chen = _stored(platform, "chen")
    assert (chen["resultScore"], chen["gradingProgress"]) == (None, "PendingManual")
    assert "Handed in 2025-04-09 00:30 UTC, late by 31 min; the course's late policy " \
           "takes 10 % off" in chen["comment"]
    assert chen["submittedAt"] == "2025-04-09T00:30:00.000+00:00"
    assert recorded_grades(course) == grades


def test_work_on_time_says_when_and_nothing_about_lateness(setup):
    _, _, platform = setup
    brook = _stored(platform, "brook")
    assert brook["comment"] == (
        "90-fixture: 0 of 11 points. Handed in 2025-04-08 12:00 UTC. Feedback: "
        "https://hub.school.example/user/brook/lab?feedback=90-fixture")
    assert brook["canvas_submission"] == {"submitted_at": "2025-04-08T12:00:00.000+00:00"}


def test_missing_work_posts_nothing_and_a_second_push_changes_nothing(setup):
    course, registration, platform = setup
    assert ("1", "dana") not in platform.store.scores
    posts = platform.store.score_posts
    report = _push(course, registration)
    assert report.posted == [] and report.missing == [("dana", LESSON)]
    assert platform.store.score_posts == posts


def test_missing_as_zero_posts_0_only_once_past_due(setup):
    course, registration, platform = setup
    _due(course, extensions={"dana": {LESSON: "36500d"}})  # not due for her yet
    try:
        report = _push(course, registration, missing_as_zero=True)
        assert report.zeroed == [] and ("1", "dana") not in platform.store.scores
    finally:
        _due(course)
    assert main(["lms", "push", str(course), "--lti", str(registration),
                 "--missing-as-zero"]) == 1  # 1: Eve is unknown to the platform
    dana = _stored(platform, "dana")
    assert (dana["resultScore"], dana["resultMaximum"]) == (0.0, 11.0)
    assert (dana["activityProgress"], dana["gradingProgress"]) == ("Initialized",
                                                                   "FullyGraded")
    assert dana["comment"] == ("90-fixture: 0 of 11 points. Not handed in by the due date "
                               "(2025-04-08 23:59 UTC). 0 at the instructor's request.")
    assert dana["submittedAt"] is None and dana["canvas_submission"] is None
