"""The whole instructor flow on a simulated class: init, build, submit, autograde, feedback,
export, report — and where everything is, with timings.

The class (``simulated_class.class_plan``): perfect, strong, middling, weak and empty students,
one who deleted a grade cell, one whose answer file is damaged, then sampled qualities.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sourcewise.grading.demo.simulated_class import SimulatedStudent, class_plan, write_submission
from sourcewise.seeds.article import SEED_ARTICLE

DEMO_MARKER = ".sourcewise-demo"


class _Clock:
    """Named step timings, printed at the end."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []

    def run(self, name: str, step: Callable[[], int]) -> int:
        print(f"\n== {name}", flush=True)
        started = time.perf_counter()
        code = step()
        self.steps.append((name, time.perf_counter() - started))
        return code


def _prepare_folder(out: Path) -> str | None:
    """None when ``out`` can hold the demo; otherwise why not (nothing is deleted)."""
    if out.exists() and any(out.iterdir()) and not (out / DEMO_MARKER).exists():
        return (f"{out} exists and is not a Sourcewise demo folder; choose an empty or new "
                "folder (nothing was changed)")
    out.mkdir(parents=True, exist_ok=True)
    (out / DEMO_MARKER).write_text("Created by `sourcewise demo`.\n", encoding="utf-8")
    for stage in ("submitted", "autograded", "feedback"):  # earlier demo runs: simulated only
        if (out / stage).exists():
            shutil.rmtree(out / stage)
    return None


def simulate_class(course: Path, plan: Sequence[SimulatedStudent], *, seed: int = 2014,
                   progress: bool = True) -> dict[str, dict[str, Any]]:
    """Write every simulated student's submission of every built lesson; returns mishaps."""
    from tqdm import tqdm

    from sourcewise.lessons.lesson_cells import graded_cells, lesson_sources
    from sourcewise.seeds import load_article

    sources = lesson_sources(course)
    cells = {lesson: graded_cells(path) for lesson, path in sources.items()}
    graded = [lesson for lesson in sources if any(c.autograded for c in cells[lesson])]
    quirk_lesson = graded[0] if graded else None
    fingerprint = load_article(SEED_ARTICLE).fingerprint
    done: dict[str, dict[str, Any]] = {}
    from sourcewise.grading.demo.simulated_assessment import simulate_assessments

    for student, what in simulate_assessments(course, plan, seed=seed).items():  # pre, post
        done.setdefault(student, {})["assessment"] = what
    for student in tqdm(plan, unit="student", desc="simulate", disable=not progress,
                        file=sys.stderr):
        for lesson in sources:
            if lesson in ("pre", "post"):
                continue  # written above, each student on their own form
            release = course / "release" / lesson / f"{lesson}.ipynb"
            if not release.exists():
                continue
            who = student if lesson == quirk_lesson else dataclasses.replace(student, quirk=None)
            what = write_submission(release, course / "submitted" / student.id / lesson, who,
                                    cells[lesson], seed=seed, fingerprint=fingerprint)
            if what:
                done.setdefault(student.id, {}).update({"lesson": lesson, **what})
    return done


def _gain_check(course: Path, plan: Sequence[SimulatedStudent], grades: Any, items: Any,
                lines: list[str]) -> list[tuple[str, bool]]:
    """Does the report recover the growth the simulation built in (within its interval)?"""
    from sourcewise.grading.course.results.assessment_report import assessment_frames
    from sourcewise.grading.demo.simulated_assessment import GROWTH, true_gain

    frames = assessment_frames(course, grades, items)
    truth = true_gain(course, plan)
    if "class_gains" not in frames or truth is None:
        return []
    measured = frames["class_gains"].mean_gain
    lines.append(f"  skills check: answer quality grows by {GROWTH:.2f}; built-in gain "
                 f"{truth:.2f} points; report: {measured.text()} "
                 f"({frames['class_gains'].missing} without a post-test)")
    inside = measured.interval is not None and measured.interval[0] <= truth <= measured.interval[1]
    return [("the report's 95 % interval of the mean gain holds the built-in gain", inside)]


def _summary(course: Path, plan: Sequence[SimulatedStudent]) -> tuple[list[str], bool]:
    """Per-student autograded percent next to the simulated quality, and whether it is in order."""
    from sourcewise.grading.course.results.export import course_frames

    every, items = course_frames(course)
    grades = every[~every["lesson"].isin(["pre", "post"])]  # the skills check: _gain_check
    totals = grades.groupby("student")[["auto_score", "auto_max"]].sum()
    lines, ok = [], True
    scored = []
    for student in plan:
        if student.id not in totals.index:
            continue
        row = totals.loc[student.id]
        percent = 100.0 * row["auto_score"] / row["auto_max"] if row["auto_max"] else 0.0
        scored.append((student, percent))
        mishap = f"  ({student.quirk})" if student.quirk else ""
        lines.append(f"  {student.id:<14} quality {student.quality:4.2f}  "
                     f"autograded {percent:6.1f}%{mishap}")
    by_id = dict((s.id, p) for s, p in scored)
    checks = []
    if "perfect" in by_id:
        checks.append(("perfect student has full autograded marks", by_id["perfect"] > 99.999))
    if "empty" in by_id:
        checks.append(("empty student scores 0", by_id["empty"] == 0.0))
    ordered = sorted(((s, p) for s, p in scored if s.quirk is None and s.noise == 0.0),
                     key=lambda pair: -pair[0].quality)
    in_order = all(a[1] >= b[1] for a, b in itertools.pairwise(ordered))
    checks.append(("scores follow answer quality (perfect ≥ strong ≥ middling ≥ weak ≥ empty)",
                   in_order))
    checks += _gain_check(course, plan, every, items, lines)
    for text, passed in checks:
        lines.append(f"  {'✓' if passed else '✗'} {text}")
        ok = ok and passed
    return lines, ok


def run_demo(out: Path, students: int = 12, jobs: int = 1, *,
             lessons: Sequence[Path] | None = None, timeout: int | None = None,
             progress: bool = True) -> int:
    """Run the instructor flow on ``students`` simulated students in the course folder ``out``."""
    from sourcewise.grading.course.autograde.run import autograde_course
    from sourcewise.grading.course.course_folder import DEFAULT_TIMEOUT, build_course, init_course
    from sourcewise.grading.course.results.export import export_course
    from sourcewise.grading.course.results.feedback import feedback_course
    from sourcewise.grading.course.results.report import report_course

    course = Path(out).resolve()
    problem = _prepare_folder(course)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    plan = class_plan(max(int(students), 1))
    clock = _Clock()
    started = time.perf_counter()
    code = clock.run("course init", lambda: init_course(
        course, [s.id for s in plan], lessons=lessons, timeout=timeout or DEFAULT_TIMEOUT))
    if code == 0:
        code = clock.run("course build (nbgrader generate_assignment)",
                         lambda: build_course(course))
    if code != 0:
        print("error: the course could not be built; see above", file=sys.stderr)
        return code
    mishaps: dict[str, dict[str, Any]] = {}

    def simulate() -> int:
        mishaps.update(simulate_class(course, plan, progress=progress))
        for student, what in mishaps.items():
            print(f"  {student}: {json.dumps(what)}")
        return 0

    clock.run(f"simulate {len(plan)} students", simulate)
    submissions = sum(1 for p in (course / "submitted").glob("*/*") if p.is_dir())
    autograde_step = (f"autograde (answers files, {jobs} worker processes)" if jobs > 1
                      else "autograde (answers files, one process)")
    clock.run(autograde_step,
              lambda: autograde_course(course, jobs=jobs, force=True, progress=progress))
    clock.run("feedback", lambda: feedback_course(course, progress=progress))
    clock.run("export", lambda: export_course(course))
    clock.run("report", lambda: report_course(course))
    total = time.perf_counter() - started
    lines, ok = _summary(course, plan)
    autograde_seconds = dict(clock.steps).get(autograde_step, 0.0)
    print("\n== results")
    print("\n".join(lines))
    print("\n== where everything is")
    for name, path in [("course folder", course), ("gradebook", course / "gradebook.db"),
                       ("grades (student × lesson)", course / "exports" / "grades.csv"),
                       ("items (student × lesson × item)", course / "exports" / "items.csv"),
                       ("skills (student × skill)", course / "exports" / "skills.csv"),
                       ("gains (pre/post skills check)", course / "exports" / "gains.csv"),
                       ("feedback", course / "feedback"),
                       ("grading log", course / "grading-log.jsonl"),
                       ("class report", course / "reports" / "class-report.html")]:
        print(f"  {name:<32} {path}")
    print("\n== timings")
    for name, seconds in clock.steps:
        print(f"  {name:<44} {seconds:7.1f} s")
    per = autograde_seconds / submissions if submissions else 0.0
    print(f"  {'total':<44} {total:7.1f} s")
    print(f"  autograde per submission: {per:.2f} s ({submissions} submissions)")
    return 0 if ok else 1
