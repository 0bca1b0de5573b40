"""Default autograde: every widget task scored from the submitted answers file, in this process.

No student code runs. For each submission the grader screens the folder (links and special files
are refused), copies its regular files to ``autograded/``, scores each graded cell's task with the
key from the instructor's source notebook and the same pure functions the self-checks use, and
writes an autograded notebook whose graded cells show the score and its explanation, so that
formgrader and nbgrader's feedback work as after nbgrader's own autograde. A student cell that
replaces the grading helper changes nothing: it is never run.

Written answers (manual grade cells) are left for a person, as nbgrader leaves them. A code grade
cell that does not grade a widget task needs a kernel: it is left "needs manual grading" with a
note that ``sourcewise autograde --execute`` runs it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sourcewise.grading.answer_file import MAX_BYTES as ANSWERS_MAX_BYTES
from sourcewise.grading.answer_file import (
    NOTEBOOK_MAX_BYTES,
    AnswerFile,
    answers_path,
    parse_answers,
    read_regular,
)
from sourcewise.grading.atomic_write import write_json_atomic
from sourcewise.grading.course.autograde.form_check import wrong_form
from sourcewise.grading.course.graded_notebook import NotebookBuilder, set_score, solution_unchanged
from sourcewise.grading.course.regrade import changed_answers, written_texts
from sourcewise.grading.course.regrade import graded_copy as regrade_copy
from sourcewise.grading.course.submission_files import (
    LessonNotebook,
    copy_screened,
    lesson_notebook,
    screen,
)
from sourcewise.grading.course.submission_result import ItemOutcome, SubmissionResult
from sourcewise.grading.item_grading import explain, is_empty, score_task
from sourcewise.lessons.assessment import form_cells
from sourcewise.lessons.lesson_cells import (
    GradedCell,
    graded_cells,
    nbgrader_meta,
    parse_notebook_json,
    read_notebook_json,
)


@dataclass
class LessonGrader:
    """Everything needed to grade one lesson's submissions, read once per run."""

    course: Path
    lesson: str

    @cached_property
    def source(self) -> dict[str, Any]:
        return read_notebook_json(self.course / "source" / self.lesson / f"{self.lesson}.ipynb")

    @cached_property
    def release(self) -> dict[str, Any]:
        path = self.course / "release" / self.lesson / f"{self.lesson}.ipynb"
        try:
            return read_notebook_json(path)
        except ValueError:
            return self.source  # not built yet: the source's metadata is what nbgrader saved

    @cached_property
    def cells(self) -> list[GradedCell]:
        return graded_cells(self.source)

    @cached_property
    def builder(self) -> NotebookBuilder:
        return NotebookBuilder(self.source, self.release)

    @cached_property
    def helper_files(self) -> list[Path]:
        """Non-notebook files of ``source/<lesson>/`` that autograde puts back (as nbgrader does),
        except the answers files."""
        folder = self.course / "source" / self.lesson
        screened = screen(folder)
        skip = {Path("answers") / f"{self.lesson}.json",
                Path("answers") / f"{self.lesson}.json.lock"}
        return [p for p in screened.files if p.suffix != ".ipynb" and p not in skip
                and p.parts[0] != "answers"]

    def grade(self, student: str) -> tuple[SubmissionResult, dict[str, Any] | None]:
        """Grade ``submitted/<student>/<lesson>/`` into ``autograded/``; never raises."""
        started = time.perf_counter()
        try:
            result, notebook = self._grade(student)
        except Exception as err:  # the guard: this submission scores 0, the run goes on
            result = self.failed(student, f"Grading stopped on an unexpected problem "
                                          f"({type(err).__name__}: {str(err)[:200]}); its "
                                          "autograded items score 0. Your files were kept "
                                          "unchanged: tell your instructor.")
            notebook = None
        result.seconds = time.perf_counter() - started
        return result, notebook

    def task_scores(self, student: str) -> dict[str, tuple[float, str]]:
        """``{grade id: (points, explanation)}`` of the widget tasks, from the submitted answers
        file alone (what ``--execute`` checks each kernel result against)."""
        folder = self.course / "submitted" / student / self.lesson
        answers, _ = self._read_answers(folder, screen(folder).files)
        refused = self._wrong_form(answers, student)
        scores = {}
        for cell in form_cells(self.cells, student, self.lesson):
            if cell.autograded and cell.key is not None and cell.kind and cell.question:
                item = self._score_cell(cell, answers, {"cells": []}, False, refused=refused)
                scores[cell.grade_id] = (item.score or 0.0, item.explanation)
        return scores

    def failed(self, student: str, why: str) -> SubmissionResult:
        """A submission that could not be graded: every item 0 with the reason."""
        items = [ItemOutcome(c.grade_id, c.points, 0.0, "zeroed", why, fix=0.0)
                 for c in self.cells]
        result = SubmissionResult(student, self.lesson, False, 0.0, [why], items, why)
        result.flag(why.split(";")[0], "look at the submission, then regrade it with "
                    f"--student {student} --lesson {self.lesson} --force")
        return result

    def _grade(self, student: str) -> tuple[SubmissionResult, dict[str, Any] | None]:
        folder = self.course / "submitted" / student / self.lesson
        result = SubmissionResult(student, self.lesson, True, 0.0)
        screened = screen(folder)
        for reason in screened.refused:
            result.notes.append(f"Set aside: {reason}.")
            result.flag(f"set aside: {reason}", "hand in the file itself, within the limits")
        pick = lesson_notebook(screened.files, self.lesson)
        written_ids = [c.grade_id for c in self.cells if not c.autograded]
        target = self.course / "autograded" / student / self.lesson
        before = written_texts(regrade_copy(self.course, student, self.lesson), written_ids)
        # Only the lesson's notebook goes to autograded/ (written below): nbgrader would grade,
        # and fail the feedback of, every other notebook there.
        kept = [p for p in screened.files if not (len(p.parts) == 1 and p.suffix == ".ipynb")]
        result.notes += copy_screened(folder, kept, target)
        copy_screened_into(self.course / "source" / self.lesson, self.helper_files, target)
        if pick.set_aside:
            names = ", ".join(p.name for p in pick.set_aside)
            result.notes.append(f"Set aside, not graded: {names} (only {self.lesson}.ipynb "
                                "is graded).")
            result.flag(f"other notebooks set aside: {names}",
                        f"hand in only {self.lesson}.ipynb in the lesson folder")

        submitted, notebook_note = self._read_notebook(folder, pick)
        if notebook_note:
            result.notes.append(notebook_note)
            result.flag(notebook_note.split(";")[0].rstrip("."),
                        f"hand in the lesson's notebook as {self.lesson}.ipynb")
        notebook, cell_notes, restored = self.builder.build(submitted)
        result.notes += cell_notes

        answers, answer_note = self._read_answers(folder, screened.files)
        if answer_note:
            result.notes.append(answer_note)
            result.flag(answer_note.split(";")[0].split(", so")[0].rstrip("."),
                        f"hand in answers/{self.lesson}.json with the notebook")

        mismatch = None if answers.problem else wrong_form(answers.answers, student,
                                                           self.lesson)
        refused = mismatch.note(student, self.lesson) if mismatch else ""
        if mismatch:
            result.notes.append(refused)
            result.flag(mismatch.what(self.lesson),
                        f"check that {student} answered {self.lesson}.ipynb with their course id "
                        "and that the file sits under the right assignment; then regrade with "
                        f"--student {student} --lesson {self.lesson} --force")
        for cell in form_cells(self.cells, student, self.lesson):  # skills check: its form
            item = self._score_cell(cell, answers, notebook, submitted is None,
                                    cell.grade_id in restored, refused=refused)
            if answers.problem and cell.kind is not None and cell.autograded:
                item.event, item.reason = "zeroed", answer_note
            if cell.grade_id in restored and item.event == "graded" and cell.autograded:
                item.event = "restored"
                item.reason = ("This graded cell had been deleted from the notebook; it was "
                               "put back and graded from your saved answers."
                               if submitted is not None else
                               "No usable notebook was handed in; this cell was taken from the "
                               "lesson and graded from your saved answers.")
            if item.event == "manual":
                result.flag(f"{cell.grade_id}: written answer not found",
                            "find the answer (another file, an e-mail) and grade it in "
                            "formgrader")
            result.items.append(item)
        write_json_atomic(target / f"{self.lesson}.ipynb", notebook, indent=None)
        result.unanswered = [grade_id for grade_id, cell in _grade_cells(notebook).items()
                             if cell["cell_type"] != "code" and solution_unchanged(cell)
                             and grade_id not in restored]
        result.changed_written = changed_answers(before, written_texts(notebook, written_ids))
        return result, notebook

    def _read_notebook(self, folder: Path, pick: LessonNotebook
                       ) -> tuple[dict[str, Any] | None, str]:
        name = f"{self.lesson}.ipynb"
        if pick.chosen is None:
            others = (f" (the folder holds {', '.join(p.name for p in pick.set_aside)}, so "
                      "none was taken as the lesson's)" if pick.set_aside else "")
            return None, (f"No readable notebook {name} was submitted{others}; the lesson's "
                          "cells were restored from the release and your saved answers were "
                          "graded.")
        try:
            raw = read_regular(folder / pick.chosen, NOTEBOOK_MAX_BYTES)
            notebook = parse_notebook_json(raw, pick.chosen.name)
        except (OSError, ValueError) as err:
            return None, (f"The notebook could not be used ({err}); its cells were restored "
                          "from the release and your saved answers were graded.")
        if pick.renamed:
            return notebook, (f"Your notebook was named {pick.chosen.name}, not {name}; it was "
                              f"graded as {name}.")
        return notebook, ""

    def _read_answers(self, folder: Path, files: list[Path]) -> tuple[AnswerFile, str]:
        relative = answers_path(self.lesson, ".").relative_to(".")
        if relative not in files:
            if (folder / relative).is_symlink() or (folder / relative).exists():
                return AnswerFile(problem="refused"), (
                    f"The answers file {relative} is not a regular file, so it was not read; "
                    "widget tasks score 0.")
            return AnswerFile(), (f"No answers file {relative} was submitted; widget tasks "
                                  "score 0. Hand in the answers folder with the notebook.")
        try:
            parsed = parse_answers(read_regular(folder / relative, ANSWERS_MAX_BYTES))
        except OSError as err:
            parsed = AnswerFile(problem=f"could not be read ({err.strerror or err})")
        if parsed.problem:
            return parsed, (f"Your answers file {relative.name} {parsed.problem}, so widget "
                            "tasks score 0. Your submitted file was kept unchanged.")
        return parsed, ""

    def _wrong_form(self, answers: AnswerFile, student: str) -> str:
        """The refusal of a skills check answered on another form ("" when it is not)."""
        found = None if answers.problem else wrong_form(answers.answers, student, self.lesson)
        return found.note(student, self.lesson) if found else ""

    def _score_cell(self, cell: GradedCell, answers: AnswerFile, notebook: dict[str, Any],
                    no_notebook: bool, restored: bool = False, *, refused: str = ""
                    ) -> ItemOutcome:
        item = ItemOutcome(cell.grade_id, cell.points, None)
        if not cell.autograded:
            written = _cell_by_grade_id(notebook, cell.grade_id)
            if no_notebook or written is None or restored:
                # The answer may be somewhere a program does not look: a person decides.
                item.event = "manual"
                item.reason = ("Your written answer was not found: no usable notebook "
                               f"{self.lesson}.ipynb was handed in. Your instructor will look "
                               "for it and grade it by hand." if no_notebook else
                               "Your written answer was not found: its answer cell was "
                               "missing from your notebook. Your instructor will look for it "
                               "and grade it by hand.")
            elif solution_unchanged(written):
                item.score = item.fix = 0.0
                item.reason = "The answer cell was left as it was handed out (no answer)."
            return item  # otherwise a person grades it (needs manual grading)
        if cell.key is None or cell.kind is None or cell.question is None:
            item.event = "needs_kernel"
            item.reason = ("This graded cell runs code; it is graded by "
                           "'sourcewise autograde --execute' or by hand.")
            return item
        if refused:  # another form's answers: never scored against this student's key
            item.score = item.fix = 0.0
            item.event, item.reason = "zeroed", refused
            item.explanation = f"{cell.question}: not scored. {refused}"
            set_score(notebook, cell.grade_id, 0.0, item.explanation)
            return item
        entry = answers.answers.get(cell.question)
        value = entry.get("value") if isinstance(entry, Mapping) else None
        if answers.problem or is_empty(value):
            explanation = (f"{cell.question}: no saved answer was found, so this item scores 0."
                           if not answers.problem else
                           f"{cell.question}: the answers file could not be used, so this item "
                           "scores 0.")
            item.score = item.fix = 0.0
            item.explanation = explanation
            set_score(notebook, cell.grade_id, 0.0, explanation)
            return item
        try:
            result = score_task(cell.kind, value, cell.key)
            points = result.points(cell.points)
            explanation = explain(result, cell.points)
        except Exception as err:  # an answer of an unexpected shape: 0 with a reason
            points = 0.0
            explanation = (f"{cell.question}: your saved answer has a shape this task cannot "
                           f"read ({type(err).__name__}), so it scores 0. Answer again in the "
                           "widget and save.")
            item.event, item.reason = "zeroed", explanation
        item.score = item.fix = points
        item.explanation = explanation
        set_score(notebook, cell.grade_id, points, explanation)
        return item


def _grade_cells(notebook: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {meta.grade_id: cell for cell in notebook["cells"]
            for meta in [nbgrader_meta(cell)] if meta is not None}


def _cell_by_grade_id(notebook: Mapping[str, Any], grade_id: str) -> Mapping[str, Any] | None:
    return _grade_cells(notebook).get(grade_id)


def copy_screened_into(source: Path, files: list[Path], target: Path) -> None:
    """Put the lesson's helper files back over the student's (they cannot be tampered with)."""
    import shutil

    for relative in files:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        if destination.is_symlink() or destination.exists():
            destination.unlink()
        shutil.copyfile(source / relative, destination, follow_symlinks=False)


