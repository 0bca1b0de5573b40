"""Due dates, per-student extensions and an optional late penalty, and each hand-in's status.

They live in the course folder in ``due-dates.json`` (written by ``sourcewise course init/build
--due``, readable and editable by hand)::

    {"lessons": {"01-claims": "2031-04-08T23:59:00+02:00"},
     "extensions": {"alice": {"01-claims": "2d"}},
     "late_penalty": {"percent_per_day": 10, "max_percent": 50}}

A time without an offset is the grading machine's local time (stored with its offset). An
extension is a number of days, hours or minutes (``2d``, ``36h``, ``90m``). nbgrader keeps the
due date of an assignment in its gradebook (``Assignment.duedate``, naive UTC) and a student's
extension on their submission (``SubmittedAssignment.extension``); :func:`apply_to_gradebook`
writes both there, so formgrader and nbgrader's own lateness columns agree with Sourcewise.
The late penalty is optional and only reported (export, report): the gradebook's scores stay
the ones graded, and the instructor decides.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sourcewise.grading.atomic_write import write_json_atomic
from sourcewise.grading.course.course_errors import CourseError

DUE_FILE = "due-dates.json"
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([dhm])\s*$")
UNITS = {"d": "days", "h": "hours", "m": "minutes"}


@dataclass(frozen=True)
class DueDates:
    """A course's due dates (aware datetimes), extensions and late policy."""

    lessons: Mapping[str, datetime]
    extensions: Mapping[str, Mapping[str, timedelta]]
    percent_per_day: float = 0.0
    max_percent: float = 100.0

    def due_for(self, student: str, lesson: str) -> datetime | None:
        due = self.lessons.get(lesson)
        if due is None:
            return None
        return due + self.extensions.get(student, {}).get(lesson, timedelta(0))

    def penalty(self, late_by: timedelta | None) -> float:
        """Percent taken off for lateness: per started day, capped (0 without a policy)."""
        if not late_by or late_by <= timedelta(0) or not self.percent_per_day:
            return 0.0
        days = math.ceil(late_by / timedelta(days=1))
        return min(self.max_percent, days * self.percent_per_day)


def parse_when(text: str) -> datetime:
    """An ISO 8601 time; without an offset, this machine's local time."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CourseError(f"{text!r} is not a date and time (write it as 2031-04-08T23:59 or "
                          "2031-04-08T23:59+02:00)") from None
    return when if when.tzinfo is not None else when.astimezone()


def parse_duration(text: str) -> timedelta:
    match = DURATION.match(str(text))
    if match is None:
        raise CourseError(f"{text!r} is not an extension (write it as 2d, 36h or 90m)")
    return timedelta(**{UNITS[match.group(2)]: float(match.group(1))})


def read_due_dates(course: Path) -> DueDates:
    """The course's due dates (none set: an empty policy)."""
    path = Path(course) / DUE_FILE
    if not path.exists():
        return DueDates({}, {})
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        lessons = {lesson: parse_when(when) for lesson, when in data.get("lessons", {}).items()}
        extensions = {student: {lesson: parse_duration(length) for lesson, length in
                                per.items()} for student, per in
                      data.get("extensions", {}).items()}
        policy = data.get("late_penalty") or {}
        return DueDates(lessons, extensions, float(policy.get("percent_per_day", 0.0)),
                        float(policy.get("max_percent", 100.0)))
    except (ValueError, AttributeError, TypeError) as err:
        raise CourseError(f"{path} cannot be used ({err}); fix it by hand (its format is in "
                          "the README, 'Due dates and late work')") from None


def set_due_dates(course: Path, due: Sequence[str] = (), extensions: Sequence[str] = (),
                  late_penalty: str | None = None, lessons: Sequence[str] | None = None) -> int:
    """Merge ``LESSON=WHEN``, ``STUDENT:LESSON=LENGTH`` and ``PERCENT[/MAX]`` into the file."""
    data = merged_due_dates(course, due, extensions, late_penalty, lessons)
    if due or extensions or late_penalty is not None:
        write_json_atomic(Path(course) / DUE_FILE, data)
    return len(due) + len(extensions)


def merged_due_dates(course: Path, due: Sequence[str] = (), extensions: Sequence[str] = (),
                     late_penalty: str | None = None, lessons: Sequence[str] | None = None
                     ) -> dict[str, Any]:
    """The file's content with the options merged in (CourseError on a bad option; nothing
    is written, so ``course init`` checks them before it makes anything)."""
    path = Path(course) / DUE_FILE
    data: dict[str, Any] = {"lessons": {}, "extensions": {}}
    if path.exists():
        read_due_dates(course)  # a damaged file is said, not overwritten
        data.update(json.loads(path.read_text(encoding="utf-8")))
    for item in due:
        lesson, _, when = item.partition("=")
        if not when or (lessons is not None and lesson not in lessons):
            raise CourseError(f"--due {item!r}: write LESSON=WHEN with a lesson of this course"
                              + (f" ({', '.join(lessons)})" if lessons else ""))
        data["lessons"][lesson] = parse_when(when).isoformat(timespec="minutes")
    for item in extensions:
        who, _, length = item.partition("=")
        student, _, lesson = who.partition(":")
        if not (student and lesson and length):
            raise CourseError(f"--extension {item!r}: write STUDENT:LESSON=LENGTH, e.g. "
                              "alice:01-claims=2d")
        parse_duration(length)
        data["extensions"].setdefault(student, {})[lesson] = length.strip()
    if late_penalty is not None:
        per_day, _, cap = late_penalty.partition("/")
        try:
            data["late_penalty"] = {"percent_per_day": float(per_day),
                                    "max_percent": float(cap) if cap else 100.0}
        except ValueError:
            raise CourseError(f"--late-penalty {late_penalty!r}: write PERCENT_PER_DAY or "
                              "PERCENT_PER_DAY/MAX, e.g. 10/50") from None
    return data


def apply_to_gradebook(course: Path) -> None:
    """Due dates onto nbgrader's assignments, extensions onto existing submissions."""
    from nbgrader.api import MissingEntry

    from sourcewise.grading.course.nbgrader_env import gradebook

    dates = read_due_dates(course)
    if not dates.lessons and not dates.extensions:
        return
    with gradebook(course) as gb:
        for lesson, due in dates.lessons.items():
            try:
                assignment = gb.find_assignment(lesson)
            except MissingEntry:
                continue  # not built yet: course build sets it
            assignment.duedate = due.astimezone(UTC).replace(tzinfo=None)
        for student, per in dates.extensions.items():
            for lesson, length in per.items():
                try:
                    gb.find_submission(lesson, student).extension = length
                except MissingEntry:
                    continue
        gb.db.commit()


@dataclass(frozen=True)
class SubmissionStatus:
    """Whether a student handed a lesson in, when, and how late."""

    state: str  # "submitted" | "late" | "missing" | "not yet due" | "not submitted"
    submitted: datetime | None = None
    due: datetime | None = None
    late_by: timedelta | None = None
    penalty_percent: float = 0.0

    def describe(self) -> str:
        """Words for a person: 'late by 1 day 3 h', 'submitted (time unknown)'."""
        if self.state == "late" and self.late_by is not None:
            return f"late by {format_delay(self.late_by)}"
        if self.state == "submitted" and self.submitted is None:
            return "submitted (time unknown)"
        return self.state


def format_delay(delay: timedelta) -> str:
    minutes = max(1, int(delay.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} day{'s' if days != 1 else ''}"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if mins and not days:
        parts.append(f"{mins} min")
    return " ".join(parts)


def status_of(dates: DueDates, student: str, lesson: str, folder: Path,
              now: datetime | None = None) -> SubmissionStatus:
    from sourcewise.grading.course.gradebook_rows import submitted_at

    due = dates.due_for(student, lesson)
    if not folder.is_dir():
        moment = now or datetime.now(UTC)
        if due is None:
            return SubmissionStatus("not submitted")
        return SubmissionStatus("missing" if moment > due else "not yet due", due=due)
    when, _ = submitted_at(folder)
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # nbgrader's parse_utc gives naive UTC
    if due is None or when is None or when <= due:
        return SubmissionStatus("submitted", when, due)
    late_by = when - due
    return SubmissionStatus("late", when, due, late_by, dates.penalty(late_by))


def submission_status(course: Path, student: str, lesson: str,
                      now: datetime | None = None) -> SubmissionStatus:
    """Submitted, late by how much, or missing — for export, report and the feedback page."""
    folder = Path(course) / "submitted" / student / lesson
    return status_of(read_due_dates(course), student, lesson, folder, now)
