"""Recording instructor-side scores in nbgrader's gradebook, as nbgrader's own autograde would.

The rows are the ones nbgrader's ``Gradebook.add_submission`` creates (a submitted assignment,
one submitted notebook per notebook, a grade per grade and task cell, a comment per solution
and task cell), with ``needs_manual_grade`` set exactly as nbgrader's ``SaveAutoGrades`` sets it
and "No response." on written answers left untouched. They are written in batches with
SQLAlchemy Core on nbgrader's own tables: the ORM path (``update_or_create_submission`` and a
query per grade) costs about 60 ms a submission, which is 7 minutes for 1,000 students × 7
lessons; a batch costs a few statements. A student is registered the first time their
submission is written, as nbgrader does. Works on any database nbgrader accepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from sourcewise.grading.answer_file import read_regular
from sourcewise.grading.course.regrade import needs_manual_after_regrade
from sourcewise.grading.course.submission_result import SubmissionResult

TIMESTAMP_FILE = "timestamp.txt"


def submitted_at(folder: Path) -> tuple[datetime | None, str]:
    """The submission time from ``timestamp.txt`` (as nbgrader reads it) and a note if unusable."""
    from nbgrader.utils import parse_utc

    path = Path(folder) / TIMESTAMP_FILE
    if not path.exists() and not path.is_symlink():
        return None, ""
    try:
        text = read_regular(path, 200)[:200].decode("utf-8", errors="replace").strip()
        return (parse_utc(text), "") if text else (None, "")
    except (OSError, ValueError, OverflowError, TypeError):
        return None, ("The submission's timestamp.txt could not be read, so no submission "
                      "time was recorded.")


@dataclass
class LessonCells:
    """A lesson's ids in the gradebook: its assignment, notebooks and their cells."""

    assignment_id: str
    notebooks: dict[str, str] = field(default_factory=dict)  # notebook id -> name
    grade_cells: dict[str, dict[str, str]] = field(default_factory=dict)  # nb id -> name -> id
    comment_cells: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class Existing:
    """A submission already in the gradebook: its row ids and the grades a person set."""

    submission_id: str
    # cell -> (grade row id, manual score, auto score)
    grades: dict[str, tuple[str, float | None, float | None]] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)  # cell id -> comment id


class GradebookRows:
    """Writes graded submissions into an open nbgrader ``Gradebook`` in batches."""

    def __init__(self, gb: Any) -> None:
        from nbgrader import api

        self.gb = gb
        self.session = gb.db
        self.tables = {name: model.__table__ for name, model in (
            ("student", api.Student), ("submission", api.SubmittedAssignment),
            ("notebook", api.SubmittedNotebook), ("grade", api.Grade),
            ("comment", api.Comment))}
        self.students = {row[0] for row in self.session.execute(
            self.tables["student"].select().with_only_columns(self.tables["student"].c.id))}
        self.lessons: dict[str, LessonCells] = {}
        self.existing: dict[str, dict[str, Existing]] = {}
        self.pending: list[tuple[SubmissionResult, datetime | None]] = []

    def write(self, result: SubmissionResult, timestamp: datetime | None) -> None:
        """Queue one submission's scores; :meth:`commit` writes the queue in one transaction."""
        self._lesson(result.lesson)  # a lesson the gradebook lacks fails here, for this one only
        self.pending.append((result, timestamp))

    def _lesson(self, lesson: str) -> LessonCells:
        if lesson in self.lessons:
            return self.lessons[lesson]
        assignment = self.gb.find_assignment(lesson)
        cells = LessonCells(assignment.id)
        for notebook in assignment.notebooks:
            cells.notebooks[notebook.id] = notebook.name
            cells.grade_cells[notebook.id] = {c.name: c.id for c in notebook.grade_cells}
            cells.grade_cells[notebook.id].update({c.name: c.id for c in notebook.task_cells})
            cells.comment_cells[notebook.id] = {c.name: c.id for c in notebook.solution_cells}
            cells.comment_cells[notebook.id].update({c.name: c.id for c in notebook.task_cells})
        self.lessons[lesson] = cells
        self.existing[lesson] = self._existing(cells)
        return cells

    def _per_cell(self, cells: LessonCells, table: str, *columns: Any) -> Any:
        """Rows of ``table`` (grade or comment) of every submission of a lesson, with the
        submitting student first."""
        t = self.tables
        return self.session.execute(
            t["submission"].select()
            .with_only_columns(t["submission"].c.student_id, t["submission"].c.id, *columns)
            .join_from(t["submission"], t["notebook"],
                       t["notebook"].c.assignment_id == t["submission"].c.id)
            .join_from(t["notebook"], t[table], t[table].c.notebook_id == t["notebook"].c.id)
            .where(t["submission"].c.assignment_id == cells.assignment_id))

    def _existing(self, cells: LessonCells) -> dict[str, Existing]:
        grade, comment = self.tables["grade"].c, self.tables["comment"].c
        found: dict[str, Existing] = {}
        for student, submission_id, grade_id, cell_id, manual, auto in self._per_cell(
                cells, "grade", grade.id, grade.cell_id, grade.manual_score, grade.auto_score):
            entry = found.setdefault(student, Existing(submission_id))
            entry.grades[cell_id] = (grade_id, manual, auto)
        for student, _, comment_id, cell_id in self._per_cell(cells, "comment", comment.id,
                                                              comment.cell_id):
            if student in found:
                found[student].comments[cell_id] = comment_id
        return found

    def commit(self) -> None:
        """Write every queued submission and commit once (rolled back whole on an error)."""
        if not self.pending:
            return
        from sqlalchemy import bindparam

        t = self.tables
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in t}
        grade_updates: list[dict[str, Any]] = []
        comment_updates: list[dict[str, Any]] = []
        stamp_updates: list[dict[str, Any]] = []
        created: dict[tuple[str, str], Existing] = {}
        for result, timestamp in self.pending:
            cells = self.lessons[result.lesson]
            if result.student not in self.students:
                rows["student"].append({"id": result.student, "first_name": None,
                                        "last_name": None, "email": None,
                                        "lms_user_id": None})
                self.students.add(result.student)
            scores = {item.grade_id: item.fix if item.fix is not None else item.score
                      for item in result.items}
            unanswered = set(result.unanswered)
            known = self.existing[result.lesson].get(result.student)
            if known is None:
                known = self._new_rows(result, timestamp, cells, rows)
                created[(result.lesson, result.student)] = known
            elif timestamp is not None:
                stamp_updates.append({"sid": known.submission_id, "stamp": timestamp})
            for notebook_id in cells.notebooks:
                written = cells.comment_cells[notebook_id]
                for name, cell_id in cells.grade_cells[notebook_id].items():
                    grade_id, manual, old_auto = known.grades[cell_id]
                    score = scores.get(name)
                    grade_updates.append({"gid": grade_id, "auto": score,
                                          "manual_needed": needs_manual_after_regrade(
                                              manual, score, written=name in written,
                                              changed=result.changed_written, grade_id=name,
                                              old_auto=old_auto)})
                for name, cell_id in cells.comment_cells[notebook_id].items():
                    comment_updates.append({"cid": known.comments[cell_id],
                                            "text": "No response." if name in unanswered
                                            else None})
        try:
            for name in ("student", "submission", "notebook", "grade", "comment"):
                if rows[name]:
                    self.session.execute(self._insert(name), rows[name])
            if stamp_updates:
                self.session.execute(t["submission"].update()
                                     .where(t["submission"].c.id == bindparam("sid"))
                                     .values(timestamp=bindparam("stamp")), stamp_updates)
            if grade_updates:
                self.session.execute(t["grade"].update()
                                     .where(t["grade"].c.id == bindparam("gid"))
                                     .values(auto_score=bindparam("auto"),
                                             needs_manual_grade=bindparam("manual_needed")),
                                     grade_updates)
            if comment_updates:
                self.session.execute(t["comment"].update()
                                     .where(t["comment"].c.id == bindparam("cid"))
                                     .values(auto_comment=bindparam("text")), comment_updates)
            self.session.commit()
        except BaseException:
            self.session.rollback()
            for (lesson, student), _ in created.items():
                self.existing[lesson].pop(student, None)
            self.students -= {r["id"] for r in rows["student"]}
            raise
        finally:
            self.pending.clear()
        self.session.expire_all()

    def _insert(self, name: str) -> Any:
        """The INSERT for a table; a student row that exists already is skipped, not an error.

        Two instructors grading different lessons at once against one PostgreSQL gradebook
        both register a new student: without this, the second commit hits the primary key,
        and its whole batch, retried one by one, was refused (every grade lost).
        """
        table = self.tables[name]
        dialect = self.session.get_bind().dialect.name
        if name != "student" or dialect not in ("postgresql", "sqlite"):
            return table.insert()
        import importlib

        insert = importlib.import_module(f"sqlalchemy.dialects.{dialect}").insert
        return insert(table).on_conflict_do_nothing(index_elements=[table.c.id])

    def _new_rows(self, result: SubmissionResult, timestamp: datetime | None,
                  cells: LessonCells, rows: dict[str, list[dict[str, Any]]]) -> Existing:
        """Rows for a new submission, mirroring ``Gradebook.add_submission``."""
        submission_id = uuid4().hex
        rows["submission"].append({"id": submission_id, "assignment_id": cells.assignment_id,
                                   "student_id": result.student, "timestamp": timestamp,
                                   "extension": None})
        known = Existing(submission_id)
        for notebook_id in cells.notebooks:
            submitted_notebook = uuid4().hex
            rows["notebook"].append({"id": submitted_notebook, "assignment_id": submission_id,
                                     "notebook_id": notebook_id, "flagged": False,
                                     "late_submission_penalty": None})
            for cell_id in cells.grade_cells[notebook_id].values():
                grade_id = uuid4().hex
                rows["grade"].append({"id": grade_id, "notebook_id": submitted_notebook,
                                      "cell_id": cell_id, "auto_score": None,
                                      "manual_score": None, "extra_credit": None,
                                      "needs_manual_grade": True})
                known.grades[cell_id] = (grade_id, None, None)
            for cell_id in cells.comment_cells[notebook_id].values():
                comment_id = uuid4().hex
                rows["comment"].append({"id": comment_id, "notebook_id": submitted_notebook,
                                        "cell_id": cell_id, "auto_comment": None,
                                        "manual_comment": None})
                known.comments[cell_id] = comment_id
        self.existing[result.lesson][result.student] = known
        return known
