"""The pre/post skills assessment: its two parallel forms and which student gets which first.

Forms A and B are constructed teaching texts (``assessment/skills-form-a``, ``-b``) with the
same item types, counts and points per skill. Each student takes one as the pre-test and the
other as the post-test; the order is fixed by a stable hash of the student id, so about half a
class starts with each form and a gain cannot come from one form being easier.
"""

from __future__ import annotations

import hashlib

ASSESSMENTS = ("pre", "post")
FORMS = {"A": "skills-form-a", "B": "skills-form-b"}
# Folder (under the seeds package) that holds the forms' article folders.
FORMS_FOLDER = "assessment"


def form_order(student_id: str) -> tuple[str, str]:
    """``("A", "B")`` or ``("B", "A")``: the forms a student takes as pre- and post-test.

    SHA-256 of the id, not ``hash()``: Python salts ``hash`` per process, and the order must be
    the same on the instructor's machine, in every student kernel and in every later run.
    """
    digest = hashlib.sha256(str(student_id).strip().encode("utf-8")).digest()
    return ("A", "B") if digest[0] % 2 == 0 else ("B", "A")


def form_for(student_id: str, assessment: str) -> str:
    """The form (``A`` or ``B``) a student takes as ``pre`` or ``post``."""
    if assessment not in ASSESSMENTS:
        raise ValueError(f"no assessment {assessment!r}; assessments: {', '.join(ASSESSMENTS)}")
    return form_order(student_id)[ASSESSMENTS.index(assessment)]


def form_article(form: str) -> str:
    """The article id of a form (``A`` → ``skills-form-a``)."""
    try:
        return FORMS[form]
    except KeyError:
        raise ValueError(f"no form {form!r}; forms: {', '.join(FORMS)}") from None
