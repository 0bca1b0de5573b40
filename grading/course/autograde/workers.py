"""Parallel autograde: worker processes run nbgrader; only the main process writes the gradebook.

nbgrader grades one submission after another (its issue #174, open since 2015). Here each worker
autogrades into a private copy of the gradebook (SQLite allows one writer at a time); it sends
back plain data: the submission's grades and comments, and what Sourcewise must correct. The main
process merges those rows into the course gradebook and writes the grading log, one submission
at a time, so no row is lost or half-written. A worker that crashes or overruns its time limit is
replaced and its submission retried once; after that the submission's items score 0 with a reason.
A PostgreSQL gradebook (any non-SQLite URL) takes concurrent writers, so workers use it directly.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import shutil
import signal
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WORKERS_DIR = ".sourcewise-workers"
POLL_SECONDS = 0.2


@dataclass
class GradedRows:
    """A submission's rows in a worker's gradebook, ready to merge into the course gradebook."""

    timestamp: Any = None
    grades: list[tuple[str, str, float | None, bool]] = field(default_factory=list)
    comments: list[tuple[str, str, str | None]] = field(default_factory=list)


def sqlite_path(db_url: str) -> Path | None:
    """The file of a SQLite URL, or None for another database."""
    return Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite:///") else None


def worker_db_url(course: Path, main_url: str, index: int) -> str:
    """A private SQLite copy of the gradebook for worker ``index`` (made with SQLite's backup)."""
    main = sqlite_path(main_url)
    if main is None:
        return main_url
    folder = Path(course) / WORKERS_DIR
    folder.mkdir(exist_ok=True)
    target = folder / f"gradebook-{index}.db"
    target.unlink(missing_ok=True)
    with contextlib.closing(sqlite3.connect(main)) as src, \
            contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


def read_rows(db_url: str, course_id: str, lesson: str, student: str) -> GradedRows:
    """The grades and comments of one submission, as plain data."""
    from nbgrader.api import Gradebook, MissingEntry

    rows = GradedRows()
    with Gradebook(db_url, course_id) as gb:
        try:
            submission = gb.find_submission(lesson, student)
        except MissingEntry:
            return rows
        rows.timestamp = submission.timestamp
        for notebook in submission.notebooks:
            rows.grades += [(g.name, notebook.name, g.auto_score, bool(g.needs_manual_grade))
                            for g in notebook.grades]
            rows.comments += [(c.name, notebook.name, c.auto_comment) for c in notebook.comments]
    return rows


def merge_rows(gb: Any, lesson: str, student: str, rows: GradedRows) -> None:
    """Write a worker's rows for one submission into the course gradebook, then commit once."""
    extra = {"timestamp": rows.timestamp} if rows.timestamp is not None else {}
    # A worker's private gradebook registered the student on the fly, as nbgrader does; the
    # course gradebook may not know them yet (issue 14).
    gb.update_or_create_student(student)
    gb.update_or_create_submission(lesson, student, **extra)
    for grade_id, notebook, auto_score, needs_manual in rows.grades:
        grade = gb.find_grade(grade_id, notebook, lesson, student)
        grade.auto_score = auto_score
        grade.needs_manual_grade = needs_manual
    for comment_id, notebook, text in rows.comments:
        gb.find_comment(comment_id, notebook, lesson, student).auto_comment = text
    gb.db.commit()


def _worker(course: str, index: int, tasks: Any, results: Any, grade: Callable[..., Any]
            ) -> None:
    """Worker process: grade each (student, lesson) it is sent with ``grade``; ``None`` ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the main process's to handle
    from sourcewise.grading.course.nbgrader_env import load_config, nbgrader_api, quiet_sqlalchemy

    quiet_sqlalchemy()
    root = Path(course)
    config = load_config(root)
    course_id = config.CourseDirectory.course_id
    from nbgrader.coursedir import CourseDirectory

    db_url = worker_db_url(root, CourseDirectory(config=config).db_url, index)
    api = nbgrader_api(root, {"CourseDirectory": {"db_url": db_url}})
    while True:
        task = tasks.get()
        if task is None:
            return
        student, lesson = task
        result = grade(api, root, student, lesson, db_url=db_url)
        results.put((index, task, result, read_rows(db_url, course_id, lesson, student)))


@dataclass
class _Slot:
    process: Any
    tasks: Any
    task: tuple[str, str] | None = None
    started: float = 0.0


class WorkerPool:
    """N supervised worker processes, each fed one submission at a time."""

    def __init__(self, course: Path, jobs: int, grade: Callable[..., Any]) -> None:
        self.course = Path(course)
        self.grade = grade
        self.ctx = multiprocessing.get_context("spawn")
        self.results = self.ctx.Queue()
        self.slots = [self._spawn(i) for i in range(jobs)]

    def _spawn(self, index: int) -> _Slot:
        tasks = self.ctx.Queue()
        process = self.ctx.Process(target=_worker, args=(str(self.course), index, tasks,
                                                         self.results, self.grade), daemon=True)
        process.start()
        return _Slot(process, tasks)

    def replace(self, index: int) -> None:
        slot = self.slots[index]
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(5)
        self.slots[index] = self._spawn(index)

    def close(self) -> None:
        for slot in self.slots:
            if slot.process.is_alive():
                with contextlib.suppress(Exception):
                    slot.tasks.put(None)
        deadline = time.monotonic() + 5
        for slot in self.slots:
            slot.process.join(max(0.1, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
        shutil.rmtree(self.course / WORKERS_DIR, ignore_errors=True)


def grade_in_parallel(course: Path, todo: Sequence[tuple[str, str]], jobs: int,
                      on_result: Callable[[tuple[str, str], Any, GradedRows | None, str], None],
                      grade: Callable[..., Any], *, submission_timeout: float = 600.0,
                      retries: int = 1) -> None:
    """Grade ``todo`` with ``jobs`` workers running ``grade(api, course, student, lesson,
    db_url=...)``, a top-level function (workers are spawned, so it travels by name);
    ``on_result(task, result, rows, failure)`` runs in
    this process for each submission, in completion order (``failure`` is set when a worker
    crashed or timed out on it ``retries + 1`` times)."""
    pending = list(todo)
    attempts: dict[tuple[str, str], int] = {}
    pool = WorkerPool(course, min(jobs, max(1, len(todo))), grade)
    done = 0
    try:
        while done < len(todo):
            for slot in pool.slots:
                if slot.task is None and pending:
                    slot.task, slot.started = pending.pop(0), time.monotonic()
                    slot.tasks.put(slot.task)
            try:
                index, task, result, rows = pool.results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                index = None
            if index is not None:
                if pool.slots[index].task != task:
                    continue  # from a worker replaced after a timeout: already retried
                pool.slots[index].task = None
                on_result(task, result, rows, "")
                done += 1
                continue
            for index, slot in enumerate(pool.slots):
                if slot.task is None:
                    continue
                crashed = not slot.process.is_alive()
                overdue = time.monotonic() - slot.started > submission_timeout
                if not (crashed or overdue):
                    continue
                task, slot.task = slot.task, None
                why = ("the grading worker crashed" if crashed else
                       f"grading took longer than {submission_timeout:.0f} s")
                pool.replace(index)
                attempts[task] = attempts.get(task, 0) + 1
                if attempts[task] <= retries:
                    pending.insert(0, task)
                else:
                    on_result(task, None, None, why)
                    done += 1
    finally:
        pool.close()
