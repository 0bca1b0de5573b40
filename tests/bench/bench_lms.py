"""Grades to the LMS benchmark: import files and an LTI push for a simulated class.

    .venv/bin/python tests/bench/bench_lms.py [--students 200] [--course DIR]

Builds (or reuses, with ``--course``) a demo course graded for N simulated students, writes a
Canvas roster in Canvas's export layout for them, then prints the time to write the Canvas and
the Moodle import file, and the time of a first and a second ``lms push`` against the
lti1p3platform platform app on 127.0.0.1 (the second posts nothing), with the request count.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "lti"))

from platform_app import CLIENT_ID, DEPLOYMENT_ID, LEARNER, PlatformServer  # noqa: E402

from sourcewise.grading.course.lms.ags_client import AgsClient  # noqa: E402
from sourcewise.grading.course.lms.import_file import write_import_file  # noqa: E402
from sourcewise.grading.course.lms.lesson_grades import course_grades  # noqa: E402
from sourcewise.grading.course.lms.lti_keys import generate_key, load_registration  # noqa: E402
from sourcewise.grading.course.lms.push import push_course  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--course", type=Path, default=None, help="a demo course to reuse")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sourcewise-bench-lms-"))
    course = args.course
    if course is None:
        from sourcewise.grading.demo.run import run_demo

        run_demo(work / "demo", students=args.students, jobs=1)
        course = work / "demo"
    grades = course_grades(course)
    roster = work / "canvas-roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"])
        out.writerow(["    Points Possible", "", "", "", ""])
        for n, student in enumerate(grades.students):
            out.writerow([f"Student, {student}", 1000 + n, f"S{n}", student, "A"])
    print(f"{len(grades.students)} students × {len(grades.lessons)} lessons")
    for lms in ("canvas", "moodle"):
        if lms == "moodle":
            text = roster.read_text(encoding="utf-8").splitlines()
            rows = [["First name", "Last name", "Username", "ID number", "Email address"]]
            rows += [[r[0], "", r[3], r[2], ""] for r in csv.reader(text[2:])]
            with roster.open("w", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows(rows)
        start = time.perf_counter()
        write_import_file(course, lms, roster, out=work / "exports")
        print(f"{lms} import file: {time.perf_counter() - start:.2f} s")
    jwk = generate_key(work / "key.pem")
    platform = PlatformServer(tool_jwks={"keys": [jwk]}, hub_url="http://127.0.0.1:9")
    for student in grades.students:
        platform.add_member(student, student, LEARNER)
    registration = work / "lti.json"
    registration.write_text(json.dumps({
        "issuer": platform.url, "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT_ID,
        "token_url": f"{platform.url}/token", "lineitems_url": platform.lineitems_url,
        "private_key": "key.pem"}))
    os.chmod(registration, 0o600)
    try:
        for label in ("first push", "second push"):
            client = AgsClient(load_registration(registration))
            start = time.perf_counter()
            report = push_course(course, client)
            print(f"{label}: {time.perf_counter() - start:.2f} s, {client.requests} requests, "
                  f"{len(report.posted)} posted, {len(report.unchanged)} unchanged, "
                  f"{len(report.failed)} failed")
    finally:
        platform.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
