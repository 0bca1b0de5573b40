"""Are Brier scores, calibration credit and reliability bins right?"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from sourcewise.grading.calibration import (
    Forecast,
    brier,
    forecasts_from,
    mean_brier,
    reliability_bins,
    score_calibration,
)

OUTCOMES = {"C01": "true", "C02": "false", "C03": "unresolved", "C04": "true"}


def test_brier_examples() -> None:
    assert brier(100, 1.0) == 0.0
    assert brier(0, 1.0) == 1.0
    assert math.isclose(brier(70, 1.0), 0.09)


def test_perfect_forecasts_score_one_and_none_score_zero() -> None:
    perfect = [Forecast("C01", 100), Forecast("C02", 0), Forecast("C04", 100)]
    assert score_calibration(perfect, OUTCOMES).score == 1.0
    assert score_calibration([], OUTCOMES).score == 0.0


def test_unresolved_claims_are_reported_not_scored() -> None:
    result = score_calibration([Forecast("C03", 90)], OUTCOMES)
    assert result.score == 0.0
    assert "did not settle" in result.items[2].message


def test_forecasts_from_skips_unusable_entries() -> None:
    raw = {"C01": {"p": 80, "reason": "two sources"}, "C02": {"p": "x"}, "C04": {"p": 140},
           "C05": "nonsense"}
    assert forecasts_from(raw) == [Forecast("C01", 80.0, "two sources")]


def test_mean_brier_and_reliability_bins() -> None:
    forecasts = [Forecast("C01", 90), Forecast("C02", 10), Forecast("C04", 50)]
    assert math.isclose(mean_brier(forecasts, OUTCOMES), (0.01 + 0.01 + 0.25) / 3)
    bins = reliability_bins(forecasts, OUTCOMES)
    assert sum(b["count"] for b in bins) == 3
    assert all(0 <= b["observed"] <= 1 for b in bins)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(list(OUTCOMES)), st.floats(0, 100)))
def test_bounded_and_monotone(percent: dict[str, float]) -> None:
    forecasts = [Forecast(c, p) for c, p in percent.items()]
    score = score_calibration(forecasts, OUTCOMES).score
    assert 0.0 <= score <= 1.0
    perfect = {"C01": 100.0, "C02": 0.0, "C04": 100.0}
    for claim, p in perfect.items():
        if claim not in percent:
            assert score_calibration([*forecasts, Forecast(claim, p)], OUTCOMES).score > score


def test_mixed_outcome_is_shown_but_not_scored() -> None:
    result = score_calibration([Forecast("C05", 50), Forecast("C01", 100)],
                               {"C05": "mixed", "C01": "true"})
    assert result.score == 1.0
    assert "partly right" in result.items[0].message
