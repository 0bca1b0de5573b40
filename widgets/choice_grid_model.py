"""A grid of single choices (rows × columns): claim→source links, source ratings, comparisons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .annotation_model import AnswerModelError


@dataclass
class ChoiceGrid:
    """One choice per (row, column) cell from that column's options; empty cells are absent."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    options: Mapping[str, tuple[str, ...]]
    cells: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.rows:
            raise AnswerModelError("a choice grid needs at least one row")
        if not self.columns:
            raise AnswerModelError("a choice grid needs at least one column")
        for column in self.columns:
            if not self.options.get(column):
                raise AnswerModelError(f"column {column!r} has no options to choose from")

    def choose(self, row: str, column: str, option: str | None) -> None:
        """Set one cell; ``None`` clears it."""
        if row not in self.rows:
            raise AnswerModelError(f"no row {row!r} in this task")
        if column not in self.columns:
            raise AnswerModelError(f"no column {column!r} in this task")
        if option is None:
            self.cells.get(row, {}).pop(column, None)
            if not self.cells.get(row):
                self.cells.pop(row, None)
            return
        if option not in self.options[column]:
            raise AnswerModelError(f"{option!r} is not an option for {column!r}: "
                                   f"{list(self.options[column])}")
        self.cells.setdefault(row, {})[column] = option

    def get(self, row: str, column: str) -> str | None:
        return self.cells.get(row, {}).get(column)

    def filled(self) -> int:
        return sum(len(row) for row in self.cells.values())

    def to_value(self) -> dict[str, dict[str, str]]:
        return {row: dict(cols) for row, cols in self.cells.items() if cols}

    def restore(self, value: Any) -> list[str]:
        """Load saved cells, leaving out those that no longer fit; returns what was left out."""
        problems: list[str] = []
        self.cells = {}
        if value is None:
            return problems
        if not isinstance(value, Mapping):
            return ["the saved answer is not in the expected form and was left out"]
        for row, cols in value.items():
            if not isinstance(cols, Mapping):
                problems.append(f"the saved row {row!r} is malformed")
                continue
            for column, option in cols.items():
                try:
                    self.choose(str(row), str(column), str(option))
                except AnswerModelError as err:
                    problems.append(f"a saved choice was left out: {err}")
        return problems


def grid(rows: Sequence[str], columns: Sequence[str],
         options: Mapping[str, Sequence[str]] | Sequence[str]) -> ChoiceGrid:
    """Build a grid; a plain list of options applies to every column."""
    if isinstance(options, Mapping):
        opts = {c: tuple(options.get(c, ())) for c in columns}
    else:
        opts = {c: tuple(options) for c in columns}
    return ChoiceGrid(tuple(rows), tuple(columns), opts)


@dataclass
class GridSet:
    """Several named grids answered together (e.g. claim→source links and source ratings)."""

    grids: dict[str, ChoiceGrid]

    def __post_init__(self) -> None:
        if not self.grids:
            raise AnswerModelError("a grid task needs at least one grid")

    def choose(self, grid_id: str, row: str, column: str, option: str | None) -> None:
        if grid_id not in self.grids:
            raise AnswerModelError(f"no grid {grid_id!r} in this task")
        self.grids[grid_id].choose(row, column, option)

    def to_value(self) -> dict[str, dict[str, dict[str, str]]]:
        return {gid: g.to_value() for gid, g in self.grids.items()}

    def restore(self, value: Any) -> list[str]:
        problems: list[str] = []
        if value is not None and not isinstance(value, Mapping):
            value = None
            problems.append("the saved answer is not in the expected form and was left out")
        for gid, g in self.grids.items():
            problems += g.restore((value or {}).get(gid))
        for gid in (value or {}):
            if gid not in self.grids:
                problems.append(f"saved answers for {gid!r} do not belong to this task")
        return problems
