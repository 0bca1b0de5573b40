"""One collected submission through the course pipeline: grade, gradebook, feedback, release.

The same functions as ``sourcewise autograde`` (``LessonGrader`` from answers files, the
gradebook rows, the grading log) and as ``sourcewise feedback`` (the in-process page renderer),
for one student, then nbgrader's ``release_feedback`` for that student
only, so that their assignment list offers the page. Scoring is per student and runs in
parallel; the steps that touch the gradebook or go through nbgrader's converters (which change
the working directory of the whole process) run one at a time under ``PipelineLock``.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sourcewise.grading.course.autograde.from_answers import LessonGrader
from sourcewise.grading.course.autograde.run import log_entries, mark_recorded
from sourcewise.grading.course.gradebook_rows import GradebookRows, submitted_at
from sourcewise.grading.course.submission_result import SubmissionResult

MANUAL_NOTE = ("Your written answers are marked by your instructor. This page was made when "
               "you submitted and shows the automatically graded part; the points for the "
               "written answers follow once they are marked.")

PipelineLock = threading.Lock


@dataclass
class Graded:
    """What grading one submission gave: its result and whether its feedback was released."""

    result: SubmissionResult
    feedback: Path
    released: bool


class CoursePipeline:
    """The course's graders and nbgrader API, made once and reused for every submission."""

    def __init__(self, course: Path, lessons: tuple[str, ...]) -> None:
        from sourcewise.grading.course.nbgrader_env import nbgrader_api, quiet_sqlalchemy
        from sourcewise.grading.course.results.feedback import FEEDBACK_STEPS

        quiet_sqlalchemy()
        self.course = Path(course)
        self.lock = PipelineLock()
        self.graders: dict[str, LessonGrader] = {}
        self.api = nbgrader_api(self.course, {
            "GenerateFeedback": {"preprocessors": FEEDBACK_STEPS},
            "StripHiddenTests": {"course_root": str(self.course)}})
        for lesson in lessons:
            self.grader(lesson)

    def grader(self, lesson: str) -> LessonGrader:
        """The lesson's grader, its source read once (warm before the first submission)."""
        if lesson not in self.graders:
            grader = LessonGrader(self.course, lesson)
            _ = grader.cells, grader.builder, grader.helper_files
            self.graders[lesson] = grader
        return self.graders[lesson]

    def manual_cells(self, lesson: str) -> list[str]:
        return [cell.grade_id for cell in self.grader(lesson).cells if not cell.autograded]

    def grade(self, student: str, lesson: str, notes: list[str]) -> Graded:
        """Grade ``submitted/<student>/<lesson>/`` (already collected) and release feedback."""
        result, _ = self.grader(lesson).grade(student)
        result.notes[:0] = notes
        if self.manual_cells(lesson):
            result.notes.append(MANUAL_NOTE)
        timestamp, note = submitted_at(self.course / "submitted" / student / lesson)
        if note:
            result.notes.append(note)
        with self.lock:
            self._record(result, timestamp)
            page = self._feedback(student, lesson)
            released = self._release(student, lesson)
        return Graded(result, page, released)

    def _record(self, result: SubmissionResult, timestamp: Any) -> None:
        from sourcewise.grading.course.nbgrader_env import gradebook

        with gradebook(self.course) as gb:
            rows = GradebookRows(gb)
            rows.write(result, timestamp)
            rows.commit()
        log_entries(self.course, result, uuid.uuid4().hex[:12])
        mark_recorded(self.course, result.student, result.lesson)

    def _feedback(self, student: str, lesson: str) -> Path:
        """This student's feedback page, rendered in-process as ``sourcewise feedback`` renders
        it (or the plain page of reasons when the submission could not be graded)."""
        from sourcewise.grading.atomic_write import write_bytes_atomic
        from sourcewise.grading.course import grading_log
        from sourcewise.grading.course.results.feedback import feedback_pairs, write_pages
        from sourcewise.grading.course.results.feedback_model import ungraded_page
        from sourcewise.grading.course.results.feedback_page import render

        page = self.course / "feedback" / student / lesson / f"{lesson}.html"
        pairs, ungraded, runs = feedback_pairs(self.course, [lesson], [student])
        if (pairs or ungraded) and not write_pages(self.course, pairs, ungraded, runs) \
                and page.exists():
            return page
        runs = grading_log.latest_run(grading_log.read(self.course))
        page.parent.mkdir(parents=True, exist_ok=True)
        submitted = self.course / "submitted" / student / lesson
        for name in ("timestamp.txt", "submission_secret.txt"):  # release_feedback reads them
            if (submitted / name).is_file() and not (submitted / name).is_symlink():
                write_bytes_atomic(page.parent / name, (submitted / name).read_bytes())
        write_bytes_atomic(page, render(ungraded_page(student, lesson,
                                                      runs.get((student, lesson), [])))
                           .encode("utf-8"))
        return page

    def _release(self, student: str, lesson: str) -> bool:
        folder = self.course / "feedback" / student / lesson
        if not (folder / "submission_secret.txt").exists():
            return False  # not an exchange submission: nothing to release it to
        import warnings

        with warnings.catch_warnings():  # nbgrader 0.9.6 misspells a keyword ("authentictor")
            warnings.simplefilter("ignore", DeprecationWarning)
            outcome = self.api.release_feedback(lesson, student_id=student)
        return bool(outcome.get("success"))
