"""Loading an answers download into a lesson folder: every answer kept, every file replaced
atomically.

Widget answers are merged into ``answers/<lesson>.json`` under the answer store's file lock (the
later-saved answer wins, the other is kept in the file's ``stale`` section); written answers go
into the lesson notebook's answer cells (``answer_merge``). Nothing is written while nbgrader
executes a notebook or a run is read-only, and a bundle about another article is refused
before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sourcewise.grading.answer_bundle import (
    Bundle,
    BundleError,
    answers_payload,
    folder_article,
    lesson_home,
    read_notebook,
)
from sourcewise.grading.answer_file import ANSWERS_FOLDER, AnswerFile, answers_path, read_answers
from sourcewise.grading.answer_merge import fill_written, merge_answers

from .answer_store import AnswerStore, AnswerStoreError, atomic_write_json, writes_allowed

LOCK_TIMEOUT = 10.0


def count(number: int, noun: str) -> str:
    """``1 answer``, ``2 answers``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@dataclass
class LessonRestore:
    """What loading did to one lesson."""

    lesson: str
    loaded: int = 0
    kept: int = 0
    same: int = 0
    written_loaded: int = 0
    written_both: int = 0
    written_same: int = 0
    written_unplaced: int = 0
    no_notebook: bool = False
    problems: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        parts = []
        if self.loaded:
            parts.append(f"{count(self.loaded, 'answer')} loaded")
        if self.kept:
            one = self.kept == 1
            parts.append(f"{count(self.kept, 'answer')} already on this device "
                         f"{'was' if one else 'were'} kept because "
                         f"{'it was' if one else 'they were'} saved at the same time or later "
                         "(the loaded "
                         f"{'one is' if one else 'ones are'} kept aside in "
                         f"{ANSWERS_FOLDER}/{self.lesson}.json)")
        if self.written_loaded:
            parts.append(f"{count(self.written_loaded, 'written answer')} put into "
                         f"{self.lesson}.ipynb")
        if self.written_both:
            parts.append(f"{count(self.written_both, 'written answer')} added below the one "
                         f"already in {self.lesson}.ipynb, marked “Loaded from …”")
        if self.written_unplaced:
            where = (f"{self.lesson}.ipynb is not in this folder" if self.no_notebook else
                     f"{self.lesson}.ipynb has no answer cell for "
                     f"{'it' if self.written_unplaced == 1 else 'them'}")
            parts.append(f"{count(self.written_unplaced, 'written answer')} could not be put "
                         f"in place because {where} (the file you loaded still holds "
                         f"{'it' if self.written_unplaced == 1 else 'them'})")
        if not parts and not self.problems:
            return f"{self.lesson}: nothing new; every answer in the file is already here."
        head = f"{self.lesson}: " + "; ".join(parts) + "." if parts else f"{self.lesson}:"
        return " ".join([head, *self.problems])


@dataclass
class RestoreReport:
    """What loading a file did, lesson by lesson, in plain sentences."""

    lessons: list[LessonRestore] = field(default_factory=list)
    read_only: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def answers_loaded(self) -> int:
        return sum(lesson.loaded for lesson in self.lessons)

    @property
    def written_placed(self) -> int:
        return sum(lesson.written_loaded + lesson.written_both for lesson in self.lessons)

    def sentences(self) -> list[str]:
        if self.read_only:
            return ["Nothing was loaded: this is a read-only (grading) run, which never "
                    "changes your files."]
        if not self.lessons:
            return ["The file holds no answers, so nothing changed.", *self.notes]
        lines = [lesson.sentence() for lesson in self.lessons] + self.notes
        if self.answers_loaded:
            lines.append("To see loaded answers in a lesson that is open, restart its kernel "
                         "and run it again (Kernel → Restart Kernel and Run All Cells).")
        if self.written_placed:
            lines.append("If a lesson that got written answers is open, reload it (File → "
                         "Reload Notebook from Disk) before you save it, so the open copy "
                         "does not replace them.")
        return lines

    def text(self) -> str:
        return "\n".join(self.sentences())


def _restore_answers(path: Path, loaded: AnswerFile, report: LessonRestore) -> None:
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT):
            current = read_answers(path)
            if current.problem:
                store = AnswerStore(path)
                store.keep_aside(current.problem)
                report.problems.append(store.notices[-1])
                current = AnswerFile()
            merge = merge_answers(current, loaded)
            if merge.changed:
                atomic_write_json(path, answers_payload(merge.result))
    except Timeout:
        report.problems.append(f"Another program is holding {path.name}, so its answers were "
                               "not loaded; try again.")
        return
    except (OSError, AnswerStoreError) as err:
        report.problems.append(f"Its answers could not be saved ({err}).")
        return
    report.loaded, report.kept, report.same = len(merge.loaded), len(merge.kept), len(merge.same)


def _restore_written(path: Path, written: dict[str, str], label: str,
                     report: LessonRestore) -> None:
    if path.is_symlink() or not path.is_file():
        report.no_notebook = True
        report.written_unplaced = len(written)
        return
    try:
        notebook = read_notebook(path)
        merge = fill_written(notebook, written, label)
        if merge.changed:
            atomic_write_json(path, notebook, keep_mode=True)
    except (OSError, ValueError) as err:
        report.problems.append(f"Its written answers could not be put in {path.name} ({err}); "
                               "the file you loaded still holds them.")
        return
    report.written_loaded, report.written_both = len(merge.loaded), len(merge.both)
    report.written_same, report.written_unplaced = len(merge.same), len(merge.missing)


def check_article(bundle: Bundle, folder: str | Path) -> None:
    """Refuse a bundle about another article than the lessons in ``folder`` (BundleError)."""
    here = folder_article(folder)
    if here is not None and here != bundle.article:
        raise BundleError(f"This file holds answers about the article “{bundle.article}”, but "
                          f"the lessons here are about “{here}”.")


def restore_bundle(bundle: Bundle, folder: str | Path | None = None, *,
                   label: str = "the answers file you loaded") -> RestoreReport:
    """Load a checked bundle into ``folder`` (default: the working folder) without losing any
    answer. ``label`` names the file in the block that marks a loaded written answer."""
    folder = Path(folder) if folder is not None else Path.cwd()
    check_article(bundle, folder)
    if not writes_allowed():
        return RestoreReport(read_only=True)
    report = RestoreReport()
    for stem, lesson in bundle.lessons.items():
        done = LessonRestore(stem)
        home = lesson_home(folder, stem)  # a course keeps each lesson in its own folder
        if lesson.answers is not None:
            _restore_answers(answers_path(stem, home), lesson.answers, done)
        if lesson.written:
            _restore_written(home / f"{stem}.ipynb", dict(lesson.written), label, done)
        report.lessons.append(done)
    return report
