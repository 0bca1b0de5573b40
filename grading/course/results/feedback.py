"""Student feedback pages: ``feedback/<student>/<lesson>/<lesson>.html`` for every submission.

The flow, for each lesson: read the gradebook's scores and comments for the class in one go
(:mod:`gradebook_scores`), write the lesson's shared stylesheet once, then for each graded
notebook build what the page says (:mod:`feedback_model`: score, items with their points and
explanations, notes, cells without hidden tests) and render it with the one template
(:mod:`feedback_page`). Submissions that could not be graded get a page with the grading log's
reasons. The folder layout is nbgrader's, so ``nbgrader release_feedback`` finds the pages.
``FEEDBACK_STEPS`` is nbgrader's own converter pipeline, for ``nbgrader generate_feedback``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sourcewise.grading.course import grading_log

RELEASE_FILES = ("timestamp.txt", "submission_secret.txt")
# GenerateFeedback's pipeline (also written into nbgrader_config.py by `course init`).
FEEDBACK_STEPS = [
    "nbgrader.preprocessors.GetGrades",
    # after GetGrades: scores are set
    "sourcewise.grading.course.results.feedback.StripHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]


def __getattr__(name: str) -> Any:
    """``StripHiddenTests`` on demand: nbgrader's config names it here, and importing it
    loads nbconvert, which the template path does not need."""
    if name == "StripHiddenTests":
        from sourcewise.grading.course.results.feedback_nbgrader import StripHiddenTests

        return StripHiddenTests
    raise AttributeError(name)


def feedback_pairs(course: Path, lessons: Sequence[str] | None = None,
                   students: Iterable[str] = ()
                   ) -> tuple[list[tuple[str, str]], list[tuple[str, str]], dict]:
    """(graded pairs, ungraded pairs, latest grading runs) of (student, lesson); ``students``:
    only these (all when empty)."""
    only = set(students)

    def wanted(sid: str, lesson: str) -> bool:
        return (not lessons or lesson in lessons) and (not only or sid in only)

    pairs = sorted((folder.parent.name, folder.name)
                   for folder in (course / "autograded").glob("*/*")
                   if folder.is_dir() and wanted(folder.parent.name, folder.name))
    runs = grading_log.latest_run(grading_log.read(course))
    graded = set(pairs)
    ungraded = sorted(key for key in runs if key not in graded and wanted(*key)
                      and (course / "submitted" / key[0] / key[1]).is_dir())
    return pairs, ungraded, runs


def write_pages(course: Path, pairs: Sequence[tuple[str, str]],
                ungraded: Sequence[tuple[str, str]], runs: dict, *,
                progress: bool = False) -> list[str]:
    """Render and write the pages; the ones that could not be written, as "student/lesson"."""
    from sourcewise.grading.atomic_write import write_bytes_atomic
    from sourcewise.grading.course.due_dates import DueDates, read_due_dates
    from sourcewise.grading.course.nbgrader_env import quiet_sqlalchemy
    from sourcewise.grading.course.progress import progress_bar
    from sourcewise.grading.course.results.feedback_model import build_page, ungraded_page
    from sourcewise.grading.course.results.feedback_page import render, write_shared
    from sourcewise.grading.course.results.gradebook_scores import read_grades

    quiet_sqlalchemy()
    root = course / "feedback"
    lessons = sorted({lesson for _, lesson in [*pairs, *ungraded]})
    students = {sid for sid, _ in [*pairs, *ungraded]}
    grades = read_grades(course, lessons, next(iter(students)) if len(students) == 1 else None)
    for lesson in lessons:
        write_shared(root, lesson)
    try:
        dates = read_due_dates(course)
    except (OSError, ValueError) as err:  # a damaged due-dates file must not cost the pages
        print(f"note: due dates not shown on the pages: {err}", file=sys.stderr)
        dates = DueDates({}, {})
    failed = []
    bar = progress_bar(len(pairs) + len(ungraded), "feedback", progress, unit="page")
    for student, lesson in [*pairs, *ungraded]:
        bar.update(1)
        entries = runs.get((student, lesson), [])
        notebook_path = course / "autograded" / student / lesson / f"{lesson}.ipynb"
        try:
            if (student, lesson) in runs and not notebook_path.exists():
                page = ungraded_page(student, lesson, entries)
            else:
                notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
                page = build_page(student, lesson, notebook, grades.get((student, lesson)),
                                  entries)
            page = replace(page, handed_in=handed_in(dates, course, student, lesson))
            target = root / student / lesson / f"{lesson}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(target, render(page).encode("utf-8"))
            copy_release_files(notebook_path.parent, target.parent)
        except (OSError, ValueError, KeyError, TypeError) as err:
            # One page that cannot be written must not stop the rest; say which and why.
            failed.append(f"{student}/{lesson} ({type(err).__name__}: {err})")
    bar.close()
    return failed


def handed_in(dates: Any, course: Path, student: str, lesson: str) -> str:
    """When the work came in, against the lesson's due date (empty when it has none)."""
    from sourcewise.grading.course.due_dates import status_of

    status = status_of(dates, student, lesson, course / "submitted" / student / lesson)
    if status.due is None or status.state not in ("late", "submitted"):
        return ""
    due = f"due {status.due:%Y-%m-%d %H:%M %Z}".strip()
    if status.state == "submitted" and status.submitted is not None:
        return f"on time ({due})"
    return f"{status.describe()} ({due})"


def copy_release_files(autograded: Path, feedback: Path) -> None:
    """Copy the submission's ``timestamp.txt`` and ``submission_secret.txt`` beside its page, as
    nbgrader's converter does: ``nbgrader release_feedback`` names the released page by them."""
    from sourcewise.grading.answer_file import read_regular
    from sourcewise.grading.atomic_write import write_bytes_atomic

    for name in RELEASE_FILES:
        source = autograded / name
        if source.is_file() and not source.is_symlink():
            write_bytes_atomic(feedback / name, read_regular(source, 4096))


def feedback_course(directory: Path, lessons: Sequence[str] | None = None, *,
                    student: str | None = None, progress: bool = True,
                    students: Sequence[str] | None = None) -> int:
    """Write ``feedback/<student>/<lesson>/<lesson>.html`` for every graded submission (or
    only for ``student`` / ``students``); print a one-line summary and any page that could not
    be written."""
    course = Path(directory).resolve()
    only = {*(students or ()), *([student] if student else [])}
    pairs, ungraded, runs = feedback_pairs(course, lessons, only)
    if not pairs and not ungraded:
        who = f" for {', '.join(sorted(only))}" if only else ""
        print(f"no autograded submissions{who} under {course / 'autograded'}: run autograde "
              "first", file=sys.stderr)
        return 1
    failed = write_pages(course, pairs, ungraded, runs, progress=progress)
    for name in failed:
        print(f"could not write feedback for {name}", file=sys.stderr)
    print(f"feedback written for {len(pairs) + len(ungraded) - len(failed)} submission(s) in "
          f"{course / 'feedback'}" + (f" ({len(ungraded)} could not be graded: their pages "
                                      "give the reasons)" if ungraded else ""))
    return 1 if failed else 0


def feedback_leaks(html: str, keys: Sequence[str] = ()) -> list[str]:
    """Hidden-test markers, key-literal fields (and any given key strings) found in a page."""
    markers = ["HIDDEN TESTS", "grade_item", "&quot;rationale&quot;", '"rationale"',
               "&quot;also&quot;", '"also"', "Traceback (most recent call last)", *keys]
    return [marker for marker in markers if marker in html]
