"""``sourcewise service status DIR``: what the grade-on-submit service has queued and done."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sourcewise.grading.course.service.queue_state import (
    STATUSES,
    SubmissionQueue,
    read_log,
)
from sourcewise.grading.course.service.runner import HEARTBEAT_FILE, HEARTBEAT_SECONDS
from sourcewise.grading.course.service.settings import (
    SETTINGS_FILE,
    STATE_DIR,
    read_settings,
)


def _heartbeat(folder: Path) -> str:
    path = folder / HEARTBEAT_FILE
    try:
        pid, stamp = path.read_text().split()
        age = (datetime.now(UTC) - datetime.fromisoformat(stamp)).total_seconds()
    except (OSError, ValueError):
        return "service: not started yet (no heartbeat)"
    if age <= 3 * HEARTBEAT_SECONDS:
        return f"service: running (pid {pid}, last heartbeat {age:.0f} s ago)"
    return f"service: not running (last heartbeat {age:.0f} s ago, pid {pid})"


def service_status(course: Path, *, log_lines: int = 15) -> list[str]:
    """The lines the command prints: settings, heartbeat, counts, the queue, the log's tail."""
    settings = read_settings(course)
    folder = Path(course).resolve() / STATE_DIR
    queue = SubmissionQueue(folder)
    lines = [f"grade on submit ({SETTINGS_FILE}): {', '.join(settings.lessons) or 'no lessons'}",
             f"inbound: {settings.inbound}", _heartbeat(folder)]
    counts = Counter(entry.status for entry in queue.entries.values())
    lines.append("submissions: " + ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES))
    seconds = sorted(e.seconds for e in queue.entries.values()
                     if e.status == "graded" and e.seconds is not None)
    if seconds:
        lines.append(f"grading time (noticed -> feedback released): median "
                     f"{seconds[len(seconds) // 2]:.2f} s, max {seconds[-1]:.2f} s")
    waiting = queue.queued()
    lines.append(f"queue: {len(waiting)} waiting" + (":" if waiting else ""))
    lines += [f"  {e.student} {e.lesson} (submitted {e.timestamp}, seen {e.seen}"
              + (f", attempt {e.attempts}: {e.reason}" if e.attempts else "") + ")"
              for e in waiting]
    problems = [e for e in queue.entries.values() if e.status in ("refused", "failed")]
    if problems:
        lines.append("not graded:")
        lines += [f"  {e.student} {e.lesson} {e.status}: {e.reason}" for e in problems]
    log = read_log(folder, log_lines)
    lines.append(f"log ({folder / 'service-log.jsonl'}, last {len(log)}):")
    for record in log:
        rest = " ".join(f"{k}={v}" for k, v in record.items() if k not in ("time", "event"))
        lines.append(f"  {record.get('time', '?')} {record.get('event', '?')} {rest}")
    return lines
