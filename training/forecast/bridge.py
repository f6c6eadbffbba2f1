"""A bridge regression: GDP growth from the newest industrial production figures.

Per horizon, a ridge regression of the target quarter's GDP growth on AR(4)'s four
lags and on industrial production (INDPRO): its newest y/y growth and the figure three
months before it. INDPRO comes out a fortnight after its month, so it carries the
current quarter's news weeks before GDP does; regressions of this kind ("bridge
equations", Baffigi, Golinelli and Parigi 2004) are how central banks read a quarter
from its first months.

A window whose INDPRO does not reach the last month of the newest published GDP
quarter is *stale* (an old snapshot, or FRED behind on the series): its newest figure
no longer says anything about the target quarter. The served blend then leaves the
bridge out and uses weights chosen without it (blend.py), and the backtest does the
same at every origin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.forecast.monthly_window import GDP_STEPS, LOOKBACK_MONTHS

RIDGE = 1.0  # on standardised inputs: a light pull, as the inputs are few and correlated
# INDPRO must reach this step: the last month of the newest published GDP quarter.
FRESH_FROM_STEP = GDP_STEPS[0] + 1
SHIFT_MONTHS = 3  # the second INDPRO figure: three months before the newest


@dataclass(frozen=True)
class Bridge:
    # [horizon, 7]: constant, 4 GDP lags (newest first), INDPRO now and 3 months before
    coef: np.ndarray

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """[n, horizon] from `features`' inputs."""
        return self.coef[:, 0] + inputs @ self.coef[:, 1:].T

    def __call__(self, windows: np.ndarray, channel: int) -> np.ndarray:
        return self.predict(features(windows, channel)[0])


def newest_step(flags: np.ndarray) -> np.ndarray:
    """[n]: index of each window's newest published month of one channel (-1: none)."""
    steps = np.arange(flags.shape[1])
    return np.where(flags > 0, steps, -1).max(axis=1)


def features(windows: np.ndarray, channel: int) -> tuple[np.ndarray, np.ndarray]:
    """([n, 6] inputs, [n] fresh) of raw windows; `channel` indexes the INDPRO values."""
    n = windows.shape[-1] // 2
    newest = newest_step(windows[:, :, n + channel])
    rows = np.arange(len(windows))
    earlier = np.clip(newest - SHIFT_MONTHS, 0, LOOKBACK_MONTHS - 1)
    x = np.column_stack(
        [
            windows[:, list(GDP_STEPS), 0],
            windows[:, -1, channel],  # carried forward: the newest published figure
            windows[rows, earlier, channel],
        ]
    )
    return x, newest >= LOOKBACK_MONTHS + FRESH_FROM_STEP


def fit(windows: np.ndarray, targets: np.ndarray, channel: int, ridge: float = RIDGE) -> Bridge:
    """Fitted on the fresh windows among `windows`."""
    x, fresh = features(windows, channel)
    return fit_inputs(x[fresh], targets[fresh], ridge)


def fit_inputs(x: np.ndarray, y: np.ndarray, ridge: float = RIDGE) -> Bridge:
    """Fitted on `features`' inputs of fresh windows; coefficients on the raw inputs."""
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    design = np.column_stack([np.ones(len(x)), (x - mean) / std])
    penalty = ridge * np.eye(design.shape[1])
    penalty[0, 0] = 0.0  # the constant is not pulled towards zero
    b = np.linalg.solve(design.T @ design + penalty, design.T @ y).T  # [horizon, 7]
    slopes = b[:, 1:] / std
    return Bridge(np.column_stack([b[:, 0] - slopes @ mean, slopes]))
