"""Hub load benchmark (a script, not a test): N students at once on the local JupyterHub.

    python tests/bench/bench_hub.py [--students 30] [--lesson 01-claims]   (as root)
    python tests/bench/bench_hub.py --grading 100     # autograde time, SQLite vs PostgreSQL
    python tests/bench/bench_hub.py --grade-on-submit 30 --students 3   # submit -> feedback
    python tests/bench/bench_hub.py --grade-on-submit 2 --students 1    # tiny: a smoke run

Starts the same hub as ``tests/hub`` (configurable-http-proxy, shared-password login,
LocalProcessSpawner with one system user per student, the course-edition wheel in the
students' environment, nbgrader's exchange). The instructor builds the course and releases one
lesson; then every student at once: asks the hub for their server, fetches the lesson through
nbgrader's assignment list, opens it (contents API), runs every code cell in a kernel over the
server's websocket, answers every widget through its model (which saves the answers file) and
saves the notebook. Prints:

- hub response times (median, p95, max) per kind of request, through the proxy as a browser
  sends them: the hub's own API (spawn request, user-model polls) and the single-user servers'
  endpoints (assignment list, fetch, contents, sessions, save), and time to a running server;
  then "steady:" rows, once every server runs: each student asks the hub, their assignment
  list and their contents five times, all students at once;
- memory (RSS) per single-user server with its kernel, after the lesson ran, and idle;
- per student: time to run the lesson, and whether the answers file was saved intact (parsed
  by the instructor's reader with no problem, every answered question present).
Users, servers and the temp folder are removed at the end.

``--grade-on-submit N``: the hub runs the grading service (``sourcewise service run``, as the
instructor); ``--students`` students answer the lesson once, then press Submit N times in all,
one after another (each a new submission, the latest counts); prints the seconds from Submit
to the assignment list offering that submission's feedback: median, p95 and max.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))

from hub_driver import (
    COURSE_ID,
    Hub,
    Postgres,
    UserClient,
    home,
    log,
    make_people,
    memory_mb,
    missing,
    remove_user,
    run_lesson,
    student_env,
)
from submit_driver import make_course

TEACHER = "swbteacher"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def one_student(hub: Hub, student: str, lesson: str, start_gate: asyncio.Event
                      ) -> dict[str, Any]:
    client = UserClient(hub, student)
    await start_gate.wait()
    spawn = await client.start_server(timeout=600)
    pid = hub.server_pid(student)
    idle_mb = memory_mb(pid) if pid else None
    await client.assignments()
    fetched = await client.assignment_action("fetch", lesson)
    notebook = next(n["path"] for a in fetched if a["assignment_id"] == lesson
                    and a["status"] == "fetched" for n in a["notebooks"])
    loaded: dict[str, float] = {}

    async def measure() -> None:
        loaded["mb"] = memory_mb(pid) if pid else float("nan")

    run = await run_lesson(client, notebook, seed=f"{student}-{lesson}", before_close=measure)
    return {"student": student, "client": client, "spawn_s": spawn, "idle_mb": idle_mb,
            "loaded_mb": loaded.get("mb"), "run": run, "timings": list(client.timings),
            "notebook": notebook}


def check_answers(student: str, notebook: str, answered: list[str], lesson: str) -> str:
    """'' when the answers file is intact: read by the instructor's reader, nothing missing."""
    from sourcewise.grading.answer_file import read_answers

    path = home(student) / Path(notebook).parent / "answers" / f"{lesson}.json"
    snapshot = read_answers(path)
    if snapshot.problem:
        return f"{path}: {snapshot.problem}"
    saved = json.loads(path.read_text())["answers"]
    lost = [q for q in answered if q not in saved]
    return f"{path}: missing {lost}" if lost else ""


def grading_per_class(students: int) -> None:
    """``--grading N``: autograde time for N simulated students x 2 lessons, SQLite vs a
    PostgreSQL gradebook (started here), ``--jobs`` 1 and 2; no hub involved."""
    from sourcewise.grading.course.autograde.run import autograde_course
    from sourcewise.grading.course.course_folder import build_course, init_course
    from sourcewise.grading.demo.run import simulate_class
    from sourcewise.grading.demo.simulated_class import class_plan
    from sourcewise.lessons import lesson_paths

    base = Path(tempfile.mkdtemp(prefix="sourcewise-grading-bench-"))
    base.chmod(0o755)
    pg = Postgres(base / "pg-server").start()
    try:
        url = pg.create_database("grading_bench")
        paths = [p for p in lesson_paths() if p.stem in ("01-claims", "05-weighing")]
        for name, db in (("SQLite", None), ("PostgreSQL", url)):
            course = base / name.lower() / COURSE_ID
            init_course(course, [], db, lessons=paths)
            build_course(course)
            simulate_class(course, class_plan(students), progress=False)
            for jobs in (1, 2):
                started = time.perf_counter()
                autograde_course(course, jobs=jobs, force=True, progress=False)
                print(f"GRADING {name} --jobs {jobs}: {students * 2} submissions ({students} "
                      f"students x 2 lessons) in {time.perf_counter() - started:.1f} s",
                      flush=True)
    finally:
        pg.stop()
        shutil.rmtree(base, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=None,
                        help="students (default 30; with --grade-on-submit 3)")
    parser.add_argument("--lesson", default="01-claims")
    parser.add_argument("--keep", action="store_true", help="keep users and files afterwards")
    parser.add_argument("--grading", type=int, metavar="N", default=0,
                        help="instead: time autograde for N students, SQLite vs PostgreSQL")
    parser.add_argument("--grade-on-submit", type=int, metavar="N", default=0,
                        help="instead: N submissions graded on submit, Submit -> feedback")
    args = parser.parse_args(argv)
    reason = missing()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    if args.grading:
        grading_per_class(args.grading)
        return 0
    if args.grade_on_submit:
        return grade_on_submit(args.grade_on_submit, args.students or 3, args.lesson,
                               args.keep)
    args.students = args.students or 30
    students = [f"swb{i:02d}" for i in range(1, args.students + 1)]
    base = Path(tempfile.mkdtemp(prefix="sourcewise-hub-bench-"))
    base.chmod(0o755)
    hub = None
    try:
        exchange = make_people(base, [TEACHER], students)
        course = home(TEACHER) / COURSE_ID
        env = student_env(make_course(TEACHER, course, exchange, [], [args.lesson],
                                      grade_on_submit=False))
        hub = Hub(base, students, [TEACHER], env, exchange).start()
        for student in students:
            hub.user_token(student)
        log(f"{len(students)} students start at once")

        async def everyone() -> list[dict[str, Any]]:
            gate = asyncio.Event()
            tasks = [asyncio.create_task(one_student(hub, s, args.lesson, gate))
                     for s in students]
            gate.set()
            return await asyncio.gather(*tasks, return_exceptions=True)

        async def steady(clients: list[UserClient]) -> None:
            """Once every server runs: each student checks the hub and their assignment list
            five times (what an open Lab tab does now and then)."""
            async def poll(client: UserClient) -> None:
                for _ in range(5):
                    await client.hub_api("GET", f"/users/{client.user}", label="steady: hub")
                    await client.request("GET", f"{client.server}/assignments?course_id="
                                         f"{COURSE_ID}", label="steady: assignment list")
                    await client.request("GET", f"{client.server}/api/contents/",
                                         label="steady: contents")
            await asyncio.gather(*(poll(c) for c in clients))

        started = time.perf_counter()
        results = asyncio.run(everyone())
        wall = time.perf_counter() - started
        finished = [r for r in results if not isinstance(r, BaseException)]
        for r in finished:
            r["client"].timings.clear()
        asyncio.run(steady([r["client"] for r in finished]))
        for r in finished:
            r["steady"] = r["client"].timings
        report(results, wall, args.lesson)
        failed = [r for r in results if isinstance(r, BaseException)]
        bad = [check_answers(r["student"], r["notebook"], r["run"]["answered"], args.lesson)
               for r in results if not isinstance(r, BaseException)]
        bad = [b for b in bad if b]
        print(f"answer files intact: {len(results) - len(failed) - len(bad)} of {len(students)}")
        for problem in [*map(repr, failed), *bad]:
            print(f"  problem: {problem}")
        return 1 if failed or bad else 0
    finally:
        if hub is not None:
            hub.stop()
        if not args.keep:
            for user in (TEACHER, *students):
                remove_user(user)
            shutil.rmtree(base, ignore_errors=True)


def report(results: list[Any], wall: float, lesson: str) -> None:
    ok = [r for r in results if not isinstance(r, BaseException)]
    by_kind: dict[str, list[float]] = {}
    for r in ok:
        for kind, seconds in r["timings"]:
            by_kind.setdefault(kind, []).append(seconds)
    for r in ok:
        for kind, seconds in r.get("steady", []):
            by_kind.setdefault(kind, []).append(seconds)
    every = [s for kind, values in by_kind.items() if not kind.startswith("steady")
             for s in values]
    print(f"\n{len(results)} students, lesson {lesson}, all at once: {wall:.1f} s wall, "
          f"{len(ok)} finished")
    print(f"{'request (through the proxy)':32} {'n':>5} {'median ms':>10} {'p95 ms':>9} "
          f"{'max ms':>9}")
    for kind, values in sorted(by_kind.items()):
        print(f"{kind:32} {len(values):5d} {statistics.median(values) * 1000:10.0f} "
              f"{percentile(values, 0.95) * 1000:9.0f} {max(values) * 1000:9.0f}")
    if every:
        print(f"{'all requests (storm)':32} {len(every):5d} "
              f"{statistics.median(every) * 1000:10.0f} "
              f"{percentile(every, 0.95) * 1000:9.0f} {max(every) * 1000:9.0f}")

    def line(name: str, values: list[float], unit: str) -> None:
        values = [v for v in values if v is not None]
        if values:
            print(f"{name:32} median {statistics.median(values):7.1f} {unit}, "
                  f"p95 {percentile(values, 0.95):7.1f} {unit}, max {max(values):7.1f} {unit}")

    line("server start (spawn to ready)", [r["spawn_s"] for r in ok], "s")
    line("memory per server, idle", [r["idle_mb"] for r in ok], "MB")
    line("memory per server + kernel", [r["loaded_mb"] for r in ok], "MB")
    for step in ("open", "kernel", "run_all", "answer", "save"):
        line(f"lesson step: {step}", [r["run"]["timings"].get(step) for r in ok], "s")


def grade_on_submit(submissions: int, count: int, lesson: str, keep: bool) -> int:
    """``--grade-on-submit N``: Submit -> feedback listed, over N submissions in turn."""
    from submit_driver import prepare, service_config, submit_and_wait

    students = [f"swq{i:02d}" for i in range(1, max(1, count) + 1)]
    base = Path(tempfile.mkdtemp(prefix="sourcewise-gos-bench-"))
    base.chmod(0o755)
    hub = None
    try:
        exchange = make_people(base, [TEACHER], students)
        course = home(TEACHER) / COURSE_ID
        env = student_env(make_course(TEACHER, course, exchange, students, [lesson]))
        hub = Hub(base, students, [TEACHER], env, exchange,
                  extra_config=service_config(TEACHER, course)).start()
        clients = {s: UserClient(hub, s) for s in students}

        async def run() -> list[dict[str, Any]]:
            await asyncio.gather(*(prepare(c, lesson, s) for s, c in clients.items()))
            waits = []
            for index in range(submissions):
                client = clients[students[index % len(students)]]
                waits.append(await submit_and_wait(client, lesson, limit=120))
            return waits

        waits = asyncio.run(run())
        seconds = [w["seconds"] for w in waits if w["seconds"] is not None]
        print(f"\ngrade on submit, lesson {lesson}: {len(waits)} submissions by "
              f"{len(students)} student(s), one after another")
        if seconds:
            print(f"Submit -> feedback listed: median {statistics.median(seconds):.2f} s, "
                  f"p95 {percentile(seconds, 0.95):.2f} s, max {max(seconds):.2f} s, "
                  f"min {min(seconds):.2f} s")
            print(f"of which the Submit request itself: median "
                  f"{statistics.median(w['submit_request'] for w in waits):.2f} s")
        missing = len(waits) - len(seconds)
        if missing:
            print(f"  problem: {missing} submission(s) had no feedback within 120 s")
        return 1 if missing else 0
    finally:
        if hub is not None:
            hub.stop()
        if not keep:
            for user in (TEACHER, *students):
                remove_user(user)
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
