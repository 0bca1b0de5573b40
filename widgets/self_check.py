"""Self-checks that teach: an attempt first, then hints, the expert's answer only on request.

A check that names what is missing in the key's own words hands the key over: press Check on
an empty answer, mark what it quotes, check again. So in self-study a check has three stages:

1. **attempt first** while the answer covers less than a third of the task: nothing about
   the key, only how much more to do;
2. **hints** after that: which sentence still holds something, what kind of thing it is,
   why a label is off, all in words that are not the key's (the student's own marked words
   are quoted, never the key's spans, labels or rationales);
3. **the expert's answer** (every item with the key's words and reasons) only after a real
   attempt *and* the student's explicit "Show me the expert's answer", which is noted in the
   answers file beside the answer so an instructor can see it.

Everything here is pure: a score result and a task in, hint lines out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sourcewise.grading.score_result import ItemResult, ScoreResult

# A real attempt answers (or marks) at least this share of what the task asks.
ATTEMPT_SHARE = 1 / 3
# Hints name at most this many sentences (or questions) with something missing at a time.
HINTS_SHOWN = 3
# The answers-file entry noting a shown expert answer: "<question>.<task>.expert_answer".
EXPERT_SUFFIX = ".expert_answer"
SCORED = ("right", "partly", "wrong", "missed")

# Framing devices grouped by what they do: a hint names the group, never the device itself.
FAMILIES = {
    "naming choice": "a choice of words", "loaded word": "a choice of words",
    "intensifier": "a choice of words", "metaphor": "a choice of words",
    "hedge removed": "a sign of how sure the text sounds",
    "hedge still present": "a sign of how sure the text sounds",
    "time word": "a sign of how sure the text sounds",
    "causal link": "a link between two ideas", "contrast word": "a link between two ideas",
    "agentless passive": "a way of blurring who acts or who speaks",
    "vague attribution": "a way of blurring who acts or who speaks",
    "nominalisation": "a way of blurring who acts or who speaks",
    "reporting verb": "a way of blurring who acts or who speaks",
    "omission": "something left out",
}
# What a missed item of a span task is, in the student's terms.
ITEM_KINDS = {"framing.naming": "a name for the group", "capstone.verdicts": "a verdict"}
CLAIM_PARTS = ("who stands behind it", "how far it is confirmed")
PART_QUESTIONS = (
    "ask whom the sentence says the claim comes from, if anyone",
    "ask what the article itself says about confirmation, if anything",
)
# Why a choice may be off, per task kind: a question to reread with, never the answer.
CHOICE_QUESTIONS = {
    "matrix": "reread what this account says on the claim: the same thing, the opposite, or "
              "nothing about it?",
    "links": "reread the sentence: whom does it say this comes from?",
    "ratings": "reread how the article introduces this source and what it could know.",
    "choices": "search again with a few distinctive words and compare what each page shows.",
}
LABEL_QUESTIONS = {
    "claims.attribution": "ask whether the sentence says whom the claim comes from.",
    "claims.verification": "ask what the article itself says about confirmation.",
    "capstone.verdicts": "ask what the documented record and the article itself show about "
                         "this sentence.",
    "capstone.reliance": "ask whom the article says the claim comes from: a name, an "
                         "unnamed person, or nobody.",
}


@dataclass(frozen=True)
class Hint:
    """One hint: where it points (a unit id or a question's label) and what it says."""

    where: str
    text: str
    status: str
    item: str = ""  # the question it is about (a choice task's item id), for the view


def answered_count(result: ScoreResult) -> tuple[int, int]:
    """(how many things the student gave, how many the task asks for)."""
    asked = sum(1 for item in result.items if item.status in SCORED)
    given = sum(1 for item in result.items if item.status != "missed")
    return given, asked


def still_needed(result: ScoreResult) -> int:
    """How many more answers or marks make a real attempt (0: it is one)."""
    given, asked = answered_count(result)
    return max(0, max(1, math.ceil(ATTEMPT_SHARE * asked)) - given)


def _size(words: int) -> str:
    if words <= 2:
        return "a word or two"
    if words <= 6:
        return "a short phrase"
    return "a longer stretch (a clause or more)"


def _kind(task_id: str, labels: Sequence[str]) -> str:
    if task_id in ITEM_KINDS:
        return ITEM_KINDS[task_id]
    if labels and labels[0] in FAMILIES:
        return FAMILIES[labels[0]]
    return "a claim"


def _quoted(item: ItemResult) -> str:
    return f"your mark “{item.answered}”" if item.answered else "your mark"


def _why_label(task_id: str, item: ItemResult) -> str:
    given = item.given or ""
    if " · " in given and item.accepted:  # attribution · verification: say which part is off
        parts = given.split(" · ")
        best = max(item.accepted, key=lambda label: sum(
            a == b for a, b in zip(parts, label.split(" · "), strict=False)))
        off = [i for i, (a, b) in enumerate(zip(parts, best.split(" · "), strict=False))
               if a != b]
        fits = [CLAIM_PARTS[i] for i in range(len(parts)) if i not in off and i < 2]
        said = (f"{' and '.join(fits)}: fits; " if fits else "")
        return said + "; ".join(f"{CLAIM_PARTS[i]}: reconsider ({PART_QUESTIONS[i]})"
                                for i in off if i < 2) + "."
    if task_id in LABEL_QUESTIONS:
        return f"the label “{given}” does not fit: {LABEL_QUESTIONS[task_id]}"
    family = FAMILIES.get(given)
    right = FAMILIES.get(item.accepted[0]) if item.accepted else None
    if family and family == right:
        return (f"close: these words are {family}, but “{given}” is not the kind they are; "
                "compare the label descriptions.")
    if right:
        return f"these words do something other than “{given}”: think of {right}."
    return f"the label “{given}” does not fit these words."


def span_hints(task_id: str, result: ScoreResult, key: Mapping[str, Any]) -> list[Hint]:
    """Hints for a span task: sentences still holding something, marks to reconsider."""
    words = {s["id"]: len(str(s.get("text", "")).split()) for s in key.get("spans", [])}
    hints: list[Hint] = []
    missed: dict[str, list[ItemResult]] = {}
    for item in result.items:
        if item.status == "missed":
            missed.setdefault(item.where or "the text", []).append(item)
        elif item.status == "wrong" or (item.status == "partly" and not _is_split(item)):
            hints.append(Hint(item.where, f"{item.where}, {_quoted(item)} ({item.given}): "
                              f"{_why_label(task_id, item)}", item.status))
        elif item.status == "partly":
            hints.append(Hint(item.where, f"{item.where}, {_quoted(item)}: it covers only part "
                              "of what belongs together; extend it.", item.status))
        elif item.status == "right":
            hints.append(Hint(item.where, f"{item.where}, {_quoted(item)}: right.", "right"))
        elif item.status == "extra":
            hints.append(Hint(item.where, f"Y{_quoted(item)[1:]} ({item.given}): not "
                              "something this task asks you to mark, or not where it is; look "
                              "again.", "extra"))
        elif item.status == "unscored" and item.answered:  # never point at an unmarked one
            hints.append(Hint(item.where, f"{item.where}, {_quoted(item)}: defensible; the task "
                              "does not require it, so it neither adds nor costs.", "unscored"))
    for where, items in list(missed.items())[:HINTS_SHOWN]:
        kinds = list(dict.fromkeys(_kind(task_id, i.accepted) for i in items))
        sizes = list(dict.fromkeys(_size(words.get(i.item_id, 0)) for i in items))
        count = f"{len(items)} things" if len(items) > 1 else "something"
        hints.append(Hint(where, f"{where} still holds {count} you have not marked: "
                          f"{' and '.join(kinds)}; {' or '.join(sizes)}.", "missed"))
    more = len(missed) - HINTS_SHOWN
    if more > 0:
        hints.append(Hint("", f"{more} more sentence(s) hold something you have not marked: "
                          "read on.", "missed"))
    # One mark can stand for two key items (a merge): say each thing about it once.
    return list({hint.text: hint for hint in hints}.values())


def _is_split(item: ItemResult) -> bool:
    return "only part" in item.message


def choice_hints(kind: str, result: ScoreResult) -> list[Hint]:
    """Hints for a choice task: only what is open or off, never the answer."""
    hints = []
    right = result.count("right")
    open_items = [item for item in result.items if item.status == "missed"]
    for item in result.items:
        if item.status == "missed":
            hints.append(Hint(item.where, f"{item.where}: no answer yet.", "missed",
                              item.item_id))
        elif item.status == "partly":
            hints.append(Hint(item.where, f"{item.where}: close, but not quite; "
                              f"{CHOICE_QUESTIONS.get(kind, '')}", "partly", item.item_id))
        elif item.status == "wrong":
            hints.append(Hint(item.where, f"{item.where}: reconsider; "
                              f"{CHOICE_QUESTIONS.get(kind, '')}", "wrong", item.item_id))
    if right:
        hints.insert(0, Hint("", f"{right} of {len(result.items)} answered as the expert "
                             "did (not listed).", "right"))
    if len(open_items) > HINTS_SHOWN:  # many open questions: one line, not one each
        hints = [h for h in hints if h.status != "missed"]
        names = [item.where for item in open_items]
        shown = "; ".join(names[:8]) + (f"; and {len(names) - 8} more" if len(names) > 8 else "")
        hints.append(Hint("", f"Not answered yet ({len(names)}): {shown}.", "missed"))
    return hints


def hints_for(task_id: str, kind: str, result: ScoreResult,
              key: Mapping[str, Any]) -> list[Hint]:
    """The hint stage of a self-check for one task."""
    if kind == "spans":
        return span_hints(task_id, result, key)
    return choice_hints(kind, result)


def expert_record(question_id: str, task_id: str) -> str:
    """The answers-file entry that notes a shown expert answer to one task of a question."""
    return f"{question_id}.{task_id}{EXPERT_SUFFIX}"
