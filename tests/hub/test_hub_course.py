"""A course on a real JupyterHub: release, fetch, answer and submit through each student's own
server, collect, autograde, feedback back through the exchange, export and report; then the
same grading against a PostgreSQL gradebook with two instructors at once.

One module-scoped scenario (``course``) runs the flow once, as the people in it would: the
instructor's steps as the instructor's system user (a terminal in their server), each
student's steps through that student's single-user server over HTTP. The tests then check
what each party can see.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hub_driver import (
    COURSE_ID,
    INSTRUCTOR_ENV,
    INSTRUCTOR_GROUP,
    PASSWORD,
    Hub,
    Postgres,
    UserClient,
    can_read,
    ensure_group,
    ensure_user,
    exchange_config,
    home,
    instructor_env,
    log,
    make_exchange,
    remove_user,
    run_as,
    run_lesson,
    student_env,
)

from sourcewise.grading.course.nbgrader_env import recorded_grades

pytestmark = [pytest.mark.hub, pytest.mark.slow]


def run_coroutine(coroutine: Any) -> Any:
    """``asyncio.run`` in a thread of its own: the browser tests' Playwright (sync API) keeps an
    event loop running in this thread for the whole session."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


TEACHER, CO_TEACHER = "swteacher", "swta"
STUDENTS = ["swalice", "swbob", "swcarol", "swdave"]
LESSONS = ["01-claims", "05-weighing"]
WHEEL = "sourcewise-0.1.0+course-py3-none-any.whl"


@dataclass
class Course:
    base: Path
    hub: Hub
    course: Path
    exchange: Path
    work: dict[str, dict[str, Any]] = field(default_factory=dict)  # student -> lesson -> run
    listings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    feedback: dict[str, Any] = field(default_factory=dict)
    times: dict[str, float] = field(default_factory=dict)


def as_teacher(*args: str | Path, course: Path, user: str = TEACHER, tool: str = "sourcewise"
               ) -> str:
    result = run_as(user, [INSTRUCTOR_ENV / "bin" / tool, *map(str, args)], cwd=course)
    return result.stdout + result.stderr


def init_course(course: Path, user: str, exchange: Path, db_url: str | None = None, *,
                register: bool = True) -> None:
    """``sourcewise course init`` as ``user``, then the two lines a hub course adds to the
    generated nbgrader_config.py (the shared exchange; see grading/course/DEPLOY.md)."""
    db = ["--db", db_url] if db_url else []
    students = ["--students", *STUDENTS] if register else []
    run_as(user, [INSTRUCTOR_ENV / "bin" / "sourcewise", "course", "init", course,
                  *students, *db])
    config = course / "nbgrader_config.py"
    text = config.read_text() + "\n# On the hub: the shared exchange.\n" + \
        exchange_config(exchange, hub_auth=False)
    run_as(user, ["/usr/bin/python3", "-c",
                  "import sys; open(sys.argv[1], 'w').write(sys.argv[2])", config, text])


async def student_term(hub: Hub, student: str, index: int) -> dict[str, Any]:
    """One student's term: start their server, fetch each lesson from the assignment list,
    run it, answer with the widgets' models, save, submit."""
    client = UserClient(hub, student)
    started = await client.start_server()
    released = await client.assignments()
    seen = sorted(a["assignment_id"] for a in released if a["status"] == "released")
    runs = {}
    for lesson in LESSONS:
        fetched = await client.assignment_action("fetch", lesson)
        notebook = next(n["path"] for a in fetched if a["assignment_id"] == lesson
                        and a["status"] == "fetched" for n in a["notebooks"])
        runs[lesson] = await run_lesson(client, notebook, seed=f"{student}-{lesson}-{index}")
        await client.assignment_action("submit", lesson)
    return {"spawn_s": started, "released_seen": seen, "runs": runs,
            "listing": await client.assignments(), "home": await client.contents()}


def run_students(hub: Hub) -> dict[str, dict[str, Any]]:
    async def everyone() -> list[dict[str, Any]]:
        return await asyncio.gather(*(student_term(hub, s, i) for i, s in enumerate(STUDENTS)))

    return dict(zip(STUDENTS, run_coroutine(everyone()), strict=True))


async def fetch_feedback(hub: Hub, student: str, lesson: str) -> dict[str, Any]:
    client = UserClient(hub, student)
    listing = await client.assignment_action("fetch_feedback", lesson)
    entry = next(a for a in listing if a["assignment_id"] == lesson and a["status"] == "submitted")
    return entry


@pytest.fixture(scope="module")
def course(hub_available: None) -> Iterator[Course]:
    started = time.perf_counter()
    base = Path(tempfile.mkdtemp(prefix="sourcewise-hub-"))
    base.chmod(0o755)
    ensure_group(INSTRUCTOR_GROUP)
    for user in (TEACHER, CO_TEACHER):
        ensure_user(user, groups=[INSTRUCTOR_GROUP])
    for user in STUDENTS:
        ensure_user(user)
    instructor_env(INSTRUCTOR_GROUP)
    times = {"environments": time.perf_counter() - started}
    exchange = make_exchange(base)
    course_dir = home(TEACHER) / COURSE_ID
    init_course(course_dir, TEACHER, exchange)
    step = time.perf_counter()
    as_teacher("course", "build", course_dir, course=home(TEACHER))
    times["course build"] = time.perf_counter() - step
    env = student_env(course_dir / "student-package" / WHEEL)
    for lesson in LESSONS:
        as_teacher("release_assignment", lesson, course=course_dir, tool="nbgrader")
    hub = Hub(base, STUDENTS, [TEACHER, CO_TEACHER], env, exchange).start()
    state = Course(base, hub, course_dir, exchange, times=times)
    try:
        state.times["login"] = hub.login(STUDENTS[0], PASSWORD)
        state.times["bad login"] = hub.login(STUDENTS[0], "not-the-password")
        step = time.perf_counter()
        state.work = run_students(hub)
        state.times["students"] = time.perf_counter() - step
        step = time.perf_counter()
        for lesson in LESSONS:
            as_teacher("collect", lesson, course=course_dir, tool="nbgrader")
        as_teacher("autograde", course_dir, course=course_dir)
        as_teacher("feedback", course_dir, course=course_dir)
        for lesson in LESSONS:
            as_teacher("release_feedback", lesson, course=course_dir, tool="nbgrader")
        as_teacher("export", course_dir, course=course_dir)
        as_teacher("report", course_dir, course=course_dir)
        state.times["grading"] = time.perf_counter() - step
        state.feedback = run_coroutine(fetch_feedback(hub, STUDENTS[0], LESSONS[0]))
        yield state
    finally:
        hub.stop()
        log(f"hub log: {hub.state / 'hub.log'}; times: {state.times}")
        for user in (TEACHER, CO_TEACHER, *STUDENTS):
            remove_user(user)
        shutil.rmtree(base, ignore_errors=True)


def test_hub_login_uses_the_shared_password(course: Course) -> None:
    """Does the hub's own login form let a student in with the password, and only with it?"""
    assert course.times["login"] == 302
    assert course.times["bad login"] == 403


def test_each_student_fetches_and_submits_through_their_own_server(course: Course) -> None:
    """Did every student see the released lessons in the assignment list, fetch them into
    their own home, answer every widget and submit?"""
    for student, work in course.work.items():
        assert work["released_seen"] == LESSONS, student
        statuses = {a["assignment_id"]: a["status"] for a in work["listing"]}
        assert statuses == dict.fromkeys(LESSONS, "submitted"), (student, statuses)
        for lesson, run in work["runs"].items():
            assert run["answered"], (student, lesson)
            answers = home(student) / COURSE_ID / lesson / "answers" / f"{lesson}.json"
            assert answers.stat().st_uid == __import__("pwd").getpwnam(student).pw_uid
            assert set(run["answered"]) <= set(__import__("json").loads(
                answers.read_text())["answers"]), (student, lesson)
        # The contents API serves the student's own home, nothing else.
        assert {item["name"] for item in work["home"]["content"]} == {COURSE_ID}


def test_each_student_lists_only_their_own_submissions(course: Course) -> None:
    for student, work in course.work.items():
        for entry in work["listing"]:
            assert all(sub["student_id"] == student for sub in entry.get("submissions", [])
                       ), (student, entry)


def test_instructor_collects_and_grades_every_submission(course: Course) -> None:
    grades = recorded_grades(course.course)
    graded = {(s, lesson) for s, lesson, _ in grades}
    assert graded == {(s, lesson) for s in STUDENTS for lesson in LESSONS}
    auto = [score for score, manual in grades.values() if not manual]
    assert auto and any(score and score > 0 for score in auto)
    grades_csv = (course.course / "exports" / "grades.csv").read_text()
    assert all(student in grades_csv for student in STUDENTS)
    report = (course.course / "reports" / "class-report.html").read_text()
    assert "01-claims" in report or "Claims" in report


def test_feedback_comes_back_through_the_exchange(course: Course) -> None:
    """Is the feedback released by the instructor fetched by the student into their folder,
    without the hidden tests?"""
    student, lesson = STUDENTS[0], LESSONS[0]
    pages = list((home(student) / COURSE_ID / lesson / "feedback").rglob(f"{lesson}.html"))
    assert pages, course.feedback
    text = pages[0].read_text()
    assert "BEGIN HIDDEN TESTS" not in text and "KEY = " not in text
    assert any(sub.get("has_local_feedback") for sub in course.feedback["submissions"])


def test_students_cannot_read_each_other_or_the_instructors_files(course: Course) -> None:
    """As bob (his system user): alice's work, the exchange's inbound folder, the instructor's
    course folder (source lessons with the key inside, gradebook, feedback) and the
    instructors' installation are closed to him; his own files are not."""
    alice, bob = STUDENTS[0], STUDENTS[1]
    lesson = LESSONS[0]
    assert can_read(bob, home(bob) / COURSE_ID / lesson / "answers" / f"{lesson}.json")
    closed = [
        home(alice),
        home(alice) / COURSE_ID / lesson / "answers" / f"{lesson}.json",
        course.exchange / COURSE_ID / "inbound",
        course.exchange / COURSE_ID / "feedback",
        course.course,
        course.course / "source" / lesson / f"{lesson}.ipynb",
        course.course / "gradebook.db",
        INSTRUCTOR_ENV,
    ]
    keys = list(INSTRUCTOR_ENV.rglob("key.json"))
    assert keys, "the instructors' environment should hold the key"
    readable = [str(path) for path in [*closed, *keys] if can_read(bob, path)]
    assert not readable


def test_student_environment_holds_no_key(course: Course) -> None:
    env = course.hub.env
    assert not list(env.rglob("key.json"))
    assert not list(env.rglob("*lessons/0*.ipynb"))
    probe = run_as(STUDENTS[1], [env / "bin" / "python", "-c",
                                 "from sourcewise.seeds import load_key; "
                                 "load_key('isis-morale-2014')"], bin_dir=env / "bin",
                   check=False)
    assert probe.returncode != 0


# -- PostgreSQL ----------------------------------------------------------------------------------

def test_postgres_gradebook_equals_sqlite_with_two_instructors_at_once(course: Course) -> None:
    """The same submissions graded into a PostgreSQL gradebook by two instructors at the same
    time (one lesson each, ``--jobs 2``): the grades equal the SQLite run's, item by item,
    and no grade row is missing or doubled."""
    import sqlalchemy

    pg = Postgres(course.base / "postgres").start()
    try:
        url = pg.create_database("sourcewise_gradebook")
        pg_course = home(TEACHER) / "pg" / COURSE_ID
        # No students registered up front: both instructors' runs register them on the fly
        # (as nbgrader does), at the same time; autograde does so only when asked to
        # (--add-students), else it lists them as not on the roster.
        init_course(pg_course, TEACHER, course.exchange, db_url=url, register=False)
        as_teacher("course", "build", pg_course, course=home(TEACHER))
        for lesson in LESSONS:  # the same submissions, collected again from the exchange
            as_teacher("collect", lesson, course=pg_course, tool="nbgrader")
        # The co-instructor works on a copy of the course folder (as from a shared git repo),
        # against the same gradebook.
        co_course = home(CO_TEACHER) / COURSE_ID
        subprocess.run(["cp", "-a", str(pg_course), str(co_course)], check=True)
        subprocess.run(["chown", "-R", f"{CO_TEACHER}:{CO_TEACHER}", str(co_course)], check=True)
        outputs: dict[str, str] = {}

        def grade(user: str, folder: Path, lesson: str) -> None:
            outputs[user] = as_teacher("autograde", folder, "--lesson", lesson, "--jobs", "2",
                                       "--add-students", course=folder, user=user)

        workers = [threading.Thread(target=grade, args=(TEACHER, pg_course, LESSONS[0])),
                   threading.Thread(target=grade, args=(CO_TEACHER, co_course, LESSONS[1]))]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(600)
        assert set(outputs) == {TEACHER, CO_TEACHER}, outputs
        sqlite = recorded_grades(course.course)
        postgres = recorded_grades(course.course, url)
        assert postgres == sqlite
        engine = sqlalchemy.create_engine(url)
        with engine.connect() as conn:
            rows = conn.execute(sqlalchemy.text(
                "SELECT count(*) FROM grade g JOIN submitted_notebook n ON g.notebook_id = n.id"
            )).scalar()
        engine.dispose()
        assert rows == len(sqlite)
        as_teacher("export", pg_course, course=pg_course)
        assert _csv(pg_course, "grades.csv") == _csv(course.course, "grades.csv")
        assert _csv(pg_course, "items.csv") == _csv(course.course, "items.csv")
    finally:
        pg.stop()


# Read from the grading log, which lives in the folder that graded: the co-instructor's
# explanations are in their copy of the course folder, not in this one (DEPLOY.md, section 3).
FROM_THE_LOG = ("event", "reason", "explanation")


def _csv(course: Path, name: str) -> list[tuple[tuple[str, str], ...]]:
    """The rows of an export, without the columns that come from the grading log."""
    import csv

    path = course / "exports" / name
    with path.open(newline="") as handle:
        rows = [tuple((k, v) for k, v in row.items() if k not in FROM_THE_LOG)
                for row in csv.DictReader(handle)]
    return sorted(rows)


# -- one student in a real browser ------------------------------------------------------------

@dataclass
class HubLab:
    """A student's own server on the hub, as the browser driver of tests/browser sees a lab."""

    url: str
    token: str

    def api(self, method: str, path: str) -> Any:
        import json
        import urllib.request

        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")


def test_a_student_logs_in_and_answers_in_a_real_browser(course: Course) -> None:
    """Carol logs in through the hub's form in Chromium, lands in JupyterLab on her own
    server, runs her fetched lesson (Run menu) and marks a sentence with the mouse: the mark
    is saved in her answers file, in her home, owned by her."""
    import json
    import pwd
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
    from lab_driver import NotebookPage, chromium, chromium_missing, wait_until

    reason = chromium_missing()
    if reason and os.environ.get("SOURCEWISE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"SOURCEWISE_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    if reason:
        pytest.skip(f"browser part skipped: {reason}")
    student, lesson = STUDENTS[2], LESSONS[0]
    answers = home(student) / COURSE_ID / lesson / "answers" / f"{lesson}.json"
    before = json.loads(answers.read_text())["answers"].get("claims_check")
    lab = HubLab(f"{course.hub.url}/user/{student}", course.hub.user_token(student))
    # In a thread of its own: the browser tests' session keeps Playwright's sync API (and its
    # event loop) alive in this thread, and a second one may not start beside it.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(_browser_part, course, student, lesson, lab, answers, before,
                    chromium, NotebookPage, wait_until).result()
    assert answers.stat().st_uid == pwd.getpwnam(student).pw_uid


def _browser_part(course: Course, student: str, lesson: str, lab: Any, answers: Path,
                  before: Any, chromium: Any, NotebookPage: Any, wait_until: Any) -> None:
    import json

    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
        page.goto(f"{course.hub.url}/hub/login")
        page.fill("input[name=username]", student)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(f"**/user/{student}/**", timeout=60_000)
        nb = NotebookPage(page, lab, f"{COURSE_ID}/{lesson}/{lesson}").open()  # type: ignore[arg-type]
        nb.run_all("[data-unit-id='S14']", timeout=120)
        # A word of S3 with the mouse, Enter applies the active label (the claims annotator
        # marks word spans).
        page.locator(".sw-widget").first.locator("[data-unit-id='S3'] .sw-token").first.click()
        page.keyboard.press("Enter")
        wait_until(lambda: json.loads(answers.read_text())["answers"].get("claims_check")
                   != before, 20, "the click to reach the answers file")
        page.screenshot(path=str(course.base / "browser-student.png"))
        nb.close()
