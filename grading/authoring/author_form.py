"""Author mode's item form (ipywidgets): the text of a claim, device or source, saved on click."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from sourcewise.grading.authoring.author_model import (
    ATTRIBUTIONS,
    CHECKABLE,
    CLAIM_KINDS,
    VERIFICATIONS,
    KeyDraft,
)
from sourcewise.widgets.annotation_model import AnswerModelError

PARTS = {"claims": "claim", "framing": "framing device", "sources": "source"}


def _choices(draft: KeyDraft) -> list[tuple[str, tuple[str, str]]]:
    out = []
    for part in PARTS:
        for record in draft.data[part]:
            text = record.get("span", {}).get("text") or record.get("named_as", "")
            out.append((f"{record['id']} · {text[:60]}", (part, record["id"])))
    return out


def item_form(draft: KeyDraft) -> Any:
    """A form: choose an item, edit its text fields, press Save (writes key.json)."""
    pick = w.Dropdown(options=_choices(draft), description="Item")
    main = w.Text(description="Paraphrase", layout=w.Layout(width="95%"))
    rationale = w.Textarea(description="Rationale", layout=w.Layout(width="95%", height="6em"),
                           placeholder="Why an expert labels it so, in words a student can "
                                       "learn from (40 characters or more).")
    interest = w.Text(description="Interest", layout=w.Layout(width="95%"))
    kind = w.Dropdown(options=CLAIM_KINDS, description="Kind")
    checkable = w.Dropdown(options=CHECKABLE, description="Checkable")
    contested = w.Checkbox(description="Contested: experts may disagree")
    also = w.Text(description="Also OK", layout=w.Layout(width="95%"),
                  placeholder="accepted alternatives, e.g. attribution=vague; "
                              "verification=explicitly_unconfirmed; source=writer")
    save = w.Button(description="Save", button_style="primary")
    status = w.HTML()

    def load(_: Any = None) -> None:
        if not pick.value:
            return
        part, item_id = pick.value
        record = draft._find(part, item_id)
        main.description = "Named as" if part == "sources" else "Paraphrase"
        main.value = record.get("named_as" if part == "sources" else "paraphrase", "")
        rationale.value = record.get("rationale", "")
        interest.value = record.get("interest", "")
        kind.value = record.get("kind", CLAIM_KINDS[0])
        checkable.value = record.get("checkable", CHECKABLE[0])
        contested.value = bool(record.get("contested", False))
        alternatives = record.get("also_acceptable", {})
        if isinstance(alternatives, list):
            alternatives = {"type": alternatives}
        also.value = "; ".join(f"{k}={','.join(v)}" for k, v in alternatives.items())
        for box, visible in ((interest, part == "sources"), (kind, part == "claims"),
                             (checkable, part == "claims"), (contested, part != "sources")):
            box.layout.display = None if visible else "none"
        status.value = ""

    def parse_also() -> dict[str, list[str]]:
        parsed: dict[str, list[str]] = {}
        for chunk in also.value.split(";"):
            name, _, values = chunk.partition("=")
            if name.strip():
                parsed[name.strip()] = [v.strip() for v in values.split(",") if v.strip()]
        return parsed

    def on_save(_: Any) -> None:
        part, item_id = pick.value
        try:
            if part == "claims":
                alternatives = parse_also()
                for name, allowed in (("attribution", ATTRIBUTIONS),
                                      ("verification", VERIFICATIONS)):
                    bad = [v for v in alternatives.get(name, []) if v not in allowed]
                    if bad:
                        raise AnswerModelError(f"{name} alternatives must be among {allowed}")
                draft.set_claim(item_id, paraphrase=main.value, rationale=rationale.value,
                                kind=kind.value, checkable=checkable.value,
                                contested=contested.value, also_acceptable=alternatives)
            elif part == "framing":
                draft.set_device(item_id, rationale=rationale.value, contested=contested.value,
                                 also_acceptable=parse_also().get("type", []))
            else:
                fields = {"named_as": main.value, "rationale": rationale.value,
                          "interest": interest.value}
                alternatives = parse_also()
                if alternatives:
                    fields["also_acceptable"] = alternatives
                draft.set_source(item_id, **fields)
            status.value = f"<p>Saved {item_id} to key.json.</p>"
        except (AnswerModelError, KeyError) as err:
            status.value = f"<p role='alert'>Not saved: {err}</p>"

    pick.observe(load, names="value")
    save.on_click(on_save)
    load()
    return w.VBox([pick, main, rationale, interest, w.HBox([kind, checkable]), contested,
                   also, save, status])
