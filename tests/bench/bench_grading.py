"""Class-scale grading benchmark: plain nbgrader against Sourcewise, measured side by side.

    python tests/bench/bench_grading.py                 # 30 × 7 side by side, then 1,000 × 7
    python tests/bench/bench_grading.py --students 0    # only the 1,000 × 7 class flow
    python tests/bench/bench_grading.py --smoke         # tiny sizes: checks the script runs

Builds one course (the 7 lessons, N simulated students; 30 by default, the demo class), copies
it once per contender, and times in the same run: plain sequential ``nbgrader autograde`` (one
CLI call per lesson, the usual instructor command, kernels), the default ``sourcewise
autograde`` (answers scored in the instructor's process) with 1 and 2 processes, and
``sourcewise score``; compares every auto-graded grade with nbgrader's. Then the class flow at
1,000 simulated students × 7 lessons (``--scale-students``): ``autograde --jobs 2``,
``feedback``, ``export`` and ``report``, each timed through the CLI (target: ≤ 120 s together),
and, in the same run on the same course, nbgrader's converter (``GenerateFeedback`` with our
``StripHiddenTests``, the path ``sourcewise feedback`` took before) on a sample of pages
(``--converter-sample``), extrapolated to all pages from its measured start-up and per-page
cost (target: the template path ≥ 20× faster). Each contender runs in its own process; peak
memory is that process tree's largest resident set. Not a test: it prints figures.
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


CONVERTER = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from sourcewise.grading.course.results.feedback import FEEDBACK_STEPS
from sourcewise.grading.course.results.feedback_nbgrader import nbgrader_feedback
course, pairs = Path(sys.argv[1]), [tuple(p) for p in json.loads(sys.argv[2])]
nbgrader_feedback(course, pairs[:1], FEEDBACK_STEPS)  # imports, config, API, first exporter
first = time.perf_counter()
failed = nbgrader_feedback(course, pairs[1:], FEEDBACK_STEPS)
done = time.perf_counter()
print(json.dumps({"startup": first - started, "per_page": (done - first) / max(len(pairs) - 1, 1),
                  "failed": failed}))
"""


def converter_sample(course: Path, size: int) -> dict[str, Any]:
    """nbgrader's converter on ``size`` pages spread over the class (one process)."""
    pairs = sorted((p.parent.name, p.name) for p in (course / "autograded").glob("*/*")
                   if p.is_dir())
    step = max(len(pairs) // max(size, 1), 1)
    sample = pairs[::step][:max(size, 2)]
    out = subprocess.run([sys.executable, "-c", CONVERTER, str(course), json.dumps(sample)],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["pages"] = len(sample)
    return result


def class_flow(root: Path, students: int, jobs: int, sample: int) -> float:
    """autograde, feedback, export and report for a class, each through the CLI, timed."""
    print(f"\nbuilding {students} simulated students × 7 lessons for the class flow …")
    started = time.perf_counter()
    course, n = build_class(root / f"scale-{students}", students)
    print(f"  built in {time.perf_counter() - started:.0f} s ({n} submissions)\n")
    cli = (sys.executable, "-m", "sourcewise.grading.cli.main")
    steps = {f"autograde --jobs {jobs}": ("autograde", ".", "--jobs", str(jobs)),
             "feedback": ("feedback", "."), "export": ("export", "."), "report": ("report", ".")}
    print(f"{'step (' + str(n) + ' submissions)':<42}{'total s':>9}{'per sub s':>11}"
          f"{'peak MB':>9}")
    total = 0.0
    runs = {}
    for name, args in steps.items():
        runs[name] = run = measure(course, *cli, *args)
        total += run["wall"]
        flag = "" if run["code"] == 0 else f"   (exit {run['code']}: {run['err'][-200:]!r})"
        print(f"{name:<42}{run['wall']:>9.1f}{run['wall'] / n:>11.4f}{run['peak_mb']:>9.0f}{flag}")
    pages = len(list((course / "feedback").glob("*/*/*.html")))
    print(f"{'together':<42}{total:>9.1f}   target ≤ 120 s: {'met' if total <= 120 else 'MISSED'}")
    print(f"  {pages} feedback pages written; shared stylesheets: "
          f"{len(list((course / 'feedback' / '_shared').glob('*/feedback.css')))}")
    old = converter_sample(course, sample)
    estimate = old["startup"] + old["per_page"] * pages
    template = runs["feedback"]["wall"]
    print(f"\nnbgrader's converter (the old `sourcewise feedback` path), measured on "
          f"{old['pages']} of the {pages} pages in this run:")
    print(f"  start-up {old['startup']:.1f} s (imports, API, first page), then "
          f"{old['per_page']:.3f} s a page; {len(old['failed'])} page(s) failed")
    print(f"  extrapolated to {pages} pages: {estimate:.0f} s (start-up + pages × per page; "
          "an estimate, not a full run)")
    print(f"  template path, all {pages} pages measured: {template:.1f} s "
          f"({template / max(pages, 1) * 1000:.1f} ms a page, start-up included)")
    ratio = estimate / template if template else float("inf")
    print(f"  feedback speed-up: {ratio:.0f}× (target ≥ 20×: {'met' if ratio >= 20 else 'MISSED'})")
    from sourcewise.grading.course.results.gradebook_scores import read_grades

    started = time.perf_counter()
    rows = read_grades(course)
    print(f"\nevery grade and comment of the class in two SQL queries (what feedback, export "
          f"and report read): "
          f"{time.perf_counter() - started:.1f} s for {sum(len(r.grades) for r in rows.values())}"
          " grades")
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=30,
                        help="class size of the side-by-side autograde run (0: skip it)")
    parser.add_argument("--scale-students", type=int, default=1000,
                        help="class size of the class flow (0: skip it)")
    parser.add_argument("--converter-sample", type=int, default=70,
                        help="pages nbgrader's converter renders for the comparison")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes (a class of 3, 4 converter pages): checks the script runs")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--report-students", type=int, default=1000)
    parser.add_argument("--keep", type=Path, default=None, help="keep the courses here")
    args = parser.parse_args()
    if args.smoke:
        args.students, args.scale_students, args.report_students = 0, 3, 3
        args.converter_sample = 4
    root = args.keep or Path(tempfile.mkdtemp(prefix="sw-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    if args.students:
        side_by_side(root, args.students, args.jobs)
    if args.scale_students:
        class_flow(root, args.scale_students, args.jobs, args.converter_sample)
    report = report_for(args.report_students)
    print(f"class report frames and HTML alone for {args.report_students} simulated students: "
          f"{report:.2f} s (target < 5 s)")
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


def side_by_side(root: Path, students: int, jobs: int) -> None:
    """Plain nbgrader, sourcewise autograde (1 and ``jobs`` processes) and score, one class."""
    print(f"building a class of {students} simulated students × 7 lessons in {root} …")
    course, n = build_class(root, students)
    copies = {name: root / name for name in ("nbgrader", "jobs1", "jobsN", "score")}
    for target in copies.values():
        shutil.copytree(course, target)
    cli = (sys.executable, "-m", "sourcewise.grading.cli.main")
    runs = {
        "plain nbgrader autograde (sequential)": plain_nbgrader(copies["nbgrader"]),
        "sourcewise autograde (default, 1 process)": measure(copies["jobs1"], *cli,
                                                             "autograde", "."),
        f"sourcewise autograde --jobs {jobs}": measure(copies["jobsN"], *cli, "autograde",
                                                          ".", "--jobs", str(jobs)),
        "sourcewise score": measure(copies["score"], *cli, "score", "."),
    }
    base = runs["plain nbgrader autograde (sequential)"]["wall"]
    print(f"\n{n} submissions ({students} students × 7 lessons)\n")
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
    fastest = min(runs[f"sourcewise autograde --jobs {jobs}"]["wall"],
                  runs["sourcewise autograde (default, 1 process)"]["wall"])
    print(f"\nmain ratio: default sourcewise autograde is {base / fastest:.1f}× faster than "
          "sequential nbgrader (target ≥ 10×)")


if __name__ == "__main__":
    sys.exit(main())
