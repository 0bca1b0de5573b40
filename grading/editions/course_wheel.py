"""The course edition of Sourcewise: the package students install in a course, without the key.

``sourcewise course build`` writes it into ``<course>/student-package/`` as a wheel. It holds
the article texts, the widgets and the scoring functions, and for each article only what the
questions show (``public_key.json``: the claims a grid or slider asks about, the sources' names,
which claims each task asks about). It holds no ``key.json``, no source lessons, no rationales,
no later outcomes and no alignment tables of the competing accounts; its ``edition.json`` fixes
course mode, so "Check my answer" says what is unfinished and never what is right.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from sourcewise.grading.editions.manifest import article_files, article_folders, code_files
from sourcewise.grading.editions.wheel import wheel_bytes, wheel_name
from sourcewise.grading.task_keys import calibration_claims, matrix_claims
from sourcewise.lessons.assessment import assessment_paths
from sourcewise.lessons.lesson_cells import graded_cells
from sourcewise.seeds import load_key
from sourcewise.seeds.article import SEED_ARTICLE
from sourcewise.seeds.forms import FORMS_FOLDER
from sourcewise.seeds.key import PUBLIC_KEY_FILE, public_key_data
from sourcewise.seeds.records import RECORD_ANSWER_FIELDS

PACKAGE_FOLDER = "student-package"
VERSION = "0.1.0+course"
SUMMARY = "Sourcewise, course edition (no answer key)"
# What a student's notebook needs to run the lessons (no nbgrader pipeline, no jsonschema).
REQUIRES = ["jupyterlab>=4.4,<4.7", "ipykernel>=6.29,<8", "ipywidgets>=8.1,<9",
            "anywidget>=0.9.13,<0.12", "filelock>=3.12,<4", "fastjsonschema>=2.19,<3",
            "pandas>=2.1,<4", "plotly>=5.20,<7"]
# Account fields that answer the comparison task or comment on it.
ACCOUNT_ANSWER_FIELDS = ("alignment", "teaching_notes")
# What the article's metadata says of its original answers lesson 3's tracing task.
META_ANSWER_FIELDS = ("provenance",)
# Fields left out of an article's data files in the course edition, by file or folder name.
STRIPPED = {"meta.json": META_ANSWER_FIELDS, "records": RECORD_ANSWER_FIELDS,
            "accounts": ACCOUNT_ANSWER_FIELDS}


# Graded cells name their article in metadata when it is not the seed (generated lessons).
DEFAULT_ARTICLE = SEED_ARTICLE


def claims_shown(lessons: Iterable[Path], article_id: str | Path) -> dict[str, list[str]]:
    """Which claims each grid or slider task shows, by task id (the public key lists them)."""
    key = load_key(article_id, validate=False)
    shown: dict[str, list[str]] = {"corroboration.matrix": matrix_claims(key),
                                   "weighing.calibration": calibration_claims(key)}
    for lesson in lessons:
        for cell in graded_cells(Path(lesson), keys=False):
            spec_claims = _cell_claims(Path(lesson), cell.grade_id, key.article_id)
            if cell.task and spec_claims:
                shown.setdefault(cell.task, [])
                shown[cell.task] += [c for c in spec_claims if c not in shown[cell.task]]
    return shown


def _cell_claims(lesson: Path, grade_id: str, article_id: str) -> list[str]:
    from sourcewise.lessons.lesson_cells import nbgrader_meta, read_notebook_json

    for cell in read_notebook_json(lesson)["cells"]:
        meta = nbgrader_meta(cell)
        if meta is not None and meta.grade_id == grade_id:
            spec = cell.get("metadata", {}).get("sourcewise", {})
            # A skills-check cell serves both forms: it lists them instead of one article.
            if article_id not in spec.get("forms", [spec.get("article", DEFAULT_ARTICLE)]):
                return []
            claims = spec.get("claims")
            return [c for c in claims if isinstance(c, str)] if isinstance(claims, list) else []
    return []


def package_files(lessons: Iterable[Path], articles: Iterable[Path] = ()) -> dict[str, bytes]:
    """Every file of the course edition, by its path inside the wheel.

    ``articles``: folders of the course's own articles (outside the package): each ships its
    text, sentence map, meta and public key under ``sourcewise/seeds/<id>/``, never its key.
    """
    lessons = list(lessons)
    files = {name: path.read_bytes() for name, path in code_files().items()}
    files["sourcewise/seeds/edition.json"] = json.dumps({"edition": "course"}).encode()
    packaged = article_folders()  # the seed articles and the skills check's forms
    folders = [*((f"sourcewise/seeds/{inside}", folder) for inside, folder in packaged.items()),
               *((f"sourcewise/seeds/{_article_id(Path(a))}", Path(a)) for a in articles)]
    forms = {folder for inside, folder in packaged.items() if inside.startswith(FORMS_FOLDER)}
    for prefix, folder in folders:
        for name, path in article_files("course", folder).items():
            stripped = STRIPPED.get(name.split("/")[0], ())
            files[f"{prefix}/{name}"] = (_without(path, stripped) if stripped
                                         else path.read_bytes())
        if (folder / "key.json").exists():
            key = load_key(folder, validate=False)
            shown = claims_shown([*lessons, *assessment_paths()] if folder in forms else lessons,
                                 folder)
            claim_ids = [c for ids in shown.values() for c in ids]
            public = public_key_data(key, claim_ids, shown)
            files[f"{prefix}/{PUBLIC_KEY_FILE}"] = json.dumps(
                public, ensure_ascii=False, indent=1).encode()
    return files


def _without(path: Path, fields: Iterable[str]) -> bytes:
    """A JSON data file as shipped to students: the fields that answer a task left out."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for field in fields:
        data.pop(field, None)
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def _article_id(folder: Path) -> str:
    data = json.loads((folder / "units.json").read_text(encoding="utf-8"))
    return str(data.get("article_id") or folder.name)


def course_articles(course: Path) -> list[Path]:
    """The course's own article folders (``<course>/articles/<id>/``, keys included)."""
    return sorted(p.parent for p in (Path(course) / "articles").glob("*/units.json"))


def write_student_package(course: Path, lessons: Iterable[Path]) -> Path:
    """Write the course edition wheel into ``<course>/student-package/`` and return its path."""
    folder = Path(course) / PACKAGE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / wheel_name(VERSION)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(wheel_bytes(package_files(lessons, course_articles(course)), version=VERSION,
                                summary=SUMMARY, requires=REQUIRES))
    tmp.replace(target)
    return target
