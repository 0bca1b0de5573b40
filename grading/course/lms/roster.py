"""The roster an LMS exports (Canvas's gradebook CSV, Moodle's grade or participants export).

Spreadsheets save these files in many shapes: a UTF-8 byte-order mark (Excel), ``;`` as the
separator (Excel in locales with a decimal comma), CRLF line ends, quoted names that hold a
comma ("Ångström, Zoë"). All of those read the same; a file that cannot be read is refused
with its line number and the reason, before anything is written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from sourcewise.grading.course.course_errors import CourseError

# The identity columns of each LMS's export, by what they hold.
CANVAS_COLUMNS = {"name": "Student", "canvas_id": "ID", "sis": "SIS User ID",
                  "login": "SIS Login ID", "section": "Section"}
MOODLE_COLUMNS = {"first": "First name", "last": "Last name", "sis": "ID number",
                  "email": "Email address", "login": "Username"}
# Canvas's export puts this label (indented) in the Student column of its second row.
POINTS_POSSIBLE = "Points Possible"
# Columns of Canvas's export that Canvas computes; they are not assignments.
CANVAS_COMPUTED = ("Current Score", "Unposted Current Score", "Final Score",
                   "Unposted Final Score", "Current Grade", "Unposted Current Grade",
                   "Final Grade", "Unposted Final Grade", "Current Points", "Final Points",
                   "Override Score", "Override Grade", "Integration ID", "Notes")
MATCH_FIELDS = ("login", "sis", "email")
MATCH_LABELS = {"login": "login id", "sis": "SIS id", "email": "e-mail address"}


class RosterError(CourseError):
    """A roster file that cannot be read; the message names the line and the reason."""


@dataclass(frozen=True)
class Person:
    """One user in the LMS's roster, with the identity fields the export carries."""

    name: str
    fields: dict[str, str]
    line: int

    def key(self, match: str) -> str:
        return self.fields.get(match, "").strip().casefold()


@dataclass
class Roster:
    """Who the LMS lists, and (Canvas) which assignment columns it already has."""

    layout: str  # "canvas" or "moodle"
    path: Path
    people: list[Person] = field(default_factory=list)
    assignments: list[str] = field(default_factory=list)  # headers as the LMS wrote them

    def has_field(self, match: str) -> bool:
        columns = CANVAS_COLUMNS if self.layout == "canvas" else MOODLE_COLUMNS
        return match in columns and any(p.fields.get(match) for p in self.people)


def _decode(path: Path, raw: bytes) -> str:
    text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else None
    if text is None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            line = raw[:err.start].count(b"\n") + 1
            raise RosterError(f"{path}, line {line}: the file is not UTF-8 text (save it from "
                              "the spreadsheet as 'CSV UTF-8')") from None
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise RosterError(f"{path}, line {line}: the file holds binary data, not CSV text "
                          "(is it a spreadsheet file saved as .xlsx?)")
    return text


def _separator(path: Path, header: str) -> str:
    """``,`` or ``;``: whichever splits the header into the known columns."""
    known = {c.casefold() for c in (*CANVAS_COLUMNS.values(), *MOODLE_COLUMNS.values())}
    best, found = ",", -1
    for sep in (",", ";", "\t"):
        cells = next(csv.reader([header], delimiter=sep), [])
        hits = sum(cell.strip().casefold() in known for cell in cells)
        if hits > found:
            best, found = sep, hits
    if found <= 0:
        raise RosterError(f"{path}, line 1: the header names none of the columns of a Canvas "
                          "gradebook export (Student, ID, SIS User ID, SIS Login ID, Section) "
                          "or a Moodle export (First name, Last name, ID number, Email "
                          "address)")
    return best


def _rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
    """The CSV records with the line each starts on (a quoted field may span lines)."""
    header = text.splitlines()[0] if text.strip() else ""
    if not header.strip():
        raise RosterError(f"{path}, line 1: the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(path, header),
                        strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            rows.append((start, record))
            start = reader.line_num + 1
    except csv.Error as err:
        raise RosterError(f"{path}, line {start}: {err} (a quote that is opened and never "
                          "closed?)") from None
    return rows


def read_roster(path: Path) -> Roster:
    """The roster in ``path``, its layout recognised from the header row."""
    path = Path(path)
    raw = path.read_bytes()
    rows = _rows(path, _decode(path, raw))
    header = [cell.strip() for cell in rows[0][1]]
    index = {name.casefold(): i for i, name in enumerate(header)}
    canvas = {"student", "sis login id"} <= set(index) or {"student", "id"} <= set(index)
    moodle = {"first name", "last name"} <= set(index)
    if not canvas and not moodle:
        raise RosterError(f"{path}, line 1: this is neither a Canvas gradebook export (it "
                          "needs the columns Student and SIS Login ID) nor a Moodle export "
                          "(it needs First name and Last name)")
    layout = "canvas" if canvas else "moodle"
    columns = CANVAS_COLUMNS if canvas else MOODLE_COLUMNS
    where = {key: index[label.casefold()] for key, label in columns.items()
             if label.casefold() in index}
    roster = Roster(layout, path)
    if canvas:
        identity = {index[c.casefold()] for c in CANVAS_COLUMNS.values()
                    if c.casefold() in index}
        roster.assignments = [h for i, h in enumerate(header) if i not in identity and h
                              and not h.startswith(CANVAS_COMPUTED)]
    seen: dict[tuple[str, str], int] = {}
    for line, record in rows[1:]:
        if not any(cell.strip() for cell in record):
            continue  # blank lines a spreadsheet leaves at the end
        if len(record) > len(header) and any(c.strip() for c in record[len(header):]):
            raise RosterError(f"{path}, line {line}: {len(record)} fields but the header has "
                              f"{len(header)} (an unquoted name with a comma?)")
        cell = {key: (record[i].strip() if i < len(record) else "") for key, i in where.items()}
        if canvas and cell.get("name", "") in (POINTS_POSSIBLE, "Student, Test", "Test Student"):
            continue  # Canvas's points row and its built-in test student
        if canvas and cell.get("name", "").startswith(("Manual Posting", "Read Only")):
            continue
        name = cell.get("name") or " ".join(p for p in (cell.get("first"), cell.get("last"))
                                            if p)
        person = Person(name or f"(no name, line {line})",
                        {k: v for k, v in cell.items() if k != "name"},
                        line)
        for match in MATCH_FIELDS:
            value = person.key(match)
            if value and (match, value) in seen:
                raise RosterError(f"{path}, line {line}: {MATCH_LABELS[match]} "
                                  f"{person.fields[match]!r} is also on line "
                                  f"{seen[(match, value)]}")
            if value:
                seen[(match, value)] = line
        roster.people.append(person)
    if not roster.people:
        raise RosterError(f"{path}: the roster lists no students")
    return roster


@dataclass
class Matched:
    """Which roster person each gradebook student is, and who is on one list only."""

    by_student: dict[str, Person]
    only_in_gradebook: list[str]
    only_in_roster: list[Person]


def match_students(roster: Roster, students: list[str], match: str) -> Matched:
    """Pair nbgrader student ids with roster people by ``match`` (login, sis or email)."""
    if match not in MATCH_FIELDS:
        raise CourseError(f"--match must be one of {', '.join(MATCH_FIELDS)}, not {match!r}")
    if not roster.has_field(match):
        offered = [m for m in MATCH_FIELDS if roster.has_field(m)]
        raise CourseError(f"{roster.path} has no {MATCH_LABELS[match]} column with values "
                          f"({roster.layout} export); use --match "
                          f"{' or '.join(offered) or 'with another roster export'}")
    people = {p.key(match): p for p in roster.people if p.key(match)}
    by_student: dict[str, Person] = {}
    for student in students:
        person = people.get(student.strip().casefold())
        if person is not None:
            by_student[student] = person
    paired = {id(p) for p in by_student.values()}
    return Matched(by_student, [s for s in students if s not in by_student],
                   [p for p in roster.people if id(p) not in paired])
