"""Grade on submit on the test hub: the course, the managed service, and a student's Submit.

Not a test module; shared by ``test_grade_on_submit_hub.py`` and ``tests/bench/bench_hub.py``.
The instructor's course is made as in a real deployment (``sourcewise course init`` and
``course build`` as the instructor's system user, the shared exchange in ``nbgrader_config.py``,
the lessons to grade on submit in ``grade-on-submit.toml``), and the hub runs
``sourcewise service run`` as that user, as ``grading/course/DEPLOY.md`` shows.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from hub_driver import (
    COURSE_ID,
    INSTRUCTOR_ENV,
    SYSTEM_PATH,
    UserClient,
    exchange_config,
    run_as,
)

SERVICE = "sourcewise-grader"
WHEEL = "sourcewise-0.1.0+course-py3-none-any.whl"
STATE = ".sourcewise-service"


def write_as(user: str, path: Path, text: str, *, append: bool = False) -> None:
    """Write a file as ``user`` (the instructor's course folder is theirs, mode 0700)."""
    run_as(user, ["/usr/bin/python3", "-c",
                  "import sys; open(sys.argv[1], sys.argv[3]).write(sys.argv[2])", path, text,
                  "a" if append else "w"])


def make_course(teacher: str, course: Path, exchange: Path, students: list[str],
                lessons: list[str], *, grade_on_submit: bool = True) -> Path:
    """Init and build a course as ``teacher`` (``students`` on its roster), switch ``lessons``
    on for grading on submit (unless told not to) and release them to the exchange; returns
    the course-edition wheel for the students."""
    sourcewise = INSTRUCTOR_ENV / "bin" / "sourcewise"
    roster = ["--students", *students] if students else []
    run_as(teacher, [sourcewise, "course", "init", course, *roster])
    write_as(teacher, course / "nbgrader_config.py",
             "\n# On the hub: the shared exchange.\n" + exchange_config(exchange, hub_auth=False),
             append=True)
    if grade_on_submit:
        write_as(teacher, course / "grade-on-submit.toml",
                 "# Lessons that `sourcewise service run` grades the moment a student "
                 f"submits.\nlessons = {json.dumps(lessons)}\n")
    run_as(teacher, [sourcewise, "course", "build", course])
    for lesson in lessons:
        run_as(teacher, [INSTRUCTOR_ENV / "bin" / "nbgrader", "release_assignment", lesson],
               cwd=course)
    return course / "student-package" / WHEEL


def service_config(teacher: str, course: Path) -> str:
    """The ``c.JupyterHub.services`` entry of DEPLOY.md (appended to the hub's config)."""
    entry = {"name": SERVICE, "user": teacher, "cwd": str(course),
             "command": [str(INSTRUCTOR_ENV / "bin" / "sourcewise"), "service", "run",
                         str(course)],
             "environment": {"PATH": f"{INSTRUCTOR_ENV / 'bin'}:{SYSTEM_PATH}",
                             "LANG": "C.UTF-8"}}
    return ("\n# Grade on submit: run by the hub as the instructor (never as a student).\n"
            f"c.JupyterHub.services.append({entry!r})\n")


def service_pid(course: Path, timeout: float = 60) -> int:
    """The running service's process id, from its heartbeat file (written at start)."""
    heartbeat = course / STATE / "heartbeat"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid = int(heartbeat.read_text().split()[0])
            if Path(f"/proc/{pid}").exists():
                return pid
        except (OSError, ValueError, IndexError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"the grading service wrote no heartbeat in {timeout} s")


def queue(course: Path) -> dict[str, dict[str, Any]]:
    path = course / STATE / "queue.json"
    return json.loads(path.read_text())["submissions"] if path.exists() else {}


WRITTEN = ("The article names no source for the morale claim, and nothing in it says how "
           "the writer checked it.")


async def prepare(client: UserClient, lesson: str, seed: str) -> None:
    """Start the student's server, fetch the lesson, answer its widgets and write the written
    answers (everything but Submit)."""
    from hub_driver import run_lesson

    await client.start_server()
    fetched = await client.assignment_action("fetch", lesson)
    notebook = next(n["path"] for a in fetched if a["assignment_id"] == lesson
                    and a["status"] == "fetched" for n in a["notebooks"])
    await run_lesson(client, notebook, seed=seed)
    model = await client.contents(notebook)
    content = model["content"]
    for cell in content["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "markdown" and meta.get("grade") and meta.get("solution"):
            cell["source"] = WRITTEN
    await client.save_notebook(notebook, content)


def _submissions(listing: list[dict[str, Any]], lesson: str) -> list[dict[str, Any]]:
    return [sub for a in listing if a["assignment_id"] == lesson and a["status"] == "submitted"
            for sub in a.get("submissions", [a])]


async def submit_and_wait(client: UserClient, lesson: str, limit: float = 60
                          ) -> dict[str, Any]:
    """Press Submit, then poll the assignment list (as the Lab panel does) until it offers
    feedback for this very submission; the seconds from Submit to that, and the timestamp."""
    before = {s["timestamp"] for s in _submissions(await client.assignments(), lesson)}
    started = time.perf_counter()
    await client.assignment_action("submit", lesson)
    submitted = time.perf_counter()
    timestamp = None
    while time.perf_counter() - started < limit:
        for sub in _submissions(await client.assignments(), lesson):
            if sub["timestamp"] in before:
                continue
            timestamp = sub["timestamp"]
            if sub["notebooks"] and all(nb["has_exchange_feedback"] for nb in sub["notebooks"]):
                return {"seconds": time.perf_counter() - started, "timestamp": timestamp,
                        "submit_request": submitted - started}
        await asyncio.sleep(0.2)
    return {"seconds": None, "timestamp": timestamp, "submit_request": submitted - started}


async def fetch_feedback_page(client: UserClient, lesson: str, home: Path) -> str:
    """Fetch the released feedback into the student's folder; the page's text."""
    await client.assignment_action("fetch_feedback", lesson)
    pages = sorted((home / COURSE_ID / lesson / "feedback").rglob(f"{lesson}.html"))
    assert pages, f"no feedback fetched into {home / COURSE_ID / lesson / 'feedback'}"
    return pages[-1].read_text(encoding="utf-8")
