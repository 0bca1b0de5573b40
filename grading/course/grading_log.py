"""The course's grading log: one JSON line per graded item or event, appended, never rewritten.

Every score Sourcewise sets or corrects, and every reason a student lost points to something
other than their answers (a damaged answer file, a deleted cell, a timeout), is written here.
Feedback and the per-item export read the latest entry for each (student, lesson, item).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

LOG_FILE = "grading-log.jsonl"


@dataclass(frozen=True)
class LogEntry:
    """One line of the grading log (``item`` is None for a submission-level note)."""

    student: str
    lesson: str
    # graded | restored | corrected | zeroed | error | note | manual (left for a person, with
    # the reason) | overridden (a kernel's score replaced by the instructor-side one)
    event: str
    item: str | None = None
    score: float | None = None
    max_score: float | None = None
    reason: str = ""
    explanation: str = ""
    run: str = ""
    time: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)


def log_path(course: Path) -> Path:
    return Path(course) / LOG_FILE


def append(course: Path, entries: Iterable[LogEntry]) -> int:
    """Append entries (one write per call, so a crash never leaves half a submission)."""
    lines = [entry.to_json() + "\n" for entry in entries]
    if lines:
        with log_path(course).open("a", encoding="utf-8") as handle:
            handle.write("".join(lines))
    return len(lines)


def read(course: Path) -> list[LogEntry]:
    """Every entry, oldest first; a damaged line is skipped, not fatal."""
    path = log_path(course)
    if not path.exists():
        return []
    entries = []
    names = set(LogEntry.__dataclass_fields__)
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(data, dict) and {"student", "lesson", "event"} <= data.keys():
            entries.append(LogEntry(**{k: v for k, v in data.items() if k in names}))
    return entries


def latest_run(entries: Iterable[LogEntry]) -> dict[tuple[str, str], list[LogEntry]]:
    """The entries of the latest grading run of each (student, lesson)."""
    runs: dict[tuple[str, str], list[LogEntry]] = {}
    current: dict[tuple[str, str], str] = {}
    for entry in entries:
        key = (entry.student, entry.lesson)
        if current.get(key) != entry.run:
            current[key] = entry.run
            runs[key] = []
        runs[key].append(entry)
    return runs


def item_entries(entries: Iterable[LogEntry]) -> Mapping[tuple[str, str, str], LogEntry]:
    """The latest entry per (student, lesson, item) from each submission's latest run."""
    found: dict[tuple[str, str, str], LogEntry] = {}
    for (student, lesson), run in latest_run(entries).items():
        for entry in run:
            if entry.item is not None:
                found[(student, lesson, entry.item)] = entry
    return found


