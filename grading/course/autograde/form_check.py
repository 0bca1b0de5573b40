"""Which form of the skills check a submitted answers file was made on, and whether it is the
form the student takes.

Forms A and B ask the same questions (``claims``, ``sources`` …), so an answers file made on the
wrong form would score against the right key as nonsense, or a form-B file under a form-A
student would look like a poor pre-test. Every widget saves the fingerprint of the text it was
answered on (a hash of the form's article) beside each answer; answers saved without one are
recognised by the ids only one form has (its sources and records). A file that is not
the student's form is refused with a message that says which form it is and what to do.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sourcewise.seeds import load_article, load_key
from sourcewise.seeds.forms import ASSESSMENTS, FORMS, form_article, form_for
from sourcewise.seeds.records import load_records


@dataclass(frozen=True)
class WrongForm:
    """Answers made on another text than the student's form of the check."""

    expected: str  # "A" or "B": the student's form
    found: str  # "A", "B", or "" for a text that is neither form
    questions: tuple[str, ...]  # the answers that show it

    def note(self, student: str, assessment: str) -> str:
        """What the student and the instructor read in the feedback and the grading log."""
        made = (f"on form {self.found} of the skills check" if self.found else
                "on a text that is neither form of the skills check (another lesson's answers?)")
        asked = ", ".join(self.questions)
        return (f"Wrong form: the answers in answers/{assessment}.json ({asked}) were made "
                f"{made}, but {student}'s {assessment}-test is form {self.expected} "
                "(the order is fixed by the student id). They were not scored against form "
                f"{self.expected}'s key, and this {assessment}-test counts as not taken: answer "
                f"form {self.expected} in {assessment}.ipynb (run its first cell with your course "
                "id) and hand it in again.")

    def what(self, assessment: str) -> str:
        """The problem in the closing summary of autograde."""
        found = f"form {self.found}" if self.found else "another text"
        return f"{assessment}-test answered on {found}, not the student's form {self.expected}"


@cache
def _fingerprints() -> dict[str, str]:
    return {load_article(article).fingerprint: form for form, article in FORMS.items()}


@cache
def _form_ids() -> dict[str, frozenset[str]]:
    """Ids and names only one form's answers can hold: its sources and its records."""
    found: dict[str, set[str]] = {}
    for form, article in FORMS.items():
        ids = {s["id"] for s in load_key(article, validate=False).sources if s["type"] != "writer"}
        for record in load_records(article):
            ids |= {record.id, record.data["outlet"], str(record.data.get("author") or "")}
        found[form] = ids - {""}
    shared = set.intersection(*found.values())
    return {form: frozenset(ids - shared) for form, ids in found.items()}


def _strings(value: Any, depth: int = 0) -> Iterator[str]:
    if depth > 8:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield str(key).split("|")[0]
            yield from _strings(inner, depth + 1)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner, depth + 1)


def answered_form(entry: Mapping[str, Any]) -> str | None:
    """``"A"``/``"B"``: the form one saved answer was made on; ``""`` for another text; None
    when the answer does not tell (no fingerprint and no form-specific id)."""
    fingerprint = entry.get("fingerprint")
    if isinstance(fingerprint, str) and fingerprint:
        return _fingerprints().get(fingerprint, "")
    strings = set(_strings(entry.get("value")))
    forms = [form for form, ids in _form_ids().items() if strings & ids]
    return forms[0] if len(forms) == 1 else None


def wrong_form(answers: Mapping[str, Any], student: str, assessment: str) -> WrongForm | None:
    """None when every answer that tells its form is on the student's form (or the lesson is
    not the skills check); otherwise what was found."""
    if assessment not in ASSESSMENTS:
        return None
    expected = form_for(student, assessment)
    form_article(expected)  # a form that exists, or ValueError
    others: dict[str, list[str]] = {}
    for question, entry in answers.items():
        if not isinstance(entry, Mapping):
            continue
        form = answered_form(entry)
        if form is not None and form != expected:
            others.setdefault(form, []).append(str(question))
    if not others:
        return None
    found = max(others, key=lambda f: len(others[f]))
    return WrongForm(expected, found, tuple(sorted(others[found])))
