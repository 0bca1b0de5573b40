"""Calibration of confidence judgements: Brier scores and reliability bins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .score_result import ItemResult, ScoreResult, clamp01

# Only settled outcomes are scored. "mixed" (partly right, e.g. a rounded-up figure) and
# "unresolved" are shown to the student but not scored: a probability cannot be scored
# against an outcome that is not a clear true or false.
OUTCOME_VALUES = {"true": 1.0, "false": 0.0}


@dataclass(frozen=True)
class Forecast:
    """A student's probability (0–100) that a claim is true, with a one-line reason."""

    claim_id: str
    percent: float
    reason: str = ""


def forecasts_from(raw: Mapping[str, object] | None) -> list[Forecast]:
    """Forecasts from a saved answer; entries without a usable percentage are skipped."""
    found = []
    for claim_id, entry in (raw or {}).items():
        if not isinstance(entry, Mapping):
            continue
        try:
            percent = float(entry["p"])
        except (KeyError, TypeError, ValueError):
            continue
        if 0.0 <= percent <= 100.0:
            found.append(Forecast(claim_id, percent, str(entry.get("reason", ""))))
    return found


def brier(percent: float, outcome: float) -> float:
    """Squared error of one forecast: 0 is perfect, 1 is confidently wrong."""
    return (percent / 100.0 - outcome) ** 2


def score_calibration(forecasts: list[Forecast], outcomes: Mapping[str, str], *,
                      rationales: Mapping[str, str] | None = None) -> ScoreResult:
    """1 − mean Brier over the claims later reporting settled as true or false.

    Claims left unanswered count as a Brier of 1 (no credit); unresolved claims are reported but
    not scored, because nobody can be scored against an outcome that is not known.
    """
    rationales = rationales or {}
    by_claim = {f.claim_id: f for f in forecasts}
    items = []
    credit = 0.0
    resolved = 0
    for claim_id, outcome in outcomes.items():
        why = rationales.get(claim_id, "")
        forecast = by_claim.get(claim_id)
        if outcome not in OUTCOME_VALUES:
            note = ("later reporting found it partly right, so it is not scored"
                    if outcome == "mixed" else
                    "later reporting did not settle it, so it is not scored")
            shown = f"you said {forecast.percent:.0f}%" if forecast else "no answer"
            items.append(ItemResult(claim_id, "unscored", 0.0, f"{claim_id}: {shown}; {note}.",
                                    why))
            continue
        resolved += 1
        if forecast is None:
            items.append(ItemResult(claim_id, "missed", 0.0, f"{claim_id}: no confidence given.",
                                    why, (outcome,)))
            continue
        b = brier(forecast.percent, OUTCOME_VALUES[outcome])
        credit += 1.0 - b
        status = "right" if b <= 0.09 else "partly" if b < 0.25 else "wrong"
        items.append(ItemResult(claim_id, status, 1.0 - b,
                                f"{claim_id}: you said {forecast.percent:.0f}%, later reporting "
                                f"showed it {outcome}; Brier score {b:.2f}.", why, (outcome,),
                                f"{forecast.percent:g}"))
    score = clamp01(credit / resolved) if resolved else 0.0
    return ScoreResult(score, tuple(items))


def mean_brier(forecasts: list[Forecast], outcomes: Mapping[str, str]) -> float | None:
    """Mean Brier score over settled claims that have a forecast; None when there are none."""
    scores = [brier(f.percent, OUTCOME_VALUES[outcomes[f.claim_id]]) for f in forecasts
              if outcomes.get(f.claim_id) in OUTCOME_VALUES]
    return sum(scores) / len(scores) if scores else None


def reliability_bins(forecasts: list[Forecast], outcomes: Mapping[str, str],
                     bins: int = 5) -> list[dict[str, float]]:
    """Per probability bin: mean forecast, observed frequency and count (reliability chart)."""
    rows = []
    width = 100.0 / bins
    for index in range(bins):
        low, high = index * width, (index + 1) * width
        inside = [f for f in forecasts if outcomes.get(f.claim_id) in OUTCOME_VALUES
                  and (low <= f.percent < high or (index == bins - 1 and f.percent == 100.0))]
        if inside:
            rows.append({
                "bin_low": low, "bin_high": high, "count": float(len(inside)),
                "mean_forecast": sum(f.percent for f in inside) / len(inside) / 100.0,
                "observed": sum(OUTCOME_VALUES[outcomes[f.claim_id]] for f in inside) / len(inside),
            })
    return rows
