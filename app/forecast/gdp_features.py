"""FRED series -> the forecast model's quarterly inputs. Training and serving both use this.

Columns, one row per quarter (indexed by the quarter's first day), from 1960Q1:

- `gdp_growth`: real GDP growth, % year over year (GDPC1 against four quarters before);
- `inflation`: CPI inflation, % year over year, of the quarterly mean CPIAUCSL;
- `unrate`: the quarterly mean unemployment rate, %.

Missing months (FRED's empty field, e.g. CPIAUCSL and UNRATE for 2025-10, never
released): a single missing month with an observed month on each side is filled by
linear interpolation between its neighbours, and reported. Any other gap (two in a row,
or at either end) leaves its quarter uncovered. A quarter enters the inputs only when
GDP and all three months of both monthly series cover it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

FEATURES: tuple[str, ...] = ("gdp_growth", "inflation", "unrate")
TARGET = "gdp_growth"
SERIES: tuple[str, ...] = ("GDPC1", "CPIAUCSL", "UNRATE")
# What the service fetches and stores: these three and industrial production, which the
# model's bridge regression reads while it is fresh (docs/models/forecast.md).
FETCHED: tuple[str, ...] = (*SERIES, "INDPRO")
START = pd.Timestamp("1960-01-01")


@dataclass(frozen=True)
class Features:
    table: pd.DataFrame
    interpolated: dict[str, list[str]]  # series -> months filled by interpolation

    @property
    def last_quarter(self) -> pd.Timestamp:
        return self.table.index[-1]


def fill_isolated_gaps(monthly: pd.Series) -> tuple[pd.Series, list[pd.Timestamp]]:
    """Interpolate single missing months that have an observed month on each side."""
    missing = monthly.isna()
    isolated = missing & ~missing.shift(1, fill_value=True) & ~missing.shift(-1, fill_value=True)
    filled = monthly.copy()
    filled[isolated] = ((monthly.shift(1) + monthly.shift(-1)) / 2)[isolated]
    return filled, list(monthly.index[isolated])


def quarterly_mean(monthly: pd.Series) -> pd.Series:
    """Mean of each quarter's three months; NaN unless all three are present."""
    grouped = monthly.groupby(monthly.index.to_period("Q"))
    means = grouped.mean().where(grouped.count() == 3)
    means.index = means.index.to_timestamp(how="start")
    return means


def build(series: dict[str, pd.Series]) -> Features:
    gdp = series["GDPC1"].copy()
    gdp.index = gdp.index.to_period("Q").to_timestamp(how="start")
    interpolated: dict[str, list[str]] = {}
    quarterly: dict[str, pd.Series] = {}
    for name in ("CPIAUCSL", "UNRATE"):
        filled, months = fill_isolated_gaps(series[name])
        interpolated[name] = [f"{m:%Y-%m}" for m in months]
        quarterly[name] = quarterly_mean(filled)
    table = pd.DataFrame(
        {
            "gdp_growth": 100.0 * (gdp / gdp.shift(4) - 1.0),
            "inflation": 100.0 * (quarterly["CPIAUCSL"] / quarterly["CPIAUCSL"].shift(4) - 1.0),
            "unrate": quarterly["UNRATE"],
        }
    )
    # shift(4) above is by rows: make sure the rows are consecutive quarters.
    for name, s in (("GDPC1", gdp), ("CPIAUCSL", quarterly["CPIAUCSL"])):
        expected = pd.date_range(s.index[0], s.index[-1], freq="QS")
        if not s.index.equals(expected):
            raise ValueError(f"{name}: quarters are not consecutive")
    table = table[table.index >= START].dropna()
    expected = pd.date_range(table.index[0], table.index[-1], freq="QS")
    if not table.index.equals(expected):
        missing = expected.difference(table.index)
        raise ValueError(f"quarters not covered inside the range: {list(missing[:5])}")
    return Features(table.astype(np.float64), interpolated)


def windows(
    table: pd.DataFrame, lookback: int, horizon: int
) -> tuple[np.ndarray, np.ndarray, pd.DatetimeIndex]:
    """(inputs [n, lookback, features], targets [n, horizon], origin quarter per window).

    The origin is the last quarter inside the input window; targets are the
    `horizon` quarters after it.
    """
    values = table[list(FEATURES)].to_numpy()
    target = table[TARGET].to_numpy()
    xs, ys, origins = [], [], []
    for end in range(lookback, len(table) - horizon + 1):
        xs.append(values[end - lookback : end])
        ys.append(target[end : end + horizon])
        origins.append(table.index[end - 1])
    return np.asarray(xs), np.asarray(ys), pd.DatetimeIndex(origins)


def last_window(table: pd.DataFrame, lookback: int) -> np.ndarray:
    return table[list(FEATURES)].to_numpy()[-lookback:][None, ...]


def quarter_name(when: pd.Timestamp) -> str:
    return f"{when.year}Q{(when.month - 1) // 3 + 1}"
