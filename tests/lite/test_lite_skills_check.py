"""Does the skills check work in the browser edition, and does the self-learner see their summary?

In real headless Chromium, offline but for the site: the pre-test opens on the learner's form
(the learner id is made in the browser's storage), the three claims are marked with the mouse
and labelled with number keys, each mark is saved; after a page reload Run All draws the same
marks from the answers file, and the notebook's summary cell shows the skills summary page
with the points those marks earn (all three claims right: 4 of 4 for claims, 4 of 16 in all).
"""

from __future__ import annotations

import re

import pytest
from lite_driver import PANEL, LitePage, in_thread, offline_context

from sourcewise.seeds import load_article
from sourcewise.seeds.forms import FORMS

pytestmark = [pytest.mark.lite, pytest.mark.slow]

# The claims of each form and the number key of their right label (written from the forms'
# texts: the copy's own voice, the named official, the unnamed worker the text cannot confirm).
# Labels: 3 = own voice · unverified, 6 = attributed · unverified, 5 = attributed ·
# explicitly unconfirmed (the order the widget's legend shows).
CLAIMS = {
    "A": [("Millbrook’s footbridge was closed on Monday", "3"),
          ("the council learned of the cracks only last month", "6"),
          ("inspectors had reported them two years ago", "5")],
    "B": [("Orran’s ferry stopped running on Thursday", "3"),
          ("he was told of the engine fault only on Wednesday", "6"),
          ("mechanics had warned of the fault last spring", "5")],
}
SUMMARY = f"{PANEL} iframe.sw-skills-summary"


def test_a_form_answered_in_the_browser_survives_a_reload_and_shows_in_the_summary(
        served: str) -> None:
    def scenario() -> tuple[str, list[list[str]], list[list[str]], str, list[str]]:
        with offline_context() as (context, blocked):
            lesson = LitePage(context.new_page(), served).open("pre.ipynb")
            widget = lesson.run_all()
            # The learner's form (from an id made in the browser's storage): its text is drawn.
            shown = widget.text_content() or ""
            form = "A" if "footbridge" in shown else "B" if "ferry" in shown else shown[:500]
            assert form in FORMS, f"neither form's text in the first widget: {form!r}"
            text = load_article(FORMS[form]).text
            assert not lesson.marks(widget), "a fresh browser starts with no marks"
            for words, key in CLAIMS[form]:
                start = text.index(words)
                first = widget.locator(f".sw-token[data-start='{start}']")
                last = widget.locator(f".sw-token[data-end='{start + len(words)}']")
                lesson.saved_after(widget, lambda f=first, la=last, k=key: (
                    f.click(), la.click(modifiers=["Shift"]), lesson.page.keyboard.press(k)))
            marks = lesson.marks(widget)
            lesson.reload()
            widget = lesson.run_all()
            restored = lesson.marks(widget)
            frame = lesson.page.frame_locator(SUMMARY)
            frame.locator("h1").wait_for(timeout=120_000)
            page = frame.locator("body").inner_text()
            return form, marks, restored, page, blocked

    form, marks, restored, page, blocked = in_thread(scenario)
    assert not blocked, f"the site asked for outside addresses: {blocked}"
    assert len(marks) == 3 and restored == marks, (marks, restored)
    assert "Before the lessons you scored 4 of 16 points." in page, page
    assert "Once you have taken the second check" in page, page
    assert re.search(r"Claims\s+4 of 4", page), page
    assert re.search(r"Framing\s+0 of 3", page), page
    assert f"Before (form {form})" in page, page
