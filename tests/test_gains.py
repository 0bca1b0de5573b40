"""Gains on hand-computed cases: normalised gain, missing tests, intervals, discrimination."""

from __future__ import annotations

import pytest

from sourcewise.grading.course.results.gains import (
    bootstrap_interval,
    class_gains,
    effect_size,
    form_check,
    item_discrimination,
    mean,
    normalised_gain,
    student_gain,
)


@pytest.mark.parametrize(("pre", "post", "maximum", "expected"), [
    (8, 12, 16, 0.5),      # half of the 8 points that were left
    (4, 16, 16, 1.0),      # everything that was left
    (10, 7, 16, -0.5),     # a loss: 3 of the 6 points that were left, negative
    (0, 4, 16, 0.25),
])
def test_normalised_gain_is_the_share_of_the_room_left(pre, post, maximum, expected):
    value, reason = normalised_gain(pre, post, maximum)
    assert value == pytest.approx(expected) and reason == ""


def test_pre_at_the_maximum_has_no_normalised_gain_and_says_why():
    value, reason = normalised_gain(16, 15, 16)
    assert value is None and "maximum" in reason
    row = student_gain("carol", 16.0, 16.0, 16.0)
    assert row.gain == 0.0 and row.normalised_gain is None
    assert row.reason == "pre-test at the maximum: no room to gain"


def test_a_missing_test_gives_an_empty_gain_with_a_reason_never_zero():
    no_post = student_gain("erin", 9.0, None, 16.0)
    assert no_post.gain is None and no_post.normalised_gain is None
    assert no_post.reason == "no post-test submitted"
    neither = student_gain("erin", None, None, 16.0)
    assert neither.reason == "no pre-test and no post-test submitted"
    assert (no_post.pre_form, no_post.post_form) in {("A", "B"), ("B", "A")}


def test_class_statistics_on_a_small_hand_computed_class():
    rows = [student_gain("s1", 4, 8, 16), student_gain("s2", 8, 12, 16),
            student_gain("s3", 6, 12, 16), student_gain("s4", 10, None, 16)]
    stats = class_gains(rows)
    assert (stats.paired, stats.missing) == (3, 1)
    assert stats.mean_gain.value == pytest.approx(14 / 3)      # (4 + 4 + 6) / 3
    # g: 4/12, 4/8, 6/10 -> mean 0.4778; class g: (32/3 − 6) / (16 − 6) = 0.4667
    assert stats.mean_normalised_gain.value == pytest.approx((1 / 3 + 0.5 + 0.6) / 3)
    assert stats.class_normalised_gain.value == pytest.approx((32 / 3 - 6) / 10)
    # d_z: mean 4.667, sd of (4, 4, 6) = 1.1547 -> 4.0415
    assert stats.effect_size.value == pytest.approx((14 / 3) / (4 / 3) ** 0.5)
    low, high = stats.mean_gain.interval
    assert 4.0 <= low <= 14 / 3 <= high <= 6.0


def test_effect_size_is_undefined_when_every_gain_is_equal():
    with pytest.raises(ValueError):
        effect_size([2.0, 2.0, 2.0])


def test_bootstrap_interval_is_reproducible_and_covers_the_mean():
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    first = bootstrap_interval(values, mean)
    assert first == bootstrap_interval(values, mean)
    assert first[0] < 4.5 < first[1] and first[0] >= 1.0 and first[1] <= 8.0
    assert bootstrap_interval([3.0], mean) is None


def test_form_check_warns_only_when_the_forms_differ_beyond_chance():
    a_first = ["carol", "dan", "erin"]  # sha256 first byte even: form A first; alice, bob: B
    equal = form_check({**dict.fromkeys(a_first, 8.0), "alice": 7.0, "bob": 9.0})
    assert equal.warning == ""
    assert equal.mean_a == 8.0 and equal.mean_b == 8.0
    apart = form_check({"carol": 14.0, "dan": 15.0, "erin": 14.5, "alice": 4.0, "bob": 5.0})
    assert apart.difference.value == pytest.approx(14.5 - 4.5)
    assert "Form A scored higher" in apart.warning


def test_point_biserial_of_a_right_wrong_item():
    # Item q1 right (1) for the three students with the highest rest scores.
    scores = {"s1": {"q1": 1, "q2": 3}, "s2": {"q1": 1, "q2": 2}, "s3": {"q1": 0, "q2": 1},
              "s4": {"q1": 0, "q2": 0}, "s5": {"q1": 1, "q2": 3}}
    r = item_discrimination(scores)
    # q1 = (1,1,0,0,1), rest = q2 = (3,2,1,0,3): Sxy 2.6, Sxx 1.2, Syy 6.8 -> r = 0.910
    assert r["q1"] == pytest.approx(2.6 / (1.2 * 6.8) ** 0.5)
    constant = item_discrimination({"s1": {"q": 1}, "s2": {"q": 1}, "s3": {"q": 1}})
    assert constant["q"] is None
