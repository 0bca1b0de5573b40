"""Hostile and broken submissions: each is graded or refused with a reason, never fatal, and
every other student's grades equal a clean run's."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from course_builder import LESSON, make_course, source_cells, submit

from sourcewise.grading.course import grading_log
from sourcewise.grading.course.autograde.run import autograde_course
from sourcewise.grading.course.autograde.score_only import score_class
from sourcewise.grading.course.nbgrader_env import recorded_grades
from sourcewise.grading.course.results.export import export_course
from sourcewise.grading.course.results.feedback import feedback_course
from sourcewise.grading.course.results.report import report_course
from sourcewise.grading.demo.simulated_class import SimulatedStudent
from sourcewise.grading.item_grading import score_task

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

CLEAN = ["clean-a", "clean-b", "clean-c"]
SECRET = "sourcewise-grader-secret-7f3a"  # a file outside the course the grader can read


def _answers(folder: Path) -> Path:
    return folder / "answers" / f"{LESSON}.json"


def _notebook(folder: Path) -> Path:
    return folder / f"{LESSON}.ipynb"


def _payload(folder: Path) -> dict:
    return json.loads(_answers(folder).read_text(encoding="utf-8"))


def _write(path: Path, data: bytes | str) -> None:
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def _set_value(folder: Path, question: str, value: object) -> None:
    data = _payload(folder)
    data["answers"][question]["value"] = value
    _write(_answers(folder), json.dumps(data))


def _edit_notebook(folder: Path, edit: Callable[[dict], None]) -> None:
    nb = json.loads(_notebook(folder).read_text(encoding="utf-8"))
    edit(nb)
    _write(_notebook(folder), json.dumps(nb))


def _graded_indexes(nb: dict) -> list[int]:
    return [i for i, c in enumerate(nb["cells"])
            if c.get("metadata", {}).get("nbgrader", {}).get("grade") and c["cell_type"] == "code"]


def _symlink_answers(target: Path) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        _answers(folder).unlink()
        os.symlink(target, _answers(folder))
    return make


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


# name -> (what the submission does, "graded" = scored from its answers as usual,
#          "zero" = widget items 0; the word a reason must contain)
Case = tuple[Callable[[Path], None], str, str]


def cases(secret: Path, other: Path) -> dict[str, Case]:
    spans = "q_attribution"
    return {
        "empty-answers": (lambda f: _write(_answers(f), b""), "zero", "is empty"),
        "truncated-answers": (lambda f: _write(_answers(f), _answers(f).read_bytes()[:200]),
                              "zero", "not valid JSON"),
        "latin1-answers": (lambda f: _write(_answers(f), b"\xff\xfe\xfa" * 50), "zero",
                           "not UTF-8"),
        "bom-answers": (lambda f: _write(_answers(f), b"\xef\xbb\xbf" + _answers(f).read_bytes()),
                        "graded", ""),
        "huge-answers": (lambda f: _write(_answers(f), b" " * 3_000_000 + b"{}"), "zero",
                         "too large"),
        "deep-answers": (lambda f: _write(_answers(f), _deep(200_000)), "zero",
                         "nested too deeply"),
        "list-answers": (lambda f: _write(_answers(f), "[1, 2, 3]"), "zero",
                         "not a Sourcewise answers file"),
        "old-version": (lambda f: _write(_answers(f), json.dumps(
            {**_payload(f), "schema_version": 99})), "zero", "another version"),
        "no-version": (lambda f: _write(_answers(f), json.dumps(
            {"answers": _payload(f)["answers"]})), "zero", "another version"),
        "entry-without-value": (lambda f: _write(_answers(f), json.dumps(
            {"schema_version": 1, "answers": {spans: {"saved": "x"}}})), "zero",
            "not a Sourcewise answers file"),
        "too-many-questions": (lambda f: _write(_answers(f), json.dumps(
            {"schema_version": 1, "answers": {f"q{i}": {"value": 1} for i in range(500)}})),
            "zero", "not a Sourcewise answers file"),
        "marks-as-text": (lambda f: _set_value(f, spans, {"marks": "everything"}), "graded", ""),
        "marks-bad-offsets": (lambda f: _set_value(f, spans, {"marks": [
            {"unit": "S1", "start": "x", "end": None, "label": 5},
            {"unit": "S2", "start": -10, "end": 10**12, "label": "own voice"}]}), "graded", ""),
        "many-marks": (lambda f: _set_value(f, spans, {"marks": [
            {"unit": "S1", "start": i % 500, "end": i % 500 + 3, "label": "own voice"}
            for i in range(5000)]}), "graded", ""),
        "nan-and-infinity": (lambda f: _write(_answers(f), _answers(f).read_text().replace(
            '"start": 0', '"start": NaN', 1).replace('"end":', '"end": Infinity, "x":', 1)),
            "graded", ""),
        "value-is-number": (lambda f: _set_value(f, spans, 1e308), "graded", ""),
        "answers-link-outside": (_symlink_answers(secret), "zero", "link"),
        "answers-link-to-classmate": (_symlink_answers(other), "zero", "link"),
        "answers-fifo": (lambda f: (_answers(f).unlink(), os.mkfifo(_answers(f))), "zero",
                         "pipe"),
        "answers-folder-link": (lambda f: (shutil.rmtree(f / "answers"),
                                           os.symlink(other.parent, f / "answers")),
                                "zero", "link"),
        "no-answers": (lambda f: _answers(f).unlink(), "zero", "No answers file"),
        "notebook-link": (lambda f: (_notebook(f).unlink(), os.symlink(secret, _notebook(f))),
                          "graded", "link"),
        "no-notebook": (lambda f: _notebook(f).unlink(), "graded", "No readable notebook"),
        "notebook-not-json": (lambda f: _write(_notebook(f), '{"cells": ['), "graded",
                              "could not be used"),
        "notebook-cells-not-list": (lambda f: _write(_notebook(f), '{"cells": {"a": 1}}'),
                                    "graded", "no list of cells"),
        "notebook-deep": (lambda f: _write(_notebook(f), '{"cells": ' + _deep(100_000) + "}"),
                          "graded", "nested too deeply"),
        "notebook-huge": (lambda f: _write(_notebook(f), b'{"cells": [], "x": "' +
                                           b"a" * 51_000_000 + b'"}'), "graded", "too large"),
        "metadata-as-string": (lambda f: _edit_notebook(f, lambda nb: [
            c.__setitem__("metadata", "nbgrader") for c in nb["cells"][:3]]), "graded",
            "metadata that is not an object"),
        "nbgrader-meta-string": (lambda f: _edit_notebook(f, lambda nb: [
            c["metadata"].__setitem__("nbgrader", "grade") for c in nb["cells"]
            if "nbgrader" in c.get("metadata", {})]), "graded", "deleted"),
        "grade-id-missing": (lambda f: _edit_notebook(f, lambda nb: [
            nb["cells"][i]["metadata"]["nbgrader"].pop("grade_id")
            for i in _graded_indexes(nb)]), "graded", "deleted"),
        "grade-cell-deleted": (lambda f: _edit_notebook(f, lambda nb: nb["cells"].pop(
            _graded_indexes(nb)[0])), "graded", "deleted"),
        "grade-cell-duplicated": (lambda f: _edit_notebook(f, lambda nb: nb["cells"].insert(
            0, json.loads(json.dumps(nb["cells"][_graded_indexes(nb)[0]])))), "graded",
            "more than once"),
        "grade-cell-claims-full-marks": (lambda f: _edit_notebook(f, lambda nb: [
            nb["cells"][i].__setitem__("source", "1000.0") for i in _graded_indexes(nb)]),
            "graded", "edited"),
        "points-edited": (lambda f: _edit_notebook(f, lambda nb: [
            nb["cells"][i]["metadata"]["nbgrader"].__setitem__("points", -1)
            for i in _graded_indexes(nb)]), "graded", ""),
        "grader-shadowed": (lambda f: (
            (f / "sourcewise" / "grading").mkdir(parents=True),
            _write(f / "sourcewise" / "grading" / "__init__.py",
                   "def grade_item(*a, **k):\n    return 1000.0\n")), "graded", ""),
        "helper-replaced-in-cell": (lambda f: _edit_notebook(f, lambda nb: nb["cells"].insert(
            2, {"cell_type": "code", "id": "cheat", "metadata": {}, "outputs": [],
                "execution_count": None,
                "source": "import sourcewise.grading as g\ng.grade_item = lambda *a, **k: 1e9"})),
            "graded", ""),
        "extra-link-file": (lambda f: os.symlink("/etc", f / "etc-link"), "graded", "link"),
        "bad-timestamp": (lambda f: _write(f / "timestamp.txt", "not a time at all"),
                          "graded", "timestamp"),
    }


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("hostile")
    secret = root / "grader-only.txt"
    secret.write_text(SECRET * 20, encoding="utf-8")
    clean_course = make_course(root / "clean", CLEAN)
    expected_answers = {}
    for sid in CLEAN:
        submit(clean_course, SimulatedStudent(sid, 0.6))
    assert autograde_course(clean_course, progress=False) == 0

    course = make_course(root / "mixed", CLEAN)
    for sid in CLEAN:
        submit(course, SimulatedStudent(sid, 0.6))
    other = _answers(course / "submitted" / "clean-a" / LESSON)
    table = cases(secret, other)
    for sid, (make, _, _) in table.items():
        expected_answers[sid] = submit(course, SimulatedStudent(sid, 0.6))
        make(course / "submitted" / sid / LESSON)
    before = {str(p): (p.is_symlink(), p.read_bytes() if p.is_file() and not p.is_symlink()
                       else None)
              for p in (course / "submitted").rglob("*") if not p.is_fifo()}
    code = autograde_course(course, jobs=2, progress=False, add_students=True)
    return {"course": course, "clean": clean_course, "table": table, "code": code,
            "answers": expected_answers, "before": before, "secret": secret}


def _student_grades(course: Path, student: str) -> dict[str, tuple[float | None, bool]]:
    return {g: v for (s, _, g), v in recorded_grades(course).items() if s == student}


def test_there_are_at_least_thirty_bad_inputs(hostile):
    assert len(hostile["table"]) >= 30


def test_every_other_students_grades_equal_a_clean_run(hostile):
    clean, mixed = recorded_grades(hostile["clean"]), recorded_grades(hostile["course"])
    for key, value in clean.items():
        assert mixed[key] == value, key


def test_each_bad_input_is_graded_or_refused_with_a_reason(hostile):
    course = hostile["course"]
    runs = grading_log.latest_run(grading_log.read(course))
    cells = [c for c in source_cells(course) if c.autograded]
    problems = []
    for sid, (_, outcome, word) in hostile["table"].items():
        grades = _student_grades(course, sid)
        reasons = " ".join(e.reason + " " + e.explanation for e in runs[(sid, LESSON)])
        for cell in cells:
            score, pending = grades[cell.grade_id]
            if pending or score is None:
                problems.append(f"{sid}: {cell.grade_id} left without a score")
            elif outcome == "zero" and score != 0.0:
                problems.append(f"{sid}: {cell.grade_id} scored {score}, expected 0")
            elif outcome == "graded" and sid in ("bom-answers", "notebook-link", "no-notebook",
                                                 "grader-shadowed", "helper-replaced-in-cell",
                                                 "grade-cell-claims-full-marks"):
                want = score_task(cell.kind, hostile["answers"][sid].get(cell.question),
                                  cell.key).points(cell.points)
                if abs(score - want) > 1e-9:
                    problems.append(f"{sid}: {cell.grade_id} scored {score}, expected {want}")
            if not 0.0 <= score <= cell.points:
                problems.append(f"{sid}: {cell.grade_id} scored {score} out of range")
        if word and word.lower() not in reasons.lower():
            problems.append(f"{sid}: no reason mentioning {word!r} in: {reasons[:300]}")
    assert not problems, "\n".join(problems)


def test_submitted_files_are_untouched_and_nothing_outside_is_copied(hostile):
    course = hostile["course"]
    after = {str(p): (p.is_symlink(), p.read_bytes() if p.is_file() and not p.is_symlink()
                      else None)
             for p in (course / "submitted").rglob("*") if not p.is_fifo()}
    assert after == hostile["before"]
    for folder in ("autograded", "feedback"):
        for path in (course / folder).rglob("*"):
            assert not path.is_symlink(), path
            if path.is_file():
                assert SECRET.encode() not in path.read_bytes(), path


def test_score_feedback_export_and_report_finish_for_everyone(hostile):
    course = hostile["course"]
    scores = score_class(course)
    assert {s.student for s in scores} >= set(hostile["table"]) | set(CLEAN)
    assert feedback_course(course, progress=False) == 0
    for sid in [*hostile["table"], *CLEAN]:
        page = course / "feedback" / sid / LESSON / f"{LESSON}.html"
        assert page.exists(), sid
        assert SECRET not in page.read_text(encoding="utf-8")
    assert export_course(course) == 0
    assert report_course(course) == 0
