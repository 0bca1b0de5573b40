"""Gradebook import files for Canvas and Moodle, from rosters in each LMS's own export layout.

The course is real (nbgrader, autograded); ``lms_course`` says who scored what and why.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from course_builder import LESSON
from lms_course import lms_course

from sourcewise.grading.cli.main import main
from sourcewise.grading.course.course_errors import CourseError
from sourcewise.grading.course.lms.import_file import write_import_file
from sourcewise.grading.course.lms.roster import RosterError, read_roster

pytestmark = pytest.mark.nbgrader

# A Canvas gradebook export (Grades → Export): Canvas's column names, its indented
# "Points Possible" row, an existing lesson assignment with its Canvas id, another assignment
# that is not a lesson, computed columns, Canvas's test student, and a name with a comma and
# letters outside ASCII.
CANVAS_ROSTER = (
    "Student,ID,SIS User ID,SIS Login ID,Section,90-fixture (4567),Reading log (4568),"
    "Current Score,Unposted Current Score,Final Score,Unposted Final Score\n"
    "    Points Possible,,,,,11.00,5.00,(read only),(read only),(read only),(read only)\n"
    '"Aalto, Aino",101,S-1001,aalto,Period 1,,4.00,80.00,80.00,80.00,80.00\n'
    '"Brook, Ben",102,S-1002,brook,Period 1,,5.00,100.00,100.00,100.00,100.00\n'
    '"Chen, Chao",103,S-1003,chen,Period 2,,,,,,\n'
    '"Dana, Dee",104,S-1004,dana,Period 2,,3.00,60.00,60.00,60.00,60.00\n'
    '"Ångström, Zoë",105,S-1005,zoe,Period 2,,2.00,40.00,40.00,40.00,40.00\n'
    '"Student, Test",106,,,Period 1,,,,,,\n')
# Moodle's grade export (Export → Plain text file) with the username among the profile fields.
MOODLE_ROSTER = (
    "First name,Last name,Username,ID number,Institution,Department,Email address,"
    '"Assignment: Reading log (Real)","Last downloaded from this course"\n'
    "Aino,Aalto,aalto,S-1001,,,aino.aalto@school.example,4.00,1764680000\n"
    "Ben,Brook,brook,S-1002,,,ben.brook@school.example,5.00,1764680000\n"
    "Chao,Chen,chen,S-1003,,,chao.chen@school.example,-,1764680000\n"
    "Dee,Dana,dana,S-1004,,,dee.dana@school.example,3.00,1764680000\n"
    '"Zoë","O\'Brien, Ångström",zoe,S-1005,,,zoe@school.example,2.00,1764680000\n')


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return lms_course(tmp_path_factory.mktemp("lms"))


def _write(folder: Path, name: str, text: str, *, encoding: str = "utf-8",
           newline: str = "\n") -> Path:
    path = folder / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def _table(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


def test_canvas_file_has_canvas_columns_points_row_and_grades(course, tmp_path):
    roster = _write(tmp_path, "canvas.csv", CANVAS_ROSTER)
    summary = write_import_file(course, "canvas", roster, out=tmp_path / "out")
    rows = _table(summary.path)
    # The existing assignment is matched by its name and keeps its Canvas id.
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                       "90-fixture (4567)"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "11"]
    assert rows[2:] == [["Aalto, Aino", "101", "S-1001", "aalto", "Period 1", "11"],
                        ["Brook, Ben", "102", "S-1002", "brook", "Period 1", "0"],
                        ["Chen, Chao", "103", "S-1003", "chen", "Period 2", ""],
                        ["Dana, Dee", "104", "S-1004", "dana", "Period 2", ""]]
    assert summary.waiting == {LESSON: ["Chen, Chao (chen)"]}
    assert summary.missing == {LESSON: ["Dana, Dee (dana)"]}
    assert summary.only_in_gradebook == ["eve"]
    assert summary.only_in_roster == ["Ångström, Zoë (line 7)"]


def test_a_lesson_canvas_does_not_have_yet_becomes_a_new_assignment(course, tmp_path):
    text = CANVAS_ROSTER.replace("90-fixture (4567),", "Essay (4569),")
    summary = write_import_file(course, "canvas", _write(tmp_path, "c.csv", text),
                                out=tmp_path)
    assert _table(summary.path)[0][-1] == "90-fixture"
    assert any("90-fixture: out of 11 (new assignment)" in line for line in summary.lines())


def test_missing_as_zero_writes_zero_only_for_work_never_handed_in(course, tmp_path):
    roster = _write(tmp_path, "canvas.csv", CANVAS_ROSTER)
    summary = write_import_file(course, "canvas", roster, out=tmp_path, missing_as_zero=True)
    cells = {row[3]: row[5] for row in _table(summary.path)[2:]}
    assert cells == {"aalto": "11", "brook": "0", "chen": "", "dana": "0"}


def test_moodle_file_maps_one_identifier_column_and_writes_dash_for_no_grade(course, tmp_path):
    roster = _write(tmp_path, "moodle.csv", MOODLE_ROSTER)
    summary = write_import_file(course, "moodle", roster, out=tmp_path, match="login")
    rows = _table(summary.path)
    assert rows[0] == ["Username", "First name", "Last name", "90-fixture"]
    assert rows[1:] == [["aalto", "Aino", "Aalto", "11"], ["brook", "Ben", "Brook", "0"],
                        ["chen", "Chao", "Chen", ""], ["dana", "Dee", "Dana", "-"]]
    assert any("Map from 'Username' to 'username'" in line for line in summary.lines())
    assert summary.only_in_roster == ["Zoë O'Brien, Ångström (line 6)"]


def test_round_trip_through_each_lms_layout(course, tmp_path):
    """Does the written file read back as that LMS's export, with the gradebook's scores?"""
    for lms, text in (("canvas", CANVAS_ROSTER), ("moodle", MOODLE_ROSTER)):
        summary = write_import_file(course, lms, _write(tmp_path, f"{lms}.csv", text),
                                    out=tmp_path / lms)
        again = read_roster(summary.path)
        assert again.layout == lms
        assert [p.fields["login"] for p in again.people] == ["aalto", "brook", "chen", "dana"]
        header = _table(summary.path)[0]
        column = header.index("90-fixture (4567)" if lms == "canvas" else "90-fixture")
        body = _table(summary.path)[2 if lms == "canvas" else 1:]
        assert [row[column] for row in body] == ["11", "0", "", "" if lms == "canvas" else "-"]
        if lms == "canvas":
            assert again.assignments == ["90-fixture (4567)"]


def test_spreadsheet_saved_rosters_read_the_same(tmp_path):
    """BOM, semicolons, CRLF, quoted names with commas and non-ASCII names."""
    plain = read_roster(_write(tmp_path, "plain.csv", CANVAS_ROSTER))
    excel = CANVAS_ROSTER.replace(",", ";").replace('"Aalto; Aino"', '"Aalto, Aino"')
    for who in ("Brook", "Chen", "Dana", "Ångström", "Student"):
        excel = excel.replace(f'"{who};', f'"{who},')
    saved = read_roster(_write(tmp_path, "excel.csv", "\ufeff" + excel, newline="\r\n"))
    assert [(p.name, p.fields) for p in saved.people] == [(p.name, p.fields)
                                                          for p in plain.people]
    assert [p.name for p in plain.people] == ["Aalto, Aino", "Brook, Ben", "Chen, Chao",
                                              "Dana, Dee", "Ångström, Zoë"]
    assert plain.assignments == ["90-fixture (4567)", "Reading log (4568)"]


@pytest.mark.parametrize(("text", "encoding", "says"), [
    (CANVAS_ROSTER.replace('"Chen, Chao",', '"Chen, Chao,'), "utf-8", "line 5"),
    (CANVAS_ROSTER, "latin-1", "line 7: the file is not UTF-8"),
    (CANVAS_ROSTER.replace('"Dana, Dee"', "Dana, Dee"), "utf-8", "line 6: 12 fields"),
    ("PK\x03\x04\x00\x00binary", "utf-8", "binary data"),
    ("name,score\nAino,4\n", "utf-8", "line 1"),
    (CANVAS_ROSTER.replace("S-1004,dana", "S-1004,aalto"), "utf-8", "line 6: login id"),
])
def test_an_unreadable_roster_is_refused_with_line_and_reason(course, tmp_path, text,
                                                              encoding, says):
    roster = _write(tmp_path, "bad.csv", text, encoding=encoding)
    out = tmp_path / "out"
    with pytest.raises(RosterError, match=says):
        write_import_file(course, "canvas", roster, out=out)
    assert not out.exists()


def test_choices_that_cannot_work_are_refused_before_writing(course, tmp_path):
    canvas = _write(tmp_path, "canvas.csv", CANVAS_ROSTER)
    with pytest.raises(CourseError, match="no e-mail address column"):
        write_import_file(course, "canvas", canvas, out=tmp_path / "a", match="email")
    with pytest.raises(CourseError, match="is a Canvas export"):
        write_import_file(course, "moodle", canvas, out=tmp_path / "b")
    with pytest.raises(CourseError, match="no student of the gradebook"):
        write_import_file(course, "canvas", canvas, out=tmp_path / "c", match="sis")
    assert not any((tmp_path / d).exists() for d in "abc")


def test_cli_prints_who_waits_and_who_is_on_one_list_only(course, tmp_path, capsys):
    roster = _write(tmp_path, "moodle.csv", MOODLE_ROSTER)
    assert main(["export", str(course), "--lms", "moodle", "--roster", str(roster),
                 "--match", "sis", "--out", str(tmp_path / "x")]) == 1
    assert "no student of the gradebook" in capsys.readouterr().err
    assert main(["export", str(course), "--lms", "moodle", "--roster", str(roster),
                 "--out", str(tmp_path / "out")]) == 0
    said = capsys.readouterr().out
    assert "waiting for manual grading: Chao Chen (chen)" in said
    assert "not submitted, written as no grade: Dee Dana (dana)" in said
    assert "not in the roster (no grade written; check their login id): eve" in said
    assert "in the roster but not in the gradebook" in said and "Zoë O'Brien" in said
    assert (tmp_path / "out" / "moodle-import.csv").is_file()
    assert main(["export", str(course), "--lms", "canvas"]) == 1
    assert "needs --roster FILE" in capsys.readouterr().err
