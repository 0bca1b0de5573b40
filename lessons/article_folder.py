"""A course (or a self-study folder) for an article outside the package: its generic lessons.

``prepare_article_course(course, article)`` copies the article folder, key included, to
``<course>/articles/<id>/`` (the instructor's copy: hidden tests and the course edition are
built from it) and writes the generated lessons into ``<course>/source/``. Each lesson folder
holds only what students may see of the article (``articles/<id>/`` without ``key.json``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sourcewise.lessons.article_lessons import build_lessons
from sourcewise.seeds import SeedError, load_article, validate_article_dir
from sourcewise.seeds.article import LOCAL_ARTICLES

ARTICLE_FILES = ("article.txt", "units.json", "meta.json", "key.json")


def keyed_article(article: str | Path) -> Path:
    """The folder of an article whose key validates (SeedError lists the problems)."""
    folder = Path(article).resolve()
    problems = validate_article_dir(folder)
    if problems:
        shown = "\n  ".join(str(p) for p in problems[:20])
        raise SeedError(f"{folder}: the article has {len(problems)} problem(s); fix them first "
                        f"(sourcewise validate {folder}):\n  {shown}")
    if not (folder / "key.json").exists():
        raise SeedError(f"{folder}: no key.json")
    return folder


def copy_article(article: Path, target_root: Path, *, with_key: bool = True) -> Path:
    """Copy an article folder's files (and accounts) to ``target_root/<id>/``."""
    article_id = load_article(article).id
    target = Path(target_root) / article_id
    target.mkdir(parents=True, exist_ok=True)
    for name in ARTICLE_FILES:
        if (article / name).exists() and (with_key or name != "key.json"):
            shutil.copyfile(article / name, target / name)
    if (article / "accounts").is_dir():
        shutil.copytree(article / "accounts", target / "accounts", dirs_exist_ok=True)
    return target


def prepare_article_course(course: str | Path, article: str | Path) -> list[Path]:
    """The article's copy in the course and its generated source lessons (paths returned)."""
    folder = keyed_article(article)
    course = Path(course).resolve()
    own = copy_article(folder, course / LOCAL_ARTICLES)
    return build_lessons(own, course / "source")
