"""How the pipeline reaches nbgrader: the course config, the API object and the gradebook.

nbgrader's ``NbGraderAPI`` does not read ``nbgrader_config.py`` by itself (checked with
nbgrader 0.9.6), so :func:`load_config` loads it and every step passes it in. This module is the
bottom of the pipeline: it imports nothing else of Sourcewise.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from sourcewise.grading.course.course_errors import CONFIG_FILE
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
    if overrides:
        config.merge(Config(overrides))
    coursedir = CourseDirectory(config=config)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    api.log.setLevel(logging.WARNING)
    return api


def gradebook(course: Path, db_url: str | None = None) -> Any:
    """The course gradebook, or the one at ``db_url`` (use as a context manager)."""
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    ensure_alembic_on_path()
    coursedir = CourseDirectory(config=load_config(course))
    return Gradebook(db_url or coursedir.db_url, coursedir.course_id)


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
