"""Krippendorff's alpha for nominal data: how far coders agree beyond chance.

alpha = 1 − D_o / D_e over the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
alpha-reliability"). Only units coded by at least two coders count; missing values are allowed.
With per-unit value counts n_uc and m_u = Σ_c n_uc values in unit u:

    observed  Σ_u (m_u² − Σ_c n_uc²) / (m_u − 1)        (disagreeing pairs, weighted)
    n_c       Σ_u n_uc,  n = Σ_c n_c
    alpha     1 − (n − 1) · observed / (n² − Σ_c n_c²)

Undefined (NaN) when every pairable value is the same: there is no variation to agree on.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any


def nominal_alpha_from_counts(units: Iterable[Mapping[Hashable, int]]) -> float:
    """Alpha from per-unit value counts (``{value: how many coders gave it}``)."""
    observed = 0.0
    totals: Counter[Hashable] = Counter()
    for counts in units:
        m = sum(counts.values())
        if m < 2:
            continue
        observed += (m * m - sum(n * n for n in counts.values())) / (m - 1)
        totals.update(counts)
    n = sum(totals.values())
    expected = n * n - sum(v * v for v in totals.values())
    if n < 2 or expected == 0:
        return math.nan
    return 1.0 - (n - 1) * observed / expected


def nominal_alpha(units: Iterable[Sequence[Hashable | None]]) -> float:
    """Alpha for units given as the values each coder assigned (None = not coded)."""
    return nominal_alpha_from_counts(Counter(v for v in unit if v is not None) for unit in units)


def alpha_from_frame(frame: Any, unit: Sequence[str], value: str) -> float:
    """Alpha from a long pandas frame: one row per (unit…, coder) with a ``value`` column."""
    data = frame.dropna(subset=[value])
    if data.empty:
        return math.nan
    counts = data.groupby([*unit, value], sort=False).size()
    units: dict[Any, dict[Hashable, int]] = {}
    for index, n in counts.items():
        *key, val = index if isinstance(index, tuple) else (index,)
        units.setdefault(tuple(key), {})[val] = int(n)
    return nominal_alpha_from_counts(units.values())
