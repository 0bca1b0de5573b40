"""A course term through the LMS, end to end: launch from the platform, submit, grade, push.

The instructor and two students launch the hub from the LTI 1.3 platform (lti1p3platform).
Each student then works in their own single-user server (run as their system user): fetch
the lesson from nbgrader's assignment list, run it, answer every widget, write the written
answers, Submit. The instructor, as their system user: ``nbgrader collect``, ``sourcewise
autograde --lms-push`` (the written answers wait: posted as PendingManual, no score), grades
the written answers as formgrader does, ``sourcewise lms push``. The platform's line items then
hold exactly the gradebook's scores, read from nbgrader's gradebook; a second push changes
nothing.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from lti_hub import LESSON, STUDENTS, TEACHER, LtiHub, hub_user, launch

pytestmark = [pytest.mark.lti, pytest.mark.slow]

# As formgrader does when a person grades: every written answer gets its full points.
GRADE_WRITTEN = '''
import json, sys
from nbgrader.api import Gradebook
with Gradebook("sqlite:///gradebook.db") as gb:
    for student in sys.argv[1:]:
        for grade in gb.find_submission_notebook(%(lesson)r, %(lesson)r, student).grades:
            if grade.needs_manual_grade:
                grade.manual_score = grade.max_score
                grade.needs_manual_grade = False
    gb.db.commit()
'''
# The gradebook's own numbers (nbgrader's, not Sourcewise's reading of them).
GRADEBOOK_SCORES = '''
import json, sys
from nbgrader.api import Gradebook
with Gradebook("sqlite:///gradebook.db") as gb:
    print(json.dumps({s: [gb.find_submission(%(lesson)r, s).score,
                          gb.find_submission(%(lesson)r, s).max_score,
                          gb.find_submission(%(lesson)r, s).needs_manual_grade]
                      for s in sys.argv[1:]}))
'''


def _as_teacher(lti: LtiHub, *args: object) -> tuple[int, str]:
    from hub_driver import INSTRUCTOR_ENV, run_as

    tool, *rest = args
    result = run_as(TEACHER, [INSTRUCTOR_ENV / "bin" / str(tool), *map(str, rest)],
                    cwd=lti.course, check=False)
    return result.returncode, result.stdout + result.stderr


def _python(lti: LtiHub, code: str) -> str:
    status, out = _as_teacher(lti, "python", "-c", code % {"lesson": LESSON}, *STUDENTS)
    assert status == 0, out
    return out


async def _student(lti: LtiHub, student: str) -> list[dict]:
    from hub_driver import UserClient
    from submit_driver import prepare

    client = UserClient(lti.hub, student)
    await prepare(client, LESSON, seed=f"{student}-lti")  # start, fetch, answer, write
    await client.assignment_action("submit", LESSON)
    return await client.assignments()


def _held(lti: LtiHub) -> dict[str, tuple]:
    return {user: (r["resultScore"], r["resultMaximum"], r["gradingProgress"])
            for (_, user), r in lti.platform.store.scores.items()}


@pytest.fixture(scope="module")
def term(lti_hub: LtiHub) -> dict:
    seen = {}
    for sub in (TEACHER, *STUDENTS):
        _, answer, _ = launch(lti_hub, sub)
        assert answer.status_code == 302, answer.text
        seen[sub] = sorted(hub_user(lti_hub, sub)["groups"])

    async def students() -> list[list[dict]]:
        return await asyncio.gather(*(_student(lti_hub, s) for s in STUDENTS))

    with ThreadPoolExecutor(1) as pool:  # a loop of its own (see tests/hub)
        listings = dict(zip(STUDENTS, pool.submit(asyncio.run, students()).result(),
                            strict=True))
    status, collected = _as_teacher(lti_hub, "nbgrader", "collect", LESSON)
    assert status == 0, collected
    reg = lti_hub.registration
    first = _as_teacher(lti_hub, "sourcewise", "autograde", lti_hub.course, "--lms-push",
                        "--lti", reg)
    after_autograde = _held(lti_hub)
    _python(lti_hub, GRADE_WRITTEN)
    second = _as_teacher(lti_hub, "sourcewise", "lms", "push", lti_hub.course, "--lti", reg)
    held, posts = _held(lti_hub), lti_hub.platform.store.score_posts
    third = _as_teacher(lti_hub, "sourcewise", "lms", "push", lti_hub.course, "--lti", reg)
    gradebook = json.loads(_python(lti_hub, GRADEBOOK_SCORES).strip().splitlines()[-1])
    return {"groups": seen, "listings": listings, "first": first, "after_autograde":
            after_autograde, "second": second, "held": held, "posts": posts, "third": third,
            "gradebook": gradebook}


def test_students_launch_into_the_course_group_and_submit_from_their_own_server(term):
    assert term["groups"] == {TEACHER: ["formgrade-sourcewise", "nbgrader-sourcewise"],
                              STUDENTS[0]: ["nbgrader-sourcewise"],
                              STUDENTS[1]: ["nbgrader-sourcewise"]}
    for student, listing in term["listings"].items():
        submitted = [a for a in listing if a["assignment_id"] == LESSON
                     and a["status"] == "submitted"]
        assert len(submitted) == 1, (student, listing)
        assert {s["student_id"] for s in submitted[0]["submissions"]} == {student}


def test_autograde_push_posts_pending_manual_while_written_answers_wait(term):
    status, out = term["first"]
    assert status == 0, out
    assert "posted 2 result(s), 0 already up to date; 1 line item(s) created" in out, out
    assert term["after_autograde"] == {s: (None, None, "PendingManual") for s in STUDENTS}
    # The course's other lessons were never given out: no empty LMS assignments for them.
    assert "not given out yet (no line item; --lesson to push one anyway): 00-orientation, " \
        "02-sources" in out


def test_line_items_hold_exactly_the_gradebook_scores(term, lti_hub):
    status, out = term["second"]
    assert status == 0, out
    items = list(lti_hub.platform.store.line_items.values())
    assert [(i["label"], i["resourceId"]) for i in items] == [(LESSON, LESSON)]
    gradebook = term["gradebook"]
    assert all(needs_manual is False for _, _, needs_manual in gradebook.values())
    assert term["held"] == {s: (round(score, 2), maximum, "FullyGraded")
                            for s, (score, maximum, _) in gradebook.items()}
    assert items[0]["scoreMaximum"] == gradebook[STUDENTS[0]][1]


def test_a_second_push_changes_nothing(term, lti_hub):
    status, out = term["third"]
    assert status == 0, out
    assert "posted 0 result(s), 2 already up to date; 0 line item(s) created" in out, out
    assert lti_hub.platform.store.score_posts == term["posts"]
    assert _held(lti_hub) == term["held"]
