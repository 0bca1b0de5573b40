"""Class-scale grading benchmark: plain nbgrader against Sourcewise, measured side by side.

    python tests/bench/bench_grading.py --students 6

Builds one course (the 7 lessons, N simulated students), copies it once per contender, and
times in the same run: plain sequential ``nbgrader autograde`` (one CLI call per lesson, the
usual instructor command), ``sourcewise autograde --jobs 1`` and ``--jobs 2``, and
``sourcewise score`` (no kernels); then nbgrader on trivial notebooks with the same cells (the
per-lesson overhead of Sourcewise's own code), and the class report for 1,000 simulated
students. Each contender runs in its own process; peak memory is that process tree's largest
resident set. Not a test: it prints figures.
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
    from sourcewise.grading.course import build_course, init_course
    from sourcewise.grading.demo import simulate_class
    from sourcewise.grading.simulated_class import class_plan

    plan = class_plan(students)
    course = root / "course"
    init_course(course, [s.id for s in plan])
    build_course(course)
    simulate_class(course, plan, progress=False)
    submissions = sum(1 for p in (course / "submitted").glob("*/*") if p.is_dir())
    return course, submissions


def trivial_lessons(course: Path, folder: Path) -> list[Path]:
    """Each lesson with the same cells and grade ids, every code cell reduced to a constant."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for source in sorted((course / "source").glob("*/*.ipynb")):
        nb = json.loads(source.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                grading = cell.get("metadata", {}).get("nbgrader", {})
                cell["source"] = (f"{float(grading.get('points', 0))!r}"
                                  if grading.get("grade") else "x = 1")
                cell.get("metadata", {}).pop("sourcewise", None)
        path = folder / source.name
        path.write_text(json.dumps(nb), encoding="utf-8")
        made.append(path)
    return made


def trivial_class(root: Path, course: Path) -> Path:
    from sourcewise.grading.course import build_course, init_course

    lessons = trivial_lessons(course, root / "trivial-lessons")
    students = sorted(p.name for p in (course / "submitted").iterdir())
    trivial = root / "trivial"
    init_course(trivial, students, lessons=lessons)
    build_course(trivial)
    for student in students:
        for release in (trivial / "release").glob("*/*.ipynb"):
            target = trivial / "submitted" / student / release.parent.name
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(release, target / release.name)
    return trivial


def plain_nbgrader(course: Path) -> dict[str, Any]:
    """`nbgrader autograde LESSON --force`, lesson after lesson, as an instructor would."""
    lessons = sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
    script = ";".join(
        f"subprocess.run([sys.executable, '-m', 'nbgrader', 'autograde', {lesson!r}, "
        "'--force'], check=False, capture_output=True)" for lesson in lessons)
    return measure(course, sys.executable, "-c", f"import subprocess, sys; {script}")


def all_grades(course: Path) -> dict[tuple[str, str, str], float | None]:
    from sourcewise.grading.course import recorded_grades

    return {item: auto for item, (auto, _) in recorded_grades(course).items()}


def report_for(students: int) -> float:
    """Seconds to build the report's frames and HTML for a simulated class of ``students``."""
    import pandas as pd

    from sourcewise.grading.answer_items import cell_items
    from sourcewise.grading.class_report import frames_from, render_report
    from sourcewise.grading.export import GRADE_COLUMNS
    from sourcewise.grading.lesson_cells import graded_cells
    from sourcewise.grading.simulated_class import class_plan, simulate_answers
    from sourcewise.lessons import lesson_paths

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--report-students", type=int, default=1000)
    parser.add_argument("--keep", type=Path, default=None, help="keep the courses here")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="sw-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"building a class of {args.students} simulated students × 7 lessons in {root} …")
    course, n = build_class(root, args.students)
    copies = {name: root / name for name in ("nbgrader", "jobs1", "jobs2", "score")}
    for target in copies.values():
        shutil.copytree(course, target)
    cli = (sys.executable, "-m", "sourcewise.grading.cli")
    runs = {
        "plain nbgrader autograde (sequential)": plain_nbgrader(copies["nbgrader"]),
        "sourcewise autograde --jobs 1": measure(copies["jobs1"], *cli, "autograde", ".",
                                                 "--jobs", "1"),
        "sourcewise autograde --jobs 2": measure(copies["jobs2"], *cli, "autograde", ".",
                                                 "--jobs", "2"),
        "sourcewise score (no kernels)": measure(copies["score"], *cli, "score", "."),
    }
    trivial = trivial_class(root, course)
    trivial_run = plain_nbgrader(trivial)
    base = runs["plain nbgrader autograde (sequential)"]["wall"]
    print(f"\n{n} submissions ({args.students} students × 7 lessons)\n")
    print(f"{'contender':<42}{'total s':>9}{'per sub s':>11}{'speed-up':>10}{'peak MB':>9}")
    for name, run in runs.items():
        print(f"{name:<42}{run['wall']:>9.1f}{run['wall'] / n:>11.3f}"
              f"{base / run['wall']:>9.1f}×{run['peak_mb']:>9.0f}")
    print(f"{'plain nbgrader on trivial notebooks':<42}{trivial_run['wall']:>9.1f}"
          f"{trivial_run['wall'] / n:>11.3f}{'':>10}{trivial_run['peak_mb']:>9.0f}")
    overhead = base / trivial_run["wall"]
    print(f"\nper-lesson overhead of the real lessons over trivial notebooks (plain nbgrader): "
          f"{overhead:.2f}× (target ≤ 1.2×)")
    seq, par = all_grades(copies["jobs1"]), all_grades(copies["jobs2"])
    print(f"grades identical, --jobs 2 vs --jobs 1: {'yes' if seq == par else 'NO'} "
          f"({len(seq)} grades)")
    from sourcewise.grading.kernel_free import score_class

    free = [s for s in score_class(copies["score"]) if s.points is not None]
    same = all(abs((seq.get((s.student, s.lesson, s.grade_id)) or 0.0) - s.points) < 1e-9
               for s in free)
    print(f"kernel-free scores equal autograde on the {len(free)} items it scores: "
          f"{'yes' if same else 'NO'}")
    report = report_for(args.report_students)
    print(f"class report for {args.report_students} simulated students: {report:.2f} s "
          "(target < 5 s)")
    jobs2 = runs["sourcewise autograde --jobs 2"]["wall"]
    score = runs["sourcewise score (no kernels)"]["wall"]
    print(f"\nmain ratio: sourcewise autograde --jobs 2 is {base / jobs2:.2f}× faster than "
          f"sequential nbgrader (target ≥ 1.7×); sourcewise score is {base / score:.0f}× "
          "faster (target ≥ 50×)")
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
