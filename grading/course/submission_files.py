"""What of a submission folder may be read and copied: regular files inside it, within limits.

nbgrader follows symbolic links when it copies a submission, so an answers file that links to
``/etc/passwd`` would be copied, contents and all, into ``autograded/`` and into the feedback a
student gets back. Everything here works on the folder without following links: a link, a
device, a pipe or a socket is refused with a reason, and only regular files are copied, read
with ``O_NOFOLLOW``. Files in ``submitted/`` are never modified.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

# A lesson folder holds a notebook, an answers file and a timestamp; these limits leave room
# for a student's own extra files and stop a submission from filling the grader's disk.
MAX_FILES = 500
MAX_FILE_BYTES = 50_000_000
MAX_TOTAL_BYTES = 200_000_000
MAX_DEPTH = 8
COPY_CHUNK = 1 << 20


@dataclass
class Screened:
    """The regular files of a submission (relative paths) and what was refused, with reasons."""

    files: list[Path] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    total_bytes: int = 0


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a link to another file"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def screen(folder: Path) -> Screened:
    """Walk ``folder`` without following links and sort its entries into files and refusals."""
    found = Screened()
    root = Path(folder)
    try:
        root_mode = os.lstat(root).st_mode
    except OSError as err:
        found.refused.append(f"the submission folder could not be read ({err.strerror})")
        return found
    if not stat.S_ISDIR(root_mode):
        found.refused.append(f"the submission is {_kind(root_mode)}, not a folder")
        return found
    pending = [(root, 0)]
    while pending:
        directory, depth = pending.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as err:
            found.refused.append(f"{directory.relative_to(root)}/ could not be read "
                                 f"({err.strerror})")
            continue
        for entry in entries:
            relative = Path(entry.path).relative_to(root)
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as err:
                found.refused.append(f"{relative} could not be read ({err.strerror})")
                continue
            if stat.S_ISDIR(info.st_mode):
                if depth + 1 > MAX_DEPTH:
                    found.refused.append(f"{relative}/ is nested more than {MAX_DEPTH} folders "
                                         "deep; it was not copied")
                else:
                    pending.append((Path(entry.path), depth + 1))
            elif not stat.S_ISREG(info.st_mode):
                found.refused.append(f"{relative} is {_kind(info.st_mode)}; it was not read "
                                     "or copied (hand in the file itself)")
            elif info.st_size > MAX_FILE_BYTES:
                found.refused.append(f"{relative} is too large ({info.st_size:,} bytes; the "
                                     f"limit is {MAX_FILE_BYTES:,}); it was not copied")
            elif len(found.files) >= MAX_FILES:
                found.refused.append(f"{relative}: the submission has more than {MAX_FILES} "
                                     "files; the rest were not copied")
            elif found.total_bytes + info.st_size > MAX_TOTAL_BYTES:
                found.refused.append(f"{relative}: the submission is larger than "
                                     f"{MAX_TOTAL_BYTES:,} bytes; the rest was not copied")
            else:
                found.files.append(relative)
                found.total_bytes += info.st_size
    found.files.sort()
    return found


def copy_screened(source: Path, files: list[Path], target: Path) -> list[str]:
    """Copy the screened files into a fresh ``target``; returns problems (files skipped)."""
    problems = []
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for relative in files:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(source / relative, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as src, open(destination, "wb") as dst:
                if not stat.S_ISREG(os.fstat(src.fileno()).st_mode):
                    raise OSError(0, "not a regular file")
                shutil.copyfileobj(src, dst, COPY_CHUNK)
        except OSError as err:
            destination.unlink(missing_ok=True)
            problems.append(f"{relative} could not be copied ({err.strerror or err})")
    return problems


@dataclass
class LessonNotebook:
    """Which top-level notebook of a submission is the lesson's, and which are set aside."""

    chosen: Path | None
    set_aside: list[Path] = field(default_factory=list)
    renamed: bool = False


def lesson_notebook(files: list[Path], lesson: str) -> LessonNotebook:
    """The lesson's notebook among a submission's screened files.

    nbgrader grades (and writes feedback for) every top-level notebook of a submission, so one
    stray ``Untitled.ipynb`` or a second download ``01-claims (1).ipynb`` fails the student's
    whole feedback. Only the lesson's notebook is graded; if it is missing and exactly one other
    notebook is there, that one is taken as the lesson's (a renamed download).
    """
    own = Path(f"{lesson}.ipynb")
    top = [p for p in files if len(p.parts) == 1 and p.suffix == ".ipynb"]
    if own in top:
        return LessonNotebook(own, [p for p in top if p != own])
    if len(top) == 1:
        return LessonNotebook(top[0], [], renamed=True)
    return LessonNotebook(None, top)
