"""``sourcewise lms push`` against a real LTI 1.3 platform (lti1p3platform) on 127.0.0.1.

The course is ``lms_course``'s: Aalto 11 of 11, Brook 0 of 11 (both graded), Chen waiting for
manual grading, Dana never handed in, Eve unknown to the platform.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from course_builder import LESSON
from lms_course import lms_course
from platform_app import CLIENT_ID, DEPLOYMENT_ID, LEARNER, PlatformServer

from sourcewise.grading.cli.main import main
from sourcewise.grading.course.course_errors import CourseError
from sourcewise.grading.course.lms.ags_client import AgsClient
from sourcewise.grading.course.lms.lti_keys import generate_key, load_registration
from sourcewise.grading.course.lms.push import push_course
from sourcewise.grading.course.nbgrader_env import recorded_grades

pytestmark = [pytest.mark.lti, pytest.mark.nbgrader]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):
    course = lms_course(tmp_path_factory.mktemp("course"))
    home = tmp_path_factory.mktemp("instructor")  # the instructor's own folder
    jwk = generate_key(home / "lti-key.pem")
    platform = PlatformServer(tool_jwks={"keys": [jwk]}, hub_url="http://127.0.0.1:9")
    for sub, name in (("aalto", "Aino Aalto"), ("brook", "Ben Brook"), ("chen", "Chao Chen"),
                      ("dana", "Dee Dana")):
        platform.add_member(sub, name, LEARNER)
    registration = home / "lti.json"
    registration.write_text(json.dumps({
        "issuer": platform.url, "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT_ID,
        "token_url": f"{platform.url}/token", "lineitems_url": platform.lineitems_url,
        "private_key": "lti-key.pem",
        "feedback_url": "https://hub.school.example/user/{student}/lab?feedback={lesson}"}))
    os.chmod(registration, 0o600)
    yield course, registration, platform
    platform.stop()


def _client(registration: Path, course: Path) -> AgsClient:
    return AgsClient(load_registration(registration, course=course), pause=0.01)


def _held(platform: PlatformServer) -> dict[str, tuple]:
    return {user: (r["resultScore"], r["resultMaximum"], r["activityProgress"],
                   r["gradingProgress"]) for (_, user), r in platform.store.scores.items()}


def test_first_push_creates_one_line_item_and_posts_the_gradebook_scores(setup):
    course, registration, platform = setup
    report = push_course(course, _client(registration, course))
    items = list(platform.store.line_items.values())
    assert [(i["label"], i["resourceId"], i["scoreMaximum"]) for i in items] == [
        (LESSON, LESSON, 11.0)]
    assert report.created == [LESSON]
    assert _held(platform) == {
        "aalto": (11.0, 11.0, "Completed", "FullyGraded"),
        "brook": (0.0, 11.0, "Completed", "FullyGraded"),
        "chen": (None, None, "Submitted", "PendingManual")}
    aalto = platform.store.scores[("1", "aalto")]["comment"]
    assert "11 of 11 points" in aalto
    assert "https://hub.school.example/user/aalto/lab?feedback=90-fixture" in aalto
    assert report.missing == [("dana", LESSON)]
    assert [(s, lesson) for s, lesson, _ in report.failed] == [("eve", LESSON)]
    assert report.failed[0][2].startswith(f"POST {items[0]['id']}/scores: HTTP 403")


def test_second_push_changes_nothing(setup):
    course, registration, platform = setup
    before, posts = _held(platform), platform.store.score_posts
    report = push_course(course, _client(registration, course))
    assert report.created == [] and report.posted == []
    assert sorted(s for s, _ in report.unchanged) == ["aalto", "brook", "chen"]
    assert len(platform.store.line_items) == 1
    assert platform.store.score_posts == posts and _held(platform) == before


def test_platform_down_for_a_while_is_retried(setup):
    course, registration, platform = setup
    platform.fail_next = 2
    client = _client(registration, course)
    report = push_course(course, client)
    assert [s for s, _, _ in report.failed] == ["eve"]
    assert platform.fail_next == 0


def test_platform_down_for_good_is_reported_per_student_and_grades_stay(setup):
    course, registration, platform = setup
    grades = recorded_grades(course)
    platform.fail_next = 1000
    try:
        report = push_course(course, _client(registration, course))
    finally:
        platform.fail_next = 0
    assert sorted(s for s, _, _ in report.failed) == ["aalto", "brook", "chen", "dana", "eve"]
    assert all("HTTP 503" in why and "after 4 attempts" in why for _, _, why in report.failed)
    assert recorded_grades(course) == grades


def test_an_expired_token_is_renewed(setup):
    course, registration, _ = setup
    client = _client(registration, course)
    client.token()
    client._token = client._token[:-4] + "AAAA"  # no longer the platform's signature
    report = push_course(course, client)
    assert [s for s, _, _ in report.failed] == ["eve"]
    assert sorted(s for s, _ in report.unchanged) == ["aalto", "brook", "chen"]


def test_cli_push_exits_1_and_names_the_failure(setup, capsys):
    course, registration, _ = setup
    assert main(["lms", "push", str(course), "--lti", str(registration)]) == 1
    said = capsys.readouterr().out
    assert "3 already up to date" in said and "FAILED eve (90-fixture)" in said
    assert main(["autograde", str(course), "--lms-push", "--lti", str(registration)]) == 1
    said = capsys.readouterr().out
    assert "3 already up to date" in said and "FAILED eve (90-fixture)" in said


def test_keys_a_student_could_reach_are_refused(setup, tmp_path):
    course, registration, _ = setup
    inside = course / "lti.json"
    inside.write_text(registration.read_text())
    os.chmod(inside, 0o600)
    with pytest.raises(CourseError, match="inside the course folder"):
        load_registration(inside, course=course)
    os.chmod(registration, 0o644)
    try:
        with pytest.raises(CourseError, match="can be read by others"):
            load_registration(registration, course=course)
    finally:
        os.chmod(registration, 0o600)
    assert "BEGIN PUBLIC KEY" in (registration.parent / "lti-key.pub.pem").read_text()
    assert oct((registration.parent / "lti-key.pem").stat().st_mode & 0o777) == "0o600"
    with pytest.raises(CourseError, match="never overwritten"):
        generate_key(registration.parent / "lti-key.pem")
