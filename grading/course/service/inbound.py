"""nbgrader's exchange inbound folder: find new submissions and collect one, as nbgrader does.

A student's Submit writes ``inbound/<student>+<lesson>+<timestamp>+<random>/``; nothing there is
ever deleted (nbgrader keeps every submission; the latest counts). Collecting copies one such
folder to ``submitted/<student>/<lesson>/`` through the same screening as autograde: links,
devices, pipes and oversized files are not copied and the reasons go to the student's
feedback. nbgrader's own collect only *warns* when a folder's owner is not the student it
names; on a hub anyone can write into ``inbound/``, so the service refuses such a folder.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import uuid

from sourcewise.grading.course.service.queue_state import Entry
from sourcewise.grading.course.service.settings import STUDENT_ID, ServiceSettings
from sourcewise.grading.course.submission_files import copy_screened, screen


def parse_name(name: str, lessons: tuple[str, ...]) -> Entry | None:
    """The entry of an inbound folder name, or None when it is not a submission of ``lessons``
    (nbgrader splits from the right, so a user name may hold a '+')."""
    from nbgrader.utils import parse_utc

    parts = name.rsplit("+", 3)
    if len(parts) < 3 or parts[1] not in lessons:
        return None
    try:
        timestamp = parse_utc(parts[2])
    except (ValueError, OverflowError, TypeError):
        return None
    return Entry(name, parts[0], parts[1], timestamp.isoformat())


def scan(settings: ServiceSettings) -> list[Entry]:
    """Every submission folder of the switched-on lessons now in the inbound folder."""
    try:
        names = os.listdir(settings.inbound)
    except FileNotFoundError:  # nothing released yet
        return []
    found = [parse_name(name, settings.lessons) for name in names]
    return sorted((e for e in found if e is not None), key=lambda e: e.timestamp)


def refusal(settings: ServiceSettings, entry: Entry) -> str:
    """Why a submission folder is not collected at all, or ''."""
    if not STUDENT_ID.match(entry.student):
        return f"the student id {entry.student!r} is not a user name"
    path = settings.inbound / entry.name
    try:
        info = os.lstat(path)
    except OSError as err:
        return f"the submission folder could not be read ({err.strerror})"
    if not stat.S_ISDIR(info.st_mode):
        return "the submission is not a folder"
    if settings.check_owner:
        try:
            owner = pwd.getpwuid(info.st_uid).pw_name
        except KeyError:
            owner = f"user id {info.st_uid}"
        if owner != entry.student:
            return (f"it names {entry.student} as its student but was written by {owner} "
                    "(set check_owner = false in grade-on-submit.toml if user names and "
                    "student ids differ)")
    return ""


def collect(settings: ServiceSettings, entry: Entry) -> list[str]:
    """Copy one inbound folder to ``submitted/<student>/<lesson>/`` (replacing the earlier
    one there, as ``nbgrader collect --update`` does); returns the notes for the student."""
    source = settings.inbound / entry.name
    screened = screen(source)
    notes = [f"Not graded: {reason}." for reason in screened.refused]
    target = settings.course / "submitted" / entry.student / entry.lesson
    target.parent.mkdir(parents=True, exist_ok=True)
    # Copied beside the target first, then swapped in: a kill half-way leaves the previous
    # submission in place (and this one still queued), never half a folder.
    fresh = target.parent / f".{entry.lesson}.collecting-{uuid.uuid4().hex[:8]}"
    notes += copy_screened(source, screened.files, fresh)
    old = target.parent / f".{entry.lesson}.replaced-{uuid.uuid4().hex[:8]}"
    if target.exists() or target.is_symlink():
        os.replace(target, old)
    os.replace(fresh, target)
    if old.is_symlink() or old.is_file():
        old.unlink()
    elif old.exists():
        shutil.rmtree(old)
    return notes
