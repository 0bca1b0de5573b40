"""Simulated students: answer files of a chosen quality, for the demo, tests and benchmarks.

Answers are built from the key each graded cell carries (the same key the hidden tests score
against). Quality ``q`` in [0, 1] decides, item by item, whether a student gets it right, half
right or wrong. Which items are hard is shared by the class (a stable per-item difficulty), so
with ``noise=0`` a higher quality never scores lower; ``noise`` adds per-student scatter.
Everything is deterministic for a given seed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sourcewise.lessons.lesson_cells import GradedCell, graded_cells

PARTLY_BAND = 0.35  # share of the items a student misses that they still get half right
EXTRA_RATE = 0.25  # spurious marks per key span, at quality 0
FREE_TEXT = {
    "proficient": "The article states this in its own voice; the original report attributed it "
                  "to an unnamed activist, so I would trace it back before relying on it.",
    "emergent": "It matters who says it, because some sources are more reliable than others.",
    "basic": "The article says it.",
}


@dataclass(frozen=True)
class SimulatedStudent:
    """A simulated student: an id, an answer quality and an optional mishap."""

    id: str
    quality: float
    quirk: str | None = None  # "deleted-cell" | "corrupt-file" | None
    noise: float = 0.0


def class_plan(n: int, seed: int = 2014) -> list[SimulatedStudent]:
    """N students: perfect, strong, middling, weak, empty, two mishaps, then sampled qualities."""
    fixed = [SimulatedStudent("perfect", 1.0), SimulatedStudent("strong", 0.85),
             SimulatedStudent("middling", 0.6), SimulatedStudent("weak", 0.3),
             SimulatedStudent("empty", 0.0),
             SimulatedStudent("deleted-cell", 0.85, "deleted-cell"),
             SimulatedStudent("corrupt-file", 0.85, "corrupt-file")]
    rng = random.Random(seed)
    plan = fixed[:n]
    for index in range(len(plan), n):
        plan.append(SimulatedStudent(f"student{index + 1:03d}", round(rng.uniform(0.2, 0.95), 2),
                                     noise=0.15))
    return plan


def _unit(seed: str) -> float:
    """A stable uniform number in [0, 1) from a string (shared by every student)."""
    return int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") / 2**64


class _Decider:
    """Decides right / partly / wrong per item from quality, shared difficulty and noise."""

    def __init__(self, quality: float, rng: random.Random, noise: float, salt: str) -> None:
        self.quality, self.rng, self.noise, self.salt = quality, rng, noise, salt

    def __call__(self, item_id: str) -> str:
        u = _unit(f"{self.salt}|{item_id}")
        if self.noise:
            u = min(max(u + self.rng.gauss(0.0, self.noise), 0.0), 1.0)
        if u < self.quality:
            return "right"
        if u < self.quality + (1.0 - self.quality) * PARTLY_BAND:
            return "partly"
        return "wrong"


def _spans_answer(key: Mapping[str, Any], labels: Sequence[str], decide: _Decider,
                  rng: random.Random, quality: float, salt: str) -> dict[str, Any]:
    from sourcewise.grading.span_scoring import WORD

    text = key["text"]
    words = [(m.start(), m.end()) for m in WORD.finditer(text)]
    marks = []
    for span in key["spans"]:
        if span.get("required", True) is False or span.get("role", "claim") == "ignore":
            continue  # optional or out-of-scope key spans: a student need not mark them
        accepted = list(span["labels"])
        status = decide(span["id"])
        start, end = int(span["start"]), int(span["end"])
        if status == "right":
            label = accepted[0]
            inside = [w for w in words if start <= w[0] < end]
            after = [w for w in words if w[0] >= end]
            if quality < 1.0 and len(inside) >= 3 and after and rng.random() < 0.5:
                end = after[0][1]  # a boundary one word too long still matches (token overlap)
        elif status == "partly":
            others = [label for label in labels if label not in accepted]
            if not others:
                continue
            label = rng.choice(others)
        else:
            continue
        marks.append({"start": start, "end": end, "label": label})
    # Spurious marks: words the key does not mark, the same ones across the class.
    taken = [(int(s["start"]), int(s["end"])) for s in key["spans"]]
    free = [w for w in words if not any(a < w[1] and w[0] < b for a, b in taken)]
    free.sort(key=lambda w: _unit(f"{salt}|extra|{w[0]}"))
    extras = round((1.0 - quality) * EXTRA_RATE * len(key["spans"]))
    for start, end in free[:extras]:
        marks.append({"start": start, "end": end, "label": labels[0] if labels else "extra"})
    return {"mode": "spans", "marks": sorted(marks, key=lambda m: (m["start"], m["end"]))}


def _choices(items: Mapping[str, Any], decide: _Decider, rng: random.Random,
             pools: Mapping[str, Sequence[str]]) -> dict[str, str]:
    chosen = {}
    for item_id, spec in items.items():
        status = decide(item_id)
        accepted = [spec["choice"], *spec.get("also", [])]
        pool = [c for c in pools.get(item_id, ()) if c not in accepted]
        if status == "right":
            chosen[item_id] = spec["choice"]
        elif status == "partly":
            if spec.get("also"):
                chosen[item_id] = spec["also"][0]
            elif pool:
                chosen[item_id] = rng.choice(pool)
        elif pool and rng.random() < 0.5:
            chosen[item_id] = rng.choice(pool)
    return chosen


def _column(item_id: str) -> str:
    return item_id.split("|", 1)[1] if "|" in item_id else ""


def _pools(items: Mapping[str, Any], extra: Sequence[str] = ()) -> dict[str, list[str]]:
    """Wrong-answer candidates per item: the choices the key uses for items of the same column."""
    by_column: dict[str, set[str]] = {}
    for item_id, spec in items.items():
        by_column.setdefault(_column(item_id), set()).update([spec["choice"],
                                                              *spec.get("also", [])])
    return {item_id: sorted(by_column[_column(item_id)] | set(extra)) for item_id in items}


def _nest(flat: Mapping[str, str]) -> dict[str, dict[str, str]]:
    nested: dict[str, dict[str, str]] = {}
    for item_id, value in flat.items():
        row, _, column = item_id.partition("|")
        nested.setdefault(row, {})[column] = value
    return nested


def _calibration(key: Mapping[str, Any], decide: _Decider, quality: float) -> dict[str, Any]:
    answer = {}
    for claim_id, outcome in key["outcomes"].items():
        status = decide(claim_id)
        sure = 100.0 if quality >= 1.0 else 90.0
        if outcome not in ("true", "false"):
            answer[claim_id] = {"p": 50.0, "reason": "Nothing later settled this."}
            continue
        truth = outcome == "true"
        if status == "right":
            p = sure if truth else 100.0 - sure
        elif status == "partly":
            p = 65.0 if truth else 35.0
        else:
            p = 25.0 if truth else 75.0
        answer[claim_id] = {"p": p, "reason": "Based on who reported it and how."}
    return answer


def task_answer(cell: GradedCell, quality: float, rng: random.Random, *, noise: float = 0.0,
                salt: str = "") -> dict[str, Any]:
    """The part of a question's saved answer that one graded cell scores."""
    from sourcewise.grading.task_keys import TASKS, task_key

    key = cell.key if cell.key is not None else task_key(str(cell.task))
    decide = _Decider(quality, rng, noise, f"{salt}|{cell.grade_id}")
    kind = cell.kind
    labels = list(TASKS[str(cell.task)].labels) if cell.task in TASKS else []
    if kind == "spans":
        return _spans_answer(key, labels, decide, rng, quality, f"{salt}|{cell.grade_id}")
    if kind == "links":
        chosen = _choices(key["items"], decide, rng, _pools(key["items"]))
        return {"links": {claim: {"source": source} for claim, source in chosen.items()}}
    if kind == "ratings":
        return {"ratings": _nest(_choices(key["items"], decide, rng, _pools(key["items"])))}
    if kind == "matrix":
        pools = _pools(key["items"], ("corroborates", "contradicts", "silent"))
        return {"matrix": _nest(_choices(key["items"], decide, rng, pools))}
    if kind == "calibration":
        return _calibration(key, decide, quality)
    if kind == "choices":  # a flat {item: choice} answer (the lateral-reading search)
        return _choices(key["items"], decide, rng, _pools(key["items"]))
    return {}


def _merge(into: dict[str, Any], part: Mapping[str, Any]) -> None:
    for name, value in part.items():
        if isinstance(value, dict) and isinstance(into.get(name), dict):
            _merge(into[name], value)
        else:
            into[name] = copy.deepcopy(value)


def simulate_answers(cells: Sequence[GradedCell] | Path, quality: float, seed: int | str = 0, *,
                     noise: float = 0.0) -> dict[str, Any]:
    """Saved answers (question id -> value) for a lesson's autograded cells at ``quality``.

    Quality 0 answers nothing; quality 1 gives the key's preferred answer everywhere.
    """
    if isinstance(cells, Path):
        cells = graded_cells(cells)
    quality = min(max(float(quality), 0.0), 1.0)
    answers: dict[str, Any] = {}
    if quality <= 0.0:
        return answers
    rng = random.Random(f"{seed}|{quality}")
    for cell in cells:
        if not cell.autograded or not cell.question or not cell.task:
            continue
        part = task_answer(cell, quality, rng, noise=noise)
        _merge(answers.setdefault(cell.question, {}), part)
    return answers


def answer_file_payload(answers: Mapping[str, Any], fingerprint: str | None = None
                        ) -> dict[str, Any]:
    """An answer file exactly as the widgets' AnswerStore writes it."""
    from sourcewise.grading.answer_file import SCHEMA_VERSION

    saved = datetime.now(UTC).isoformat(timespec="seconds")
    return {"schema_version": SCHEMA_VERSION,
            "answers": {qid: {"value": value, "fingerprint": fingerprint, "saved": saved}
                        for qid, value in answers.items()}}


def write_answers(folder: Path, lesson: str, answers: Mapping[str, Any],
                  fingerprint: str | None = None) -> Path:
    """Write ``folder/answers/<lesson>.json`` (as a student's widgets would have)."""
    from sourcewise.grading.answer_file import answers_path

    path = answers_path(lesson, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(answer_file_payload(answers, fingerprint), ensure_ascii=False,
                               indent=1), encoding="utf-8")
    return path


def corrupt_answers(path: Path) -> None:
    """Cut an answer file short, as a crash mid-write on a careless editor would."""
    text = path.read_text(encoding="utf-8") if path.exists() else '{"schema_version": 1, '
    path.write_text(text[: max(len(text) // 2, 10)], encoding="utf-8")


def fill_free_text(notebook: dict[str, Any], quality: float) -> dict[str, Any]:
    """Answer the free-text cells of a released notebook at a level matching ``quality``."""
    level = "proficient" if quality >= 0.8 else "emergent" if quality >= 0.45 else "basic"
    for cell in notebook["cells"]:
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if grading.get("solution") and quality > 0.0:
            cell["source"] = FREE_TEXT[level]
    return notebook


def delete_grade_cell(notebook: dict[str, Any], grade_id: str | None = None) -> str | None:
    """Remove one autograded test cell (the first, or ``grade_id``); returns its grade id."""
    for index, cell in enumerate(notebook["cells"]):
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if (grading.get("grade") and cell.get("cell_type") == "code"
                and grade_id in (None, grading.get("grade_id"))):
            del notebook["cells"][index]
            return str(grading["grade_id"])
    return None


def write_submission(release_notebook: Path, folder: Path, student: SimulatedStudent,
                     cells: Sequence[GradedCell] | None = None, *, seed: int | str = 0,
                     fingerprint: str | None = None) -> dict[str, Any]:
    """A student's submitted lesson folder: the released notebook (free text filled) + answers.

    Returns what was done, e.g. ``{"deleted": "grade_links"}`` or ``{"corrupted": path}``.
    """
    lesson = release_notebook.stem
    folder.mkdir(parents=True, exist_ok=True)
    notebook = json.loads(release_notebook.read_text(encoding="utf-8"))
    fill_free_text(notebook, student.quality)
    done: dict[str, Any] = {}
    if student.quirk == "deleted-cell":
        done["deleted"] = delete_grade_cell(notebook)
    (folder / release_notebook.name).write_text(json.dumps(notebook, ensure_ascii=False,
                                                           indent=1), encoding="utf-8")
    answers = simulate_answers(list(cells) if cells is not None else release_notebook,
                               student.quality, f"{seed}|{student.id}|{lesson}",
                               noise=student.noise)
    path = write_answers(folder, lesson, answers, fingerprint)
    if student.quirk == "corrupt-file":
        corrupt_answers(path)
        done["corrupted"] = str(path)
    return done
