"""How the pipeline reaches nbgrader: the course config, the API object and the gradebook.

nbgrader's ``NbGraderAPI`` does not read ``nbgrader_config.py`` by itself (checked with
nbgrader 0.9.6), so :func:`load_config` loads it and every step passes it in. This module is the
bottom of the pipeline: it imports nothing else of Sourcewise.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from sourcewise.grading.course.course_errors import CONFIG_FILE, CourseError
from sourcewise.lessons.student_versions import ensure_alembic_on_path


def load_config(course: Path) -> Any:
    """The course's ``nbgrader_config.py`` as a traitlets Config, rooted at the course folder."""
    from traitlets.config.loader import Config, PyFileConfigLoader

    course = Path(course).resolve()
    path = course / CONFIG_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run 'sourcewise course init {course}' first")
    config = PyFileConfigLoader(path.name, path=str(course)).load_config()
    config.merge(Config({"CourseDirectory": {"root": str(course)}}))
    return config


def nbgrader_api(course: Path, overrides: dict[str, Any] | None = None) -> Any:
    """An ``NbGraderAPI`` for the course with its config passed in (it would not read it)."""
    import logging

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import Config

    ensure_alembic_on_path()
    config = load_config(course)
    require_gradebook(str(CourseDirectory(config=config).db_url), Path(course))
    if overrides:
        config.merge(Config(overrides))
    coursedir = CourseDirectory(config=config)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    api.log.setLevel(logging.WARNING)
    return api


def gradebook(course: Path, db_url: str | None = None, *, create: bool = False) -> Any:
    """The course gradebook, or the one at ``db_url`` (use as a context manager).

    A missing SQLite gradebook is a ``CourseError`` unless ``create`` (``course init``):
    nbgrader would make a new empty one, and every grade would then fail with MissingEntry.
    """
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    ensure_alembic_on_path()
    coursedir = CourseDirectory(config=load_config(course))
    url = db_url or coursedir.db_url
    if not create:
        require_gradebook(url, Path(course))
    return Gradebook(url, coursedir.course_id)


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL (None for another database or an in-memory one)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url[len(prefix):] in ("", ":memory:"):
        return None
    return Path(url[len(prefix):])


def require_gradebook(url: str, course: Path) -> None:
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise CourseError(f"the gradebook {path} is missing: restore it from a backup (it "
                          f"holds every grade; a new empty one would not match the course), or "
                          f"make a new course with 'sourcewise course init'")


def check_gradebook(course: Path) -> None:
    """A ``CourseError`` when the course's SQLite gradebook is missing (see ``gradebook``)."""
    from nbgrader.coursedir import CourseDirectory

    require_gradebook(str(CourseDirectory(config=load_config(course)).db_url), Path(course))


def recorded_grades(course: Path, db_url: str | None = None
                    ) -> dict[tuple[str, str, str], tuple[float | None, bool]]:
    """Every grade in the gradebook (the course's, or the one at ``db_url``):
    (student, lesson, grade id) -> (auto score, needs manual)."""
    grades = {}
    with gradebook(course, db_url) as gb:
        for student in gb.students:
            for submission in gb.student_submissions(student.id):
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        grades[(student.id, notebook.name, grade.name)] = (
                            grade.auto_score, bool(grade.needs_manual_grade))
    return grades


def quiet_sqlalchemy() -> None:
    """nbgrader's SQLAlchemy session emits SAWarnings on every new submission: not ours to fix."""
    try:
        from sqlalchemy.exc import SAWarning

        warnings.filterwarnings("ignore", category=SAWarning)
    except ImportError:  # pragma: no cover
        pass
