"""Which files of Sourcewise ship in each student edition: one list that every builder reads.

Students get the student-side layers only: the seeds' loaders, the scoring layer and the
widgets. The instructor's subpackages of ``sourcewise.grading`` (course, editions, authoring,
demo, cli) never ship; the patterns below are not recursive, so a new subpackage stays out
until someone adds it here on purpose.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

# Package (under ``sourcewise``) -> file patterns relative to its folder, never recursive.
STUDENT_CODE: dict[str, tuple[str, ...]] = {
    "seeds": ("*.py", "schema/*.json"),
    "grading": ("*.py", "schema/*.json"),
    "widgets": ("*.py", "static/*.js", "static/*.css"),
}
# Files of each article folder, per edition. The course edition carries no key: its builder
# adds ``public_key.json`` (what the questions show) and strips answer fields from the rest.
ARTICLE_FILES: dict[str, tuple[str, ...]] = {
    "course": ("article.txt", "units.json", "meta.json", "tasks.json", "records/*.json",
               "accounts/*.json"),
    "lite": ("article.txt", "units.json", "meta.json", "tasks.json", "key.json",
             "records/*.json", "accounts/*.json"),
}
EDITIONS = tuple(ARTICLE_FILES)
# Article folders of the seeds package that both editions ship: the seed articles, and the two
# forms of the skills check (constructed texts) under ``assessment/``.
ARTICLE_FOLDERS = ("*", "assessment/*")


def package_dir(name: str) -> Path:
    """The folder of ``sourcewise.<name>`` as installed (editable or not)."""
    module = importlib.import_module(f"sourcewise.{name}")
    return Path(next(iter(module.__path__))).resolve()


def _matches(folder: Path, patterns: tuple[str, ...]) -> Iterator[Path]:
    for pattern in patterns:
        for path in sorted(folder.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                yield path


def code_files() -> dict[str, Path]:
    """Every code and schema file a student edition ships, by its path inside the wheel."""
    files: dict[str, Path] = {}
    for name, patterns in STUDENT_CODE.items():
        root = package_dir(name)
        for path in _matches(root, patterns):
            files[f"sourcewise/{name}/{path.relative_to(root).as_posix()}"] = path
    return files


def article_files(edition: str, folder: Path) -> dict[str, Path]:
    """The files of one article folder that an edition ships, by path inside the folder."""
    if edition not in ARTICLE_FILES:
        raise ValueError(f"unknown edition {edition!r}; editions: {', '.join(EDITIONS)}")
    return {path.relative_to(folder).as_posix(): path
            for path in _matches(Path(folder), ARTICLE_FILES[edition])}


def article_folders() -> dict[str, Path]:
    """The packaged article folders every student edition ships, by path inside ``seeds``."""
    root = package_dir("seeds")
    return {folder.relative_to(root).as_posix(): folder for pattern in ARTICLE_FOLDERS
            for folder in sorted(root.glob(pattern)) if (folder / "article.txt").is_file()}
