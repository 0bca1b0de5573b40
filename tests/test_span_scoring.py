"""Does span scoring reward right spans, tolerate boundaries and stay within [0, 1]?"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sourcewise.grading.span_scoring import KeySpan, Mark, overlap, score_spans

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
