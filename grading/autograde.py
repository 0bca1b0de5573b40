"""Autograde a whole course in one process through nbgrader's API, then check what it recorded.

Per submission (``submitted/<student>/<lesson>/``): read the answer file and the notebook
(problems become notes), run nbgrader's autograde, then inspect the autograded notebook and the
gradebook. nbgrader's blind spots are fixed there, with a reason in the grading log:

* a graded cell with stderr noise but a valid score gets that score (nbgrader gives 0);
* a grade cell left "needs manual grading" by a failed run gets 0 (nbgrader leaves it open);
* a notebook that does not parse or a kernel that hangs: the lesson's autograded items get 0.

Grading one submission (:func:`grade_submission`) only reads the gradebook and returns plain
data; :func:`record` writes the corrections and the log. A pool of workers can run the first
while the main process serialises the second (issue 6).
"""

from __future__ import annotations

import functools
import json
import sys
import time
import uuid
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import grading_log
from .autograde_steps import RESTORED_PREFIX
from .grading_log import LogEntry
from .lesson_cells import (
    cell_source,
    cells_by_id,
    graded_cells,
    lesson_sources,
    read_notebook_json,
    stream_text,
)


@dataclass
class ItemOutcome:
    """What autograde gave one grade cell, and what Sourcewise sets when that was wrong."""

    grade_id: str
    max_score: float
    score: float | None
    event: str = "graded"
    reason: str = ""
    explanation: str = ""
    fix: float | None = None  # the score to record instead of nbgrader's


@dataclass
class SubmissionResult:
    """The outcome of grading one student's lesson; plain data, safe to pass between processes."""

    student: str
    lesson: str
    ok: bool
    seconds: float
    notes: list[str] = field(default_factory=list)
    items: list[ItemOutcome] = field(default_factory=list)
    error: str = ""


def find_submissions(course: Path, lessons: Iterable[str] | None = None,
                     students: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """``(student, lesson)`` pairs under ``submitted/`` for lessons the course has."""
    known = lesson_sources(course, lessons)
    wanted = set(students) if students else None
    pairs = []
    for folder in sorted((Path(course) / "submitted").glob("*/*")):
        student, lesson = folder.parent.name, folder.name
        if folder.is_dir() and lesson in known and (wanted is None or student in wanted):
            pairs.append((student, lesson))
    return pairs


# Kept outside autograded/ (nbgrader owns that folder and deletes a submission's folder there
# when it cannot grade it): one empty file per recorded submission.
RECORDED_DIR = ".sourcewise-recorded"


def _stamp(course: Path, student: str, lesson: str) -> Path:
    return Path(course) / RECORDED_DIR / student / lesson


def is_graded(course: Path, student: str, lesson: str) -> bool:
    """True when this submission's grades were recorded after its files last changed.

    The stamp is written only after the gradebook and the log hold the grades, so a run stopped
    half-way (Ctrl+C, a crash) regrades exactly the submissions it had not finished.
    """
    stamp = _stamp(course, student, lesson)
    if not stamp.exists():
        return False
    submitted = Path(course) / "submitted" / student / lesson
    newest = max((p.stat().st_mtime for p in submitted.rglob("*") if p.is_file()), default=0.0)
    return stamp.stat().st_mtime >= newest


def mark_recorded(course: Path, student: str, lesson: str) -> None:
    stamp = _stamp(course, student, lesson)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(time.strftime("%Y-%m-%dT%H:%M:%S"), encoding="utf-8")


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
    from sourcewise.widgets.answer_store import AnswerStore, answers_path

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
        notes += AnswerStore(answers).notices
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
def _article_fingerprint(article_id: str = "isis-morale-2014") -> str:
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
    from .course import gradebook

    started = time.perf_counter()
    notes = precheck(course, student, lesson)
    result = api.autograde(lesson, student, force=True, create=True)
    if not result.get("success") and _kernel_failed_to_start(result):
        # A kernel that could not start (e.g. two kernels picked the same free port at once)
        # says nothing about the submission: try once more before giving it 0.
        notes.append("The first grading attempt failed to start a kernel; it was retried.")
        result = api.autograde(lesson, student, force=True, create=True)
    ok = bool(result.get("success"))
    error = ""
    if not ok:
        log = result.get("log", "") + result.get("error", "")
        if "became unresponsive" in log or "UnresponsiveKernelError" in log:
            error = "The kernel stopped responding (an endless loop?); it could not be graded."
        else:
            last = [line for line in log.splitlines() if line.strip()]
            error = "nbgrader could not grade this notebook" + (f" ({last[-1][:200]})"
                                                               if last else "")
        notes.append(error + " Its autograded items score 0.")
    with gradebook(course, db_url) as gb:
        items, cell_notes = inspect_outcomes(course, student, lesson, ok, gb)
    return SubmissionResult(student, lesson, ok, time.perf_counter() - started,
                            notes + cell_notes, items, error)


def record(course: Path, result: SubmissionResult, run: str, gb: Any) -> list[LogEntry]:
    """Write a submission's corrections to the gradebook and its entries to the grading log."""
    for item in result.items:
        if item.fix is None:
            continue
        try:
            grade = gb.find_grade(item.grade_id, result.lesson, result.lesson, result.student)
        except Exception:
            gb.update_or_create_submission(result.lesson, result.student)
            grade = gb.find_grade(item.grade_id, result.lesson, result.lesson, result.student)
        grade.auto_score = item.fix
        grade.needs_manual_grade = False
    gb.db.commit()
    entries = [LogEntry(result.student, result.lesson, "note", reason=note, run=run)
               for note in result.notes]
    entries += [LogEntry(result.student, result.lesson, item.event, item.grade_id,
                         item.fix if item.fix is not None else item.score, item.max_score,
                         item.reason, item.explanation, run) for item in result.items]
    grading_log.append(course, entries)
    return entries


def _quiet() -> None:
    """nbgrader's SQLAlchemy session emits SAWarnings on every new submission: not ours to fix."""
    try:
        from sqlalchemy.exc import SAWarning

        warnings.filterwarnings("ignore", category=SAWarning)
    except ImportError:  # pragma: no cover
        pass


def _worker_failure(course: Path, student: str, lesson: str, why: str, gb: Any
                    ) -> SubmissionResult:
    """A submission no worker could finish: its autograded items score 0, with the reason."""
    note = f"Grading stopped twice ({why}); its autograded items score 0."
    items, _ = inspect_outcomes(course, student, lesson, False, gb)
    for item in items:
        if item.fix is None and item.score is None:
            item.event, item.fix, item.reason = "zeroed", 0.0, note
    return SubmissionResult(student, lesson, False, 0.0, [note], items, why)


def autograde_course(directory: Path, jobs: int = 1, lessons: Sequence[str] | None = None,
                     force: bool = False, *, students: Sequence[str] | None = None,
                     progress: bool = True, submission_timeout: float = 600.0) -> int:
    """Autograde every submission of a course; 0 when every submission was graded.

    With ``jobs`` > 1, workers grade in parallel (parallel_autograde) and this process merges
    their rows; either way only this process writes the course gradebook and the log, and a
    submission counts as graded only once both hold it (Ctrl+C, then a re-run, resumes).
    """
    from tqdm import tqdm

    from .course import gradebook, nbgrader_api

    course = Path(directory).resolve()
    pairs = find_submissions(course, lessons, students)
    todo = [(s, lesson) for s, lesson in pairs if force or not is_graded(course, s, lesson)]
    if not pairs:
        print(f"no submissions under {course / 'submitted'}", file=sys.stderr)
        return 1
    _quiet()
    run = uuid.uuid4().hex[:12]
    failed: list[str] = []
    seconds: list[float] = []
    corrected = 0
    bar = tqdm(total=len(todo), unit="submission", desc=f"autograde ×{max(jobs, 1)}",
               disable=not progress, file=sys.stderr)

    def finish(result: SubmissionResult, gb: Any) -> None:
        nonlocal corrected
        record(course, result, run, gb)
        mark_recorded(course, result.student, result.lesson)
        seconds.append(result.seconds)
        corrected += sum(1 for item in result.items if item.fix is not None)
        if not result.ok:
            failed.append(f"{result.student}/{result.lesson}")
        bar.set_postfix_str(f"{result.student} {result.lesson}")
        bar.update(1)

    started = time.perf_counter()
    try:
        if jobs > 1 and len(todo) > 1:
            from .parallel_autograde import grade_in_parallel, merge_rows

            def on_result(task: tuple[str, str], result: Any, rows: Any, why: str) -> None:
                student, lesson = task
                with gradebook(course) as gb:
                    if why:
                        result = _worker_failure(course, student, lesson, why, gb)
                    else:
                        merge_rows(gb, lesson, student, rows)
                    finish(result, gb)

            grade_in_parallel(course, todo, jobs, on_result,
                              submission_timeout=submission_timeout)
        else:
            api = nbgrader_api(course)
            for student, lesson in todo:
                result = grade_submission(api, course, student, lesson)
                with gradebook(course) as gb:
                    finish(result, gb)
    except KeyboardInterrupt:
        bar.close()
        print(f"\nstopped: {len(seconds)} of {len(todo)} submission(s) graded and recorded; "
              "run the same command again to grade the rest.", file=sys.stderr)
        return 130
    bar.close()
    wall = time.perf_counter() - started
    skipped = len(pairs) - len(todo)
    mean = sum(seconds) / len(seconds) if seconds else 0.0
    print(f"autograded {len(todo)} submission(s) in {wall:.1f} s with {max(jobs, 1)} "
          f"worker(s) ({mean:.2f} s each)"
          + (f", skipped {skipped} already graded (use --force to regrade)" if skipped else "")
          + (f"; {corrected} score(s) set by Sourcewise" if corrected else "")
          + f"; log: {grading_log.log_path(course)}")
    for name in failed:
        print(f"could not autograde {name}: its autograded items score 0 (see the log)",
              file=sys.stderr)
    return 1 if failed else 0
