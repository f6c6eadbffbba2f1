"""Blend weights for the network, AR(4), no-change and the INDPRO bridge, chosen on
early origins only.

Per horizon, the weights (on a 0.05 grid, each >= 0, summing to 1) that minimise the
squared error of the blend over backtest origins before `cutoff`. The weights are then
frozen: every origin from `cutoff` on, and the served model, use them unchanged, so
the backtest after `cutoff` is out of sample for the weights too.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

COMPONENTS: tuple[str, ...] = ("network", "ar4", "no_change")
WITH_BRIDGE: tuple[str, ...] = (*COMPONENTS, "bridge")
STEP = 0.05


def grid(n: int) -> np.ndarray:
    ticks = round(1 / STEP)
    rows = [c for c in itertools.product(range(ticks + 1), repeat=n - 1) if sum(c) <= ticks]
    return np.array([[*c, ticks - sum(c)] for c in rows]) / ticks


def choose(
    results: pd.DataFrame, cutoff: str, components: tuple[str, ...], start: str | None = None
) -> np.ndarray:
    """[horizon, len(components)] weights fitted on origins from `start` to `cutoff`."""
    early = results[results["origin"] < pd.Timestamp(cutoff)]
    if start is not None:
        early = early[early["origin"] >= pd.Timestamp(start)]
    missing = set(results["horizon"]) - set(early["horizon"])
    if missing:
        raise ValueError(
            f"no forecast before {cutoff} at horizon(s) {sorted(missing)} to choose weights on"
        )
    candidates = grid(len(components))
    weights = []
    for _, part in early.groupby("horizon"):
        forecasts = part[list(components)].to_numpy()
        err = candidates @ forecasts.T - part["actual"].to_numpy()
        weights.append(candidates[np.argmin((err**2).mean(axis=1))])
    return np.asarray(weights)


def apply(results: pd.DataFrame, weights: np.ndarray, components: tuple[str, ...]) -> pd.Series:
    w = weights[results["horizon"].to_numpy() - 1]
    return pd.Series((w * results[list(components)].to_numpy()).sum(axis=1), results.index)


def apply_with_fallback(
    results: pd.DataFrame,
    weights: np.ndarray,
    components: tuple[str, ...],
    fallback: np.ndarray,
    fallback_components: tuple[str, ...],
    usable: pd.Series,
) -> pd.Series:
    """The blend of `components` where `usable`, else the fallback blend (a component
    that cannot be trusted at an origin, such as a bridge on stale data, is left out)."""
    full = apply(results, weights, components)
    return full.where(usable, apply(results, fallback, fallback_components))
