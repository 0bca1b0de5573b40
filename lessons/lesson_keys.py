"""Writes each graded cell's hidden-test block from the expert key, so lessons never drift.

A graded cell names its task in metadata (``{"sourcewise": {"task": ..., "question": ...}}``,
optionally ``"claims": [...]`` when the lesson asks about some claims only); its hidden block
is regenerated with the task's key as a literal. Run after editing the key:

    python -m sourcewise.lessons.lesson_keys lessons/*.ipynb
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from sourcewise.seeds.article import SEED_ARTICLE

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def hidden_block(lesson_id: str, question: str, task_id: str, points: float,
                 article_id: str = SEED_ARTICLE, claims: list[str] | None = None) -> str:
    """The hidden-test block of one graded cell: the key literal and the grading call."""
    from sourcewise.grading.task_keys import task, task_key

    # A Python literal (repr), so true/false/null in a key cannot break the cell.
    key = repr(sorted_json(task_key(task_id, article_id, claims)))
    return "\n".join([
        BEGIN,
        "from sourcewise.grading import grade_item",
        f"KEY = {key}",
        f'grade_item("{lesson_id}", "{question}", "{task(task_id).kind}", KEY, {float(points)!r})',
        END,
    ])


def sorted_json(value: Any) -> Any:
    """Dicts with sorted keys, recursively, so regenerating a block is stable."""
    if isinstance(value, dict):
        return {k: sorted_json(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [sorted_json(v) for v in value]
    return value


def sync_cell(cell: dict[str, Any], lesson_id: str) -> bool:
    """Rewrite a graded cell's hidden block from its metadata; True when the source changed."""
    meta = cell.get("metadata", {})
    spec = meta.get("sourcewise")
    grading = meta.get("nbgrader", {})
    if not spec or cell.get("cell_type") != "code" or not grading.get("grade"):
        return False
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    visible = source.split(BEGIN)[0].rstrip("\n")
    block = hidden_block(lesson_id, spec["question"], spec["task"], grading["points"],
                         claims=spec.get("claims"))
    new = f"{visible}\n{block}" if visible else block
    if new == source:
        return False
    cell["source"] = new
    return True


def sync_notebook(path: Path) -> bool:
    """Update every graded cell of a lesson notebook in place; True when anything changed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    changed = [sync_cell(cell, path.stem) for cell in nb["cells"]]
    if any(changed):
        path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return any(changed)


def main(argv: list[str]) -> int:
    for name in argv:
        print(f"{name}: {'updated' if sync_notebook(Path(name)) else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
