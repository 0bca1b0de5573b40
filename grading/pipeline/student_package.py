"""The course edition of Sourcewise: the package students install in a course, without the key.

``sourcewise course build`` writes it into ``<course>/student-package/`` as a wheel. It holds
the article texts, the widgets and the scoring functions, and for each article only what the
questions show (``public_key.json``: the claims a grid or slider asks about, the sources' names,
which claims each task asks about). It holds no ``key.json``, no source lessons, no rationales,
no later outcomes and no alignment tables of the competing accounts; its ``edition.json`` fixes
course mode, so "Check my answer" says what is unfinished and never what is right.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from sourcewise.grading.task_keys import calibration_claims, matrix_claims
from sourcewise.seeds import load_key
from sourcewise.seeds.article import SEED_ARTICLE, SEEDS_DIR
from sourcewise.seeds.key import PUBLIC_KEY_FILE, public_key_data
from sourcewise.seeds.records import RECORD_ANSWER_FIELDS

from .lesson_cells import graded_cells

PACKAGE_FOLDER = "student-package"
DIST_NAME = "sourcewise"
VERSION = "0.1.0+course"
# What a student's notebook needs to run the lessons (no nbgrader pipeline, no jsonschema).
REQUIRES = ["jupyterlab>=4.4,<4.7", "ipykernel>=6.29,<8", "ipywidgets>=8.1,<9",
            "anywidget>=0.9.13,<0.12", "filelock>=3.12,<4", "fastjsonschema>=2.19,<3",
            "pandas>=2.1,<4", "plotly>=5.20,<7"]
# Account fields that answer the comparison task or comment on it.
ACCOUNT_ANSWER_FIELDS = ("alignment", "teaching_notes")
# What the article's metadata says of its original answers lesson 3's tracing task.
META_ANSWER_FIELDS = ("provenance",)


def _package_dir(name: str) -> Path:
    import importlib

    module = importlib.import_module(f"sourcewise.{name}")
    return Path(next(iter(module.__path__))).resolve()


def _code_files(folder: Path, patterns: Iterable[str]) -> Iterator[Path]:
    for pattern in patterns:
        for path in sorted(folder.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                yield path


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
    from .lesson_cells import nbgrader_meta, read_notebook_json

    for cell in read_notebook_json(lesson)["cells"]:
        meta = nbgrader_meta(cell)
        if meta is not None and meta.grade_id == grade_id:
            spec = cell.get("metadata", {}).get("sourcewise", {})
            if spec.get("article", DEFAULT_ARTICLE) != article_id:
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
    files: dict[str, bytes] = {}
    seeds, grading, widgets = (_package_dir(n) for n in ("seeds", "grading", "widgets"))
    for path in _code_files(seeds, ["*.py", "schema/*.json"]):
        files[f"sourcewise/seeds/{path.relative_to(seeds).as_posix()}"] = path.read_bytes()
    files["sourcewise/seeds/edition.json"] = json.dumps({"edition": "course"}).encode()
    seeds_folders = sorted(p for p in SEEDS_DIR.iterdir() if (p / "article.txt").exists())
    for folder in [*seeds_folders, *(Path(a) for a in articles)]:
        prefix = f"sourcewise/seeds/{_article_id(folder)}"
        for name in ("article.txt", "units.json"):
            if (folder / name).exists():
                files[f"{prefix}/{name}"] = (folder / name).read_bytes()
        if (folder / "meta.json").exists():
            files[f"{prefix}/meta.json"] = _without(folder / "meta.json", META_ANSWER_FIELDS)
        for record in sorted((folder / "records").glob("*.json")):
            files[f"{prefix}/records/{record.name}"] = _without(record, RECORD_ANSWER_FIELDS)
        for account in sorted((folder / "accounts").glob("*.json")):
            files[f"{prefix}/accounts/{account.name}"] = _without(account,
                                                                   ACCOUNT_ANSWER_FIELDS)
        if (folder / "key.json").exists():
            key = load_key(folder, validate=False)
            shown = claims_shown(lessons, folder)
            claim_ids = [c for ids in shown.values() for c in ids]
            public = public_key_data(key, claim_ids, shown)
            files[f"{prefix}/{PUBLIC_KEY_FILE}"] = json.dumps(
                public, ensure_ascii=False, indent=1).encode()
    for path in _code_files(grading, ["*.py", "schema/*.json"]):
        files[f"sourcewise/grading/{path.relative_to(grading).as_posix()}"] = path.read_bytes()
    for path in _code_files(widgets, ["*.py", "static/*.js", "static/*.css"]):
        files[f"sourcewise/widgets/{path.relative_to(widgets).as_posix()}"] = path.read_bytes()
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


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def wheel_bytes(files: dict[str, bytes], *, version: str = VERSION,
                summary: str = "Sourcewise, course edition (no answer key)",
                requires: Iterable[str] = REQUIRES) -> bytes:
    """A PEP 427 wheel of the given files (pure Python, any platform)."""
    dist = f"{DIST_NAME}-{version}.dist-info"
    metadata = "\n".join(["Metadata-Version: 2.1", f"Name: {DIST_NAME}", f"Version: {version}",
                          f"Summary: {summary}", "Requires-Python: >=3.11",
                          *(f"Requires-Dist: {r}" for r in requires), ""])
    wheel = "\n".join(["Wheel-Version: 1.0", "Generator: sourcewise", "Root-Is-Purelib: true",
                       "Tag: py3-none-any", ""])
    entries = dict(sorted(files.items()))
    entries[f"{dist}/METADATA"] = metadata.encode()
    entries[f"{dist}/WHEEL"] = wheel.encode()
    record = [_record_line(name, data) for name, data in entries.items()]
    record.append(f"{dist}/RECORD,,")
    entries[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def wheel_name(version: str = VERSION) -> str:
    return f"{DIST_NAME}-{version}-py3-none-any.whl"


def write_student_package(course: Path, lessons: Iterable[Path]) -> Path:
    """Write the course edition wheel into ``<course>/student-package/`` and return its path."""
    folder = Path(course) / PACKAGE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / wheel_name()
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(wheel_bytes(package_files(lessons, course_articles(course))))
    tmp.replace(target)
    return target
