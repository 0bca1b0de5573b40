"""Does span scoring reward right spans, tolerate boundaries and stay within [0, 1]?"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcewise.grading.item_grading import score_task
from sourcewise.grading.span_scoring import KeySpan, Mark, overlap, score_spans
from sourcewise.grading.task_keys import task_key

TEXT = ("U.S. armed forces announced earlier this week that coalition air strikes had killed "
        "at least two senior leaders in ISIS, though no confirmation was given to that claim.")


def span(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


KEY = [
    KeySpan("C1", *span("coalition air strikes had killed at least two senior leaders"),
            ("unverified",), "Only one side says so."),
    KeySpan("C2", *span("no confirmation was given"), ("explicitly unconfirmed",),
            "The article itself says so."),
    KeySpan("C3", *span("U.S. armed forces announced"), ("verified", "unverified"), "An event."),
]
PERFECT = [Mark(k.start, k.end, k.labels[0]) for k in KEY]


def test_perfect_answer_scores_one_and_empty_scores_zero() -> None:
    assert score_spans(TEXT, PERFECT, KEY).score == 1.0
    assert score_spans(TEXT, [], KEY).score == 0.0


def test_boundary_differences_are_tolerated() -> None:
    loose = Mark(*span("though no confirmation was given"), "explicitly unconfirmed")
    result = score_spans(TEXT, [loose], KEY[1:2])
    assert result.score == 1.0
    assert result.items[0].status == "right"


def test_whole_sentence_does_not_match_a_short_span() -> None:
    whole = Mark(0, len(TEXT), "explicitly unconfirmed")
    assert score_spans(TEXT, [whole], KEY[1:2]).score == 0.0


def test_right_span_with_wrong_label_earns_part_of_the_credit() -> None:
    result = score_spans(TEXT, [Mark(KEY[1].start, KEY[1].end, "verified")], KEY[1:2])
    assert result.score == 0.5
    assert result.items[0].status == "partly"
    assert "The article itself says so." in result.items[0].rationale


def test_accepted_alternative_label_counts_as_right() -> None:
    result = score_spans(TEXT, [Mark(KEY[2].start, KEY[2].end, "unverified")], KEY[2:3])
    assert result.score == 1.0


def test_extra_marks_lower_the_score_and_are_explained() -> None:
    extra = Mark(*span("earlier this week"), "unverified")
    result = score_spans(TEXT, [*PERFECT, extra], KEY)
    assert 0 < result.score < 1
    assert result.count("extra") == 1


def test_overlap_is_symmetric_and_bounded() -> None:
    a, b = span("air strikes had killed"), span("had killed at least")
    assert overlap(TEXT, a, b) == overlap(TEXT, b, a)
    assert 0 < overlap(TEXT, a, b) < 1


labels = st.sampled_from(["verified", "unverified", "explicitly unconfirmed", "other"])
offsets = st.integers(min_value=0, max_value=len(TEXT) - 1)


@st.composite
def marks(draw: st.DrawFn) -> Mark:
    a, b = draw(offsets), draw(offsets)
    return Mark(min(a, b), max(a, b) + 1, draw(labels))


@settings(max_examples=200, deadline=None)
@given(st.lists(marks(), max_size=8))
def test_score_never_leaves_zero_to_one(answer: list[Mark]) -> None:
    assert 0.0 <= score_spans(TEXT, answer, KEY).score <= 1.0


@settings(max_examples=200, deadline=None)
@given(st.lists(marks(), max_size=6), st.integers(min_value=0, max_value=len(KEY) - 1))
def test_adding_a_missing_correct_item_raises_the_score(answer: list[Mark], which: int) -> None:
    before = score_spans(TEXT, answer, KEY)
    if before.items[which].status == "right":
        return  # already found: a duplicate mark is not a new correct item
    after = score_spans(TEXT, [*answer, PERFECT[which]], KEY).score
    assert after > before.score


# -- nested key items (issue 24): one mark per stretch of words in the widget -------------------
def _widget_marks(task_id: str) -> dict:
    """An expert's answer made the only way a student can: through the annotator's model,
    one required key item after another with its first label (a later mark that overlaps an
    earlier one replaces it, as in the widget)."""
    from sourcewise.grading.task_keys import task
    from sourcewise.seeds import load_article
    from sourcewise.widgets.annotation_model import AnnotationModel

    spec = task(task_id)
    mode = "units" if task_id == "capstone.verdicts" else "spans"
    model = AnnotationModel(load_article(), spec.labels, mode)
    for span in task_key(task_id)["spans"]:
        if span.get("role") == "ignore" or not span.get("required", True):
            continue
        label = next(label for label in span["labels"] if label in spec.labels)
        if mode == "units":
            model.toggle_unit(span["unit"], label)
        else:
            model.add_span(span["start"], span["end"], label)
    return model.to_value()


SPAN_TASKS = ["claims.attribution", "claims.verification", "claims.focused", "framing.naming",
              "framing.devices", "capstone.reliance", "capstone.verdicts"]


@pytest.mark.parametrize("task_id", SPAN_TASKS)
def test_a_perfect_answer_made_through_the_widget_scores_full_marks(task_id: str) -> None:
    result = score_task("spans", _widget_marks(task_id), task_key(task_id))
    assert result.score == pytest.approx(1.0)


def test_one_of_a_nested_pair_suffices_and_neither_costs_both() -> None:
    # S10: the key's long item F39 (labelled omission, required) holds the causal "as" (F40,
    # accepted but not required); the widget can hold only one of them, so marking either
    # one earns the required slot.
    key = {"text": task_key("framing.devices")["text"],
           "spans": [s for s in task_key("framing.devices")["spans"] if s["id"] in ("F39",
                                                                                      "F40")]}
    outer = next(s for s in key["spans"] if s["id"] == "F39")
    inner = next(s for s in key["spans"] if s["id"] == "F40")
    as_omission = {"start": outer["start"], "end": outer["end"], "label": "omission"}
    as_causal = {"start": inner["start"], "end": inner["end"], "label": "causal link"}
    assert score_task("spans", {"marks": [as_omission]}, key).score == pytest.approx(1.0)
    assert score_task("spans", {"marks": [as_causal]}, key).score == pytest.approx(1.0)
    assert score_task("spans", {"marks": []}, key).score == 0.0
    statuses = {i.item_id: i.status
                for i in score_task("spans", {"marks": [as_causal]}, key).items}
    assert statuses == {"F39": "right", "F40": "unscored"}
