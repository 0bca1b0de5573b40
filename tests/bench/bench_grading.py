"""Class-scale grading benchmark: plain nbgrader against Sourcewise, measured side by side.

    python tests/bench/bench_grading.py                 # 30 × 7 side by side, then 1,000 × 7
    python tests/bench/bench_grading.py --students 6 --scale-students 0   # quick

Builds one course (the 7 lessons, N simulated students; 30 by default, the demo class), copies
it once per contender, and times in the same run: plain sequential ``nbgrader autograde`` (one
CLI call per lesson, the usual instructor command, kernels), the default ``sourcewise
autograde`` (answers scored in the instructor's process) with 1 and 2 processes, and
``sourcewise score``; compares every auto-graded grade with nbgrader's; then autogrades a class
of 1,000 simulated students × 7 lessons (``--scale-students``) and times the class report.
Each contender runs in its own process; peak memory is that process tree's largest resident
set. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROBE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[2:], cwd=sys.argv[1], capture_output=True, text=True)
wall = time.perf_counter() - started
peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, 0) / 1024
print(json.dumps({"wall": wall, "peak_mb": peak, "code": code.returncode,
                  "err": code.stderr[-2000:]}))
"""


def measure(cwd: Path, *command: str) -> dict[str, Any]:
    """Run a command in a fresh probe process; wall time, peak RSS of its tree, exit code."""
    out = subprocess.run([sys.executable, "-c", PROBE, str(cwd), *command],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    if result["code"] not in (0, 1):
        print(f"  ! {' '.join(command[:4])} exited {result['code']}: {result['err'][-500:]}")
    return result


def build_class(root: Path, students: int) -> tuple[Path, int]:
    from sourcewise.grading.course.course_folder import build_course, init_course
    from sourcewise.grading.demo.run import simulate_class
    from sourcewise.grading.demo.simulated_class import class_plan

    plan = class_plan(students)
    course = root / "course"
    init_course(course, [s.id for s in plan])
    build_course(course)
    simulate_class(course, plan, progress=False)
    submissions = sum(1 for p in (course / "submitted").glob("*/*") if p.is_dir())
    return course, submissions


def plain_nbgrader(course: Path) -> dict[str, Any]:
    """`nbgrader autograde LESSON --force`, lesson after lesson, as an instructor would."""
    lessons = sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
    script = ";".join(
        f"subprocess.run([sys.executable, '-m', 'nbgrader', 'autograde', {lesson!r}, "
        "'--force'], check=False, capture_output=True)" for lesson in lessons)
    return measure(course, sys.executable, "-c", f"import subprocess, sys; {script}")


def all_grades(course: Path) -> dict[tuple[str, str, str], float | None]:
    from sourcewise.grading.course.nbgrader_env import recorded_grades

    return {item: auto for item, (auto, _) in recorded_grades(course).items()}


def report_for(students: int) -> float:
    """Seconds to build the report's frames and HTML for a simulated class of ``students``."""
    import pandas as pd

    from sourcewise.grading.course.results.answer_items import cell_items
    from sourcewise.grading.course.results.export import GRADE_COLUMNS
    from sourcewise.grading.course.results.report import frames_from, render_report
    from sourcewise.grading.demo.simulated_class import class_plan, simulate_answers
    from sourcewise.lessons import lesson_paths
    from sourcewise.lessons.lesson_cells import graded_cells

    cells = {p.stem: [c for c in graded_cells(p) if c.autograded] for p in lesson_paths()}
    rows, grades = [], []
    for student in class_plan(students):
        for lesson, lesson_cells in cells.items():
            answers = simulate_answers(lesson_cells, student.quality, f"{student.id}|{lesson}",
                                       noise=student.noise)
            score = 0.0
            for cell in lesson_cells:
                items = cell_items(cell, answers)
                for row in items:
                    row.update(student=student.id, lesson=lesson)
                rows += items
                credit = sum(r["credit"] for r in items) / len(items) if items else 0.0
                score += credit * cell.points
            auto_max = sum(c.points for c in lesson_cells)
            grades.append({"student": student.id, "lesson": lesson, "status": "graded",
                           "score": score, "max_score": auto_max, "auto_score": score,
                           "auto_max": auto_max, "needs_manual": 0})
    key_items = pd.DataFrame(rows)
    grades_frame = pd.DataFrame(grades, columns=GRADE_COLUMNS)
    grades_frame["percent"] = (100 * grades_frame["score"] / grades_frame["max_score"].where(
        grades_frame["max_score"] > 0)).round(1)
    items_frame = pd.DataFrame(columns=["student", "lesson", "grade_id", "score"])
    started = time.perf_counter()
    html = render_report(frames_from(grades_frame, items_frame, key_items))
    elapsed = time.perf_counter() - started
    assert len(html) > 10_000
    return elapsed


def auto_items(course: Path) -> set[tuple[str, str]]:
    """(lesson, grade id) of every auto-graded item (code grade cells) of the course."""
    from sourcewise.lessons.lesson_cells import graded_cells, lesson_sources

    return {(lesson, cell.grade_id) for lesson, path in lesson_sources(course).items()
            for cell in graded_cells(path) if cell.autograded}


def compare(expected: dict, got: dict, items: set[tuple[str, str]]) -> tuple[int, list[str]]:
    """Number of auto-graded grades compared and a few that differ."""
    differ, compared = [], 0
    for key, value in expected.items():
        if (key[1], key[2]) not in items:
            continue
        compared += 1
        other = got.get(key)
        if value is None or other is None or abs(value - other) > 1e-9:
            differ.append(f"{key}: nbgrader {value}, sourcewise {other}")
    return compared, differ


def scale_run(root: Path, students: int, jobs: int) -> None:
    """Default autograde of a class of ``students`` × 7 lessons, gradebook written."""
    print(f"\nbuilding {students} simulated students × 7 lessons for the scale run …")
    started = time.perf_counter()
    course, n = build_class(root / f"scale-{students}", students)
    print(f"  built in {time.perf_counter() - started:.0f} s ({n} submissions)")
    cli = (sys.executable, "-m", "sourcewise.grading.cli.main")
    run = measure(course, *cli, "autograde", ".", "--jobs", str(jobs))
    grades = all_grades(course)
    filled = sum(1 for value in grades.values() if value is not None)
    print(f"{'sourcewise autograde --jobs ' + str(jobs) + f' ({n} submissions)':<42}"
          f"{run['wall']:>9.1f}{run['wall'] / n:>11.4f}{'':>10}{run['peak_mb']:>9.0f}")
    print(f"  gradebook holds {len(grades)} grades ({filled} with an auto score); "
          f"target ≤ 300 s: {'met' if run['wall'] <= 300 else 'MISSED'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--scale-students", type=int, default=1000,
                        help="class size of the scale run (0: skip it)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--report-students", type=int, default=1000)
    parser.add_argument("--keep", type=Path, default=None, help="keep the courses here")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="sw-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"building a class of {args.students} simulated students × 7 lessons in {root} …")
    course, n = build_class(root, args.students)
    copies = {name: root / name for name in ("nbgrader", "jobs1", "jobsN", "score")}
    for target in copies.values():
        shutil.copytree(course, target)
    cli = (sys.executable, "-m", "sourcewise.grading.cli.main")
    runs = {
        "plain nbgrader autograde (sequential)": plain_nbgrader(copies["nbgrader"]),
        "sourcewise autograde (default, 1 process)": measure(copies["jobs1"], *cli,
                                                             "autograde", "."),
        f"sourcewise autograde --jobs {args.jobs}": measure(copies["jobsN"], *cli, "autograde",
                                                          ".", "--jobs", str(args.jobs)),
        "sourcewise score": measure(copies["score"], *cli, "score", "."),
    }
    base = runs["plain nbgrader autograde (sequential)"]["wall"]
    print(f"\n{n} submissions ({args.students} students × 7 lessons)\n")
    print(f"{'contender':<42}{'total s':>9}{'per sub s':>11}{'speed-up':>10}{'peak MB':>9}")
    for name, run in runs.items():
        print(f"{name:<42}{run['wall']:>9.1f}{run['wall'] / n:>11.4f}"
              f"{base / run['wall']:>9.1f}×{run['peak_mb']:>9.0f}")
    items = auto_items(course)
    reference = all_grades(copies["nbgrader"])
    for name in ("jobs1", "jobsN"):
        compared, differ = compare(reference, all_grades(copies[name]), items)
        print(f"auto-graded grades equal to nbgrader's ({name}): "
              f"{'yes' if not differ else 'NO'} ({compared} compared, {len(differ)} differ)")
        for line in differ[:5]:
            print(f"  {line}")
    from sourcewise.grading.course.autograde.score_only import score_class

    seq = all_grades(copies["jobs1"])
    free = [s for s in score_class(copies["score"]) if s.points is not None]
    same = all(abs((seq.get((s.student, s.lesson, s.grade_id)) or 0.0) - s.points) < 1e-9
               for s in free)
    print(f"sourcewise score equals autograde on the {len(free)} items it scores: "
          f"{'yes' if same else 'NO'}")
    fastest = min(runs[f"sourcewise autograde --jobs {args.jobs}"]["wall"],
                  runs["sourcewise autograde (default, 1 process)"]["wall"])
    print(f"\nmain ratio: default sourcewise autograde is {base / fastest:.1f}× faster than "
          "sequential nbgrader (target ≥ 10×)")
    if args.scale_students:
        scale_run(root, args.scale_students, args.jobs)
    report = report_for(args.report_students)
    print(f"class report for {args.report_students} simulated students: {report:.2f} s "
          "(target < 5 s)")
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
