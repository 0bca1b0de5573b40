"""The lessons' autograded tasks and the scoring key each derives from the expert key.

Graded cells carry these keys as literals inside their hidden-test block (so the release has
no key); self-checks in the widgets call the same builders. A test keeps the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sourcewise.seeds import Key, load_accounts, load_article, load_key
from sourcewise.seeds.article import SEED_ARTICLE
from sourcewise.seeds.records import load_records, search_items
from sourcewise.seeds.task_settings import load_task_settings

VERIFICATION_LABELS = {"verified": "verified",
                       "explicitly_unconfirmed": "explicitly unconfirmed",
                       "unverified": "unverified"}
ATTRIBUTION_LABELS = {"direct": "attributed", "vague": "attributed", "unattributed": "own voice"}
RELIANCE_LABELS = {"named_person": "named source", "named_institution": "named source",
                   "anonymous": "anonymous source", "writer": "no source given"}
FRAMING_LABELS = {
    "naming": "naming choice", "loaded_word": "loaded word", "metaphor": "metaphor",
    "intensifier": "intensifier", "hedge_removed": "hedge removed",
    "causal_connective": "causal link", "agentless_passive": "agentless passive",
    "vague_attribution": "vague attribution", "omission": "omission",
    "hedge_present": "hedge still present", "reporting_verb": "reporting verb",
    "time_expression": "time word", "nominalisation": "nominalisation",
    "contrastive_connective": "contrast word",
}
# Capstone verdicts on whole sentences: what a careful reader can do with each.
VERDICT_LABELS = {"as_stated": "usable as stated", "with_source": "usable only with its source",
                  "do_not_accept": "do not accept as stated"}
CLAIM_CHECK_LABELS = tuple(f"{a} · {v}" for a in ("own voice", "attributed")
                           for v in VERIFICATION_LABELS.values())
CLOSENESS_LABELS = {"direct_participant": "took part", "local_observer": "local observer",
                    "official_remote": "official, at a distance", "secondhand": "second-hand",
                    "unknown": "cannot tell"}
NAMED_LABELS = {"named_person": "named", "named_institution": "named",
                "anonymous": "anonymous", "writer": "anonymous"}


@dataclass(frozen=True)
class Task:
    """An autograded task: which widget answer it scores and how its key is built."""

    id: str
    kind: str  # spans | choices | matrix | links | ratings | calibration
    labels: tuple[str, ...]
    build: Callable[[Key], dict[str, Any]]
    title: str


def _claim_spans(key: Key, label_of: Callable[[dict[str, Any]], Sequence[str]]) -> dict[str, Any]:
    article = load_article(key.ref)
    spans = [{"id": c["id"], "start": c["span"]["start"], "end": c["span"]["end"],
              "text": c["span"]["text"], "labels": list(dict.fromkeys(label_of(c))),
              "rationale": c["rationale"], "unit": c["unit"]} for c in key.claims]
    return {"text": article.text, "spans": spans}


def _accepted(claim: dict[str, Any], field: str, names: dict[str, str]) -> list[str]:
    return [names[v] for v in [claim[field], *claim.get("also_acceptable", {}).get(field, [])]]


def attribution_key(key: Key) -> dict[str, Any]:
    return _claim_spans(key, lambda c: _accepted(c, "attribution", ATTRIBUTION_LABELS))


def verification_key(key: Key) -> dict[str, Any]:
    return _claim_spans(key, lambda c: _accepted(c, "verification", VERIFICATION_LABELS))


def claim_check_key(key: Key, units: Sequence[str] | None = None) -> dict[str, Any]:
    """One pass over the focus sentences (the article's ``tasks.json``): each claim, with
    attribution · verification.

    Sentences outside the focus become ``role: "ignore"`` spans, so marks there neither earn
    nor cost anything.
    """
    article = load_article(key.ref)
    units = load_task_settings(key.ref).focus_units if units is None else units

    def labels(claim: dict[str, Any]) -> list[str]:
        return [f"{a} · {v}" for a in _accepted(claim, "attribution", ATTRIBUTION_LABELS)
                for v in _accepted(claim, "verification", VERIFICATION_LABELS)]

    spans = [{**s, "rationale": before_tracing(s["rationale"], key)}
             for s in _claim_spans(key, labels)["spans"] if s["unit"] in units]
    spans += _out_of_scope(article, units, CLAIM_CHECK_LABELS)
    return {"text": article.text, "spans": spans}


def article_claims_key(key: Key) -> dict[str, Any]:
    """A generated lesson's one pass: every claim of any article, attribution · verification."""

    def labels(claim: dict[str, Any]) -> list[str]:
        return [f"{a} · {v}" for a in _accepted(claim, "attribution", ATTRIBUTION_LABELS)
                for v in _accepted(claim, "verification", VERIFICATION_LABELS)]

    return _claim_spans(key, labels)


def before_tracing(rationale: str, article: Key | str | Path = SEED_ARTICLE) -> str:
    """A rationale without the sentences that give away a later lesson's finding (the
    article's ``tasks.json``: for the seed, what tracing discovers about the original)."""
    settings = load_task_settings(article.ref if isinstance(article, Key) else article)
    sentences = re.split(r"(?<=[.!?])\s+", rationale)
    kept = [s for s in sentences if not settings.hides(s)]
    return " ".join(kept) if kept else rationale


def _out_of_scope(article: Any, units: Sequence[str], labels: Sequence[str]) -> list[dict]:
    return [{"id": f"scope-{u.id}", "start": u.start, "end": u.end, "text": u.text,
             "labels": list(labels), "rationale": "", "unit": u.id, "role": "ignore"}
            for u in article.units if u.id not in units]


def verdict_key(key: Key) -> dict[str, Any]:
    """Capstone: a verdict on a few whole sentences, new judgement drawing on lessons 3-5."""
    article = load_article(key.ref)
    verdicts = key.article_level.get("verdicts", [])
    spans = []
    for v in verdicts:
        unit = article.unit(v["unit"])
        spans.append({"id": v["id"], "start": unit.start, "end": unit.end, "text": unit.text,
                      "labels": [VERDICT_LABELS[x] for x in
                                 dict.fromkeys([v["verdict"], *v.get("also_acceptable", [])])],
                      "rationale": v["rationale"], "unit": v["unit"]})
    spans += _out_of_scope(article, [v["unit"] for v in verdicts], VERDICT_LABELS.values())
    return {"text": article.text, "spans": spans}


def reliance_key(key: Key) -> dict[str, Any]:
    types = {s["id"]: s["type"] for s in key.sources}

    def labels(claim: dict[str, Any]) -> list[str]:
        ids = [claim["source"], *claim.get("also_acceptable", {}).get("source", [])]
        return [RELIANCE_LABELS[types[i]] for i in ids]

    return _claim_spans(key, labels)


def framing_key(key: Key, types: Sequence[str] | None = None) -> dict[str, Any]:
    article = load_article(key.ref)
    spans = [{"id": f["id"], "start": f["span"]["start"], "end": f["span"]["end"],
              "text": f["span"]["text"],
              "labels": [FRAMING_LABELS[t]
                         for t in dict.fromkeys([f["type"], *f.get("also_acceptable", [])])],
              "rationale": f["rationale"], "unit": f["unit"],
              "required": f.get("required", True)}
             for f in key.framing if types is None or f["type"] in types]
    return {"text": article.text, "spans": spans}


def link_key(key: Key, claim_ids: Sequence[str] | None = None) -> dict[str, Any]:
    claims = [c for c in key.claims if claim_ids is None or c["id"] in claim_ids]
    return {"items": {c["id"]: {"choice": c["source"],
                                "also": c.get("also_acceptable", {}).get("source", []),
                                "rationale": before_tracing(c["rationale"], key)} for c in claims},
            "names": {c["id"]: f"{c['id']} ({c['paraphrase']})" for c in claims},
            "choice_names": _source_names(key)}


def _source_names(key: Key) -> dict[str, str]:
    """How the widgets show each source, so feedback uses the same words."""
    return {s["id"]: "the writer's own voice" if s["type"] == "writer" else s["named_as"]
            for s in key.sources}


def rating_key(key: Key) -> dict[str, Any]:
    items: dict[str, Any] = {}
    for source in key.sources:
        if source["type"] == "writer":
            continue
        also = source.get("also_acceptable", {})
        items[f"{source['id']}|closeness"] = {
            "choice": CLOSENESS_LABELS[source["closeness"]],
            "also": [CLOSENESS_LABELS[v] for v in also.get("closeness", [])],
            "rationale": source["rationale"]}
        items[f"{source['id']}|named"] = {
            "choice": NAMED_LABELS[source["type"]],
            "also": [NAMED_LABELS[v] for v in also.get("type", [])],
            "rationale": source["rationale"]}
    names = _source_names(key)
    labels = {f"{sid}|{scale}": f"{names[sid]}: {scale}" for sid in names
              for scale in ("closeness", "named")}
    return {"items": items, "names": {i: labels[i] for i in items}}


def matrix_claims(key: Key) -> list[str]:
    """The seed claims the comparison task asks about: those the accounts speak to most."""
    listed = key.data.get("task_claims", {}).get("corroboration.matrix")
    if listed is not None:  # a course edition's public key lists them (no alignment tables)
        return list(listed)
    accounts = load_accounts(key.ref)
    counted = {c["id"]: sum(1 for a in accounts if c["id"] in a.data["alignment"])
               for c in key.claims}
    ranked = sorted((cid for cid, n in counted.items() if n >= 2), key=lambda c: -counted[c])
    # Five rows × six accounts leaves room in 45 minutes for lateral search on real
    # records (which traces C23, C33 and C39).
    return sorted(ranked[:5])


def matrix_key(key: Key) -> dict[str, Any]:
    accounts = load_accounts(key.ref)
    items = {}
    for claim_id in matrix_claims(key):
        for account in accounts:
            accepted = account.accepted_relations(claim_id)
            entry = account.data["alignment"].get(claim_id, {})
            items[f"{claim_id}|{account.id}"] = {
                "choice": accepted[0], "also": accepted[1:],
                "rationale": entry.get("note", f"{account.data['outlet']} does not mention this.")}
    names = {f"{cid}|{a.id}": f"{cid} in {a.data['outlet']}" for cid in matrix_claims(key)
             for a in accounts}
    return {"items": items, "names": names}


def search_key(key: Key) -> dict[str, Any]:
    """Lesson 3's lateral reading: the original's outlet, author and date, and for each claim
    the records that corroborate it independently (or ``none``), from the records' answers."""
    records = load_records(key.ref)
    original = next(r.data for r in records if r.data.get("role") == "original")
    # Shown for a missed item too, so it says how to find the answer, not what it is.
    found = ("Search a few distinctive words of the article. Several pages carry the same "
             "sentences; the one with a byline and a date names the outlet it first appeared "
             "in, and that outlet, its reporter and that date are the original's.")
    outlet = original.get("credits") or original["outlet"]
    titles = {r.id: f"{r.data['outlet']}, '{r.data['title']}'" for r in records}
    items: dict[str, Any] = {
        "original|outlet": {"choice": outlet, "rationale": found,
                            "partial": {original["outlet"]: 0.5} if outlet != original[
                                "outlet"] else None},
        "original|author": {"choice": original.get("author") or "not given",
                            "rationale": found},
        "original|date": {"choice": original.get("date") or "not given", "rationale": found},
    }
    for claim_id in search_items(records):
        bearing = [(r.id, r.data["bears_on"][claim_id]) for r in records
                   if claim_id in r.data.get("bears_on", {})]
        support = [rid for rid, b in bearing
                   if b["relation"] == "corroborates" and b["independent"]]
        items[f"{claim_id}|record"] = {
            "choice": support[0] if support else "none", "also": support[1:],
            "rationale": " ".join(f"{titles[rid]}: {b['note']}" for rid, b in bearing)}
    for spec in items.values():
        if spec.get("partial") is None:
            spec.pop("partial", None)
    names = {"original|outlet": "The original's outlet", "original|author": "Its author",
             "original|date": "Its date",
             **{i: f"{i.split('|')[0]}: a record that corroborates it" for i in items
                if i.endswith("|record")}}
    return {"items": items, "names": names,
            "choice_names": {**titles, "none": "no independent record"}}


def calibration_claims(key: Key) -> list[str]:
    """The claims the confidence sliders ask about (those with a scored later outcome)."""
    listed = key.data.get("task_claims", {}).get("weighing.calibration")
    if listed is not None:
        return list(listed)
    return [c["id"] for c in key.claims
            if c.get("later_reporting", {}).get("calibration", "later_reporting" in c)]


def calibration_key(key: Key) -> dict[str, Any]:
    chosen = set(calibration_claims(key))
    claims = [c for c in key.claims if c["id"] in chosen]
    return {"outcomes": {c["id"]: c["later_reporting"]["outcome"] for c in claims},
            "rationales": {c["id"]: c["later_reporting"]["summary"] for c in claims}}


TASKS: dict[str, Task] = {t.id: t for t in [
    Task("claims.attribution", "spans", ("attributed", "own voice"), attribution_key,
         "Find the factual claims and mark who they are attributed to"),
    Task("claims.verification", "spans", tuple(VERIFICATION_LABELS.values()), verification_key,
         "Mark how far each claim is confirmed"),
    Task("claims.focused", "spans", CLAIM_CHECK_LABELS, claim_check_key,
         "Mark each claim of the chosen sentences: who stands behind it, and is it confirmed?"),
    Task("sources.links", "links", (), link_key, "Link each claim to the source it rests on"),
    Task("sources.ratings", "ratings", (), rating_key, "Rate each source"),
    Task("corroboration.matrix", "matrix", ("corroborates", "contradicts", "silent"), matrix_key,
         "Compare the article with the other accounts"),
    Task("corroboration.search", "choices", (), search_key,
         "Trace the article and find better coverage"),
    Task("framing.naming", "spans", ("naming choice",), lambda k: framing_key(k, ["naming"]),
         "Find every name the article gives the group"),
    Task("framing.devices", "spans", tuple(v for k, v in FRAMING_LABELS.items() if k != "naming"),
         lambda k: framing_key(k, [t for t in FRAMING_LABELS if t != "naming"]),
         "Mark the framing devices"),
    Task("weighing.calibration", "calibration", (), calibration_key,
         "Say how likely each claim is to be true"),
    Task("capstone.reliance", "spans", ("named source", "anonymous source", "no source given"),
         reliance_key, "Mark what each claim rests on"),
    Task("capstone.verdicts", "spans", tuple(VERDICT_LABELS.values()), verdict_key,
         "Say what a careful reader can do with each sentence"),
    # Lessons generated for any keyed article (lessons/article_lessons.py).
    Task("claims.check", "spans", CLAIM_CHECK_LABELS, article_claims_key,
         "Mark each claim: who stands behind it, and is it confirmed?"),
    Task("framing.all", "spans", tuple(FRAMING_LABELS.values()), framing_key,
         "Mark the framing devices"),
]}


def task(task_id: str) -> Task:
    try:
        return TASKS[task_id]
    except KeyError:
        raise KeyError(f"no task {task_id!r}; known tasks: {', '.join(TASKS)}") from None


def restrict(key: dict[str, Any], claim_ids: Sequence[str]) -> dict[str, Any]:
    """Keep only the parts of a task key about the given claims (a lesson's chosen rows)."""
    wanted = set(claim_ids)
    out = dict(key)
    if "spans" in key:
        out["spans"] = [s for s in key["spans"] if s["id"] in wanted]
    if "items" in key:
        out["items"] = {i: v for i, v in key["items"].items() if i.split("|")[0] in wanted}
        if "names" in key:
            out["names"] = {i: v for i, v in key["names"].items() if i.split("|")[0] in wanted}
    if "outcomes" in key:
        out["outcomes"] = {i: v for i, v in key["outcomes"].items() if i in wanted}
        out["rationales"] = {i: v for i, v in key["rationales"].items() if i in wanted}
    return out


def task_key(task_id: str, article_id: str = SEED_ARTICLE,
             claims: Sequence[str] | None = None) -> dict[str, Any]:
    """The scoring key of a task for an article, as plain JSON; ``claims`` narrows it."""
    # Schema checks belong to `sourcewise validate` and the tests: importing jsonschema costs
    # over a second, which a student would wait for at every first self-check.
    key = task(task_id).build(load_key(article_id, validate=False))
    return restrict(key, claims) if claims is not None and task(task_id).kind != "ratings" else key
