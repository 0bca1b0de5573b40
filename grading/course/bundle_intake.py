"""``sourcewise accept``: hand in a student's answers download as an nbgrader submission.

A student of the browser edition hands in one file (``sourcewise-answers-….json``) instead of a
folder. For each of its lessons that is an assignment of the course this writes
``submitted/<student>/<lesson>/`` as nbgrader's exchange would: the release notebook with the
written answers in its answer cells, ``answers/<lesson>.json`` exactly as the student's widgets
saved it, and ``timestamp.txt`` (when the student made the file, from the download's
``created``, in nbgrader's format) with ``accepted.txt`` beside it (when it was accepted).
``sourcewise autograde`` then grades it like any other submission. An existing submission is
never replaced silently: without ``--replace`` nothing is written, and with it the old one is
moved to ``submitted-replaced/<student>/`` (never deleted).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sourcewise.grading.answer_bundle import (
    Bundle,
    BundleError,
    answers_payload,
    notebook_article,
    read_bundle,
)
from sourcewise.grading.answer_file import ANSWERS_FOLDER
from sourcewise.grading.answer_merge import fill_written
from sourcewise.grading.atomic_write import write_json_atomic
from sourcewise.grading.course.gradebook_rows import TIMESTAMP_FILE
from sourcewise.lessons.lesson_cells import lesson_sources, read_notebook_json

# nbgrader's Exchange.timestamp_format, in UTC as its exchange writes it.
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
REPLACED_FOLDER = "submitted-replaced"
ACCEPTED_FILE = "accepted.txt"  # when `sourcewise accept` filed it (timestamp.txt: when made)
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}")


class IntakeError(ValueError):
    """A bundle that cannot be accepted; the message says why and what to do."""


@dataclass
class Intake:
    """What accepting one bundle did."""

    student: str
    accepted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # lessons that are not assignments
    replaced: dict[str, Path] = field(default_factory=dict)  # lesson -> where the old one went
    notes: list[str] = field(default_factory=list)


def student_id(bundle: Bundle, given: str | None) -> str:
    """The student id to file the submission under: ``given``, else the bundle's own."""
    chosen = given if given is not None else bundle.student
    if chosen is None or not chosen.strip():
        raise IntakeError("the file does not say whose answers it holds (no name or student "
                          "ID); give one with --student ID")
    if not STUDENT_ID.fullmatch(chosen) or ".." in chosen:
        source = "--student" if given is not None else "the file's name or student ID"
        raise IntakeError(f"{source} {chosen[:80]!r} cannot be used as a student id (only "
                          "letters, digits and '_', '.', '@', '+', '-', starting with a letter "
                          "or digit, no '..'); give one with --student ID")
    return chosen


def submission_notebook(release: Path, written: dict[str, str]) -> tuple[dict[str, Any],
                                                                          list[str]]:
    """The release notebook with the written answers in its answer cells, and the grade ids
    of written answers it has no cell for."""
    notebook = read_notebook_json(release)
    merge = fill_written(notebook, written, "the student's answers file")
    return notebook, merge.missing


def _check(course: Path, bundle: Bundle, wanted: list[str]) -> None:
    for lesson in wanted:
        release = course / "release" / lesson / f"{lesson}.ipynb"
        if not release.is_file():
            raise IntakeError(f"the course has no release of {lesson} ({release}); run "
                              f"'sourcewise course build {course}' first")
        try:
            source = read_notebook_json(course / "source" / lesson / f"{lesson}.ipynb")
        except ValueError as err:
            raise IntakeError(f"the course's source of {lesson} cannot be used ({err})") from None
        article = notebook_article(source)
        if article != bundle.article:
            raise IntakeError(f"the file holds answers about the article {bundle.article!r}, "
                              f"but this course's {lesson} is about {article!r}")


def made_at(bundle: Bundle, accepted: datetime) -> tuple[datetime, str]:
    """When the student made the file (its ``created``), which is when they handed it in; the
    acceptance time, with a note, when that is missing, unreadable or later than acceptance."""
    try:
        created = datetime.fromisoformat(bundle.created) if bundle.created else None
    except ValueError:
        created = None
    if created is not None and created.tzinfo is None:
        created = None  # a time without an offset cannot be placed
    if created is None:
        return accepted, ("the file does not say when it was made; the time it was accepted "
                          "is recorded as its submission time")
    if created > accepted + timedelta(minutes=5):
        return accepted, (f"the file says it was made at {bundle.created}, after it was "
                          "accepted; the time it was accepted is recorded instead")
    return created, ""


def _write_submission(folder: Path, lesson: str, release: Path, bundle: Bundle,
                      stamp: str, accepted: str) -> list[str]:
    entry = bundle.lessons[lesson]
    notebook, missing = submission_notebook(release, dict(entry.written))
    write_json_atomic(folder / f"{lesson}.ipynb", notebook)
    if entry.answers is not None:
        (folder / ANSWERS_FOLDER).mkdir(parents=True, exist_ok=True)
        write_json_atomic(folder / ANSWERS_FOLDER / f"{lesson}.json",
                          answers_payload(entry.answers))
    (folder / TIMESTAMP_FILE).write_text(stamp, encoding="utf-8")
    (folder / ACCEPTED_FILE).write_text(accepted, encoding="utf-8")
    return missing


def accept_bundle(course: str | Path, bundle_file: str | Path, *, student: str | None = None,
                  replace: bool = False, now: datetime | None = None) -> Intake:
    """File one answers download as submissions of ``course`` (IntakeError: nothing written)."""
    course = Path(course).resolve()
    assignments = lesson_sources(course)
    if not assignments:
        raise IntakeError(f"{course} is not a Sourcewise course folder (no lessons under "
                          "source/); run 'sourcewise course init' first")
    try:
        bundle = read_bundle(bundle_file)
    except BundleError as err:
        raise IntakeError(str(err)) from None
    sid = student_id(bundle, student)
    intake = Intake(sid)
    wanted = [lesson for lesson in bundle.lessons if lesson in assignments]
    intake.skipped = [lesson for lesson in bundle.lessons if lesson not in assignments]
    if not wanted:
        raise IntakeError(f"none of the file's lessons ({', '.join(bundle.lessons) or 'none'}) "
                          f"is an assignment of this course ({', '.join(assignments)})")
    _check(course, bundle, wanted)
    student_dir = course / "submitted" / sid
    existing = [lesson for lesson in wanted
                if (student_dir / lesson).exists() or (student_dir / lesson).is_symlink()]
    if existing and not replace:
        raise IntakeError(f"{sid} already has a submission of {', '.join(existing)} "
                          f"(in {student_dir}); nothing was changed. Add --replace to put this "
                          f"one in its place (the old one is moved to {REPLACED_FOLDER}/{sid}/)")
    moment = now or datetime.now(UTC)
    made, made_note = made_at(bundle, moment)
    if made_note:
        intake.notes.append(made_note)
    stamp = made.astimezone(UTC).strftime(TIMESTAMP_FORMAT)
    accepted = moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)
    student_dir.mkdir(parents=True, exist_ok=True)
    # Every lesson is written in full beside its place first, so a failure leaves none half-done.
    staged: dict[str, Path] = {}
    try:
        for lesson in wanted:
            staged[lesson] = Path(tempfile.mkdtemp(prefix=f".{lesson}.incoming-",
                                                   dir=student_dir))
            release = course / "release" / lesson / f"{lesson}.ipynb"
            missing = _write_submission(staged[lesson], lesson, release, bundle, stamp,
                                        accepted)
            if missing:
                intake.notes.append(f"{lesson}: the release has no answer cell for "
                                    f"{', '.join(missing)}; those written answers were left "
                                    "out")
            _usual_permissions(staged[lesson])
        for lesson, staging in staged.items():
            target = student_dir / lesson
            if lesson in existing:
                aside = _free(course / REPLACED_FOLDER / sid,
                              f"{lesson}-{moment.strftime('%Y%m%d-%H%M%S')}")
                aside.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, aside)
                intake.replaced[lesson] = aside
            os.replace(staging, target)
            intake.accepted.append(lesson)
    finally:
        for staging in staged.values():
            if staging.exists():
                shutil.rmtree(staging)
    return intake


def _usual_permissions(folder: Path) -> None:
    """What the umask gives new files (temp files and folders start private)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(folder, 0o777 & ~mask)
    for path in folder.rglob("*"):
        os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~mask)


def _free(folder: Path, name: str) -> Path:
    candidate, number = folder / name, 1
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = folder / f"{name}-{number}"
    return candidate


def accept_command(course: Path, bundles: Sequence[Path], *, student: str | None = None,
                   replace: bool = False) -> int:
    """The ``sourcewise accept`` command: each bundle in turn; 1 when any was refused."""
    if student is not None and len(bundles) > 1:
        print("error: --student names one student; give it with one file only",
              file=sys.stderr)
        return 2
    failed = 0
    for path in bundles:
        try:
            intake = accept_bundle(course, path, student=student, replace=replace)
        except IntakeError as err:
            print(f"error: {path}: {err}", file=sys.stderr)
            failed += 1
            continue
        except (OSError, ValueError) as err:
            print(f"error: {path}: could not write the submission ({err}); check "
                  f"{Path(course) / 'submitted'}", file=sys.stderr)
            failed += 1
            continue
        print(f"{path}: accepted {', '.join(intake.accepted)} for {intake.student} "
              f"(in {Path(course) / 'submitted' / intake.student})")
        for lesson, aside in intake.replaced.items():
            print(f"  the earlier submission of {lesson} was moved to {aside}")
        if intake.skipped:
            print(f"  not assignments of this course, left out: {', '.join(intake.skipped)}")
        for note in intake.notes:
            print(f"  note: {note}")
    if not failed:
        print(f"next: sourcewise autograde {course}")
    return 1 if failed else 0
