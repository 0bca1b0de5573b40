"""The service's durable queue: one entry per submission folder of the exchange, and its log.

``queue.json`` is rewritten whole with the one atomic writer (temp file, fsync, rename) after
every change, so a service killed at any moment finds on restart exactly what it had seen and
what it had finished: an entry still ``queued`` (or one whose grading was cut short) is graded
again, and grading the same folder twice gives the same gradebook rows, never a second row.
``service-log.jsonl`` is appended, one line per event, for ``sourcewise service status``.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sourcewise.grading.atomic_write import write_json_atomic

QUEUE_FILE = "queue.json"
LOG_FILE = "service-log.jsonl"
VERSION = 1
MAX_ATTEMPTS = 3  # a submission that stops the service this often is set aside, not retried

# queued: seen, not graded yet | graded: gradebook, feedback and release done |
# superseded: a later submission of the same student and lesson counts (this one stays on disk)
# refused: not graded, with the reason | failed: grading went wrong MAX_ATTEMPTS times
STATUSES = ("queued", "graded", "superseded", "refused", "failed")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class Entry:
    """One submission folder of the exchange's inbound folder."""

    name: str
    student: str
    lesson: str
    timestamp: str  # nbgrader's, from the folder name (UTC, ISO)
    status: str = "queued"
    seen: str = ""
    done: str = ""
    attempts: int = 0
    seconds: float | None = None  # from noticing it to its feedback being released
    reason: str = ""


class SubmissionQueue:
    """``queue.json`` in memory; every change is saved before the call returns."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / QUEUE_FILE
        self.lock = threading.RLock()
        self.entries: dict[str, Entry] = {}
        if self.path.exists():
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries = {name: Entry(**fields)
                            for name, fields in data.get("submissions", {}).items()}

    def save(self) -> None:
        with self.lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_json_atomic(self.path, {"version": VERSION, "submissions": {
                name: asdict(entry) for name, entry in self.entries.items()}})

    def add(self, entries: list[Entry]) -> list[Entry]:
        """Queue the entries not seen before (saved at once); returns those."""
        with self.lock:
            new = [entry for entry in entries if entry.name not in self.entries]
            for entry in new:
                entry.seen = entry.seen or now()
                self.entries[entry.name] = entry
            if new:
                self.save()
            return new

    def update(self, name: str, **fields: Any) -> Entry:
        with self.lock:
            entry = self.entries[name]
            for key, value in fields.items():
                setattr(entry, key, value)
            self.save()
            return entry

    def queued(self) -> list[Entry]:
        with self.lock:
            return sorted((e for e in self.entries.values() if e.status == "queued"),
                          key=lambda e: (e.seen, e.timestamp))

    def graded_timestamp(self, student: str, lesson: str) -> str:
        """The timestamp of the submission that counts now for a student and lesson, or ''."""
        with self.lock:
            return max((e.timestamp for e in self.entries.values() if e.status == "graded"
                        and e.student == student and e.lesson == lesson), default="")


def append_log(folder: Path, event: str, **fields: Any) -> None:
    """One line of the service log (flushed and synced: it is what the instructor reads)."""
    folder.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"time": now(), "event": event, **fields}, ensure_ascii=False)
    with open(folder / LOG_FILE, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def read_log(folder: Path, last: int = 20) -> list[dict[str, Any]]:
    path = Path(folder) / LOG_FILE
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()[-last:]
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:  # a line cut short by a kill: skip it
            continue
    return out
