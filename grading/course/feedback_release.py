"""``sourcewise release-feedback``: return every feedback page, however the work arrived.

nbgrader's ``release_feedback`` reads ``timestamp.txt`` and ``submission_secret.txt`` beside
each page and stops with ``FileNotFoundError`` on the first submission that has none — a folder
copied by hand or a download filed by ``sourcewise accept`` — leaving the rest of the class
unreleased (nbgrader 0.9.6, ``exchange/default/release_feedback.py``). Here each page goes
where its student can get it:

* a submission made through the exchange (it has ``submission_secret.txt``): into the
  exchange's ``feedback/`` folder under nbgrader's own name (md5 of secret + notebook id), so
  ``nbgrader fetch_feedback`` and the Assignments tab find it, exactly as nbgrader releases it;
* any other submission: into ``returned/<student>/<lesson>/`` in the course folder, to hand
  back by hand, e-mail or the LMS (the student never used the exchange, so it could not fetch).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sourcewise.grading.answer_file import read_regular
from sourcewise.grading.course.course_errors import CourseError

SECRET_FILE = "submission_secret.txt"
RETURNED_FOLDER = "returned"


@dataclass
class Released:
    """Where each page went: (student, lesson, page) for the exchange and for hand-back."""

    exchange: list[tuple[str, str, Path]] = field(default_factory=list)
    returned: list[tuple[str, str, Path]] = field(default_factory=list)


def exchange_feedback_folder(course: Path) -> Path:
    """``<Exchange.root>/<course id>/feedback`` from the course's nbgrader config."""
    from sourcewise.grading.course.nbgrader_env import load_config

    config = load_config(course)
    root = config.get("Exchange", {}).get("root") or "/srv/nbgrader/exchange"
    course_id = config.get("CourseDirectory", {}).get("course_id") or ""
    if not course_id:
        raise CourseError(f"{course}/nbgrader_config.py sets no CourseDirectory.course_id, so "
                          "the exchange folder of the course is unknown")
    return Path(root) / course_id / "feedback"


def _copy(page: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(page, partial)
    partial.replace(target)  # a student fetching at this moment never reads half a page


def release_feedback(course: Path, lessons: Sequence[str] | None = None,
                     students: Sequence[str] | None = None) -> Released:
    """Release the pages under ``feedback/`` (of the given lessons and students)."""
    from nbgrader.utils import notebook_hash

    from sourcewise.grading.course.results.feedback_page import SHARED_FOLDER

    course = Path(course)
    done = Released()
    outbound: Path | None = None
    for folder in sorted((course / "feedback").glob("*/*")):
        student, lesson = folder.parent.name, folder.name
        if student == SHARED_FOLDER or not folder.is_dir():
            continue  # the lessons' shared stylesheet, or a student's summary page
        if (lessons and lesson not in lessons) or (students and student not in students):
            continue
        secret_path = course / "submitted" / student / lesson / SECRET_FILE
        secret = ""
        if secret_path.is_file() and not secret_path.is_symlink():
            secret = read_regular(secret_path, 1000).decode("utf-8", errors="replace").strip()
        for page in sorted(folder.glob("*.html")):
            if secret:
                outbound = outbound or exchange_feedback_folder(course)
                name = notebook_hash(secret=secret, notebook_id=page.stem) + ".html"
                _copy(page, outbound / name)
                done.exchange.append((student, lesson, outbound / name))
            else:
                target = course / RETURNED_FOLDER / student / lesson / page.name
                _copy(page, target)
                done.returned.append((student, lesson, target))
    return done


def release_command(course: Path, lessons: Sequence[str] | None = None,
                    students: Sequence[str] | None = None) -> int:
    """The command: release, then say where the pages went."""
    done = release_feedback(course, lessons, students)
    if not done.exchange and not done.returned:
        print(f"error: no feedback pages under {Path(course) / 'feedback'}"
              + (f" for {', '.join(students)}" if students else "")
              + f": run 'sourcewise feedback {course}' first", file=sys.stderr)
        return 1
    if done.exchange:
        print(f"released {len(done.exchange)} page(s) to the exchange: students get them with "
              "'Fetch Feedback' in the Assignments tab (or nbgrader fetch_feedback)")
    if done.returned:
        who = sorted({student for student, _, _ in done.returned})
        print(f"{len(done.returned)} page(s) of work that did not come through the exchange "
              f"are in {Path(course) / RETURNED_FOLDER}/<student>/<lesson>/, to hand back: "
              f"{', '.join(who[:20])}{' …' if len(who) > 20 else ''}")
    return 0
