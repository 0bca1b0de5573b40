"""The annotator's answer: labelled units or word spans of an article, with undo."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sourcewise.seeds.article import Article


class AnswerModelError(ValueError):
    """A widget was given something it cannot work with; the message says what."""


@dataclass(frozen=True)
class SpanMark:
    """One labelled stretch of the article: a whole unit or a run of words inside one unit."""

    unit: str
    start: int
    end: int
    label: str

    def to_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "start": self.start, "end": self.end, "label": self.label}


@dataclass
class AnnotationModel:
    """Marks on an article. ``mode`` is ``units`` (whole sentences) or ``spans`` (words)."""

    article: Article
    labels: tuple[str, ...]
    mode: str = "units"
    marks: list[SpanMark] = field(default_factory=list)
    _history: list[list[SpanMark]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if not self.article.units:
            raise AnswerModelError(f"article {self.article.id!r} has no units to annotate")
        if not self.labels:
            raise AnswerModelError("an annotator needs at least one label")
        if len(set(self.labels)) != len(self.labels):
            raise AnswerModelError(f"labels must be distinct: {list(self.labels)}")
        if self.mode not in ("units", "spans"):
            raise AnswerModelError(f"mode must be 'units' or 'spans', not {self.mode!r}")

    # -- editing -----------------------------------------------------------------------------
    def _remember(self) -> None:
        self._history.append(list(self.marks))

    def toggle_unit(self, unit_id: str, label: str) -> None:
        """Label a whole unit; the same label again removes it, another label replaces it."""
        unit = self.article.unit(unit_id)
        self._check_label(label)
        self._remember()
        existing = [m for m in self.marks if m.unit == unit_id and m.start == unit.start
                    and m.end == unit.end]
        self.marks = [m for m in self.marks if m not in existing]
        if not any(m.label == label for m in existing):
            self.marks.append(SpanMark(unit_id, unit.start, unit.end, label))
        self._sort()

    def add_span(self, start: int, end: int, label: str) -> None:
        """Label a span of words; spans may not cross units and replace overlapping ones."""
        self._check_label(label)
        unit = self.article.unit_at(start)
        if unit is None or end > unit.end or end <= start:
            raise AnswerModelError(f"span {start}-{end} must lie inside one unit of the article")
        self._remember()
        self.marks = [m for m in self.marks if m.end <= start or m.start >= end]
        self.marks.append(SpanMark(unit.id, start, end, label))
        self._sort()

    def remove(self, start: int, end: int) -> None:
        self._remember()
        self.marks = [m for m in self.marks if (m.start, m.end) != (start, end)]

    def undo(self) -> bool:
        """Go back one change; False when there is nothing to undo."""
        if not self._history:
            return False
        self.marks = self._history.pop()
        return True

    def _check_label(self, label: str) -> None:
        if label not in self.labels:
            raise AnswerModelError(f"label {label!r} is not one of {list(self.labels)}")

    def _sort(self) -> None:
        self.marks.sort(key=lambda m: (m.start, m.end))

    # -- persistence -------------------------------------------------------------------------
    def to_value(self) -> dict[str, Any]:
        return {"mode": self.mode, "marks": [m.to_json() for m in self.marks]}

    def restore(self, value: Any) -> list[str]:
        """Load a saved value, keeping what is valid; returns a message per entry left out."""
        problems: list[str] = []
        if value is None:
            return problems
        raw_marks = value.get("marks") if isinstance(value, dict) else None
        if not isinstance(raw_marks, list):
            return ["the saved annotation is not in the expected form and was left out"]
        kept: list[SpanMark] = []
        for entry in raw_marks:
            mark, problem = self._valid_mark(entry)
            if mark:
                kept.append(mark)
            else:
                problems.append(problem)
        self.marks = kept
        self._sort()
        self._history.clear()
        return problems

    def _valid_mark(self, entry: Any) -> tuple[SpanMark | None, str]:
        try:
            mark = SpanMark(str(entry["unit"]), int(entry["start"]), int(entry["end"]),
                            str(entry["label"]))
        except (KeyError, TypeError, ValueError):
            return None, f"a saved mark {entry!r} is malformed"
        try:
            unit = self.article.unit(mark.unit)
        except KeyError:
            return None, f"a saved mark refers to unit {mark.unit}, which this text does not have"
        if mark.label not in self.labels:
            return None, (f"a saved mark uses the label {mark.label!r}, "
                          "which this task does not have")
        if not unit.start <= mark.start < mark.end <= unit.end:
            return None, f"a saved mark in {mark.unit} lies outside that sentence"
        return mark, ""
