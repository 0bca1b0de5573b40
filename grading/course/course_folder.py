"""An nbgrader course folder from the lessons: source notebooks, config, gradebook, release.

``init_course`` lays out ``source/<lesson>/<lesson>.ipynb``, writes ``nbgrader_config.py`` and
registers students; ``build_course`` generates the student release through nbgrader's Python
API (see ``nbgrader_env`` for how the course config reaches nbgrader).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from sourcewise.grading.course.course_errors import CourseError
from sourcewise.grading.course.due_dates import (
    apply_to_gradebook,
    merged_due_dates,
    set_due_dates,
)
from sourcewise.grading.course.nbgrader_env import CONFIG_FILE, gradebook, nbgrader_api

DEFAULT_TIMEOUT = 60
STUDENT_PAGES = "for-students"  # pages students get beside the lessons (not assignments)
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS", "KEY = ", "grade_item(")

CONFIG_TEMPLATE = '''\
"""nbgrader configuration of a Sourcewise course (written by `sourcewise course init`)."""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = HERE
{db_line}
# The exchange lives inside the course folder unless you point it elsewhere (JupyterHub).
c.Exchange.root = os.path.join(HERE, "exchange")

# Autograde copies every non-notebook file of source/<lesson>/ over the student's files;
# the answer files must never be replaced by an instructor's copy.
SOURCE = os.path.join(HERE, "source")
c.Autograde.exclude_overwriting = {{
    lesson: [f"answers/{{lesson}}.json", f"answers/{{lesson}}.json.lock"]
    for lesson in (sorted(os.listdir(SOURCE)) if os.path.isdir(SOURCE) else [])
    if os.path.isdir(os.path.join(SOURCE, lesson))
}}

# A deleted grade cell is otherwise left "needs manual grading" with no warning, and nbgrader's
# own restore crashes after a locked widget cell or on a duplicated cell: Sourcewise's step puts
# it back (widget answers are read from the answer file, so the restored cell grades correctly).
c.Autograde.sanitize_preprocessors = {sanitize}
c.OverwriteCells.add_missing_cells = True

# Timeout per cell: an infinite loop costs this much, then the rest of the notebook runs.
c.Execute.timeout = {timeout}
c.ExecutePreprocessor.timeout = {timeout}
# The kernel's own start-up warnings would otherwise fill the instructor's terminal.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=40"]

# Feedback: hidden tests and tracebacks are stripped, the itemised explanations are kept.
c.GenerateFeedback.preprocessors = {feedback}
c.StripHiddenTests.course_root = HERE
'''


def config_text(course_id: str, *, db_url: str | None = None,
                timeout: int = DEFAULT_TIMEOUT) -> str:
    """The ``nbgrader_config.py`` of a course (every lesson under source/ is covered)."""
    from sourcewise.grading.course.autograde.steps import SANITIZE_STEPS
    from sourcewise.grading.course.results.feedback import FEEDBACK_STEPS

    def steps(names: list[str]) -> str:
        return "[\n" + "".join(f"    {name!r},\n" for name in names) + "]"

    db_line = f"c.CourseDirectory.db_url = {db_url!r}\n" if db_url else ""
    return CONFIG_TEMPLATE.format(course_id=course_id, timeout=int(timeout), db_line=db_line,
                                  sanitize=steps(SANITIZE_STEPS),
                                  feedback=steps(FEEDBACK_STEPS))


def course_lessons(course: Path) -> list[str]:
    """Lesson ids of a course folder, in teaching order."""
    from sourcewise.lessons.lesson_cells import lesson_sources

    return list(lesson_sources(course))


def _copy_lesson(notebook: Path, course: Path) -> str:
    target = course / "source" / notebook.stem / notebook.name
    if target.exists():
        if target.read_bytes() != notebook.read_bytes():
            print(f"kept {target} (it differs from the packaged lesson; not overwritten)")
        return "kept"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(notebook, target)
    return "copied"


def register_students(course: Path, students: Iterable[str], *, create: bool = False) -> int:
    """Add students to the gradebook (existing ones are left as they are)."""
    count = 0
    with gradebook(course, create=create) as gb:
        for student in students:
            gb.update_or_create_student(student)
            count += 1
    return count


def _check_writable(course: Path) -> None:
    """A ``CourseError`` before anything is made when the folder cannot be a course."""
    existing = course
    while not existing.exists():
        existing = existing.parent
    if existing != course and not existing.is_dir():
        raise CourseError(f"cannot make {course}: {existing} is a file, not a folder")
    if course.exists() and not course.is_dir():
        raise CourseError(f"{course} is a file, not a course folder")
    if not os.access(existing, os.W_OK | os.X_OK) or str(existing).startswith(("/proc", "/sys")):
        raise CourseError(f"cannot make a course in {course}: {existing} is not writable "
                          "(choose a folder you can write to)")


def init_course(directory: Path, students: Sequence[str] = (), db_url: str | None = None, *,
                lessons: Sequence[Path] | None = None, course_id: str | None = None,
                timeout: int = DEFAULT_TIMEOUT, article: Path | None = None,
                due: Sequence[str] = (), extensions: Sequence[str] = (),
                late_penalty: str | None = None) -> int:
    """Create (or complete) a course folder; nothing already there is overwritten.

    ``article``: a keyed article folder outside the package; the course gets lessons generated
    for it (``article_course``) instead of the seed's hand-written ones. ``due``,
    ``extensions`` and ``late_penalty`` go into ``due-dates.json`` (see ``due_dates``).
    """
    course = Path(directory).expanduser().resolve()
    _check_writable(course)
    new_course = not (course / CONFIG_FILE).exists()
    explicit = lessons is not None
    if article is not None and lessons is None:
        from sourcewise.lessons.article_folder import prepare_article_course
        from sourcewise.seeds import SeedError

        try:
            lessons = prepare_article_course(course, article)
        except SeedError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    if lessons is None:
        from sourcewise.lessons import lesson_paths

        lessons = lesson_paths()
    if lessons and not explicit and article is None:  # the skills check: pre and post
        from sourcewise.lessons.assessment import assessment_paths

        lessons = [*lessons, *assessment_paths()]
    if not lessons:
        print("error: no lesson notebooks found to put in the course", file=sys.stderr)
        return 1
    merged_due_dates(course, due, extensions, late_penalty,
                     lessons=[Path(notebook).stem for notebook in lessons])
    try:
        course.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CourseError(f"cannot make the course folder {course} ({err.strerror})") from None
    (course / "exchange").mkdir(exist_ok=True)
    for notebook in lessons:
        _copy_lesson(Path(notebook), course)
    config_path = course / CONFIG_FILE
    text = config_text(course_id or course.name, db_url=db_url, timeout=timeout)
    if not config_path.exists():
        config_path.write_text(text, encoding="utf-8")
    elif config_path.read_text(encoding="utf-8") != text:
        config_path.with_name(CONFIG_FILE + ".new").write_text(text, encoding="utf-8")
        print(f"kept your {CONFIG_FILE}; the generated one is beside it as {CONFIG_FILE}.new")
    registered = register_students(course, students, create=new_course)
    set_due_dates(course, due, extensions, late_penalty,
                  lessons=[Path(notebook).stem for notebook in lessons])
    apply_to_gradebook(course)
    print(f"course folder ready: {course} ({len(lessons)} lessons, {registered} students added)")
    return 0


def release_leaks(course: Path, lessons: Iterable[str] | None = None) -> list[str]:
    """Files of the release that carry hidden tests or a key (must be empty)."""
    problems = []
    release = Path(course) / "release"
    for path in sorted(release.glob("*/**/*")):
        if not path.is_file() or (lessons and path.relative_to(release).parts[0] not in lessons):
            continue
        if path.parent.name == "answers":
            problems.append(f"{path}: an answer file in the release")
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        problems += [f"{path}: contains {marker!r}" for marker in HIDDEN_MARKERS if marker in text]
    return problems


def write_course_page(course: Path) -> Path:
    """``for-students/my-answers.ipynb``: the one-file hand-in page for course students (outside
    release/, so nbgrader never releases or collects it as an assignment)."""
    from sourcewise.grading.atomic_write import write_json_atomic
    from sourcewise.grading.editions.my_answers_page import TRANSFER_NOTEBOOK, transfer_notebook

    path = course / STUDENT_PAGES / TRANSFER_NOTEBOOK
    path.parent.mkdir(exist_ok=True)
    write_json_atomic(path, transfer_notebook(browser=False, course=True))
    print(f"one-file hand-in page for students: {path} (give it to them with the lessons)")
    return path


def build_course(directory: Path, lessons: Sequence[str] | None = None, *,
                 due: Sequence[str] = (), extensions: Sequence[str] = (),
                 late_penalty: str | None = None) -> int:
    """Generate the student release of every lesson (nbgrader generate_assignment)."""
    course = Path(directory).resolve()
    ids = [lesson for lesson in course_lessons(course) if not lessons or lesson in lessons]
    if not ids:
        print(f"error: no lessons under {course / 'source'}", file=sys.stderr)
        return 1
    set_due_dates(course, due, extensions, late_penalty, lessons=course_lessons(course))
    api = nbgrader_api(course)
    failed = []
    for lesson in ids:
        result = api.generate_assignment(lesson, force=True, create=True)
        if not result["success"]:
            failed.append(lesson)
            print(f"error: {lesson}: nbgrader could not generate the release:\n"
                  f"{result.get('log', '')}{result.get('error', '')}", file=sys.stderr)
            continue
        # An instructor who tried the lesson inside source/ has an answers/ folder there:
        # it must not reach students (it would hold the instructor's answers).
        stray = course / "release" / lesson / "answers"
        if stray.exists():
            shutil.rmtree(stray)
            print(f"note: left source/{lesson}/answers/ out of the release")
    apply_to_gradebook(course)  # nbgrader keeps the due date on the assignment it just made
    leaks = release_leaks(course, ids)
    for leak in leaks:
        print(f"error: {leak}", file=sys.stderr)
    ok = len(ids) - len(failed)
    print(f"release built: {ok} of {len(ids)} lessons in {course / 'release'}")
    write_course_page(course)
    from sourcewise.grading.editions.course_wheel import write_student_package
    from sourcewise.lessons.lesson_cells import lesson_sources

    wheel = write_student_package(course, lesson_sources(course).values())
    print(f"student package (course edition, no key): {wheel}\n"
          f"  install it for students with: pip install {wheel}")
    return 1 if failed or leaks else 0
