"""All of a student's answers in one file: the answers bundle, collected and read back.

The browser edition keeps a student's files in that browser only, so a student downloads every
answer as one JSON file, loads it on another device, or hands it in to a course::

    {"format": "sourcewise-answers", "version": 1, "created": "2031-04-08T10:00:00+00:00",
     "student": "alice" | null, "article": "isis-morale-2014",
     "lessons": {"01-claims": {"answers": <answers/01-claims.json as saved>,
                               "written": {"l01-claims_text": "markdown text"}}}}

``answers`` is a lesson's answers file exactly as the widgets saved it; ``written`` holds the
text of the notebook's written-answer cells (nbgrader solution cells) by grade id. A bundle is
student-controlled data: :func:`parse_bundle` caps its size and nesting, checks its shape with a
JSON Schema that ships with the package (``schema/answers-bundle.schema.json``), checks each
lesson's answers by the answers-file rules, and allows only plain names for lessons and answer
cells. Every defect raises :class:`BundleError` with one sentence a student can act on.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sourcewise.seeds.article import SEED_ARTICLE

from .answer_file import (
    ANSWERS_FOLDER,
    NOTEBOOK_MAX_BYTES,
    SCHEMA_VERSION,
    AnswerFile,
    load_bounded_json,
    load_notebook_json,
    parse_answers,
    read_answers,
    read_regular,
)
from .answer_file import MAX_DEPTH as ANSWERS_MAX_DEPTH

FORMAT = "sourcewise-answers"
VERSION = 1
# Seven lessons' answers are about 150 KB; a file near this limit is not a student's work.
MAX_BYTES = 10_000_000
# An answers file may nest 16 levels; in a bundle it sits 3 levels down (lessons, name, answers).
MAX_DEPTH = ANSWERS_MAX_DEPTH + 3
# What a written-answer cell holds in the student release before the student writes in it.
PLACEHOLDER = "YOUR ANSWER HERE"
DEFAULT_ARTICLE = SEED_ARTICLE
SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "answers-bundle.schema.json"
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
NAME_RULE = "only letters, digits, '-', '_' and '.' are allowed, and no '/' or '..'"


class BundleError(ValueError):
    """An answers file that cannot be used; the message is one plain sentence."""


def safe_name(name: Any, max_length: int = 100) -> bool:
    """A lesson or answer-cell name that cannot point outside its folder."""
    return (isinstance(name, str) and len(name) <= max_length and ".." not in name
            and SAFE_NAME.fullmatch(name) is not None)


@dataclass(frozen=True)
class LessonAnswers:
    """One lesson of a bundle: its answers file (None when the bundle has none) and the written
    answers by grade id."""

    answers: AnswerFile | None = None
    written: Mapping[str, str] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        if self.answers is not None:
            entry["answers"] = answers_payload(self.answers)
        if self.written:
            entry["written"] = dict(self.written)
        return entry


@dataclass(frozen=True)
class Bundle:
    """A read and checked answers bundle."""

    article: str
    lessons: Mapping[str, LessonAnswers]
    created: str = ""
    student: str | None = None

    def data(self) -> dict[str, Any]:
        """The bundle as JSON data (what :func:`bundle_bytes` writes)."""
        return {"format": FORMAT, "version": VERSION, "created": self.created,
                "student": self.student, "article": self.article,
                "lessons": {stem: lesson.data() for stem, lesson in self.lessons.items()}}


def answers_payload(answers: AnswerFile) -> dict[str, Any]:
    """An answers file's content as the widgets' answer store writes it."""
    payload: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "answers": answers.answers}
    if answers.stale:
        payload["stale"] = answers.stale
    return payload


# --- notebooks ------------------------------------------------------------------------------

def read_notebook(path: Path) -> dict[str, Any]:
    """A notebook as plain JSON, bounded like every reader of student files (ValueError)."""
    try:
        raw = read_regular(Path(path), NOTEBOOK_MAX_BYTES)
    except OSError as err:
        raise ValueError(f"{Path(path).name} could not be read "
                         f"({err.strerror or err})") from None
    return load_notebook_json(raw, Path(path).name)


def cell_text(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def written_grade_id(cell: Any) -> str | None:
    """The grade id of a written-answer cell (a markdown nbgrader solution cell), else None."""
    if not isinstance(cell, Mapping) or cell.get("cell_type") != "markdown":
        return None
    meta = cell.get("metadata")
    grading = meta.get("nbgrader") if isinstance(meta, Mapping) else None
    if not isinstance(grading, Mapping) or grading.get("solution") is not True:
        return None
    grade_id = grading.get("grade_id")
    return grade_id if safe_name(grade_id, 200) else None


def unanswered(text: str) -> bool:
    """True for a written answer that is blank or still the release's placeholder."""
    return text.strip() in ("", PLACEHOLDER)


def written_answers(notebook: Mapping[str, Any]) -> dict[str, str]:
    """The student's written answers of a notebook by grade id (blank cells left out)."""
    found: dict[str, str] = {}
    for cell in notebook.get("cells", []):
        grade_id = written_grade_id(cell)
        if grade_id is not None and grade_id not in found and not unanswered(cell_text(cell)):
            found[grade_id] = cell_text(cell)
    return found


def notebook_article(notebook: Mapping[str, Any]) -> str:
    """The article a lesson notebook is about: named in its cells' metadata when it is not
    the seed article (generated lessons), else the seed."""
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata") if isinstance(cell, Mapping) else None
        spec = meta.get("sourcewise") if isinstance(meta, Mapping) else None
        article = spec.get("article") if isinstance(spec, Mapping) else None
        if safe_name(article):
            return str(article)
    return DEFAULT_ARTICLE


# --- collecting ------------------------------------------------------------------------------

@dataclass
class Collected:
    """A bundle built from a folder, and what could not go into it (plain sentences)."""

    bundle: Bundle
    notes: list[str] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        return self.bundle.data()


def lesson_home(folder: str | Path, stem: str) -> Path:
    """Where a lesson's notebook and ``answers/`` live: ``folder`` itself (a working folder, the
    browser edition) or ``folder/<lesson>/`` (a course: nbgrader fetches each lesson into a
    folder of its name)."""
    nested = Path(folder) / stem
    return nested if (nested / f"{stem}.ipynb").is_file() else Path(folder)


def _lesson_files(folder: Path) -> tuple[dict[str, Path], dict[str, Path]]:
    notebooks = {p.stem: p for p in sorted(folder.glob("*.ipynb")) if safe_name(p.stem)}
    answers = {p.stem: p for p in sorted((folder / ANSWERS_FOLDER).glob("*.json"))
               if safe_name(p.stem) and ".unreadable-" not in p.name}
    for nested in sorted(folder.glob("*/*.ipynb")):
        stem = nested.stem
        if nested.parent.name != stem or not safe_name(stem) or stem in notebooks:
            continue
        notebooks[stem] = nested
        saved = nested.parent / ANSWERS_FOLDER / f"{stem}.json"
        if saved.is_file():
            answers.setdefault(stem, saved)
    return notebooks, answers


def folder_article(folder: str | Path) -> str | None:
    """The article the lesson notebooks of a folder are about (None: no lesson notebook)."""
    for path in _lesson_files(Path(folder))[0].values():
        try:
            notebook = read_notebook(path)
        except ValueError:
            continue
        if any(isinstance(c, Mapping) and isinstance(c.get("metadata"), Mapping)
               and "nbgrader" in c["metadata"] for c in notebook["cells"]):
            return notebook_article(notebook)
    return None


def collect_bundle(folder: str | Path, *, student: str | None = None,
                   article: str | None = None, now: datetime | None = None) -> Collected:
    """Every answer of the lessons in ``folder``: ``answers/<lesson>.json`` and the written
    answers of ``<lesson>.ipynb``. Reads only; a file that cannot be read is left out with a
    note. Lessons with nothing answered are left out."""
    folder = Path(folder)
    notebooks, answer_files = _lesson_files(folder)
    notes: list[str] = []
    lessons: dict[str, LessonAnswers] = {}
    articles: list[str] = []
    for stem in sorted(set(notebooks) | set(answer_files)):
        answers: AnswerFile | None = None
        if stem in answer_files:
            saved = read_answers(answer_files[stem])
            if saved.problem:
                notes.append(f"Your answers file {ANSWERS_FOLDER}/{stem}.json {saved.problem}, "
                             "so its answers are not in the download.")
            elif saved.answers or saved.stale:
                answers = saved
        written: dict[str, str] = {}
        if stem in notebooks:
            try:
                notebook = read_notebook(notebooks[stem])
                written = written_answers(notebook)
                if written or answers is not None:
                    articles.append(notebook_article(notebook))
            except ValueError as err:
                notes.append(f"{err}, so its written answers are not in the download.")
        if answers is not None or written:
            lessons[stem] = LessonAnswers(answers, written)
    name = (student or "").strip()[:200] or None
    chosen = article or (max(set(articles), key=articles.count) if articles else DEFAULT_ARTICLE)
    created = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    bundle = Bundle(chosen, lessons, created, name)
    size = len(bundle_bytes(bundle))
    if size > MAX_BYTES:
        raise BundleError(f"Your answers come to {size:,} bytes, more than the {MAX_BYTES:,} "
                          "one download may hold.")
    return Collected(bundle, notes)


def bundle_bytes(bundle: Bundle) -> bytes:
    """The bundle as the UTF-8 JSON file a student downloads."""
    return (json.dumps(bundle.data(), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def bundle_filename(day: date | None = None) -> str:
    """``sourcewise-answers-YYYY-MM-DD.json`` (today, local time, by default)."""
    day = day or datetime.now().astimezone().date()
    return f"sourcewise-answers-{day.isoformat()}.json"


# --- reading ---------------------------------------------------------------------------------

@cache
def _validator() -> Any:
    import fastjsonschema

    return fastjsonschema.compile(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _check_names(lessons: Mapping[str, Any]) -> None:
    for stem, entry in lessons.items():
        if not safe_name(stem):
            raise BundleError(f"This file names a lesson {stem[:80]!r}, which is not a lesson "
                              f"name ({NAME_RULE}).")
        if not isinstance(entry, dict):
            raise BundleError(f"This file's entry for lesson {stem} is not a group of answers.")
        unknown = sorted(set(entry) - {"answers", "written"})
        if unknown:
            raise BundleError(f"This file's entry for lesson {stem} has parts Sourcewise does "
                              f"not know ({', '.join(repr(u[:40]) for u in unknown[:3])}).")
        if "answers" in entry and not isinstance(entry["answers"], dict):
            raise BundleError(f"This file's answers for lesson {stem} are not an answers "
                              "file's content.")
        written = entry.get("written", {})
        if not isinstance(written, dict):
            raise BundleError(f"This file's written answers for lesson {stem} are not a list "
                              "of answers by name.")
        for grade_id, text in written.items():
            if not safe_name(grade_id, 200):
                raise BundleError(f"This file's lesson {stem} names a written answer "
                                  f"{grade_id[:80]!r}, which is not an answer cell's name "
                                  f"({NAME_RULE}).")
            if not isinstance(text, str):
                raise BundleError(f"This file's written answer {grade_id} of lesson {stem} is "
                                  "not text.")


def _check_top(data: Any) -> None:
    if not isinstance(data, dict):
        raise BundleError("This file is not a Sourcewise answers download (it holds no named "
                          "parts at all).")
    if data.get("format") != FORMAT:
        if "answers" in data and "schema_version" in data:
            raise BundleError("This file is one lesson's answers file (answers/<lesson>.json), "
                              "not a download of all your answers; use 'Download all my "
                              "answers' to make one.")
        raise BundleError('This file is not a Sourcewise answers download (it does not say '
                          f'"format": "{FORMAT}").')
    version = data.get("version")
    if type(version) is not int or version != VERSION:
        raise BundleError(f"This file was made by another version of Sourcewise (download "
                          f"format {str(version)[:20]!r}; this one reads format {VERSION}).")
    if not isinstance(data.get("lessons"), dict):
        raise BundleError("This file has no list of lessons by name, so it holds no answers "
                          "to load.")
    student = data.get("student")
    if student is not None and not isinstance(student, str):
        raise BundleError("This file's name or student ID is not text.")
    if not safe_name(data.get("article")):
        raise BundleError("This file does not say which article its answers are about (its "
                          f'"article" must be an article id: {NAME_RULE}).')


def parse_bundle(raw: bytes) -> Bundle:
    """A bundle's bytes, checked; :class:`BundleError` says what is wrong."""
    data, problem = load_bounded_json(bytes(raw), what="an answers download",
                                      max_bytes=MAX_BYTES, max_depth=MAX_DEPTH)
    if problem:
        raise BundleError(f"This file {problem}.")
    _check_top(data)
    _check_names(data["lessons"])
    import fastjsonschema

    try:
        _validator()(data)
    except fastjsonschema.JsonSchemaValueException as err:
        where = (err.name or "data").replace("data.", "", 1).replace("data", "the file")
        raise BundleError(f"This file does not have the shape of a Sourcewise answers download "
                          f"({where} {err.message.split(' ', 1)[-1][:200]}).") from None
    lessons: dict[str, LessonAnswers] = {}
    for stem, entry in data["lessons"].items():
        answers = None
        if "answers" in entry:
            answers = parse_answers(json.dumps(entry["answers"]).encode("utf-8"))
            if answers.problem:
                # "(answers.q1 data.answers.q1 must be object)" -> "(answers.q1 must be object)"
                problem = re.sub(r"(\S+) data\.\1\b", r"\1", answers.problem)
                raise BundleError(f"This file's copy of {ANSWERS_FOLDER}/{stem}.json {problem}.")
        lessons[stem] = LessonAnswers(answers, dict(entry.get("written", {})))
    created = data.get("created")
    return Bundle(data["article"], lessons, created if isinstance(created, str) else "",
                  data.get("student"))


def read_bundle(source: bytes | bytearray | memoryview | str | Path) -> Bundle:
    """A bundle from bytes or from a file (read with the same size limit, never via a link)."""
    if isinstance(source, bytes | bytearray | memoryview):
        return parse_bundle(bytes(source))
    path = Path(source)
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise BundleError(f"There is no file {path}.") from None
    except OSError as err:
        raise BundleError(f"The file {path} could not be read ({err.strerror}).") from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        raise BundleError(f"{path} is not a regular file (a link or a folder is not read).")
    if info.st_size > MAX_BYTES:
        raise BundleError(f"This file is too large to be an answers download "
                          f"({info.st_size:,} bytes; the limit is {MAX_BYTES:,}).")
    try:
        raw = read_regular(path, MAX_BYTES)
    except OSError as err:
        raise BundleError(f"The file {path} could not be read "
                          f"({err.strerror or err}).") from None
    return parse_bundle(raw)
