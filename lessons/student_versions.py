"""Student versions of lesson notebooks: nbgrader's GenerateAssignment, run once per content.

The local lab and the browser edition both hand students these versions (solutions and hidden
tests removed); they are cached by the source notebook's content hash.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sourcewise.grading.atomic_write import write_bytes_atomic
from sourcewise.lessons.cache_folder import cache_folder


def ensure_alembic_on_path() -> None:
    """nbgrader creates a new gradebook by running ``alembic heads`` found on PATH.

    When ``sourcewise`` runs from a venv that is not activated, PATH lacks the venv's bin folder
    and creating a gradebook fails with FileNotFoundError: add the folder beside the interpreter.
    """
    if shutil.which("alembic") is None:
        bin_dir = str(Path(sys.executable).parent)
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])


def content_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def cache_dir() -> Path:
    """Where generated student versions are kept (the user's cache folder)."""
    return cache_folder("student-lessons")


def _generate(source: Path, target: Path) -> None:
    """Run nbgrader's GenerateAssignment on one lesson in a scratch course."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    ensure_alembic_on_path()  # SaveCells needs a gradebook: a scratch one, deleted after
    with tempfile.TemporaryDirectory(prefix="sourcewise-release-") as scratch:
        root = Path(scratch)
        (root / "source" / source.stem).mkdir(parents=True)
        shutil.copyfile(source, root / "source" / source.stem / source.name)
        config = Config({"CourseDirectory": {"root": str(root), "assignment_id": source.stem},
                         "GenerateAssignment": {"force": True}})
        coursedir = CourseDirectory(config=config)
        app = GenerateAssignment(coursedir=coursedir, config=config)
        app.log.setLevel("ERROR")
        app.start()
        built = root / "release" / source.stem / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(target, built.read_bytes())


def student_versions(lessons: Sequence[Path] | None = None, cache: Path | None = None
                     ) -> dict[str, Path]:
    """Student version of each lesson (generated once per source content, then cached)."""
    if lessons is None:
        from sourcewise.lessons import lesson_paths

        lessons = lesson_paths()
    cache = Path(cache) if cache is not None else cache_dir()
    found = {}
    for source in lessons:
        source = Path(source)
        target = cache / f"{source.stem}-{content_hash(source)}.ipynb"
        if not target.exists():
            _generate(source, target)
        found[source.stem] = target
    return found
