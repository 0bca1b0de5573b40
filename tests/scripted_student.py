"""A scripted student who wants the marks without reading: Check, mark what the hints name.

Run ``python tests/scripted_student.py`` to print, for every self-check task of the seed's
lessons, the share of the marks two such students reach:

- **empty**: presses "Check my answer" on an empty answer, then does exactly what the
  feedback literally names (a sentence to mark, with a label the text names; an option the
  text names), and checks again, until the feedback names nothing new;
- **token**: first makes the smallest answer the check accepts as an attempt (the first
  sentences marked whole with the first label, or the first questions answered with the first
  option: a guess), then follows the hints in the same way. What the hints add is the
  difference between its two columns.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROUNDS = 12


@dataclass(frozen=True)
class SelfCheckTask:
    """One self-check as a lesson makes it: lesson, question, task, and the widget's factory."""

    lesson: str
    question: str
    task: str
    build: Callable[[Any], Any]


def seed_tasks() -> list[SelfCheckTask]:
    """Every self-check task of the seed's lessons, built as the lesson notebooks build them."""
    from sourcewise.grading.task_keys import calibration_claims, matrix_claims

    links = ["C01", "C03", "C07", "C09", "C10", "C15", "C19", "C20", "C21", "C23", "C26", "C27",
             "C33", "C39"]
    return [
        SelfCheckTask("01-claims", "claims_check", "claims.focused",
                      lambda ls: ls.annotator("claims_check", task="claims.focused")),
        SelfCheckTask("01-claims", "claims_rest", "claims.attribution",
                      lambda ls: ls.annotator("claims_rest", task="claims.attribution")),
        SelfCheckTask("02-sources", "source_links", "sources.links",
                      lambda ls: ls.source_linker("source_links", links, task="sources.links")),
        SelfCheckTask("02-sources", "source_links", "sources.ratings",
                      lambda ls: ls.source_linker("source_links", links, task="sources.links")),
        SelfCheckTask("03-corroboration", "corroboration_matrix", "corroboration.matrix",
                      lambda ls: ls.comparison("corroboration_matrix", matrix_claims(ls.key),
                                               task="corroboration.matrix")),
        SelfCheckTask("03-corroboration", "lateral_search", "corroboration.search",
                      lambda ls: ls.search("lateral_search", ["C23", "C33", "C39"],
                                           task="corroboration.search")),
        SelfCheckTask("04-framing", "naming", "framing.naming",
                      lambda ls: ls.annotator("naming", task="framing.naming")),
        SelfCheckTask("04-framing", "devices", "framing.devices",
                      lambda ls: ls.annotator("devices", task="framing.devices")),
        SelfCheckTask("05-weighing", "conf_after", "weighing.calibration",
                      lambda ls: ls.confidence("conf_after", calibration_claims(ls.key),
                                               task="weighing.calibration")),
        SelfCheckTask("06-capstone", "verdicts", "capstone.verdicts",
                      lambda ls: ls.annotator("verdicts", task="capstone.verdicts",
                                              mode="units")),
    ]


def score(widget: Any, task_id: str) -> float:
    """What the instructor's side would give the saved answer (share of the marks)."""
    from sourcewise.grading.item_grading import score_task
    from sourcewise.grading.task_keys import task

    return score_task(task(task_id).kind, widget.model.to_value(),
                      widget.scoring_key(task_id)).score


def _cells(widget: Any, task_id: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(item id, grid or '', row, options) for each question of a choice widget."""
    from sourcewise.widgets.search import SearchView

    if isinstance(widget, SearchView):
        return [(i.id, "", i.id, i.values()) for i in widget.model.items]
    grid_id = "ratings" if task_id == "sources.ratings" else next(iter(widget.model.grids))
    g = widget.model.grids[grid_id]
    out = []
    for row in g.rows:
        for column in g.columns:
            item = f"{row}|{column}"
            if grid_id == "links":
                item = row
            out.append((item, grid_id, f"{row}|{column}", g.options[column]))
    return out


def _answer(widget: Any, grid_id: str, cell: str, option: str) -> None:
    if grid_id:
        row, column = cell.split("|")
        widget.choose(grid_id, row, column, option)
    else:
        widget.choose(cell, option)


def _mark_unit(widget: Any, unit_id: str, label: str) -> bool:
    unit = widget.model.article.unit(unit_id)
    if any(m.unit == unit_id for m in widget.model.marks):
        return False
    if widget.model.mode == "units":
        widget.toggle_unit(unit_id, label)
    else:
        widget.mark(unit.start, unit.end, label)
    return True


def _act_on(widget: Any, task_id: str, feedback: Any) -> bool:
    """Do what the feedback literally names; False when it names nothing new to do."""
    acted = False
    if hasattr(widget.model, "marks"):
        labels = list(widget.model.labels)
        units = {u.id for u in widget.model.article.units}
        for hint in getattr(feedback, "hints", ()):
            if hint.status == "missed" and hint.where in units:
                named = [label for label in labels if label in hint.text] or labels[:1]
                acted |= _mark_unit(widget, hint.where, named[0])
        return acted
    if hasattr(widget.model, "judgements"):
        return False  # sliders: nothing a hint could name
    cells = {item: (grid_id, cell, options) for item, grid_id, cell, options in
             _cells(widget, task_id)}
    for hint in getattr(feedback, "hints", ()):
        if hint.item in cells:
            grid_id, cell, options = cells[hint.item]
            said = hint.text.removeprefix(hint.where)  # the question's own name is not a hint
            named = [o for o in options if o in said and o != _given(widget, grid_id, cell)]
            if named:
                _answer(widget, grid_id, cell, named[0])
                acted = True
    return acted


def _given(widget: Any, grid_id: str, cell: str) -> str | None:
    if grid_id:
        row, column = cell.split("|")
        return widget.model.grids[grid_id].get(row, column)
    return widget.model.answers.get(cell)


def _token_attempt(widget: Any, task_id: str, needed: int) -> None:
    if hasattr(widget.model, "marks"):  # the next unmarked sentences, whole, first label
        marked = 0
        for unit in widget.model.article.units:
            if marked < needed and _mark_unit(widget, unit.id, widget.model.labels[0]):
                marked += 1
    elif hasattr(widget.model, "judgements"):
        for claim in widget.model.claims:
            widget.judge(claim, 50.0)
        widget.lock()
    else:
        for _, grid_id, cell, options in _cells(widget, task_id)[:needed]:
            _answer(widget, grid_id, cell, options[0])


def run(spec: SelfCheckTask, folder: Path, *, token: bool) -> tuple[float, float]:
    """The share of the marks one scripted student has before following hints, and at the end."""
    from sourcewise.widgets import Lesson
    from sourcewise.widgets.self_check import still_needed

    widget = spec.build(Lesson(spec.lesson, folder=folder))
    if token:
        first = widget.check(spec.task)
        needed = still_needed(first.result) if hasattr(first, "result") else 0
        for _ in range(40):
            if not needed:
                break
            _token_attempt(widget, spec.task, needed)
            again = widget.check(spec.task)
            needed = still_needed(again.result) if hasattr(again, "result") else 0
    before = score(widget, spec.task)
    for _ in range(ROUNDS):
        if not _act_on(widget, spec.task, widget.check(spec.task)):
            break
    return before, score(widget, spec.task)


def main() -> None:
    import tempfile

    print(f"{'task':24} {'empty':>7} {'token attempt':>14} {'+ hints':>8}")
    for spec in seed_tasks():
        with tempfile.TemporaryDirectory() as tmp:
            empty = run(spec, Path(tmp), token=False)[1]
        with tempfile.TemporaryDirectory() as tmp:
            attempt, hinted = run(spec, Path(tmp), token=True)
        print(f"{spec.task:24} {empty:7.1%} {attempt:14.1%} {hinted:8.1%}")


if __name__ == "__main__":
    sys.exit(main())
