"""Problems with a course folder that the instructor can act on, each said in one sentence."""

from __future__ import annotations

from pathlib import Path

CONFIG_FILE = "nbgrader_config.py"


class CourseError(Exception):
    """A course folder that is missing, incomplete or unusable; the message says what to do."""


def require_course(directory: str | Path) -> Path:
    """The course folder, resolved, or a ``CourseError`` saying why it is not one.

    Nothing is created: a typo'd path must not turn into an empty new course.
    """
    folder = Path(directory).expanduser()
    if not folder.exists():
        raise CourseError(f"there is no folder {folder}: check the path (a new course is made "
                          f"with 'sourcewise course init {folder}')")
    if not folder.is_dir():
        raise CourseError(f"{folder} is a file, not a course folder")
    if not (folder / CONFIG_FILE).is_file():
        raise CourseError(f"{folder} is not a course folder (it has no {CONFIG_FILE}); "
                          f"make one with 'sourcewise course init {folder}'")
    return folder.resolve()
