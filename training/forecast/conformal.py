"""Split-conformal intervals on the model's own out-of-sample errors, kept honest over
time by adaptive conformal inference (ACI, Gibbs & Candès 2021).

For a forecast at horizon h made with k months of the target quarter known, the
calibration set is the absolute errors of the latest `window` earlier forecasts with
the same h and k whose targets had been published by the forecast's origin (40: ten
years of quarters). The half-width is their ceil((n + 1)(1 - a))-th smallest, the
split-conformal quantile for miss rate a. Errors are not exchangeable across a
recession, so a starts at 1 - coverage and, as each forecast's outcome is published,
moves by gamma * (1 - coverage - missed): after misses the intervals widen. With the
floor (served), a never rises above 1 - coverage, so the intervals are never narrower
than plain split conformal: left free, ten calm years raise it (to 0.22-0.33 by 2000
at gamma 0.02), and the intervals meet the next recession narrow. gamma = 0 is plain
split conformal; the value served is chosen on origins before 2000 (train.py).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from app.forecast import monthly_window as mw
from training.forecast.backtest import EXCLUDED_YEARS

WINDOW = 40
GAMMAS: tuple[float, ...] = (0.0, 0.005, 0.01, 0.02)


def half_width(abs_errors: np.ndarray, miss_rate: float) -> float:
    """The split-conformal half-width; the largest error when the rank passes n."""
    n = len(abs_errors)
    rank = min(max(math.ceil((n + 1) * (1 - miss_rate)), 1), n)
    return float(np.sort(abs_errors)[rank - 1])


def replay(
    part: pd.DataFrame, coverage: float, gamma: float, window: int, floor: bool
) -> tuple[pd.Series, float]:
    """(covered or NaN per forecast, the miss rate reached) for one (h, k), in time order."""
    target_miss = 1 - coverage
    alpha = target_miss
    covered = pd.Series(np.nan, index=part.index)
    pending: list[tuple[pd.Timestamp, float]] = []
    errors = part["abs_error"].to_numpy()
    published = part["published"].to_numpy()
    for pos, (i, row) in enumerate(part.iterrows()):
        for when, missed in [p for p in pending if p[0] <= row["origin"]]:
            alpha = step(alpha, gamma, target_miss, missed, floor)
            pending.remove((when, missed))
        known = errors[:pos][published[:pos] <= row["origin"]][-window:]
        if len(known) < window:
            continue
        hit = float(row["abs_error"] <= half_width(known, alpha))
        covered[i] = hit
        pending.append((row["published"], 1.0 - hit))
    for _, missed in pending:
        alpha = step(alpha, gamma, target_miss, missed, floor)
    return covered, alpha


def step(alpha: float, gamma: float, target_miss: float, missed: float, floor: bool) -> float:
    """ACI's update of the miss rate aimed at, once an outcome is known."""
    alpha += gamma * (target_miss - missed)
    return min(alpha, target_miss) if floor else alpha


def evaluate(
    results: pd.DataFrame,
    model: str,
    coverage: float,
    first_origin: str,
    gamma: float = 0.0,
    window: int = WINDOW,
    last_origin: str | None = None,
    floor: bool = True,
) -> dict[str, object]:
    """Coverage of the origins from `first_origin` (to `last_origin`), and the
    half-widths to serve now."""
    rows = results.sort_values("origin", kind="stable").assign(
        k=results["months_known"].clip(upper=2),
        abs_error=(results[model] - results["actual"]).abs(),
        published=[mw.gdp_released(t) for t in results["target"]],
    )
    rows["covered"] = np.nan
    served: dict[str, dict[str, float]] = {}
    miss_rates: dict[str, dict[str, float]] = {}
    for (h, k), part in rows.groupby(["horizon", "k"]):
        covered, alpha = replay(part, coverage, gamma, window, floor)
        rows.loc[part.index, "covered"] = covered
        served.setdefault(str(h), {})[str(k)] = round(
            half_width(part["abs_error"].to_numpy()[-window:], alpha), 3
        )
        miss_rates.setdefault(str(h), {})[str(k)] = round(alpha, 4)
    scored = rows["origin"] >= pd.Timestamp(first_origin)
    if last_origin is not None:
        scored &= rows["origin"] < pd.Timestamp(last_origin)
    checked = rows[scored].dropna(subset=["covered"])
    covid = checked["target"].dt.year.isin(EXCLUDED_YEARS)
    out: dict[str, object] = {
        "coverage": coverage,
        "window": window,
        "gamma": gamma,
        "floor": floor,
        "half_width": served,
        "miss_rate_now": miss_rates,
    }
    for subset, part in (("all", checked), ("excl_2020_21", checked[~covid])):
        by_h = part.groupby("horizon")["covered"]
        out[f"out_of_sample_{subset}"] = [round(float(v), 3) for v in by_h.mean()]
        out[f"checked_{subset}"] = [int(v) for v in by_h.size()]
    return out


def choose_gamma(
    results: pd.DataFrame, model: str, coverage: float, first: str, cutoff: str
) -> tuple[float, dict[str, list[float]]]:
    """The gamma whose coverage over origins [first, cutoff) is closest to `coverage`
    at its worst horizon; the smaller gamma on a tie. Judged without the floor: the
    1990s, calm, hardly miss, so under the floor every gamma covers them alike."""
    tried = {
        str(g): evaluate(results, model, coverage, first, g, last_origin=cutoff, floor=False)[
            "out_of_sample_all"
        ]
        for g in GAMMAS
    }
    # With nothing checked before the cutoff (a short run), every gamma ties: 0 wins.
    worst = {g: max((abs(c - coverage) for c in tried[str(g)]), default=1.0) for g in GAMMAS}
    best = min(GAMMAS, key=lambda g: (worst[g], g))
    return best, tried
