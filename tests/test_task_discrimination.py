"""Does every graded widget task reward judgement over a one-answer-fits-all strategy?

A student who finds every item but gives each the key's most common answer must score well
below one who judges item by item (issue 10, item 2). Expected margins come from the task:
with one label right for most items, a blanket answer should still lose at least a fifth.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from sourcewise.grading.item_grading import score_task
from sourcewise.grading.task_keys import task, task_key
from sourcewise.lessons import LESSONS_DIR
from sourcewise.seeds import load_article


def graded_tasks() -> list[tuple[str, str, list[str] | None]]:
    found = []
    for path in sorted(Path(LESSONS_DIR).glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            spec = cell.get("metadata", {}).get("sourcewise") or {}
            if "task" in spec:
                found.append((path.stem, spec["task"], spec.get("claims")))
    return found


def answers(task_id: str, key: dict[str, Any], blanket: bool) -> Any:
    kind = task(task_id).kind
    if kind == "spans":
        wanted = [s for s in key["spans"] if s.get("role") != "ignore" and s.get("required", True)]
        common = Counter(s["labels"][0] for s in wanted).most_common(1)[0][0]
        return {"mode": "spans", "marks": [
            {"start": s["start"], "end": s["end"], "label": common if blanket else s["labels"][0]}
            for s in wanted]}
    if kind == "calibration":  # the blanket answer: every claim at 100 %
        return {c: {"p": 100.0 if blanket else {"true": 90.0, "false": 10.0}.get(o, 50.0)}
                for c, o in key["outcomes"].items()}
    common = Counter(v["choice"] for v in key["items"].values()).most_common(1)[0][0]
    chosen = {i: common if blanket else v["choice"] for i, v in key["items"].items()}
    if kind == "links":
        return {"links": {i: {"source": c} for i, c in chosen.items()}}
    if kind == "choices":  # a flat answer, one choice per item (lesson 3's search)
        return chosen
    grid: dict[str, dict[str, str]] = {}
    for item, choice in chosen.items():
        row, column = item.split("|")
        grid.setdefault(row, {})[column] = choice
    return {"matrix" if kind == "matrix" else "ratings": grid}


LABEL_TASKS = [t for t in graded_tasks() if t[1] != "framing.naming"]
# Open design question, kept visible: after the fact check (issue 24), the record settles only
# four of lesson 5's claims, all of them true (C15, C18, C38 and the others are open and not
# scored), so "100 % on every slider" now earns full marks. A fix needs a claim the record
# settles false, or a scoring design for open claims; until then these tests fail on purpose.
CALIBRATION_OPEN = pytest.mark.xfail(strict=True, reason=(
    "the record settles no claim of lesson 5 as false: a blanket 100 % cannot be told apart "
    "from judgement until one is added"))
LABEL_TASKS = [pytest.param(*t, marks=CALIBRATION_OPEN) if t[1] == "weighing.calibration"
               else t for t in LABEL_TASKS]


@pytest.mark.parametrize("lesson,task_id,claims", LABEL_TASKS,
                         ids=[f"{p.values[0]}:{p.values[1]}" if hasattr(p, "values")
                              else f"{p[0]}:{p[1]}" for p in LABEL_TASKS])
def test_blanket_answer_scores_well_below_judgement(lesson: str, task_id: str,
                                                    claims: list[str] | None) -> None:
    key = task_key(task_id, claims=claims)
    kind = task(task_id).kind
    judged = score_task(kind, answers(task_id, key, blanket=False), key).score
    blanket = score_task(kind, answers(task_id, key, blanket=True), key).score
    assert judged >= 0.9
    assert blanket <= judged - 0.2, (task_id, blanket, judged)


def test_naming_rewards_finding_names_not_marking_everything() -> None:
    """The naming task has one label, so it discriminates by what is marked."""
    key = task_key("framing.naming")
    article = load_article("isis-morale-2014")
    every_unit = {"mode": "units", "marks": [
        {"start": u.start, "end": u.end, "label": "naming choice"} for u in article.units]}
    assert score_task("spans", every_unit, key).score <= 0.3


@CALIBRATION_OPEN
def test_calibration_scores_at_least_eight_settled_claims_and_shows_open_ones() -> None:
    outcomes = task_key("weighing.calibration")["outcomes"]
    settled = [c for c, o in outcomes.items() if o in ("true", "false")]
    assert len(settled) >= 8
    assert {"true", "false"} <= {outcomes[c] for c in settled}
    assert outcomes["C39"] == "unresolved"  # doubtful for December 2014, not shown false
