"""``sourcewise autograde --execute``: nbgrader runs each notebook in a kernel; the score of every
widget task is still the one computed in the instructor's process.

For notebooks with code tasks. Per submission: the folder is screened first (a submission with a
link or special file is not handed to nbgrader, which would follow it; it is graded from its
answers instead), nbgrader autogrades it, and the autograded notebook and the gradebook are
inspected. nbgrader's blind spots are fixed there, with a reason in the grading log:

* a widget task whose kernel result differs from the instructor-side score (a student cell that
  replaced the grading helper, a negative value nbgrader would take as full marks) gets the
  instructor-side score, flagged as ``overridden``;
* a graded cell with stderr noise but a valid score gets that score (nbgrader gives 0);
* a grade cell left "needs manual grading" by a failed run gets 0 (nbgrader leaves it open);
* a notebook that does not parse or a kernel that hangs: the lesson's code-task items get 0.

Grading one submission (:func:`grade_submission`) only reads the gradebook and returns plain
data; ``autograde.record`` writes the corrections and the log, so parallel workers can run the
first while the main process serialises the second.
"""

from __future__ import annotations

import functools
import json
import time
from pathlib import Path
from typing import Any

from sourcewise.grading.course.autograde.from_answers import LessonGrader
from sourcewise.grading.course.autograde.steps import RESTORED_PREFIX
from sourcewise.grading.course.regrade import changed_answers, graded_copy, written_texts
from sourcewise.grading.course.submission_files import lesson_notebook, screen
from sourcewise.grading.course.submission_result import ItemOutcome, SubmissionResult
from sourcewise.lessons.lesson_cells import (
    cell_source,
    cells_by_id,
    graded_cells,
    lesson_sources,
    read_notebook_json,
    stream_text,
)
from sourcewise.seeds.article import SEED_ARTICLE


def _cell_changes(submitted: dict[str, Any], release: Path) -> list[str]:
    """Notes on graded cells a student duplicated or edited (nbgrader restores both)."""
    notes = []
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in submitted["cells"]
           if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    for grade_id in sorted({i for i in ids if ids.count(i) > 1}):
        notes.append(f"Graded cell {grade_id} appears more than once; only one copy was graded.")
    try:
        released = cells_by_id(read_notebook_json(release))
    except (OSError, ValueError):
        return notes
    for grade_id, cell in cells_by_id(submitted).items():
        original = released.get(grade_id)
        if (original is not None and cell.get("cell_type") == "code"
                and original.get("metadata", {}).get("nbgrader", {}).get("locked")
                and cell_source(cell).strip() != cell_source(original).strip()):
            notes.append(f"Graded cell {grade_id} had been edited; the original was restored "
                         "before grading.")
    return notes


def precheck(course: Path, student: str, lesson: str) -> list[str]:
    """Plain-words notes about the submitted files (nothing is changed)."""
    from sourcewise.grading.answer_file import answers_path, read_answers

    folder = Path(course) / "submitted" / student / lesson
    notes = []
    notebook = folder / f"{lesson}.ipynb"
    if not notebook.exists():
        notes.append(f"No notebook {notebook.name} was submitted.")
    else:
        try:
            notes += _cell_changes(read_notebook_json(notebook),
                                   Path(course) / "release" / lesson / f"{lesson}.ipynb")
        except ValueError as err:
            notes.append(f"The notebook could not be read: {err}.")
    answers = answers_path(lesson, folder)
    if not answers.exists():
        notes.append(f"No answer file answers/{answers.name} was submitted; widget tasks "
                     "score 0.")
    else:
        problem = read_answers(answers).problem
        if problem:
            notes.append(f"Your answers file {answers.name} {problem}, so widget tasks score 0.")
        stale = _stale_questions(answers)
        if stale:
            notes.append(f"Answers to {', '.join(stale)} were saved on another version of the "
                         "article text; they were scored as saved.")
    return notes


def _stale_questions(path: Path) -> list[str]:
    """Questions whose saved answer records a different article text (fingerprint)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    answers = data.get("answers") if isinstance(data, dict) else None
    if not isinstance(answers, dict):
        return []
    current = _article_fingerprint()
    return sorted(qid for qid, entry in answers.items() if isinstance(entry, dict)
                  and entry.get("fingerprint") not in (None, current))


@functools.cache
def _article_fingerprint(article_id: str = SEED_ARTICLE) -> str:
    from sourcewise.seeds import load_article

    return load_article(article_id).fingerprint


def _result_value(cell: dict[str, Any]) -> float | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "execute_result":
            text = cell_source({"source": output.get("data", {}).get("text/plain", "")})
            try:
                return float(text)
            except ValueError:
                return None
    return None


def _error(cell: dict[str, Any]) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            value = str(output.get("evalue", "")).strip().splitlines()
            return f"{output.get('ename', 'Error')}: {value[0] if value else ''}".rstrip(": ")
    return None


def _student_cell_notes(notebook: dict[str, Any]) -> list[str]:
    notes = []
    for index, cell in enumerate(notebook["cells"], start=1):
        if cell.get("cell_type") != "code" or cell.get("metadata", {}).get("nbgrader",
                                                                            {}).get("grade"):
            continue
        error = _error(cell)
        # On timeout nbgrader interrupts the kernel: the cell ends in KeyboardInterrupt.
        if error and error.split(":")[0] in ("CellTimeoutError", "KeyboardInterrupt"):
            notes.append(f"Cell {index} ran longer than the time limit and was stopped; "
                         "the cells after it were still run.")
        elif error:
            notes.append(f"Cell {index} raised {error}; the cells after it were still run.")
    return notes


def inspect_outcomes(course: Path, student: str, lesson: str, nbgrader_ok: bool,
                     gradebook: Any) -> tuple[list[ItemOutcome], list[str]]:
    """Compare the autograded notebook with the gradebook: scores, reasons and fixes."""
    source = graded_cells(lesson_sources(course, [lesson])[lesson])
    path = Path(course) / "autograded" / student / lesson / f"{lesson}.ipynb"
    notebook = None
    if path.exists():
        try:
            notebook = read_notebook_json(path)
        except ValueError:
            notebook = None
    cells = cells_by_id(notebook) if notebook else {}
    notes = _student_cell_notes(notebook) if notebook else []
    outcomes = []
    for spec in source:
        try:
            grade = gradebook.find_grade(spec.grade_id, lesson, lesson, student)
        except Exception:  # no submission row at all: nbgrader failed before creating it
            grade = None
        score = None if grade is None else grade.auto_score
        pending = grade is None or (grade.needs_manual_grade and grade.manual_score is None)
        outcome = ItemOutcome(spec.grade_id, spec.points, score)
        cell = cells.get(spec.grade_id)
        if not spec.autograded:
            if notebook is None and not nbgrader_ok:
                outcome.event, outcome.fix = "zeroed", 0.0
                outcome.reason = "The notebook could not be graded, so this answer scores 0."
            outcomes.append(outcome)
            continue
        if cell is None:
            outcome.event, outcome.fix = "zeroed", 0.0
            outcome.reason = ("The notebook could not be graded (see the notes), so this item "
                              "scores 0." if notebook is None else
                              "This graded cell was missing from the submission and could not "
                              "be restored, so it scores 0.")
            outcomes.append(outcome)
            continue
        outcome.explanation = stream_text(cell, "stdout").strip()
        # grade_item prints the answer file's problems (damaged, unreadable…) as "Note:" lines.
        file_notes = [line.removeprefix("Note:").strip() for line in
                      outcome.explanation.splitlines() if line.startswith("Note:")]
        if file_notes:
            outcome.reason = " ".join(file_notes)
        restored = cell_source(cell).startswith(RESTORED_PREFIX)
        error = _error(cell)
        noise = stream_text(cell, "stderr").strip()
        value = _result_value(cell)
        if error:
            outcome.event = "error"
            outcome.reason = f"The graded cell stopped with {error}, so this item scores 0."
            if pending:
                outcome.fix = 0.0
        elif noise and value is not None and 0.0 <= value <= spec.points:
            outcome.event, outcome.fix = "corrected", value
            outcome.reason = ("The graded cell also wrote to stderr (nbgrader scores that 0); "
                              f"the computed score {value:g} was recorded. Output: "
                              f"{noise.splitlines()[0][:200]}")
        elif pending:
            outcome.event, outcome.fix = "zeroed", 0.0
            outcome.reason = "The graded cell gave no score, so this item scores 0."
        if restored and outcome.event in ("graded", "corrected"):
            outcome.event = "restored"
            outcome.reason = ("This graded cell had been deleted from the notebook; it was put "
                              "back and graded from your saved answers. " + outcome.reason).strip()
        outcomes.append(outcome)
    return outcomes, notes


KERNEL_START_FAILURES = ("Address already in use", "Kernel died before replying to kernel_info",
                         "Kernel didn't respond in", "Error occurred while starting new kernel")


def _kernel_failed_to_start(result: dict[str, Any]) -> bool:
    log = str(result.get("log", "")) + str(result.get("error", ""))
    return any(marker in log for marker in KERNEL_START_FAILURES)


def grade_submission(api: Any, course: Path, student: str, lesson: str, *,
                     db_url: str | None = None) -> SubmissionResult:
    """Autograde one submission with nbgrader and work out what to correct (writes no fixes).

    ``db_url`` names the gradebook ``api`` writes to when it is not the course's own (a
    parallel worker's private copy).
    """
    from sourcewise.grading.course.nbgrader_env import gradebook

    started = time.perf_counter()
    grader = LessonGrader(course, lesson)
    screened = screen(course / "submitted" / student / lesson)
    if screened.refused:
        # nbgrader would follow a link when it copies the submission: never hand it one.
        return without_kernel(grader, student, [
            "This submission was not run in a kernel because it holds a link or a special "
            "file; its widget tasks were graded from its answers file, and any code task "
            "scores 0."], "It was not run in a kernel")
    pick = lesson_notebook(screened.files, lesson)
    if pick.chosen is None or pick.renamed:
        # nbgrader grades only a notebook named as the lesson's: grade this one from its
        # answers (a renamed notebook is taken as the lesson's there).
        return without_kernel(grader, student, [
            "This submission was not run in a kernel because it has no notebook named "
            f"{lesson}.ipynb; its widget tasks were graded from its answers file, and any code "
            "task scores 0."], "It was not run in a kernel")
    written_ids = [c.grade_id for c in grader.cells if not c.autograded]
    before = written_texts(graded_copy(course, student, lesson), written_ids)
    notes = precheck(course, student, lesson)
    if pick.set_aside:
        names = ", ".join(p.name for p in pick.set_aside)
        notes.append(f"Set aside, not graded: {names} (only {lesson}.ipynb is graded).")
    result = _autograde_lesson_notebook(api, lesson, student)
    if not result.get("success") and _kernel_failed_to_start(result):
        # A kernel that could not start (e.g. two kernels picked the same free port at once)
        # says nothing about the submission: try once more before giving it 0.
        notes.append("The first grading attempt failed to start a kernel; it was retried.")
        result = _autograde_lesson_notebook(api, lesson, student)
    _drop_stray_notebooks(course, student, lesson)
    ok = bool(result.get("success"))
    if not ok:
        log = result.get("log", "") + result.get("error", "")
        if "became unresponsive" in log or "UnresponsiveKernelError" in log:
            why = "The kernel stopped responding (an endless loop?)"
        elif "DeadKernel" in log or "Kernel died" in log:
            why = "The kernel stopped (a cell ended the Python process?)"
        else:
            last = [line for line in log.splitlines() if line.strip()]
            why = "nbgrader could not run this notebook" + (f" ({last[-1][:200]})"
                                                          if last else "")
        # The answers do not depend on the kernel: grade them as the default autograde does
        # (written answers wait for a person); only code tasks lose their points.
        graded = without_kernel(grader, student, [
            *notes, f"{why}; its widget tasks were graded from the answers file and any code "
                    "task scores 0."], why)
        graded.seconds = time.perf_counter() - started
        return graded
    with gradebook(course, db_url) as gb:
        items, cell_notes = inspect_outcomes(course, student, lesson, ok, gb)
    override(items, grader.task_scores(student))
    graded = SubmissionResult(student, lesson, ok, time.perf_counter() - started,
                              notes + cell_notes, items)
    graded.changed_written = changed_answers(
        before, written_texts(graded_copy(course, student, lesson), written_ids))
    for note in graded.notes:
        graded.flag(note)
    return graded


def _autograde_lesson_notebook(api: Any, lesson: str, student: str) -> dict[str, Any]:
    """nbgrader's autograde of the lesson's notebook only (its default grades every notebook
    of the folder, and one stray ``Untitled.ipynb`` fails the whole submission)."""
    previous = api.coursedir.notebook_id
    api.coursedir.notebook_id = lesson
    try:
        return api.autograde(lesson, student, force=True, create=True)
    finally:
        api.coursedir.notebook_id = previous


def _drop_stray_notebooks(course: Path, student: str, lesson: str) -> None:
    """nbgrader copies a submission's other notebooks into autograded/ as plain files; its
    feedback would then try, and fail, to convert them."""
    folder = Path(course) / "autograded" / student / lesson
    for path in folder.glob("*.ipynb"):
        if path.name != f"{lesson}.ipynb":
            path.unlink()


def without_kernel(grader: LessonGrader, student: str, notes: list[str], why: str
                   ) -> SubmissionResult:
    """Grade a submission from its answers only (as the default autograde does); its code
    tasks, which need a kernel, score 0 with ``why``."""
    graded, _ = grader.grade(student)
    graded.notes[:0] = notes
    for item in graded.items:
        if item.event == "needs_kernel":
            item.event, item.score, item.fix = "zeroed", 0.0, 0.0
            item.reason = f"{why}, so this code task scores 0."
    return graded


def override(items: list[ItemOutcome], expected: dict[str, tuple[float, str]]) -> None:
    """Record the instructor-side score of every widget task, flagging a kernel that differed."""
    for item in items:
        if item.grade_id not in expected:
            continue
        points, explanation = expected[item.grade_id]
        kernel = item.fix if item.fix is not None else item.score
        if kernel is not None and abs(kernel - points) <= 1e-9:
            continue
        shown = "no score" if kernel is None else f"{kernel:g}"
        item.event, item.fix, item.explanation = "overridden", points, explanation
        item.reason = (f"The notebook's own run gave {shown}, which differs from the score "
                       f"computed from the saved answers ({points:g}); the latter was recorded.")


def worker_failure(course: Path, student: str, lesson: str, why: str, gb: Any
                    ) -> SubmissionResult:
    """A submission no worker could finish: its autograded items score 0, with the reason."""
    note = f"Grading stopped twice ({why}); its autograded items score 0."
    items, _ = inspect_outcomes(course, student, lesson, False, gb)
    for item in items:
        if item.fix is None and item.score is None:
            item.event, item.fix, item.reason = "zeroed", 0.0, note
    return SubmissionResult(student, lesson, False, 0.0, [note], items, why)


