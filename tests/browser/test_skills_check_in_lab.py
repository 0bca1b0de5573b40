"""The skills check in a real JupyterLab: a claim marked in the pre-test's widget is saved with
the fingerprint of the learner's form, so grading can tell it from the other form."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from lab_driver import LabServer, NotebookPage, wait_until

from sourcewise.grading.course.autograde.form_check import wrong_form
from sourcewise.lessons.assessment import assessment_paths
from sourcewise.lessons.student_versions import student_versions
from sourcewise.seeds import load_article

pytestmark = pytest.mark.browser

# carol takes form A first (sha256 of the id; see tests/test_assessment_forms.py), alice B.
LEARNER = "carol"
CLAIM = "Millbrook’s footbridge was closed on Monday"  # form A's own-voice claim
OWN_VOICE_UNVERIFIED = "3"  # its label's number key in the widget's legend


@pytest.fixture
def pre_notebook(lab: LabServer) -> None:
    """The student version of the pre-test beside the test notebooks, for a known learner."""
    shutil.copyfile(student_versions(assessment_paths())["pre"], lab.root / "pre.ipynb")
    (lab.root / ".sourcewise").mkdir(exist_ok=True)
    (lab.root / ".sourcewise" / "learner-id").write_text(LEARNER, encoding="utf-8")


def _claims(lab: LabServer) -> dict[str, Any]:
    path = lab.root / "answers" / "pre.json"
    answers = json.loads(path.read_text(encoding="utf-8"))["answers"] if path.exists() else {}
    return answers


def test_a_claim_marked_in_the_pre_test_is_saved_on_the_learners_form(
        pre_notebook: None, lab: LabServer, open_notebook: Any) -> None:
    nb: NotebookPage = open_notebook("pre")
    nb.run_all(ready=".sw-token[data-start]")
    text = load_article("skills-form-a").text
    start = text.index(CLAIM)
    widget = nb.widget()
    assert "footbridge" in (widget.text_content() or "")  # form A opened for carol
    widget.locator(f".sw-token[data-start='{start}']").click()
    widget.locator(f".sw-token[data-end='{start + len(CLAIM)}']").click(modifiers=["Shift"])
    nb.page.keyboard.press(OWN_VOICE_UNVERIFIED)
    answers = wait_until(lambda: _claims(lab).get("claims") and _claims(lab), 20,
                         "the claim to be saved in answers/pre.json")
    entry = answers["claims"]
    assert entry["value"]["marks"] == [{"start": start, "end": start + len(CLAIM),
                                        "label": "own voice · unverified", "unit": "S1"}]
    assert entry["fingerprint"] == load_article("skills-form-a").fingerprint
    # The same file is carol's form; under alice (form B first) grading refuses it.
    assert wrong_form(answers, LEARNER, "pre") is None
    refused = wrong_form(answers, "alice", "pre")
    assert refused is not None and (refused.found, refused.expected) == ("A", "B")
