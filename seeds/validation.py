"""Validation of an article folder (text, sentence map, key, accounts) with located problems."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .key import load_schema


@dataclass(frozen=True)
class Problem:
    """One problem: the file, the field path inside it, the unit (if any) and what is wrong."""

    file: str
    field: str
    message: str
    unit: str | None = None
    item: str | None = None  # the id of the key entry (claim, source, device) it concerns

    def __str__(self) -> str:
        unit = f" [unit {self.unit}]" if self.unit else ""
        item = f" [{self.item}]" if self.item else ""
        return f"{self.file}: {self.field}{item}{unit}: {self.message}"


KEY_PARTS = ("sources", "claims", "framing")


def key_not_started(key: Any) -> bool:
    """True for the empty key ``sourcewise article new`` writes (nothing keyed yet)."""
    return (isinstance(key, dict) and all(key.get(part) == [] for part in KEY_PARTS)
            and not key.get("article_level"))


def _with_item(problem: Problem, key: dict[str, Any]) -> Problem:
    """Name the key entry a problem sits in (``claims/3/...`` → its id, e.g. ``C04``)."""
    steps = problem.field.split("/")
    if problem.file != "key.json" or len(steps) < 2 or steps[0] not in KEY_PARTS:
        return problem
    try:
        item = key[steps[0]][int(steps[1])].get("id")
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        return problem
    if not isinstance(item, str):
        return problem
    return Problem(problem.file, problem.field, problem.message, problem.unit, item)


def _parse(folder: Path, name: str, problems: list[Problem]) -> Any:
    path = folder / name
    if not path.exists():
        problems.append(Problem(name, "(file)", "file is missing"))
        return None
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(Problem(name, "(file)", f"not UTF-8 text (bad byte at {err.start})"))
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as err:
        problems.append(Problem(name, "(file)", f"not valid JSON: line {err.lineno}: {err.msg}"))
        return None


@cache
def _fast_validator(schema: str) -> Any:
    import fastjsonschema

    return fastjsonschema.compile(load_schema(schema))


def _schema_problems(name: str, schema: str, data: Any) -> list[Problem]:
    # A valid file is confirmed by fastjsonschema (milliseconds); only a file with problems
    # pays for jsonschema's import (over a second), which locates every problem.
    import fastjsonschema

    try:
        _fast_validator(schema)(data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_schema(schema))
    found = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        found.append(Problem(name, path, err.message, _unit_of(data, list(err.absolute_path))))
    return found


def _unit_of(data: Any, path: list[Any]) -> str | None:
    """The unit id of the record an error sits in, for messages a key author can act on."""
    node = data
    unit = None
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("unit"), str):
            unit = node["unit"]
        if isinstance(node, dict) and isinstance(node.get("id"), str) and "start" in node:
            unit = node["id"]
    return unit


def _check_units(text: str, units: list[dict[str, Any]], problems: list[Problem]) -> dict:
    by_id: dict[str, dict[str, Any]] = {}
    previous_end = -1
    for index, unit in enumerate(units):
        uid = unit.get("id")
        where = f"units/{index}"
        if uid in by_id:
            problems.append(Problem("units.json", where + "/id", "duplicate unit id", uid))
        start, end = unit.get("start"), unit.get("end")
        if not (isinstance(start, int) and isinstance(end, int)):
            continue
        if not 0 <= start < end <= len(text):
            problems.append(Problem("units.json", where, f"offsets {start}-{end} are outside the "
                                    f"text (length {len(text)})", uid))
        elif text[start:end] != unit.get("text"):
            problems.append(Problem("units.json", where + "/text",
                                    f"offsets {start}-{end} give {text[start:end][:40]!r}, "
                                    f"not the unit's text", uid))
        if start < previous_end:
            problems.append(Problem("units.json", where, "unit overlaps the previous one", uid))
        previous_end = end
        by_id[uid] = unit
    expected = ["H"] + [f"S{i}" for i in range(1, len(units))]
    if [u.get("id") for u in units] != expected:
        problems.append(Problem("units.json", "units", "unit ids must be H, S1, S2, … in order"))
    return by_id


def _check_span(text: str, units: dict, record: dict, file: str, where: str,
                problems: list[Problem]) -> None:
    span, uid = record.get("span") or {}, record.get("unit")
    start, end = span.get("start"), span.get("end")
    if uid not in units:
        problems.append(Problem(file, where + "/unit", f"no unit {uid!r} in the sentence map", uid))
        return
    if not (isinstance(start, int) and isinstance(end, int)):
        return
    unit = units[uid]
    if not unit["start"] <= start < end <= unit["end"]:
        problems.append(Problem(file, where + "/span",
                                f"span {start}-{end} lies outside unit {uid} "
                                f"({unit['start']}-{unit['end']})", uid))
    elif text[start:end] != span.get("text"):
        problems.append(Problem(file, where + "/span/text",
                                f"offsets {start}-{end} give {text[start:end]!r}, "
                                f"not {span.get('text')!r}", uid))


def _check_key(text: str, units: dict, key: dict, problems: list[Problem]) -> set[str]:
    source_ids = [s.get("id") for s in key.get("sources", [])]
    for kind in ("sources", "claims", "framing"):
        seen: set[str] = set()
        for index, record in enumerate(key.get(kind, [])):
            rid = record.get("id")
            if rid in seen:
                problems.append(Problem("key.json", f"{kind}/{index}/id", f"duplicate id {rid!r}",
                                        record.get("unit")))
            seen.add(rid)
    for index, claim in enumerate(key.get("claims", [])):
        where = f"claims/{index}"
        _check_span(text, units, claim, "key.json", where, problems)
        sources = [claim.get("source"), *claim.get("also_acceptable", {}).get("source", [])]
        for source in sources:
            if source not in source_ids:
                problems.append(Problem("key.json", where + "/source",
                                        f"no source {source!r} in sources", claim.get("unit")))
    for index, device in enumerate(key.get("framing", [])):
        _check_span(text, units, device, "key.json", f"framing/{index}", problems)
    for index, source in enumerate(key.get("sources", [])):
        for uid in source.get("units", []):
            if uid not in units:
                problems.append(Problem("key.json", f"sources/{index}/units",
                                        f"no unit {uid!r} in the sentence map", uid))
    return {c.get("id") for c in key.get("claims", [])}


def validate_article_dir(folder: str | Path) -> list[Problem]:
    """Every problem of an article folder; an empty list means it is usable."""
    folder = Path(folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        return [Problem(str(folder), "(folder)", "not a folder")]
    sentence_map = _parse(folder, "units.json", problems)
    text = None
    if isinstance(sentence_map, dict):
        problems += _schema_problems("units.json", "units", sentence_map)
        text_name = sentence_map.get("file") if isinstance(sentence_map.get("file"), str) else None
        text_path = folder / (text_name or "article.txt")
        if not text_path.is_file():
            problems.append(Problem(text_path.name, "(file)", "article text is missing"))
        else:
            try:
                text = text_path.read_bytes().decode("utf-8")
            except UnicodeDecodeError as err:
                problems.append(Problem(text_path.name, "(file)",
                                        f"not UTF-8 text (bad byte at {err.start})"))
    units: dict = {}
    if text is not None and isinstance(sentence_map, dict):
        raw_units = [u for u in sentence_map.get("units", []) if isinstance(u, dict)]
        units = _check_units(text, raw_units, problems)
    key = _parse(folder, "key.json", problems)
    claim_ids: set[str] = set()
    if key_not_started(key):
        if isinstance(sentence_map, dict) and key.get("article_id") != sentence_map.get(
                "article_id"):
            problems.append(Problem("key.json", "article_id", "differs from units.json's "
                                    f"article_id {sentence_map.get('article_id')!r}"))
    elif isinstance(key, dict):
        found: list[Problem] = _schema_problems("key.json", "key", key)
        if text is not None:
            claim_ids = _check_key(text, units, key, found)
        problems += [_with_item(p, key) for p in found]
    accounts = folder / "accounts"
    for path in sorted(accounts.glob("*.json")) if accounts.is_dir() else []:
        name = f"accounts/{path.name}"
        data = _parse(accounts, path.name, [])
        if data is None:
            _parse(accounts, path.name, problems)
            problems[-1] = Problem(name, problems[-1].field, problems[-1].message)
            continue
        problems += _schema_problems(name, "account", data)
        for claim_id in (data.get("alignment") or {}) if claim_ids else ():
            if claim_id not in claim_ids:
                problems.append(Problem(name, f"alignment/{claim_id}",
                                        "no claim with this id in key.json"))
    problems += _record_problems(folder / "records", claim_ids)
    return problems


def _record_problems(records: Path, claim_ids: set[str]) -> list[Problem]:
    """Schema problems of the documented records, unknown claims, and duplicate ids."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for path in sorted(records.glob("*.json")) if records.is_dir() else []:
        name = f"records/{path.name}"
        data = _parse(records, path.name, found := [])
        if data is None:
            problems += [Problem(name, p.field, p.message) for p in found]
            continue
        problems += _schema_problems(name, "record", data)
        if isinstance(data, dict):
            if data.get("id") in seen:
                problems.append(Problem(name, "id", f"duplicate record id {data.get('id')!r}"))
            seen.add(data.get("id"))
            for claim_id in (data.get("bears_on") or {}) if claim_ids else ():
                if claim_id not in claim_ids:
                    problems.append(Problem(name, f"bears_on/{claim_id}",
                                            "no claim with this id in key.json"))
    return problems
