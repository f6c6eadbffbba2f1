"""The Survey of Professional Forecasters' median GDP forecasts as y/y growth forecasts.

The survey of quarter s is taken in its middle month, after the advance GDP estimate
for s - 1, so it lines up with a backtest origin whose last published quarter is s - 1
and that knows one month of s. Its q/q forecasts (annualised) for s .. s + 3 are
compounded onto the observed levels up to s - 1 to give y/y growth for horizons 1-4.
Approximation: the observed levels are today's revised GDPC1, while the forecasters
saw the data of their day.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from app.forecast.monthly_window import HORIZON

COLUMNS = ("DRGDP2", "DRGDP3", "DRGDP4", "DRGDP5")  # quarters s .. s + 3


def forecasts(csv: Path, gdp_level: pd.Series) -> pd.DataFrame:
    """Rows (last_quarter, target, horizon, spf) for every complete survey."""
    survey = pd.read_csv(csv)
    level = gdp_level.copy()
    level.index = level.index.to_period("Q").to_timestamp(how="start")
    rows = []
    for _, s in survey.iterrows():
        quarter = pd.Timestamp(year=int(s["YEAR"]), month=3 * int(s["QUARTER"]) - 2, day=1)
        last = quarter - pd.DateOffset(months=3)
        growth = s[list(COLUMNS)].to_numpy(float)
        if np.isnan(growth).any() or last not in level.index:
            continue
        path = dict(level[level.index <= last])
        for h in range(1, HORIZON + 1):
            target = last + pd.DateOffset(months=3 * h)
            path[target] = (
                path[target - pd.DateOffset(months=3)] * (1 + growth[h - 1] / 100) ** 0.25
            )
            year_before = target - pd.DateOffset(months=12)
            rows.append(
                {
                    "last_quarter": last,
                    "target": target,
                    "horizon": h,
                    "spf": 100 * (path[target] / path[year_before] - 1),
                }
            )
    return pd.DataFrame(rows)
