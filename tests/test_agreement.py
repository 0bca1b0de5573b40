"""Krippendorff's alpha (nominal) against the textbook example and its edge cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sourcewise.grading.course.results.agreement import alpha_from_frame, nominal_alpha

N = None
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 coders, 12 units.
CODERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


def test_textbook_example():
    assert nominal_alpha(zip(*CODERS, strict=True)) == pytest.approx(0.743, abs=5e-4)


def test_perfect_agreement_is_one_and_no_variation_is_undefined():
    assert nominal_alpha([("a", "a"), ("b", "b"), ("a", "a")]) == 1.0
    assert math.isnan(nominal_alpha([("a", "a"), ("a", "a")]))
    assert math.isnan(nominal_alpha([("a", None)]))


def test_systematic_disagreement_is_negative():
    assert nominal_alpha([("a", "b"), ("b", "a"), ("a", "b"), ("b", "a")]) < 0


def test_frame_version_matches():
    rows = [{"unit": u, "coder": c, "value": v} for c, values in enumerate(CODERS)
            for u, v in enumerate(values) if v is not None]
    assert alpha_from_frame(pd.DataFrame(rows), ["unit"], "value") == pytest.approx(
        nominal_alpha(zip(*CODERS, strict=True)))
