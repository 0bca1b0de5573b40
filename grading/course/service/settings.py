"""Which lessons are graded on submit (``grade-on-submit.toml``) and where the exchange is.

The setting lives in the course folder, beside ``nbgrader_config.py``, so that it travels with
the course and the instructor switches a lesson on or off by editing one line; the service
reads it again whenever the file changes (no restart needed)::

    # Lessons that `sourcewise service run` grades the moment a student submits.
    lessons = ["01-claims", "05-weighing"]
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sourcewise.grading.course.course_errors import CourseError

SETTINGS_FILE = "grade-on-submit.toml"
STATE_DIR = ".sourcewise-service"
KEYS = {"lessons", "check_owner", "workers", "poll_seconds"}
# What nbgrader's exchange puts in a student id here: a Unix user name (never "/" or "..").
STUDENT_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$")


@dataclass(frozen=True)
class ServiceSettings:
    """The service's view of one course: lessons switched on, nbgrader's exchange folders."""

    course: Path
    course_id: str
    lessons: tuple[str, ...]
    inbound: Path
    before_duedate: bool = False
    check_owner: bool = True
    workers: int = 2
    poll_seconds: float = 0.3

    @property
    def state_dir(self) -> Path:
        return self.course / STATE_DIR


def settings_path(course: Path) -> Path:
    return Path(course) / SETTINGS_FILE


def read_settings(course: Path) -> ServiceSettings:
    """The settings of ``course``; a ``CourseError`` naming the file and the line to fix."""
    from sourcewise.grading.course.course_folder import course_lessons
    from sourcewise.grading.course.nbgrader_env import load_config

    course = Path(course).resolve()
    path = settings_path(course)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"{path} not found: write the lessons to grade on submit into it, "
                          'e.g. lessons = ["01-claims"]') from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise CourseError(f"{path} is not valid TOML ({err})") from None
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise CourseError(f"{path}: unknown setting {unknown[0]!r} (known: "
                          f"{', '.join(sorted(KEYS))})")
    lessons = data.get("lessons", [])
    if not isinstance(lessons, list) or not all(isinstance(x, str) for x in lessons):
        raise CourseError(f'{path}: lessons must be a list of lesson ids, e.g. ["01-claims"]')
    known = course_lessons(course)
    missing = [lesson for lesson in lessons if lesson not in known]
    if missing:
        raise CourseError(f"{path}: {missing[0]} is not a lesson of this course (its lessons: "
                          f"{', '.join(known)})")
    workers, poll = data.get("workers", 2), data.get("poll_seconds", 0.3)
    if not isinstance(workers, int) or not 1 <= workers <= 16:
        raise CourseError(f"{path}: workers must be a whole number from 1 to 16")
    if not isinstance(poll, int | float) or not 0.05 <= poll <= 10:
        raise CourseError(f"{path}: poll_seconds must be a number from 0.05 to 10")
    config = load_config(course)
    course_id = config.CourseDirectory.course_id
    root = config.Exchange.root if "root" in config.Exchange else ""
    if not course_id or not root:
        raise CourseError(f"{course / 'nbgrader_config.py'} must set CourseDirectory.course_id "
                          "and Exchange.root for the service to find submissions")
    collect = config.get("CollectApp", {})
    return ServiceSettings(course, course_id, tuple(dict.fromkeys(lessons)),
                           Path(root) / course_id / "inbound",
                           before_duedate=bool(collect.get("before_duedate", False)),
                           check_owner=bool(data.get("check_owner", True)),
                           workers=workers, poll_seconds=float(poll))
