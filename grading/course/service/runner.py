"""``sourcewise service run DIR``: watch the exchange and grade each submission as it arrives.

One scanning loop notices new folders in nbgrader's inbound folder (a directory listing every
``poll_seconds``, cheap next to grading) and queues them durably before anything else; a pool of
``workers`` threads grades them, one (student, lesson) pair at a time each, so that a large or
broken submission only ever holds up its own student. Of several queued submissions of one
student and lesson only the newest is graded (the others stay on disk, marked superseded);
with ``CollectApp.before_duedate`` the newest one before the due date keeps counting, as
``nbgrader collect --before-duedate`` would. On start, entries left ``queued`` by a stopped
service are graded first, and whatever arrived meanwhile is found by the first scan.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from sourcewise.grading.course.service import inbound
from sourcewise.grading.course.service.grade_one import CoursePipeline
from sourcewise.grading.course.service.queue_state import (
    MAX_ATTEMPTS,
    Entry,
    SubmissionQueue,
    append_log,
    now,
)
from sourcewise.grading.course.service.settings import (
    read_settings,
    settings_path,
)

HEARTBEAT_FILE = "heartbeat"
HEARTBEAT_SECONDS = 5.0
RETRY_SECONDS = 2.0


class GradingService:
    """The queue, the pipeline and the worker threads of one course."""

    def __init__(self, course: Path) -> None:
        self.settings = read_settings(course)
        self.settings_mtime = settings_path(course).stat().st_mtime
        self.folder = self.settings.state_dir
        self.queue = SubmissionQueue(self.folder)
        self.pipeline = CoursePipeline(self.settings.course, self.settings.lessons)
        self.pool = ThreadPoolExecutor(self.settings.workers, thread_name_prefix="grade")
        self.busy: dict[tuple[str, str], Future[None]] = {}
        self.duedates: dict[str, datetime | None] = self._duedates()
        self.beat = 0.0
        self.retry_after: dict[str, float] = {}
        self.folder.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(self.settings.course)

    def log(self, event: str, **fields: object) -> None:
        append_log(self.folder, event, **fields)

    def _duedates(self) -> dict[str, datetime | None]:
        if not self.settings.before_duedate:
            return {}
        from nbgrader.api import MissingEntry

        from sourcewise.grading.course.nbgrader_env import gradebook

        dates: dict[str, datetime | None] = {}
        with gradebook(self.settings.course) as gb:
            for lesson in self.settings.lessons:
                try:
                    dates[lesson] = gb.find_assignment(lesson).duedate
                except MissingEntry:
                    dates[lesson] = None
        return dates

    def reload_settings(self) -> None:
        """Pick up an edited grade-on-submit.toml (a broken edit keeps the old settings)."""
        path = settings_path(self.settings.course)
        with contextlib.suppress(OSError):
            mtime = path.stat().st_mtime
            if mtime != self.settings_mtime:
                self.settings_mtime = mtime
                try:
                    self.settings = read_settings(self.settings.course)
                except Exception as err:
                    self.log("settings-refused", reason=str(err))
                    return
                for lesson in self.settings.lessons:
                    self.pipeline.grader(lesson)
                self.duedates = self._duedates()
                self.log("settings", lessons=list(self.settings.lessons))

    def scan(self) -> list[Entry]:
        """Queue what is new in the inbound folder (saved before it is graded)."""
        new = self.queue.add(inbound.scan(self.settings))
        for entry in new:
            self.log("queued", submission=entry.name, student=entry.student,
                     lesson=entry.lesson)
        return new

    def dispatch(self) -> int:
        """Start grading every (student, lesson) with queued work that is not being graded."""
        self.busy = {pair: f for pair, f in self.busy.items() if not f.done()}
        started = 0
        for entry in self.queue.queued():
            pair = (entry.student, entry.lesson)
            if pair in self.busy or entry.lesson not in self.settings.lessons or \
                    self.retry_after.get(entry.name, 0.0) > time.monotonic():
                continue
            self.busy[pair] = self.pool.submit(self._grade_pair, pair)
            started += 1
        return started

    def _grade_pair(self, pair: tuple[str, str]) -> None:
        student, lesson = pair
        waiting = [e for e in self.queue.queued() if (e.student, e.lesson) == pair]
        if not waiting:
            return
        counts = self.queue.graded_timestamp(student, lesson)
        due = self.duedates.get(lesson)
        if due is not None:
            # CollectApp.before_duedate: the last submission before the due date counts when
            # there is one; a later one stays on disk, set aside.
            deadline = due.isoformat()
            on_time = [e for e in waiting if e.timestamp <= deadline]
            if on_time or (counts and counts <= deadline):
                for late in (e for e in waiting if e.timestamp > deadline):
                    self._finish(late, "superseded", "submitted after the due date; the "
                                 "course grades the last submission before it")
                waiting = on_time
        if not waiting:
            return
        newest = max(waiting, key=lambda e: e.timestamp)
        for older in waiting:
            if older is not newest:
                self._finish(older, "superseded", "a later submission of this lesson counts")
        if counts and newest.timestamp <= counts:
            self._finish(newest, "superseded", "a later submission of this lesson counts")
            return
        self._grade(newest)

    def _grade(self, entry: Entry) -> None:
        started = time.perf_counter()
        entry = self.queue.update(entry.name, attempts=entry.attempts + 1)
        if entry.attempts > MAX_ATTEMPTS:
            self._finish(entry, "failed", f"grading stopped the service {MAX_ATTEMPTS} times; "
                         "grade it with 'sourcewise autograde'")
            return
        why = inbound.refusal(self.settings, entry)
        if why:
            self._finish(entry, "refused", why)
            return
        try:
            notes = inbound.collect(self.settings, entry)
            graded = self.pipeline.grade(entry.student, entry.lesson, notes)
        except Exception as err:  # this submission only: logged, the others go on
            why = f"{type(err).__name__}: {str(err)[:300]}"
            if entry.attempts < MAX_ATTEMPTS:  # e.g. a gradebook locked for a moment
                self.queue.update(entry.name, reason=why)
                self.retry_after[entry.name] = time.monotonic() + RETRY_SECONDS
                self.log("retry", submission=entry.name, reason=why)
            else:
                self._finish(entry, "failed", why)
            return
        score = sum(item.fix if item.fix is not None else (item.score or 0.0)
                    for item in graded.result.items)
        self._finish(entry, "graded", "" if graded.released else
                     "graded, but its feedback could not be released", score=score,
                     seconds=time.perf_counter() - started)

    def _finish(self, entry: Entry, status: str, reason: str = "", *,
                seconds: float | None = None, score: float | None = None) -> None:
        self.queue.update(entry.name, status=status, reason=reason, done=now(), seconds=seconds)
        fields: dict[str, object] = {"submission": entry.name, "student": entry.student,
                                     "lesson": entry.lesson}
        if reason:
            fields["reason"] = reason
        if score is not None:
            fields["score"] = round(score, 2)
        if seconds is not None:
            fields["seconds"] = round(seconds, 3)
        self.log(status, **fields)

    def heartbeat(self) -> None:
        if time.monotonic() - self.beat >= HEARTBEAT_SECONDS:
            self.beat = time.monotonic()
            (self.folder / HEARTBEAT_FILE).write_text(f"{os.getpid()} {now()}\n")

    def step(self) -> int:
        """One round: reload settings, scan, dispatch; the number of pairs started."""
        self.reload_settings()
        self.scan()
        self.heartbeat()
        return self.dispatch()

    def drain(self, timeout: float = 120) -> None:
        """Grade everything queued now and wait for it (tests, and ``run --once``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.step()
            pending = [f for f in self.busy.values() if not f.done()]
            if not pending and not self.queue.queued():
                return
            for future in pending:
                future.result(max(0.0, deadline - time.monotonic()))
        raise TimeoutError(f"submissions still queued after {timeout} s")

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _remove_leftovers(course: Path) -> None:
    """Half-copied folders of a collect that was cut short (the submission is still queued)."""
    for folder in (course / "submitted").glob("*/.*.collecting-*"):
        shutil.rmtree(folder, ignore_errors=True)
    for folder in (course / "submitted").glob("*/.*.replaced-*"):
        shutil.rmtree(folder, ignore_errors=True)


def run_service(course: Path, *, once: bool = False) -> int:
    """Run until SIGTERM or SIGINT (the hub stops its services with SIGTERM)."""
    service = GradingService(course)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    s = service.settings
    service.log("started", pid=os.getpid(), lessons=list(s.lessons), inbound=str(s.inbound),
                waiting=len(service.queue.queued()))
    print(f"sourcewise service: grading {', '.join(s.lessons) or 'no lessons'} on submit "
          f"from {s.inbound}; queue and log in {service.folder}", flush=True)
    try:
        if once:
            service.drain()
            return 0
        while not stop.is_set():
            service.step()
            stop.wait(service.settings.poll_seconds)
    finally:
        service.close()
        service.log("stopped", pid=os.getpid())
    return 0
