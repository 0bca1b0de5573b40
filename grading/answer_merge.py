"""Putting loaded answers beside a device's own without losing any (pure functions, no files).

Widget answers: for each question, when the device already holds a different answer, the one
saved later becomes the answer and the other goes into the answers file's ``stale`` section.
Written answers: a blank (or placeholder) cell takes the loaded text; an equal text changes
nothing; otherwise the cell keeps the device's text and gets the loaded text below it, in a
clearly marked block. Loading the same file twice changes nothing the second time.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .answer_bundle import cell_text, unanswered, written_grade_id
from .answer_file import AnswerFile


def saved_time(entry: Mapping[str, Any]) -> datetime | None:
    """When an answer was saved (None when the entry does not say, or not readably)."""
    saved = entry.get("saved")
    if not isinstance(saved, str):
        return None
    try:
        moment = datetime.fromisoformat(saved)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _newer(candidate: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """True when ``candidate`` was saved strictly later (an undated answer is the oldest)."""
    mine, theirs = saved_time(candidate), saved_time(current)
    return mine is not None and (theirs is None or mine > theirs)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _same_answer(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return (_canonical(a.get("value")) == _canonical(b.get("value"))
            and a.get("fingerprint") == b.get("fingerprint"))


@dataclass
class AnswersMerge:
    """The merged answers file and what happened to each loaded question."""

    result: AnswerFile
    loaded: list[str] = field(default_factory=list)  # the loaded answer is now the answer
    kept: list[str] = field(default_factory=list)  # the device's answer is as new and stays
    same: list[str] = field(default_factory=list)
    changed: bool = False


def merge_answers(device: AnswerFile, loaded: AnswerFile) -> AnswersMerge:
    """``device`` with ``loaded`` merged in; neither input is changed."""
    answers = copy.deepcopy(device.answers)
    stale = copy.deepcopy(device.stale)
    merge = AnswersMerge(AnswerFile(answers, stale))

    def keep_aside(question: str, entry: Any) -> bool:
        kept = stale.setdefault(question, [])
        if _canonical(entry) in {_canonical(e) for e in kept}:
            return False
        kept.append(copy.deepcopy(entry))
        merge.changed = True
        return True

    for question, entry in loaded.answers.items():
        mine = answers.get(question)
        if mine is None:
            answers[question] = copy.deepcopy(entry)
            merge.loaded.append(question)
            merge.changed = True
        elif _same_answer(mine, entry):
            merge.same.append(question)
        elif _newer(entry, mine):
            answers[question] = copy.deepcopy(entry)
            keep_aside(question, mine)
            merge.loaded.append(question)
            merge.changed = True
        elif keep_aside(question, entry):
            merge.kept.append(question)
        else:  # loaded before: it is already kept aside
            merge.same.append(question)
    for question, entries in loaded.stale.items():
        for entry in entries:
            keep_aside(question, entry)
    return merge


def loaded_block(text: str, label: str) -> str:
    """The marked block a loaded written answer goes into beside the device's own."""
    return (f"---\n\n**Loaded from {label}.** The text above is the answer that was already "
            "on this device; the text below came from the file. Keep what you want and delete "
            f"the rest, this note included.\n\n{text.strip()}\n")


def merge_text(device: str, loaded: str, label: str) -> tuple[str, str]:
    """``(text, outcome)``: outcome is ``loaded`` (the cell was blank), ``same`` (nothing to
    do) or ``both`` (the device's text, then the loaded one in a marked block)."""
    if unanswered(device) and not unanswered(loaded):
        return loaded, "loaded"
    if unanswered(loaded) or device.strip() == loaded.strip() or loaded.strip() in device:
        return device, "same"
    return device.rstrip("\n") + "\n\n" + loaded_block(loaded, label), "both"


@dataclass
class WrittenMerge:
    """What happened to each loaded written answer (grade ids)."""

    loaded: list[str] = field(default_factory=list)
    both: list[str] = field(default_factory=list)
    same: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # no such answer cell in the notebook

    @property
    def changed(self) -> bool:
        return bool(self.loaded or self.both)


def fill_written(notebook: dict[str, Any], written: Mapping[str, str], label: str
                 ) -> WrittenMerge:
    """Put written answers into the notebook's answer cells (changed in place)."""
    merge = WrittenMerge()
    done: set[str] = set()
    for cell in notebook.get("cells", []):
        grade_id = written_grade_id(cell)
        if grade_id is None or grade_id not in written or grade_id in done:
            continue
        done.add(grade_id)
        text, outcome = merge_text(cell_text(cell), written[grade_id], label)
        getattr(merge, outcome).append(grade_id)
        if outcome != "same":
            cell["source"] = text.splitlines(keepends=True)
    merge.missing = [grade_id for grade_id in written if grade_id not in done]
    return merge
