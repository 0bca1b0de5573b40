"""The key an author is writing: a plain model over ``key.json`` (no Jupyter), saved atomically.

The authoring notebook's widgets are the lesson widgets in author mode: the annotator marks
claims (label: attribution · verification) and framing devices (label: device type), the source
linker links claims to sources and rates them. They read and write this model through
``KeyDraft.answer`` / ``KeyDraft.apply`` instead of an answers file; text fields (paraphrase,
rationale, alternatives, article-level findings) are set with the ``set_*`` methods or the form.
Every change is saved to ``key.json`` at once, in the documented schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sourcewise.grading.atomic_write import write_json_atomic
from sourcewise.grading.authoring.scaffold import empty_key
from sourcewise.grading.task_keys import CLOSENESS_LABELS, FRAMING_LABELS, VERIFICATION_LABELS
from sourcewise.seeds.article import Article, load_article, read_json
from sourcewise.widgets.annotation_model import AnswerModelError

ATTRIBUTIONS = ("direct", "vague", "unattributed")
VERIFICATIONS = tuple(VERIFICATION_LABELS)
SOURCE_TYPES = ("named_person", "named_institution", "anonymous")
CLAIM_KINDS = ("event", "state", "quantity", "causal", "characterisation", "reported_speech")
CHECKABLE = ("yes", "partly", "no")
# Author-mode labels: each names both values a claim mark sets.
CLAIM_LABELS = {f"{a} · {VERIFICATION_LABELS[v]}": (a, v) for a in ATTRIBUTIONS
                for v in VERIFICATIONS}
DEVICE_LABELS = {label: kind for kind, label in FRAMING_LABELS.items()}
TYPE_LABELS = {"named_person": "named person", "named_institution": "named institution",
               "anonymous": "anonymous"}
WRITER_ID = "writer"
FINDING_LISTS = ("headline_vs_body", "internal_contradictions", "missing_voices")
ENTMAN = ("problem_definition", "causal_interpretation", "moral_evaluation", "remedy")


def _next_id(prefix: str, items: Iterable[Mapping[str, Any]]) -> str:
    used = {item.get("id") for item in items}
    for number in range(1, 100):
        candidate = f"{prefix}{number:02d}"
        if candidate not in used:
            return candidate
    raise AnswerModelError(f"a key holds at most 99 items with ids {prefix}01…{prefix}99")


@dataclass
class KeyDraft:
    """An article's key being written; ``save()`` after every change (``autosave``)."""

    folder: Path
    article: Article
    data: dict[str, Any]
    autosave: bool = True
    saves: int = field(default=0, repr=False)

    @classmethod
    def open(cls, folder: str | Path, *, autosave: bool = True) -> KeyDraft:
        folder = Path(folder)
        article = load_article(folder)
        path = folder / "key.json"
        data = read_json(path) if path.exists() else empty_key(article.id)
        for part in ("sources", "claims", "framing"):
            data.setdefault(part, [])
        data.setdefault("article_level", {})
        draft = cls(folder, article, data, autosave)
        draft._ensure_writer()
        return draft

    # -- saving ------------------------------------------------------------------------------
    def save(self) -> Path:
        path = self.folder / "key.json"
        write_json_atomic(path, self.data)
        self.saves += 1
        return path

    def _changed(self) -> None:
        if self.autosave:
            self.save()

    # -- sources -----------------------------------------------------------------------------
    def _ensure_writer(self) -> None:
        if not any(s.get("type") == "writer" for s in self.data["sources"]):
            self.data["sources"].insert(0, {
                "id": WRITER_ID, "named_as": "the article itself (its own voice)",
                "type": "writer", "units": [], "closeness": "unknown",
                "interest": "The outlet's and writer's interest in a story that holds together.",
                "rationale": ""})

    def add_source(self, source_id: str, named_as: str, type: str = "anonymous", *,
                   closeness: str = "unknown", interest: str = "", rationale: str = "") -> str:
        if any(s["id"] == source_id for s in self.data["sources"]):
            raise AnswerModelError(f"there is a source {source_id!r} already")
        self.data["sources"].append({"id": source_id, "named_as": named_as, "type": type,
                                     "units": [], "closeness": closeness, "interest": interest,
                                     "rationale": rationale})
        self.set_source(source_id)  # checks the vocabulary
        return source_id

    def set_source(self, source_id: str, **fields: Any) -> None:
        source = self._find("sources", source_id)
        source.update(fields)
        if source["type"] not in (*SOURCE_TYPES, "writer"):
            raise AnswerModelError(f"source type must be one of {SOURCE_TYPES}")
        if source["closeness"] not in CLOSENESS_LABELS:
            raise AnswerModelError(f"closeness must be one of {tuple(CLOSENESS_LABELS)}")
        self._changed()


    # -- claims ------------------------------------------------------------------------------
    def add_claim(self, start: int, end: int, *, attribution: str = "unattributed",
                  verification: str = "unverified", source: str = WRITER_ID, **fields: Any
                  ) -> str:
        unit = self._unit_for(start, end)
        claim = {"id": _next_id("C", self.data["claims"]), "unit": unit.id,
                 "span": {"start": start, "end": end, "text": self.article.text[start:end]},
                 "paraphrase": "", "kind": "state", "source": source,
                 "attribution": attribution, "verification": verification,
                 "checkable": CHECKABLE[1], "rationale": "", "contested": False}
        self.data["claims"].append(claim)
        self.set_claim(claim["id"], **fields)
        return claim["id"]

    def set_claim(self, claim_id: str, **fields: Any) -> None:
        claim = self._find("claims", claim_id)
        claim.update(fields)
        self._check(claim, "attribution", ATTRIBUTIONS)
        self._check(claim, "verification", VERIFICATIONS)
        self._check(claim, "kind", CLAIM_KINDS)
        self._check(claim, "checkable", CHECKABLE)
        if claim["source"] not in {s["id"] for s in self.data["sources"]}:
            raise AnswerModelError(f"claim {claim_id}: no source {claim['source']!r}")
        if not claim.get("also_acceptable"):
            claim.pop("also_acceptable", None)
        self._sort("claims")
        self._sync_source_units()
        self._changed()


    # -- framing devices ---------------------------------------------------------------------
    def add_device(self, start: int, end: int, type: str, **fields: Any) -> str:
        unit = self._unit_for(start, end)
        device = {"id": _next_id("F", self.data["framing"]), "unit": unit.id,
                  "span": {"start": start, "end": end, "text": self.article.text[start:end]},
                  "type": type, "rationale": ""}
        self.data["framing"].append(device)
        self.set_device(device["id"], **fields)
        return device["id"]

    def set_device(self, device_id: str, **fields: Any) -> None:
        device = self._find("framing", device_id)
        device.update(fields)
        self._check(device, "type", tuple(FRAMING_LABELS))
        if not device.get("also_acceptable"):
            device.pop("also_acceptable", None)
        self._sort("framing")
        self._changed()


    # -- article level -----------------------------------------------------------------------
    def add_finding(self, part: str, statement: str, rationale: str,
                    units: Iterable[str] = ()) -> str:
        """A finding of ``headline_vs_body``, ``internal_contradictions`` or ``missing_voices``."""
        if part not in FINDING_LISTS:
            raise AnswerModelError(f"findings go into one of {FINDING_LISTS}")
        found = self.data["article_level"].setdefault(part, [])
        finding = {"id": f"{part.split('_')[0][:2].upper()}{len(found) + 1}",
                   "statement": statement, "units": list(units), "rationale": rationale}
        found.append(finding)
        self._order_article_level()
        self._changed()
        return finding["id"]

    def set_frame(self, function: str, statement: str, rationale: str,
                  units: Iterable[str] = ()) -> None:
        """One of Entman's four functions of the article's dominant frame."""
        if function not in ENTMAN:
            raise AnswerModelError(f"Entman's functions are {ENTMAN}")
        self.data["article_level"].setdefault("entman", {})[function] = {
            "id": function, "statement": statement, "units": list(units), "rationale": rationale}
        self._order_article_level()
        self._changed()

    def set_provenance(self, outlet: str, author: str, date_approx: str, rationale: str,
                       **extra: Any) -> None:
        self.data["article_level"]["provenance"] = {
            "outlet": outlet, "author": author, "date_approx": date_approx, **extra,
            "rationale": rationale}
        self._order_article_level()
        self._changed()

    # -- the widgets' answers (author mode) --------------------------------------------------
    def answer(self, question_id: str) -> Any:
        """What the author-mode widget for ``claims``, ``framing`` or ``sources`` shows."""
        if question_id == "claims":
            return {"mode": "spans", "marks": [
                {"unit": c["unit"], "start": c["span"]["start"], "end": c["span"]["end"],
                 "label": f"{c['attribution']} · {VERIFICATION_LABELS[c['verification']]}"}
                for c in self.data["claims"]]}
        if question_id == "framing":
            return {"mode": "spans", "marks": [
                {"unit": f["unit"], "start": f["span"]["start"], "end": f["span"]["end"],
                 "label": FRAMING_LABELS[f["type"]]} for f in self.data["framing"]]}
        if question_id == "sources":
            return {"links": {c["id"]: {"source": c["source"]} for c in self.data["claims"]},
                    "ratings": {s["id"]: {"closeness": CLOSENESS_LABELS[s["closeness"]],
                                          "type": TYPE_LABELS[s["type"]]}
                                for s in self.data["sources"] if s["type"] != "writer"}}
        raise AnswerModelError(f"no author-mode question {question_id!r}")

    def apply(self, question_id: str, value: Any) -> None:
        """Take a widget's value: new marks become items, removed marks remove theirs."""
        if question_id in ("claims", "framing"):
            self._apply_marks(question_id, (value or {}).get("marks", []))
        elif question_id == "sources":
            self._apply_sources(value or {})
        else:
            raise AnswerModelError(f"no author-mode question {question_id!r}")
        self._changed()

    def _apply_marks(self, part: str, marks: list[dict[str, Any]]) -> None:
        existing = {(r["span"]["start"], r["span"]["end"]): r for r in self.data[part]}
        kept = []
        autosave, self.autosave = self.autosave, False
        try:
            for mark in marks:
                spot = (int(mark["start"]), int(mark["end"]))
                record = existing.pop(spot, None)
                if part == "claims":
                    attribution, verification = CLAIM_LABELS[mark["label"]]
                    if record is None:
                        kept.append(self.add_claim(*spot, attribution=attribution,
                                                   verification=verification))
                    else:
                        record.update(attribution=attribution, verification=verification)
                        kept.append(record["id"])
                else:
                    kind = DEVICE_LABELS[mark["label"]]
                    if record is None:
                        kept.append(self.add_device(*spot, kind))
                    else:
                        record["type"] = kind
                        kept.append(record["id"])
            self.data[part] = [r for r in self.data[part] if r["id"] in kept]
            self._sync_source_units()
        finally:
            self.autosave = autosave

    def _apply_sources(self, value: Mapping[str, Any]) -> None:
        closeness = {label: value for value, label in CLOSENESS_LABELS.items()}
        types = {label: value for value, label in TYPE_LABELS.items()}
        for claim_id, row in (value.get("links") or {}).items():
            source = (row or {}).get("source")
            if source:
                self._find("claims", claim_id)["source"] = source
        for source_id, row in (value.get("ratings") or {}).items():
            source = self._find("sources", source_id)
            if row.get("closeness") in closeness:
                source["closeness"] = closeness[row["closeness"]]
            if row.get("type") in types:
                source["type"] = types[row["type"]]
        self._sync_source_units()

    # -- helpers -----------------------------------------------------------------------------
    def _find(self, part: str, item_id: str) -> dict[str, Any]:
        for record in self.data[part]:
            if record["id"] == item_id:
                return record
        raise AnswerModelError(f"the key has no {part[:-1] if part != 'framing' else 'device'} "
                               f"{item_id!r}")

    def _unit_for(self, start: int, end: int) -> Any:
        unit = self.article.unit_at(start)
        if unit is None or end > unit.end or end <= start:
            raise AnswerModelError(f"span {start}-{end} must lie inside one sentence")
        return unit

    @staticmethod
    def _check(record: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> None:
        if record[name] not in allowed:
            raise AnswerModelError(f"{record['id']}: {name} must be one of {allowed}, "
                                   f"not {record[name]!r}")

    def _sort(self, part: str) -> None:
        self.data[part].sort(key=lambda r: r["span"]["start"])

    def _sync_source_units(self) -> None:
        order = [u.id for u in self.article.units]
        for source in self.data["sources"]:
            units = {c["unit"] for c in self.data["claims"] if c["source"] == source["id"]}
            source["units"] = [u for u in order if u in units]

    def _order_article_level(self) -> None:
        level = self.data["article_level"]
        order = [*FINDING_LISTS[:1], *FINDING_LISTS[1:], "entman", "provenance", "verdicts"]
        self.data["article_level"] = {k: level[k] for k in order if k in level}
