"""Does `sourcewise validate` name the file, field and unit of every problem?"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sourcewise.grading.cli.main import main
from sourcewise.seeds import validate_article_dir
from sourcewise.seeds.article import SEEDS_DIR

SEED = SEEDS_DIR / "isis-morale-2014"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "article"
    shutil.copytree(SEED, target)
    for path in target.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return target


def edit_json(path: Path, change: Callable[[Any], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_the_packaged_article_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert validate_article_dir(SEED) == []
    assert main(["validate", str(SEED)]) == 0
    assert "no problems" in capsys.readouterr().out


def shift_unit(d: Any) -> None:
    d["units"][3]["start"] += 2


def claim_offsets(d: Any) -> None:
    d["claims"][4]["span"]["start"] += 1


def framing_outside_unit(d: Any) -> None:
    unit_end = d["framing"][0]["span"]["end"]
    d["framing"][0]["span"]["end"] = unit_end + 400


def unknown_source(d: Any) -> None:
    d["claims"][2]["source"] = "nobody_at_all"


def bad_enum(d: Any) -> None:
    d["claims"][0]["verification"] = "probably"


def duplicate_claim(d: Any) -> None:
    d["claims"][1]["id"] = d["claims"][0]["id"]


def missing_rationale(d: Any) -> None:
    del d["framing"][3]["rationale"]


def unknown_unit(d: Any) -> None:
    d["claims"][5]["unit"] = "S99"


def bad_unit_order(d: Any) -> None:
    d["units"][1]["id"], d["units"][2]["id"] = d["units"][2]["id"], d["units"][1]["id"]


BROKEN_JSON: list[tuple[str, Callable[[Any], None], str, str]] = [
    ("units.json", shift_unit, "units/3/text", "S3"),
    ("key.json", claim_offsets, "claims/4/span/text", ""),
    ("key.json", framing_outside_unit, "framing/0/span", ""),
    ("key.json", unknown_source, "claims/2/source", ""),
    ("key.json", bad_enum, "claims/0/verification", ""),
    ("key.json", duplicate_claim, "claims/1/id", ""),
    ("key.json", missing_rationale, "framing/3", ""),
    ("key.json", unknown_unit, "claims/5/unit", "S99"),
    ("units.json", bad_unit_order, "units", ""),
]


@pytest.mark.parametrize(("file", "change", "field", "unit"), BROKEN_JSON,
                         ids=[c[1].__name__ for c in BROKEN_JSON])
def test_broken_json_is_located(folder: Path, file: str, change: Callable[[Any], None],
                                field: str, unit: str, capsys: pytest.CaptureFixture[str]) -> None:
    edit_json(folder / file, change)
    problems = validate_article_dir(folder)
    hits = [p for p in problems if p.file == file and p.field == field]
    assert hits, [str(p) for p in problems]
    if unit:
        assert hits[0].unit == unit
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert f"{file}: {field}" in out


@pytest.mark.parametrize(("name", "content", "message"), [
    ("key.json", b'{"claims": [', "not valid JSON: line 1"),
    ("units.json", b"\xff\xfe bad", "not UTF-8"),
    ("key.json", None, "file is missing"),
    ("article.txt", None, "article text is missing"),
])
def test_unreadable_files_are_named(folder: Path, name: str, content: bytes | None,
                                    message: str) -> None:
    if content is None:
        (folder / name).unlink()
    else:
        (folder / name).write_bytes(content)
    problems = validate_article_dir(folder)
    found = [str(p) for p in problems]
    assert any(p.file == name and message in p.message for p in problems), found


def test_changed_article_text_breaks_every_later_offset(folder: Path) -> None:
    text = (folder / "article.txt").read_text(encoding="utf-8")
    (folder / "article.txt").write_text(text.replace("The group raced", "The group quickly raced"),
                                        encoding="utf-8")
    problems = validate_article_dir(folder)
    assert any(p.file == "units.json" and p.unit == "S4" for p in problems)
    assert any(p.file == "key.json" for p in problems)


def test_account_must_be_constructed_and_aligned_to_real_claims(folder: Path) -> None:
    account = sorted((folder / "accounts").glob("*.json"))[0]
    edit_json(account, lambda d: d.update(constructed=False, alignment={"C99": {
        "relation": "silent", "note": "no such claim in the key"}}))
    problems = validate_article_dir(folder)
    name = f"accounts/{account.name}"
    assert any(p.file == name and p.field == "constructed" for p in problems)
    assert any(p.file == name and p.field == "alignment/C99" for p in problems)
