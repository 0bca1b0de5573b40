"""``sourcewise autograde``: grade every submission of a course and record it in the gradebook.

By default each submission is graded from its answers file in this process (``answer_grading``):
no student code runs, and ``--jobs N`` spreads the scoring over N processes while this one
writes the gradebook in batches. ``--execute`` runs each notebook in a kernel through nbgrader
instead (``kernel_autograde``), for notebooks with code tasks; widget tasks are still scored on
the instructor's side there. Either way only this process writes the gradebook and the grading
log, one submission counts as graded only once both hold it, and a stopped run (Ctrl+C, a
crash) resumes where it stopped. One submission that cannot be graded scores 0 with a reason;
the run goes on.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sourcewise.grading.course import grading_log
from sourcewise.grading.course.autograde.from_answers import LessonGrader
from sourcewise.grading.course.gradebook_rows import GradebookRows, submitted_at
from sourcewise.grading.course.grading_log import LogEntry
from sourcewise.grading.course.progress import progress_bar
from sourcewise.grading.course.submission_result import SubmissionResult
from sourcewise.lessons.lesson_cells import lesson_sources

BATCH = 200  # submissions per gradebook transaction (a stopped run loses at most one batch)


# Kept outside autograded/ (nbgrader owns that folder and deletes a submission's folder there
# when it cannot grade it): one empty file per recorded submission.
RECORDED_DIR = ".sourcewise-recorded"


def _stamp(course: Path, student: str, lesson: str) -> Path:
    return Path(course) / RECORDED_DIR / student / lesson


def is_graded(course: Path, student: str, lesson: str) -> bool:
    """True when this submission's grades were recorded after its files last changed.

    The stamp is written only after the gradebook and the log hold the grades, so a run stopped
    half-way (Ctrl+C, a crash) regrades exactly the submissions it had not finished.
    """
    stamp = _stamp(course, student, lesson)
    if not stamp.exists():
        return False
    submitted = Path(course) / "submitted" / student / lesson
    newest = max((p.stat().st_mtime for p in submitted.rglob("*") if p.is_file()), default=0.0)
    return stamp.stat().st_mtime >= newest


def mark_recorded(course: Path, student: str, lesson: str) -> None:
    stamp = _stamp(course, student, lesson)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(time.strftime("%Y-%m-%dT%H:%M:%S"), encoding="utf-8")


def record(course: Path, result: SubmissionResult, run: str, gb: Any) -> list[LogEntry]:
    """Write a submission's corrections to the gradebook and its entries to the grading log
    (``--execute`` path: nbgrader wrote the rest)."""
    from nbgrader.api import MissingEntry

    for item in result.items:
        if item.fix is None:
            continue
        try:
            grade = gb.find_grade(item.grade_id, result.lesson, result.lesson, result.student)
        except MissingEntry:  # nbgrader never created the row (the run failed first)
            gb.update_or_create_student(result.student)
            gb.update_or_create_submission(result.lesson, result.student)
            grade = gb.find_grade(item.grade_id, result.lesson, result.lesson, result.student)
        grade.auto_score = item.fix
        grade.needs_manual_grade = False
    _keep_unchanged_manual_grades(course, result, gb)
    gb.db.commit()
    return log_entries(course, result, run)


def _keep_unchanged_manual_grades(course: Path, result: SubmissionResult, gb: Any) -> None:
    """nbgrader reopens every hand-graded cell on autograde; a written answer whose text did
    not change keeps its grade (see ``regrade``)."""
    from nbgrader.api import MissingEntry

    from sourcewise.lessons.lesson_cells import graded_cells

    if result.changed_written is None:
        return
    source = lesson_sources(course, [result.lesson]).get(result.lesson)
    written = {c.grade_id for c in graded_cells(source) if not c.autograded} if source else set()
    for grade_id in written - set(result.changed_written):
        try:
            grade = gb.find_grade(grade_id, result.lesson, result.lesson, result.student)
        except MissingEntry:
            continue
        if grade.manual_score is not None:
            grade.needs_manual_grade = False


def log_entries(course: Path, result: SubmissionResult, run: str) -> list[LogEntry]:
    """Append a submission's notes and item outcomes to the grading log."""
    entries = [LogEntry(result.student, result.lesson, "note", reason=note, run=run)
               for note in result.notes]
    entries += [LogEntry(result.student, result.lesson, item.event, item.grade_id,
                         item.fix if item.fix is not None else item.score, item.max_score,
                         item.reason, item.explanation, run) for item in result.items]
    grading_log.append(course, entries)
    return entries


_GRADERS: dict[tuple[str, str], LessonGrader] = {}


def grade_from_answers(task: tuple[str, str, str]) -> SubmissionResult:
    """Grade one submission from its answers (a worker's function; graders cached per lesson)."""
    course, student, lesson = task
    grader = _GRADERS.get((course, lesson))
    if grader is None:
        grader = _GRADERS[(course, lesson)] = LessonGrader(Path(course), lesson)
    return grader.grade(student)[0]


def _answer_results(course: Path, todo: Sequence[tuple[str, str]], jobs: int
                    ) -> Iterator[SubmissionResult]:
    """Results in completion order; a pool that breaks (a worker killed) hands what it had
    not finished back to this process, so no submission is lost."""
    tasks = [(str(course), student, lesson) for student, lesson in todo]
    if jobs <= 1 or len(todo) < 2 * jobs:
        yield from map(grade_from_answers, tasks)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    chunks = [tasks[i:i + 16] for i in range(0, len(tasks), 16)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        pending = {pool.submit(_grade_chunk, chunk): chunk for chunk in chunks}
        for future in as_completed(pending):
            try:
                results = future.result()
            except BrokenProcessPool:
                results = [grade_from_answers(task) for task in pending[future]]
            yield from results


def _grade_chunk(chunk: list[tuple[str, str, str]]) -> list[SubmissionResult]:
    return [grade_from_answers(task) for task in chunk]


def _grade_answers(course: Path, todo: Sequence[tuple[str, str]], jobs: int,
                   finish: Callable[[SubmissionResult], None]) -> None:
    from sourcewise.grading.course.nbgrader_env import gradebook

    def refused(result: SubmissionResult, err: BaseException) -> None:
        result.ok, result.error = False, f"the gradebook refused it ({err})"
        result.notes.append(f"Its grades could not be recorded ({type(err).__name__}); tell "
                            "your instructor.")
        finish(result)

    with gradebook(course) as gb:
        rows = GradebookRows(gb)
        batch: list[SubmissionResult] = []

        def flush() -> None:
            try:
                rows.commit()
            except Exception:  # find the submission the database refuses; record the rest
                for result in batch:
                    try:
                        rows.write(result, _timestamp(course, result))
                        rows.commit()
                    except Exception as err:
                        refused(result, err)
                        continue
                    finish(result)
            else:
                for result in batch:
                    finish(result)
            batch.clear()

        for result in _answer_results(course, todo, jobs):
            try:
                rows.write(result, _timestamp(course, result))
            except Exception as err:  # e.g. a lesson the gradebook does not know
                refused(result, err)
                continue
            batch.append(result)
            if len(batch) >= BATCH:
                flush()
        flush()


def _timestamp(course: Path, result: SubmissionResult) -> Any:
    timestamp, note = submitted_at(course / "submitted" / result.student / result.lesson)
    if note and note not in result.notes:
        result.notes.append(note)
    return timestamp


def _grade_in_kernels(course: Path, todo: Sequence[tuple[str, str]], jobs: int,
                      finish: Callable[[SubmissionResult, Any], None],
                      submission_timeout: float) -> None:
    from sourcewise.grading.course.autograde.in_kernels import grade_submission, worker_failure
    from sourcewise.grading.course.nbgrader_env import gradebook, nbgrader_api

    if jobs > 1 and len(todo) > 1:
        from sourcewise.grading.course.autograde.workers import grade_in_parallel, merge_rows

        def on_result(task: tuple[str, str], result: Any, rows: Any, why: str) -> None:
            student, lesson = task
            with gradebook(course) as gb:
                if why:
                    result = worker_failure(course, student, lesson, why, gb)
                elif rows is not None:
                    merge_rows(gb, lesson, student, rows)
                finish(result, gb)

        grade_in_parallel(course, todo, jobs, on_result, grade_submission,
                          submission_timeout=submission_timeout)
        return
    api = nbgrader_api(course)
    for student, lesson in todo:
        result = grade_submission(api, course, student, lesson)
        with gradebook(course) as gb:
            finish(result, gb)


def autograde_course(directory: Path, jobs: int = 1, lessons: Sequence[str] | None = None,
                     force: bool = False, *, students: Sequence[str] | None = None,
                     progress: bool = True, submission_timeout: float = 600.0,
                     execute: bool = False, add_students: bool = False) -> int:
    """Autograde every submission of a course; 0 when every submission was graded.

    Only students on the roster (the gradebook's students) are graded unless ``add_students``;
    every folder that is not graded, and every graded hand-in with a problem, is listed at the
    end with what to do.
    """
    from sourcewise.grading.course.autograde.summary import summary_lines
    from sourcewise.grading.course.class_folders import roster, survey
    from sourcewise.grading.course.nbgrader_env import quiet_sqlalchemy

    course = Path(directory).resolve()
    known = list(lesson_sources(course))
    unknown = [lesson for lesson in lessons or () if lesson not in known]
    if unknown:
        print(f"error: {', '.join(unknown)} is not a lesson of this course (its lessons: "
              f"{', '.join(known)})", file=sys.stderr)
        return 1
    folders = survey(course, known, roster(course), only_lessons=lessons,
                     only_students=students, add_students=add_students)
    pairs = folders.to_grade
    todo = [(s, lesson) for s, lesson in pairs if force or not is_graded(course, s, lesson)]
    if not pairs:
        for line in summary_lines([], folders.not_graded, str(grading_log.log_path(course))):
            print(line, file=sys.stderr)
        print(f"no submissions to grade under {course / 'submitted'}"
              + (f" for {', '.join(students)}" if students else ""), file=sys.stderr)
        return 1
    problems: list[Any] = []
    quiet_sqlalchemy()
    run = uuid.uuid4().hex[:12]
    failed: list[str] = []
    seconds: list[float] = []
    set_by_us = 0
    mode = "in kernels" if execute else "from answers"
    bar = progress_bar(len(todo), f"autograde {mode} ×{max(jobs, 1)}", progress)

    def finish(result: SubmissionResult, gb: Any = None) -> None:
        nonlocal set_by_us
        if gb is not None:
            record(course, result, run, gb)
            set_by_us += sum(1 for item in result.items if item.fix is not None)
        else:
            log_entries(course, result, run)
        mark_recorded(course, result.student, result.lesson)
        problems.extend(result.problems)
        seconds.append(result.seconds)
        if not result.ok:
            failed.append(f"{result.student}/{result.lesson}")
        bar.set_postfix_str(f"{result.student} {result.lesson}")
        bar.update(1)

    started = time.perf_counter()
    try:
        if execute:
            _grade_in_kernels(course, todo, jobs, finish, submission_timeout)
        else:
            _grade_answers(course, todo, jobs, finish)
    except KeyboardInterrupt:
        bar.close()
        print(f"\nstopped: {len(seconds)} of {len(todo)} submission(s) graded and recorded; "
              "run the same command again to grade the rest.", file=sys.stderr)
        return 130
    bar.close()
    wall = time.perf_counter() - started
    skipped = len(pairs) - len(todo)
    mean = sum(seconds) / len(seconds) if seconds else 0.0
    print(f"autograded {len(todo)} submission(s) {mode} in {wall:.1f} s with {max(jobs, 1)} "
          f"worker(s) ({mean:.3f} s each)"
          + (f", skipped {skipped} already graded (use --force to regrade)" if skipped else "")
          + (f"; {set_by_us} score(s) set by Sourcewise" if execute and set_by_us else "")
          + f"; log: {grading_log.log_path(course)}")
    from sourcewise.grading.course.due_dates import apply_to_gradebook

    apply_to_gradebook(course)  # extensions sit on submissions, which exist only now
    if folders.new_students:
        print(f"added to the gradebook: {', '.join(folders.new_students)}")
    for line in summary_lines(problems, folders.not_graded, str(grading_log.log_path(course))):
        print(line)
    for name in failed:
        print(f"could not autograde {name}: its autograded items score 0 (see the log)",
              file=sys.stderr)
    return 1 if failed else 0
