"""Canvas's gradebook import file: identity columns, a "Points Possible" row, a column a lesson.

The layout is the one Canvas's own gradebook export writes and its "Import" accepts: the
columns Student, ID, SIS User ID and SIS Login ID identify the student, Section follows; the
second row carries "Points Possible" in the Student column and each assignment's maximum.
An assignment column whose header is ``Name (123)`` updates the assignment with Canvas id
123; a header Canvas does not know creates a new assignment with that name and the points of
the second row. A cell left empty is "no grade" in Canvas (not 0).
"""

from __future__ import annotations

import csv
import io
import re

from sourcewise.grading.course.lms.lesson_grades import number
from sourcewise.grading.course.lms.roster import CANVAS_COLUMNS, Person

IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
# Canvas's export indents the label; its importer recognises the row by it.
POINTS_ROW_LABEL = "    Points Possible"
NO_GRADE = ""
_ID_SUFFIX = re.compile(r"\s*\((\d+)\)\s*$")


def assignment_title(header: str) -> str:
    """``"90-fixture (4567)"`` → ``"90-fixture"``: the name Canvas shows for a column."""
    return _ID_SUFFIX.sub("", header).strip()


def lesson_headers(lessons: list[str], existing: list[str]) -> dict[str, str]:
    """The column header for each lesson: the existing assignment's own header (with its
    Canvas id) when the roster has an assignment of that name, else the lesson's name (Canvas
    then creates the assignment)."""
    by_title: dict[str, str] = {}
    for header in existing:
        by_title.setdefault(assignment_title(header).casefold(), header)
    return {lesson: by_title.get(lesson.casefold(), lesson) for lesson in lessons}


def canvas_file(people: list[Person], headers: dict[str, str], maxima: dict[str, float],
                cells: dict[tuple[int, str], str]) -> bytes:
    """The import file; ``cells[(roster line, lesson)]`` is the grade text (``""``: none)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    lessons = list(headers)
    writer.writerow(IDENTITY + [headers[lesson] for lesson in lessons])
    writer.writerow([POINTS_ROW_LABEL, "", "", "", ""]
                    + [number(maxima[lesson]) for lesson in lessons])
    keys = [key for key in CANVAS_COLUMNS if key != "name"]
    for person in people:
        writer.writerow([person.name] + [person.fields.get(key, "") for key in keys]
                        + [cells.get((person.line, lesson), NO_GRADE) for lesson in lessons])
    return buffer.getvalue().encode("utf-8")

