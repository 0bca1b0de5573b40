"""Answers saved beside the notebook: atomic, locked, versioned, and never lost."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sourcewise.grading.answer_file import (
    ANSWERS_FOLDER,
    SCHEMA_VERSION,
    AnswerFile,
    answers_path,
    read_answers,
)
from sourcewise.grading.atomic_write import write_json_atomic

__all__ = ["ANSWERS_FOLDER", "SCHEMA_VERSION", "AnswerStore", "AnswerStoreError", "answers_path",
           "load_answers", "writes_allowed"]

READ_ONLY_VARIABLES = ("NBGRADER_EXECUTION", "SOURCEWISE_READ_ONLY")


# In the browser edition (Pyodide), the browser's storage is mounted at /drive, and only when
# the page may use a service worker (https:// or localhost, not blocked by the browser).
BROWSER_DRIVE = "/drive"
NOT_KEPT = ("This page cannot keep your answers: the browser gave it no storage (open the site "
            "over https:// or from localhost, and allow its service worker; some private "
            "windows block it). Your answers last only until this page is closed or reloaded: "
            "before that, open my-answers.ipynb and download them.")


def browser_storage_problem(path: Path) -> str | None:
    """Why answers saved at ``path`` would be lost with the page (browser edition only)."""
    if sys.platform != "emscripten":
        return None
    absolute = Path(os.path.abspath(path))
    if absolute.parts[:2] != ("/", BROWSER_DRIVE.strip("/")):
        return NOT_KEPT
    try:  # mounted, but each call fails when the service worker that serves it is missing
        os.listdir(BROWSER_DRIVE)
    except OSError:
        return NOT_KEPT
    return None


class AnswerStoreError(RuntimeError):
    """Raised when an answer cannot be saved; the message says why in plain words."""


def writes_allowed() -> bool:
    """False while nbgrader executes a notebook or a run is marked read-only (headless runs)."""
    return not any(os.environ.get(name) for name in READ_ONLY_VARIABLES)


def atomic_write_json(path: Path, payload: dict[str, Any], *, keep_mode: bool = False) -> None:
    """Replace the file atomically and durably (``keep_mode``: with the old file's permissions)."""
    write_json_atomic(path, payload, sort_keys=True, keep_mode=keep_mode)


class AnswerStore:
    """One lesson's answers, keyed by question id.

    Reading never writes. ``set`` takes a file lock, re-reads the file (another tab may have
    saved meanwhile), updates one question and replaces the file atomically. A damaged file is
    renamed aside (never deleted) before the first new save, and ``notices`` says so.
    """

    def __init__(self, path: str | Path, *, lock_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.notices: list[str] = []
        self._snapshot = read_answers(self.path)
        if (problem := browser_storage_problem(self.path)) is not None:
            self.notices.append(problem)
            self._snapshot = AnswerFile()  # nothing readable: no "kept aside" promise either
        elif self._snapshot.problem:
            self.notices.append(
                f"Your saved answers file {self.path.name} {self._snapshot.problem}. "
                "It will be kept aside unchanged when you next save, and this lesson starts empty."
            )


    # -- reading -----------------------------------------------------------------------------
    def get(self, question_id: str, default: Any = None, *, fingerprint: str | None = None) -> Any:
        """The saved value, or ``default``; an answer saved for a different text is not given."""
        entry = self._snapshot.answers.get(question_id)
        if entry is None:
            return default
        saved = entry.get("fingerprint")
        if fingerprint is not None and saved is not None and saved != fingerprint:
            self.notices.append(
                f"The saved answer to {question_id} was made on a different version of the text; "
                "it is kept aside in the answers file and this question starts empty."
            )
            return default
        return entry["value"]

    def all(self) -> dict[str, Any]:
        """Every saved value by question id."""
        return self._snapshot.values()

    def reload(self) -> None:
        self._snapshot = read_answers(self.path)

    # -- writing -----------------------------------------------------------------------------
    def set(self, question_id: str, value: Any, *, fingerprint: str | None = None,
            set_aside: Any = None) -> bool:
        """Save one answer; returns False (and writes nothing) when writes are not allowed.

        ``set_aside`` is an earlier value that could not be fully restored: it is kept in the
        file's ``stale`` section so that nothing the student saved is ever lost.
        """
        if not writes_allowed():
            return False
        try:
            json.dumps(value)
        except (TypeError, ValueError) as err:
            raise AnswerStoreError(
                f"answer to {question_id} cannot be saved as JSON: {err}") from None
        from filelock import FileLock, Timeout

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(str(self.path) + ".lock", timeout=self.lock_timeout):
                current = read_answers(self.path)
                if current.problem:
                    self.keep_aside(current.problem)
                    current = AnswerFile()
                old = current.answers.get(question_id)
                other_text = fingerprint and old and old.get("fingerprint") not in (None,
                                                                                   fingerprint)
                if old and (other_text or set_aside is not None):
                    current.stale.setdefault(question_id, []).append(old)
                current.answers[question_id] = {
                    "value": value,
                    "fingerprint": fingerprint,
                    "saved": datetime.now(UTC).isoformat(timespec="seconds"),
                }
                payload: dict[str, Any] = {"schema_version": SCHEMA_VERSION,
                                           "answers": current.answers}
                if current.stale:
                    payload["stale"] = current.stale
                atomic_write_json(self.path, payload)
                self._snapshot = current
        except Timeout:  # before OSError: filelock's Timeout is a TimeoutError
            raise AnswerStoreError(
                f"another program is holding {self.path.name} (waited {self.lock_timeout:.0f} s); "
                "your change was not saved, try again"
            ) from None
        except OSError as err:
            raise AnswerStoreError(browser_storage_problem(self.path)
                                   or f"{self.path.name} could not be written "
                                      f"({err.strerror or err})") from None
        return True

    def keep_aside(self, problem: str) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.stem}.unreadable-{stamp}{self.path.suffix}")
        counter = 1
        while aside.exists():
            aside = aside.with_name(f"{self.path.stem}.unreadable-{stamp}-{counter}.json")
            counter += 1
        os.replace(self.path, aside)
        self.notices.append(f"The answers file {problem}; it was kept as {aside.name}.")


def load_answers(lesson: str, folder: str | Path | None = None) -> tuple[dict[str, Any], list[str]]:
    """A lesson's saved answers and notices, for graded cells; never raises, never writes."""
    store = AnswerStore(answers_path(lesson, folder))
    return store.all(), list(store.notices)
