"""FRED series -> the nowcast model's monthly input window, ragged edge included.

Training (at every backtest origin) and serving (on the latest vintage) both use this.

A window is the 24 months that end with the last month of the *target quarter*: the
quarter after the last one GDP has been published for. Its last three steps are that
quarter's months, of which 0, 1 or 2 are usually published (the "ragged edge"); the
three before are the last published GDP quarter's. Fixing the window to the quarter,
rather than to the newest month, keeps every quarter at the same steps, so the last
four published GDP figures always sit at steps -4, -7, -10 and -13.

Each step has a value and a flag per channel (1 = published; 0 = not yet, and the value
is then the last one published before it, so the last step always holds the newest
figure of every series). The default channels:

- `gdp_growth`: its quarter's real GDP growth, % year over year (GDPC1);
- `inflation`: CPI inflation, % year over year, of the month (CPIAUCSL);
- `unrate`: the month's unemployment rate, % (UNRATE).

What "published" means at a past date (the backtest's replay) is the release calendar
below: a month's CPI and unemployment rate come out during the following month, a
quarter's GDP advance estimate during the month after the quarter; a few releases that
a government shutdown delayed are listed. Only today's revised values exist here, so
the replay knows *when* a figure came out, not what it said then.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from app.forecast.gdp_features import fill_isolated_gaps, quarter_name

LOOKBACK_MONTHS = 24
HORIZON = 4
# Every monthly channel a model may read: (FRED series, "yoy" growth % or the "level").
MONTHLY_CHANNELS: dict[str, tuple[str, str]] = {
    "inflation": ("CPIAUCSL", "yoy"),
    "unrate": ("UNRATE", "level"),
    "indpro_growth": ("INDPRO", "yoy"),
    "payroll_growth": ("PAYEMS", "yoy"),
}
CHANNELS: tuple[str, ...] = ("gdp_growth", "inflation", "unrate")  # the default model's
# Steps of the last four published GDP quarters, newest first (middle month of each).
GDP_STEPS: tuple[int, ...] = (-5, -8, -11, -14)
START = pd.Timestamp("1960-01-01")

# Releases later than the rule (month of release). GDP: the advance estimate of these
# quarters came out two or more months after the quarter, during the 2013, 2018-19 and
# 2025 shutdowns; UNRATE 2025-09 came out in late November 2025.
LATE_GDP: dict[str, str] = {"2013Q3": "2013-11", "2018Q4": "2019-02", "2025Q3": "2025-12"}
LATE_MONTHLY: dict[tuple[str, str], str] = {("UNRATE", "2025-09"): "2025-11"}


@dataclass(frozen=True)
class Panel:
    """Every value as revised today, before any question of when it was known."""

    gdp_growth: pd.Series  # by quarter (first day), % y/y
    monthly: dict[str, pd.Series]  # channel -> by month (first day)
    interpolated: dict[str, list[str]]
    # When each value above was first published (month, first day), index for index.
    released: dict[str, pd.DatetimeIndex]

    @property
    def last_quarter(self) -> pd.Timestamp:
        return self.gdp_growth.index[-1]


@dataclass(frozen=True)
class Window:
    values: np.ndarray  # [LOOKBACK_MONTHS, 2 * len(channels)]: values, then flags
    last_quarter: pd.Timestamp  # newest published GDP quarter
    target_quarter: pd.Timestamp  # the first forecast quarter (h1)
    months_known: dict[str, int]  # monthly series -> months of the target quarter published
    last_month: dict[str, str]  # series -> newest month (quarter for GDPC1) used


def panel(series: dict[str, pd.Series]) -> Panel:
    """Every channel whose series is in `series` (GDPC1 is required)."""
    gdp = series["GDPC1"].dropna().copy()
    gdp.index = gdp.index.to_period("Q").to_timestamp(how="start")
    expected = pd.date_range(gdp.index[0], gdp.index[-1], freq="QS")
    if not gdp.index.equals(expected):
        raise ValueError("GDPC1: quarters are not consecutive")
    growth = (100.0 * (gdp / gdp.shift(4) - 1.0)).dropna()
    growth = growth[growth.index >= START]
    released = {"gdp_growth": pd.DatetimeIndex([gdp_released(q) for q in growth.index])}
    monthly: dict[str, pd.Series] = {}
    interpolated: dict[str, list[str]] = {}
    for channel, (name, transform) in MONTHLY_CHANNELS.items():
        if name not in series:
            continue
        filled, gaps = fill_isolated_gaps(series[name])
        interpolated[name] = [f"{m:%Y-%m}" for m in gaps]
        filled = filled.asfreq("MS")
        if transform == "yoy":
            filled = 100.0 * (filled / filled.shift(12) - 1.0)
        monthly[channel] = filled = filled.dropna()
        when = pd.Series([monthly_released(name, m) for m in filled.index], index=filled.index)
        # A filled month is known once the month after it, which it was filled from, is.
        gaps = pd.DatetimeIndex(gaps).intersection(filled.index)
        when[gaps] = when.shift(-1)[gaps]
        released[channel] = pd.DatetimeIndex(when)
    return Panel(growth, monthly, interpolated, released)


def gdp_released(quarter: pd.Timestamp) -> pd.Timestamp:
    """The month (first day) in which `quarter`'s GDP is first published."""
    late = LATE_GDP.get(quarter_name(quarter))
    return pd.Timestamp(late + "-01") if late else quarter + pd.DateOffset(months=3)


def monthly_released(series: str, month: pd.Timestamp) -> pd.Timestamp:
    late = LATE_MONTHLY.get((series, f"{month:%Y-%m}"))
    return pd.Timestamp(late + "-01") if late else month + pd.DateOffset(months=1)


def window(
    p: Panel, as_of: pd.Timestamp | None = None, channels: tuple[str, ...] = CHANNELS
) -> Window:
    """The window of what was published by the end of month `as_of` (None: everything)."""
    gdp = p.gdp_growth
    if as_of is not None:
        gdp = gdp[p.released["gdp_growth"] <= as_of]
    last_q = gdp.index[-1]
    target_q = last_q + pd.DateOffset(months=3)
    months = pd.date_range(
        target_q + pd.DateOffset(months=3 - LOOKBACK_MONTHS), periods=LOOKBACK_MONTHS, freq="MS"
    )
    n = len(channels)
    out = np.zeros((LOOKBACK_MONTHS, 2 * n))
    quarters = months.to_period("Q").to_timestamp(how="start")
    g = gdp.reindex(quarters).to_numpy()
    known = ~np.isnan(g)
    out[:, 0], out[known, n] = carried(g), 1.0
    months_known: dict[str, int] = {}
    last_month = {"GDPC1": quarter_name(last_q)}
    for i, channel in enumerate(channels[1:], start=1):
        name = MONTHLY_CHANNELS[channel][0]
        s = p.monthly[channel]
        if as_of is not None:
            s = s[p.released[channel] <= as_of]
        v = s.reindex(months).to_numpy()
        known = ~np.isnan(v)
        out[:, i], out[known, n + i] = carried(v), 1.0
        months_known[name] = int(known[-3:].sum())
        last_month[name] = f"{s.index[-1]:%Y-%m}"
    return Window(out, last_q, target_q, months_known, last_month)


def last_quarter_end(w: Window) -> pd.Timestamp:
    """The last month (first day) of the newest published GDP quarter."""
    return w.last_quarter + pd.DateOffset(months=2)


def reaches_last_quarter(w: Window, series: str) -> bool:
    """Whether `series` is published to `last_quarter_end`: older, its newest figure says
    little about the quarters ahead (the rule of the served model's bridge regression,
    training/forecast/bridge.py)."""
    return pd.Timestamp(w.last_month[series] + "-01") >= last_quarter_end(w)


def carried(values: np.ndarray) -> np.ndarray:
    """Each missing value replaced by the last one published before it (0 before any):
    the window's last step then holds the newest figure of every series."""
    # numpy, not pandas' ffill: the backtest builds hundreds of windows per run.
    last = np.where(np.isnan(values), 0, np.arange(len(values)))
    out = values[np.maximum.accumulate(last)]
    return np.where(np.isnan(out), 0.0, out)


def quarter_months_known(w: Window) -> int:
    """Months of the target quarter published for both CPIAUCSL and UNRATE: what the
    backtest's scores and the intervals are grouped by."""
    return min(w.months_known["CPIAUCSL"], w.months_known["UNRATE"])


def targets(p: Panel, w: Window) -> np.ndarray | None:
    """GDP growth of the window's four forecast quarters, or None if one is missing."""
    quarters = [w.target_quarter + pd.DateOffset(months=3 * h) for h in range(HORIZON)]
    values = p.gdp_growth.reindex(quarters).to_numpy()
    return None if np.isnan(values).any() else values


def origins(p: Panel, first: str) -> pd.DatetimeIndex:
    """Month-end origins (labelled by their month) from `first` to the newest data."""
    newest = max(p.monthly[c].index[-1] for c in CHANNELS[1:])
    return pd.date_range(pd.Timestamp(first), newest + pd.DateOffset(months=1), freq="MS")
