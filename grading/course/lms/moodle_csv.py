"""Moodle's "Import grades from CSV" file: one identifier column, then one column per grade item.

Moodle's importer (``grade/import/csv``) asks which column identifies the user ("Map from")
and which user field it holds ("Map to": username, ID number, email address or the user id),
and maps every other column to an existing grade item or a new one. A value ``-`` (or an
empty cell) is "no grade"; any row whose user Moodle cannot find stops the whole import, so
only students found in the roster are written.
"""

from __future__ import annotations

import csv
import io

from sourcewise.grading.course.lms.roster import MOODLE_COLUMNS, Person

NO_GRADE = "-"
# Moodle's "Map to" field for each way of matching students.
MAP_TO = {"login": "username", "sis": "idnumber", "email": "email"}


def moodle_file(people: list[Person], lessons: list[str], match: str,
                cells: dict[tuple[int, str], str]) -> bytes:
    """The import file, identified by the roster column of ``match``."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([MOODLE_COLUMNS[match], MOODLE_COLUMNS["first"], MOODLE_COLUMNS["last"],
                     *lessons])
    for person in people:
        writer.writerow([person.fields.get(match, ""), person.fields.get("first", ""),
                         person.fields.get("last", "")]
                        + [cells.get((person.line, lesson), "") for lesson in lessons])
    return buffer.getvalue().encode("utf-8")
