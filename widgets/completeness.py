"""Course-mode self-checks: what an answer still lacks, computed from the answer alone (no key).

In a course the key stays with the instructor, so "Check my answer" cannot say what is right or
wrong; it says what is unfinished: sentences with no mark, rows left empty, sliders not set.
"""

from __future__ import annotations

from typing import Any

SHOWN = 8  # name at most this many unfinished rows, then count the rest


def _listed(ids: list[str]) -> str:
    shown = ", ".join(ids[:SHOWN])
    return shown + (f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")


def annotation_gaps(model: Any) -> list[str]:
    """Sentences of the article with no mark (spans or whole-sentence labels)."""
    marked = {mark.unit for mark in model.marks}
    units = [unit.id for unit in model.article.units]
    if not model.marks:
        return ["Nothing is marked yet."]
    empty = [u for u in units if u not in marked]
    lines = [f"{len(model.marks)} mark(s) in {len(units) - len(empty)} of {len(units)} "
             "sentences."]
    if empty:
        lines.append(f"Sentences with no mark: {_listed(empty)}. Leave a sentence unmarked "
                     "only if you decided it holds nothing for this task.")
    return lines


def grid_gaps(grids: dict[str, Any]) -> list[str]:
    """Rows of each grid with a cell left empty."""
    lines = []
    for name, grid in grids.items():
        open_rows = [row for row in grid.rows
                     if any(grid.get(row, column) is None for column in grid.columns)]
        total = len(grid.rows)
        if open_rows:
            lines.append(f"{name}: {total - len(open_rows)} of {total} rows complete; still "
                         f"open: {_listed(list(open_rows))}.")
        else:
            lines.append(f"{name}: all {total} rows complete.")
    return lines


def confidence_gaps(model: Any) -> list[str]:
    """Claims whose slider has not been set."""
    unset = [cid for cid in model.claims
             if not isinstance(model.judgements.get(cid), dict)
             or model.judgements[cid].get("p") is None]
    if not unset:
        return [f"All {len(model.claims)} sliders are set."]
    return [f"{len(model.claims) - len(unset)} of {len(model.claims)} sliders set; not yet "
            f"set: {_listed(unset)}."]


def gaps(model: Any) -> list[str]:
    """What an answer model still lacks, in plain words (never what is right or wrong)."""
    if hasattr(model, "marks") and hasattr(model, "article"):
        return annotation_gaps(model)
    if hasattr(model, "grids"):
        return grid_gaps(model.grids)
    if hasattr(model, "rows") and hasattr(model, "columns"):
        return grid_gaps({"answers": model})
    if hasattr(model, "judgements"):
        return confidence_gaps(model)
    return []
