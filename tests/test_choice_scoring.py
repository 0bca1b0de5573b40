"""Does one-choice-per-item scoring give fair, bounded, explained partial credit?"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sourcewise.grading.choice_scoring import Expected, score_choices

KEY = {
    "C01": Expected("writer", rationale="Stated in the article's own voice."),
    "C02": Expected("activist_morale", ("fighters_activists",), "Could be either activist."),
    "C03": Expected("us_forces", partial={"writer": 0.5}, rationale="Announced by the US."),
}
PERFECT = {"C01": "writer", "C02": "activist_morale", "C03": "us_forces"}


def test_perfect_is_one_empty_is_zero() -> None:
    assert score_choices(PERFECT, KEY).score == 1.0
    assert score_choices({}, KEY).score == 0.0
    assert score_choices(None, KEY).score == 0.0


def test_alternatives_and_partial_credit() -> None:
    result = score_choices({"C01": "writer", "C02": "fighters_activists", "C03": "writer"}, KEY)
    assert result.score == (1 + 1 + 0.5) / 3
    assert [i.status for i in result.items] == ["right", "right", "partly"]


def test_wrong_answer_is_explained_with_the_rationale() -> None:
    result = score_choices({"C01": "us_forces"}, KEY)
    wrong = result.items[0]
    assert wrong.status == "wrong" and "the key says writer" in wrong.message
    assert wrong.rationale == "Stated in the article's own voice."
    assert result.items[1].status == "missed"


def test_answers_for_unknown_items_do_not_count() -> None:
    assert score_choices({**PERFECT, "C99": "x"}, KEY).score == 1.0


choices = st.sampled_from(["writer", "activist_morale", "fighters_activists", "us_forces", "x"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(list(KEY)), choices))
def test_bounded_and_monotone(answer: dict[str, str]) -> None:
    score = score_choices(answer, KEY).score
    assert 0.0 <= score <= 1.0
    for item, right in PERFECT.items():
        if item not in answer:
            assert score_choices({**answer, item: right}, KEY).score > score
