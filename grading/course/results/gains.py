"""Did they learn? Each student's pre/post gain, normalised gain, and the class statistics.

``normalised_gain(pre, post, maximum)`` is Hake's (post − pre) / (max − pre) of one student.
A student with no pre- or post-test gets an empty gain and the reason, never a gain of 0; a
pre-test at the maximum leaves no room to gain, so its normalised gain is empty too.
Class statistics (mean gain, normalised gain, paired effect size, the form check) come with
percentile bootstrap 95 % intervals from a fixed seed, so a report is the same on every run.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sourcewise.grading.skills_page import StudentGain as StudentGain
from sourcewise.grading.skills_page import normalised_gain as normalised_gain
from sourcewise.grading.skills_page import student_gain as student_gain
from sourcewise.seeds.forms import form_order

BOOTSTRAP_SAMPLES = 2000
SEED = 20


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def bootstrap_interval(values: Sequence[Any], statistic: Callable[[Sequence[Any]], float],
                       samples: int = BOOTSTRAP_SAMPLES, seed: int = SEED
                       ) -> tuple[float, float] | None:
    """Percentile bootstrap 95 % interval of ``statistic`` (None with fewer than 2 values)."""
    if len(values) < 2:
        return None
    rng = random.Random(seed)
    n = len(values)
    estimates = []
    for _ in range(samples):
        resample = [values[rng.randrange(n)] for _ in range(n)]
        try:
            estimates.append(statistic(resample))
        except (ZeroDivisionError, ValueError):
            continue  # a resample with no spread: leave it out
    if not estimates:
        return None
    return percentile_interval(estimates)


def percentile_interval(estimates: Sequence[float]) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of bootstrap estimates."""
    ordered = sorted(estimates)
    last = len(ordered) - 1
    return ordered[int(0.025 * last)], ordered[math.ceil(0.975 * last)]


def effect_size(differences: Sequence[float]) -> float:
    """Paired effect size d_z: mean difference over its standard deviation (ValueError if 0)."""
    if len(differences) < 2:
        raise ValueError("a paired effect size needs two students")
    m = mean(differences)
    sd = math.sqrt(sum((d - m) ** 2 for d in differences) / (len(differences) - 1))
    if sd == 0:
        raise ValueError("every student gained the same: the effect size is undefined")
    return m / sd


def class_gain(pairs: Sequence[tuple[float, float]], maximum: float) -> float:
    """The class's normalised gain from its means: (mean post − mean pre) / (max − mean pre)."""
    pre = mean([p for p, _ in pairs])
    if pre >= maximum:
        raise ValueError("the class's mean pre-test is at the maximum")
    return (mean([q for _, q in pairs]) - pre) / (maximum - pre)


@dataclass(frozen=True)
class Estimate:
    """A statistic with its bootstrap 95 % interval (None where it cannot be computed)."""

    value: float | None
    interval: tuple[float, float] | None
    n: int

    def text(self, digits: int = 2) -> str:
        if self.value is None:
            return "–"
        if self.interval is None:
            return f"{self.value:.{digits}f}"
        low, high = self.interval
        return f"{self.value:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def _estimate(values: Sequence[Any], statistic: Callable[[Sequence[Any]], float]) -> Estimate:
    try:
        value = statistic(values) if values else None
    except (ZeroDivisionError, ValueError):
        value = None
    return Estimate(value, bootstrap_interval(values, statistic) if value is not None else None,
                    len(values))


@dataclass(frozen=True)
class ClassGains:
    """The class statistics of the report."""

    mean_gain: Estimate  # in points
    mean_normalised_gain: Estimate  # mean of the students' g
    class_normalised_gain: Estimate  # from the class means
    effect_size: Estimate
    paired: int
    missing: int


def class_gains(rows: Sequence[StudentGain]) -> ClassGains:
    """Statistics over the students with both tests."""
    both = [r for r in rows if r.gain is not None]
    pairs = [(float(r.pre_score or 0.0), float(r.post_score or 0.0)) for r in both]
    maximum = both[0].maximum if both else 0.0
    return ClassGains(
        mean_gain=_estimate([q - p for p, q in pairs], mean),
        mean_normalised_gain=_estimate([r.normalised_gain for r in both
                                        if r.normalised_gain is not None], mean),
        class_normalised_gain=_estimate(pairs, lambda s: class_gain(s, maximum)),
        effect_size=_estimate([q - p for p, q in pairs], effect_size),
        paired=len(both), missing=len(rows) - len(both))


@dataclass(frozen=True)
class FormCheck:
    """Form A against form B on the pre-test (both forms are meant to be equally hard)."""

    mean_a: float | None
    mean_b: float | None
    difference: Estimate  # mean A − mean B, in points
    warning: str


def form_check(pre_scores: Mapping[str, float]) -> FormCheck:
    """Compare the pre-test means of the students who took A and B (bootstrap within groups)."""
    a = [s for student, s in pre_scores.items() if form_order(student)[0] == "A"]
    b = [s for student, s in pre_scores.items() if form_order(student)[0] == "B"]
    if len(a) < 2 or len(b) < 2:
        return FormCheck(mean(a) if a else None, mean(b) if b else None,
                         Estimate(None, None, len(a) + len(b)),
                         "Too few pre-tests on one of the forms to compare them.")
    rng = random.Random(SEED)
    low, high = percentile_interval([mean([rng.choice(a) for _ in a])
                                     - mean([rng.choice(b) for _ in b])
                                     for _ in range(BOOTSTRAP_SAMPLES)])
    difference = Estimate(mean(a) - mean(b), (low, high), len(a) + len(b))
    warning = ""
    if low > 0 or high < 0:
        easier = "A" if low > 0 else "B"
        warning = (f"Form {easier} scored higher on the pre-test than its 95 % interval allows "
                   "for chance: the forms may not be equally hard. Counterbalancing keeps the "
                   "class's mean gain fair, but compare single students' gains with care.")
    return FormCheck(mean(a), mean(b), difference, warning)


def item_discrimination(scores: Mapping[str, Mapping[str, float]]) -> dict[str, float | None]:
    """Point-biserial (item-rest) correlation of each item: ``{item: r}``.

    ``scores``: ``{student: {item: points}}`` of one test. An item is correlated with the rest
    of the test (the total without it), so an item does not correlate with itself; for a
    right/wrong item this is the point-biserial, for partial credit the same Pearson formula.
    None when the item or the rest does not vary.
    """
    items = sorted({i for row in scores.values() for i in row})
    found: dict[str, float | None] = {}
    for item in items:
        xs, ys = [], []
        for row in scores.values():
            xs.append(float(row.get(item, 0.0)))
            ys.append(sum(float(v) for k, v in row.items() if k != item))
        found[item] = pearson(xs, ys)
    return found


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r (None when either variable does not vary or n < 3)."""
    if len(xs) < 3:
        return None
    mx, my = mean(xs), mean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)
