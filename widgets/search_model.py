"""The lateral-reading answer: what a student found in the documented records, with undo."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sourcewise.seeds.records import Record, record_index

from .annotation_model import AnswerModelError

NOT_GIVEN = "not given"
NONE_FOUND = "none"
ANSWER = "answer"  # the single column the course-mode completeness check counts


@dataclass(frozen=True)
class FindingItem:
    """One question of the task: an id, a label, and the options a student chooses from."""

    id: str
    label: str
    options: tuple[tuple[str, str], ...]  # (value, what the student sees)
    detail: str = ""
    # Where an option comes from: record fields (the original's outlet, author, date), or
    # () when the options are records themselves; a menu lists only what searches found.
    fields: tuple[str, ...] = ()

    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.options)


def finding_items(records: Sequence[Record],
                  claims: Sequence[Mapping[str, Any]]) -> tuple[FindingItem, ...]:
    """The questions, built from what the records show (never from their answer fields)."""

    def distinct(*fields: str) -> tuple[tuple[str, str], ...]:
        seen = sorted({str(r.data[f]) for r in records for f in fields if r.data.get(f)})
        return (*((v, v) for v in seen), (NOT_GIVEN, "not given anywhere"))

    pick = tuple((r.id, f"{r.data['outlet']}: {r.data['title']}") for r in records)
    items = [FindingItem("original|outlet", "Outlet of the original report",
                         distinct("outlet", "credits"), fields=("outlet", "credits")),
             FindingItem("original|author", "Its author", distinct("author"),
                         fields=("author",)),
             FindingItem("original|date", "Its date of publication", distinct("date"),
                         fields=("date",))]
    for claim in claims:
        items.append(FindingItem(
            f"{claim['id']}|record", f"{claim['id']}: a record that corroborates it "
            "independently", ((NONE_FOUND, "no independent record does"), *pick),
            f"“{claim['span']['text']}”"))
    return tuple(items)


@dataclass
class SearchModel:
    """Searchable records and the student's findings (one choice per item)."""

    records: tuple[Record, ...]
    items: tuple[FindingItem, ...]
    answers: dict[str, str] = field(default_factory=dict)
    _history: list[dict[str, str]] = field(default_factory=list, repr=False)
    _index: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.records:
            raise AnswerModelError("the search has no records to search")
        ids = [r.id for r in self.records]
        if len(set(ids)) != len(ids):
            raise AnswerModelError(f"record ids must be distinct: {ids}")
        if not self.items:
            raise AnswerModelError("the search task needs at least one question")
        for item in self.items:
            if not item.options:
                raise AnswerModelError(f"question {item.id!r} has no options")
        self._index = record_index(self.records)

    # -- searching ---------------------------------------------------------------------------
    def search(self, query: str) -> list[str]:
        """Ids of the records a query finds, best first; an empty query finds nothing."""
        return self._index.search(query)

    def shown_options(self, item: FindingItem, found: set[str]) -> tuple[tuple[str, str], ...]:
        """The options a menu lists: what the records in ``found`` show, the "none" and
        "not given" answers, and the saved answer. Before any search a student cannot pick
        the original's outlet, author or a record title from a menu: they must find it."""
        records = [r for r in self.records if r.id in found]
        seen = {str(r.data[f]) for r in records for f in item.fields if r.data.get(f)}
        keep = {NONE_FOUND, NOT_GIVEN, self.answers.get(item.id), *found, *seen}
        if item.fields:
            keep -= found  # record ids are not answers to an outlet, author or date question
        return tuple(option for option in item.options if option[0] in keep)

    def found_in_answers(self) -> set[str]:
        """Records the saved answers refer to (so a restored answer keeps its menu entries)."""
        found = set()
        for item in self.items:
            value = self.answers.get(item.id)
            for record in self.records:
                if value == record.id or (item.fields and value in {
                        str(record.data.get(f)) for f in item.fields}):
                    found.add(record.id)
        return found

    def record(self, record_id: str) -> Record:
        for record in self.records:
            if record.id == record_id:
                return record
        raise AnswerModelError(f"no record {record_id!r}")

    # -- editing -----------------------------------------------------------------------------
    def item(self, item_id: str) -> FindingItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise AnswerModelError(f"no question {item_id!r} in this task")

    def choose(self, item_id: str, option: str | None) -> None:
        """Answer one question; ``None`` clears it."""
        item = self.item(item_id)
        if option is not None and option not in item.values():
            raise AnswerModelError(f"{option!r} is not an option for {item.label!r}")
        self._history.append(dict(self.answers))
        if option is None:
            self.answers.pop(item_id, None)
        else:
            self.answers[item_id] = option

    def undo(self) -> bool:
        """Go back one change; False when there is nothing to undo."""
        if not self._history:
            return False
        self.answers = self._history.pop()
        return True

    # -- the completeness check reads a model with rows and columns --------------------------
    @property
    def rows(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def columns(self) -> tuple[str, ...]:
        return (ANSWER,)

    def get(self, row: str, _column: str = ANSWER) -> str | None:
        return self.answers.get(row)

    # -- persistence -------------------------------------------------------------------------
    def to_value(self) -> dict[str, str]:
        return {item.id: self.answers[item.id] for item in self.items if item.id in self.answers}

    def restore(self, value: Any) -> list[str]:
        """Load a saved value, keeping what is valid; returns a message per entry left out."""
        if value is None:
            return []
        if not isinstance(value, Mapping):
            return ["the saved findings are not in the expected form and were left out"]
        problems, kept = [], {}
        known = {item.id: item for item in self.items}
        for item_id, option in value.items():
            item = known.get(item_id)
            if item is None:
                problems.append(f"a saved answer to {item_id!r}, which this task does not ask")
            elif option not in item.values():
                problems.append(f"the saved answer {option!r} to {item.label!r}, which is not "
                                "one of its options")
            else:
                kept[item_id] = option
        self.answers = kept
        self._history.clear()
        return problems
