"""Reading a lesson's answers file: bounded, shape-checked, and never raising.

The answers file is student-controlled data. The same reader serves the widgets (restoring a
student's work), the self-checks and the instructor's grading, so every limit lives here: a size
cap, a nesting-depth cap, and a shape check by a compiled JSON Schema that ships with the package
(``schema/answers.schema.json``). A defect becomes a plain-words ``problem``, never an exception.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
ANSWERS_FOLDER = "answers"
# A full lesson's answers are about 20 KB; anything near these limits is not a student's work.
MAX_BYTES = 2_000_000
MAX_DEPTH = 16
SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "answers.schema.json"


def answers_path(lesson: str, folder: str | Path | None = None) -> Path:
    """Where a lesson's answers live: ``answers/<lesson>.json`` beside the notebook."""
    return Path(folder if folder is not None else Path.cwd()) / ANSWERS_FOLDER / f"{lesson}.json"


@dataclass
class AnswerFile:
    """What an answers file holds: answers by question id, answers kept aside, or a problem."""

    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    stale: dict[str, list[Any]] = field(default_factory=dict)
    problem: str | None = None

    def values(self) -> dict[str, Any]:
        """Every saved value by question id."""
        return {qid: entry["value"] for qid, entry in self.answers.items()}


def nesting_depth(value: Any, limit: int) -> int:
    """Depth of nested lists/dicts (iterative, so a hostile value cannot exhaust the stack);
    stops counting at ``limit + 1``."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children
                         if isinstance(child, dict | list))
    return deepest


def load_bounded_json(raw: bytes, *, what: str, max_bytes: int, max_depth: int) -> tuple[Any, str]:
    """``(value, "")`` or ``(None, problem)`` for JSON bytes from an untrusted source.

    A UTF-8 byte-order mark is accepted (some editors write one); everything else that is not
    plain UTF-8 JSON within the limits is refused with a reason a student can act on.
    """
    if len(raw) > max_bytes:
        return None, (f"is too large to be {what} ({len(raw):,} bytes; the limit is "
                      f"{max_bytes:,})")
    if not raw.strip():
        return None, "is empty"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "is not UTF-8 text"
    try:
        value = json.loads(text)
    except RecursionError:
        return None, f"is nested too deeply to be {what}"
    except json.JSONDecodeError as err:
        return None, (f"is not valid JSON (line {err.lineno}, column {err.colno}: "
                      f"{err.msg}); it may have been cut short or edited by hand")
    except ValueError as err:  # e.g. a number too long to convert
        return None, f"holds a value that cannot be read ({err})"
    if nesting_depth(value, max_depth) > max_depth:
        return None, f"is nested too deeply to be {what} (more than {max_depth} levels)"
    return value, ""


def read_regular(path: Path, limit: int) -> bytes:
    """Up to ``limit + 1`` bytes of a regular file, refusing to follow a link (OSError)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(0, "not a regular file")
        return handle.read(limit + 1)


# A lesson notebook with outputs is well under 5 MB; widget state and plots nest ~20 levels.
NOTEBOOK_MAX_BYTES = 50_000_000
NOTEBOOK_MAX_DEPTH = 64


def load_notebook_json(raw: bytes, name: str = "the notebook") -> dict[str, Any]:
    """Notebook bytes as plain JSON with a list of cells, bounded in size and nesting depth
    like every reader of student data (ValueError says what is wrong)."""
    data, problem = load_bounded_json(raw, what="a notebook", max_bytes=NOTEBOOK_MAX_BYTES,
                                      max_depth=NOTEBOOK_MAX_DEPTH)
    if problem:
        raise ValueError(f"{name} {problem}")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise ValueError(f"{name} is not a notebook (it has no list of cells)")
    return data


@cache
def _validator() -> Any:
    import fastjsonschema

    return fastjsonschema.compile(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def parse_answers(raw: bytes) -> AnswerFile:
    """An answers file's bytes as an :class:`AnswerFile` (a defect becomes ``problem``)."""
    data, problem = load_bounded_json(raw, what="an answers file", max_bytes=MAX_BYTES,
                                      max_depth=MAX_DEPTH)
    if problem:
        return AnswerFile(problem=problem)
    if not isinstance(data, dict) or "answers" not in data:
        return AnswerFile(problem="is not a Sourcewise answers file (no 'answers' section)")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        return AnswerFile(problem=f"was written by another version of Sourcewise "
                                  f"(format {version!r}; this one reads {SCHEMA_VERSION})")
    import fastjsonschema

    try:
        _validator()(data)
    except fastjsonschema.JsonSchemaValueException as err:
        where = err.name.replace("data.", "", 1) if err.name else "the file"
        return AnswerFile(problem=f"is not a Sourcewise answers file ({where} {err.message})")
    stale = data.get("stale") or {}
    return AnswerFile(answers=dict(data["answers"]), stale=dict(stale))


def read_answers(path: str | Path) -> AnswerFile:
    """Read an answers file; a missing file is an empty one. Symlinks and special files are
    refused (a submission must not make the grader read files outside it)."""
    path = Path(path)
    try:
        info = path.lstat()
    except FileNotFoundError:
        return AnswerFile()
    except OSError as err:
        return AnswerFile(problem=f"could not be read ({err.strerror})")
    if stat.S_ISLNK(info.st_mode):
        return AnswerFile(problem="is a link to another file, not an answers file; it was not "
                                  "read")
    if not stat.S_ISREG(info.st_mode):
        return AnswerFile(problem="is not a regular file; it was not read")
    if info.st_size > MAX_BYTES:
        return AnswerFile(problem=f"is too large to be an answers file ({info.st_size:,} "
                                  f"bytes; the limit is {MAX_BYTES:,})")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as err:
        return AnswerFile(problem=f"could not be read ({err.strerror})")
    return parse_answers(raw)
