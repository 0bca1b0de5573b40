"""What one feedback page says, as plain data: the lesson's score, each graded item with its
points and explanation, the notes from grading, and the notebook's cells as a student may see them.

Built from the graded notebook, the gradebook's rows and the grading log; the page template
only lays this out. Hidden tests never get in: a graded code cell keeps only its visible part,
and the score value it printed (nbgrader's ``Out[ ]``) is replaced by the item's points.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sourcewise.grading.course.grading_log import LogEntry
from sourcewise.grading.course.results.feedback_cells import (
    Explanation,
    graded_stdout,
    is_graded_code,
    parse_explanation,
    shown_outputs,
    visible_source,
)
from sourcewise.grading.course.results.gradebook_scores import SubmissionGrades
from sourcewise.lessons.lesson_cells import cell_source

POINTS_SUFFIX = re.compile(r"\s*\((?:\d+(?:\.\d+)?) points?\)\s*$")


@dataclass
class ItemResult:
    """One graded item of the lesson, as the student reads it."""

    grade_id: str
    label: str
    written: bool  # a written answer (graded by a person), not an auto-graded widget task
    points: float
    score: float | None  # None: not graded yet
    explanation: Explanation | None = None
    answer: str = ""  # the student's written answer (markdown)
    comment: str = ""  # the grader's comment
    note: str = ""  # why the item lost points for a reason other than the answer

    @property
    def pending(self) -> bool:
        return self.score is None


@dataclass
class CellView:
    """A notebook cell as the page shows it."""

    kind: str  # markdown | code | raw
    source: str
    trusted: bool  # a locked cell of the lesson (its HTML may be shown as HTML)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    item: ItemResult | None = None  # the graded item this cell holds


@dataclass
class FeedbackPage:
    """Everything one feedback page says."""

    student: str
    lesson: str
    title: str
    items: list[ItemResult]
    notes: list[str]
    cells: list[CellView]
    graded: bool = True  # False: nothing could be graded automatically
    late_penalty: float = 0.0
    handed_in: str = ""  # "on time", "late by 1 day 3 h (due …)": the course's due dates

    @property
    def max_score(self) -> float:
        return sum(item.points for item in self.items)

    @property
    def score(self) -> float:
        return max(sum(i.score or 0.0 for i in self.items) - self.late_penalty, 0.0)

    @property
    def pending_points(self) -> float:
        return sum(item.points for item in self.items if item.pending)

    @property
    def next_steps(self) -> list[str]:
        """A short line on what to do next."""
        if not self.graded:
            return ["Talk to your instructor: your submitted files were kept unchanged."]
        steps = []
        if self.notes or any(item.note for item in self.items):
            steps.append("First read the notes from grading: they say what went wrong with "
                         "your files and how to avoid it next time.")
        missed = [i for i in self.items if not i.pending and i.score is not None
                  and i.score < i.points]
        if missed:
            steps.append(("Then go" if steps else "Go") + " through the items that lost "
                         "points: read each “Why”, reopen the lesson and compare with your "
                         "answers.")
        elif not self.pending_points:
            steps.append("Nothing missed: well done. Go on to the next lesson.")
        if self.pending_points:
            steps.append("Your written answers are graded by hand: their points appear here "
                         "once your teacher has graded them.")
        return steps


def _heading(source: str) -> str | None:
    for line in source.splitlines():
        if line.startswith("#"):
            return POINTS_SUFFIX.sub("", line.lstrip("#").strip()) or None
    return None


def _task_name(cell: Mapping[str, Any], grade_id: str) -> str:
    task = cell.get("metadata", {}).get("sourcewise", {}).get("task")
    if task:
        return str(task).replace(".", " · ").replace("_", " ")
    return "written answer" if cell.get("cell_type") == "markdown" else grade_id


def _labels(cells: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Each graded item's label: the heading it sits under (and its task if several do)."""
    heading, found = None, []
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            heading = _heading(cell_source(cell)) or heading
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") or meta.get("task"):
            found.append((str(meta.get("grade_id")), heading, cell))
    shared = {h for h in (h for _, h, _ in found) if [x for _, x, _ in found].count(h) > 1}
    labels = {}
    for grade_id, head, cell in found:
        if head is None:
            labels[grade_id] = _task_name(cell, grade_id)
        elif head in shared:
            labels[grade_id] = f"{head}: {_task_name(cell, grade_id)}"
        else:
            labels[grade_id] = head
    return labels


def _title(cells: Sequence[Mapping[str, Any]], lesson: str) -> str:
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            for line in cell_source(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return lesson


def _log_parts(entries: Sequence[LogEntry]) -> tuple[list[str], dict[str, LogEntry]]:
    notes = list(dict.fromkeys(e.reason for e in entries if e.item is None and e.reason))
    return notes, {e.item: e for e in entries if e.item is not None}


def build_page(student: str, lesson: str, notebook: Mapping[str, Any],
               grades: SubmissionGrades | None, entries: Sequence[LogEntry]) -> FeedbackPage:
    """The page for a graded notebook: items from its graded cells, scores from the gradebook
    (the grading log's where the gradebook has none), notes from the latest grading run."""
    cells = list(notebook.get("cells", []))
    notes, logged = _log_parts(entries)
    labels = _labels(cells)
    grades = grades or SubmissionGrades()
    items, views = [], []
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        kind = cell.get("cell_type")
        trusted = bool(meta.get("locked"))
        grade_id = str(meta.get("grade_id", ""))
        item = None
        if meta.get("grade") or meta.get("task"):
            item = _item(cell, grade_id, labels[grade_id], grades, logged.get(grade_id))
            items.append(item)
        if kind == "code":
            source = cell_source(cell)
            graded = is_graded_code(cell)
            if graded or "### BEGIN HIDDEN TESTS" in source:
                source = visible_source(source)
            views.append(CellView("code", source, trusted,
                                  [] if graded else shown_outputs(cell), item))
        else:
            views.append(CellView(kind if kind in ("markdown", "raw") else "raw",
                                  cell_source(cell), trusted, [], item))
    return FeedbackPage(student, lesson, _title(cells, lesson), items, notes, views,
                        late_penalty=grades.late_penalty)


def _item(cell: Mapping[str, Any], grade_id: str, label: str, grades: SubmissionGrades,
          entry: LogEntry | None) -> ItemResult:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    grade = grades.grades.get(grade_id)
    written = cell.get("cell_type") != "code"
    if grade is not None:
        points, score = grade.max_score, (None if grade.pending else grade.score)
    elif entry is not None and entry.max_score is not None:
        points, score = float(entry.max_score), entry.score
    else:
        points, score = float(meta.get("points") or 0.0), None
    explanation = None
    if not written:
        text = graded_stdout(cell) or (entry.explanation if entry else "")
        explanation = parse_explanation(text) if text else None
    return ItemResult(grade_id, label, written, points, score, explanation,
                      answer=cell_source(cell) if written else "",
                      comment=grades.comments.get(grade_id, ""),
                      note=entry.reason if entry is not None else "")


def ungraded_page(student: str, lesson: str, entries: Sequence[LogEntry]) -> FeedbackPage:
    """The page for a submission that could not be graded: the reasons and the zeros."""
    notes, logged = _log_parts(entries)
    items = [ItemResult(str(e.item), str(e.item), False, float(e.max_score or 0.0),
                        float(e.score or 0.0),
                        parse_explanation(e.explanation) if e.explanation else None,
                        note=e.reason) for e in logged.values()]
    return FeedbackPage(student, lesson, lesson, items, notes, [], graded=False)
