"""Is a new FRED vintage believable? Each series is checked against its own history.

`fred_csv` rejects what cannot be a series at all (wrong header, gaps, values outside
wide fixed bounds). A value can pass those and still be absurd: a GDPC1 of 99,999 after
24,270 is inside [1,000, 100,000]. So every move is compared with the moves the series
has made before: GDP, CPI and industrial production by their log change (a rebasing to
another base year scales the levels, not the changes), the unemployment rate by its
change in points.

- A new observation (after the current vintage's last) that moves more than
  `FACTOR` times the largest move in the series' history is implausible. The largest
  moves on record are 2020's: GDP -8.2 % and +7.5 % in a quarter, unemployment
  +10.4 points in a month (CPI's, 1.9 % in a month, are from 1947 and 2008); the
  factor leaves room for a shock three times worse.
- A revision that changes a past period's move by more than that bound is implausible:
  revisions move growth rates by tenths, not by more than the series has ever moved.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.forecast.fred_csv import InvalidSeries

FACTOR = 3.0
LOG_SERIES = frozenset({"GDPC1", "CPIAUCSL", "INDPRO"})


class Implausible(InvalidSeries):
    """A vintage whose figures the series' own history makes unbelievable."""


def moves(series: pd.Series) -> pd.Series:
    """Each observation's move from the one before (log change, or change in points)."""
    s = series.dropna()
    if s.name in LOG_SERIES:
        return np.log(s).diff().dropna()
    return s.diff().dropna()


def _shown(series: pd.Series, move: float) -> str:
    if series.name in LOG_SERIES:
        return f"{100 * move:+.1f} %"
    return f"{move:+.1f} points"


def problems(new: pd.Series, old: pd.Series, factor: float = FACTOR) -> list[str]:
    """What makes `new` implausible beside `old`, the vintage it would replace ([] if
    nothing)."""
    before, after = moves(old), moves(new)
    if before.empty:
        return []
    largest = float(before.abs().max())
    limit = factor * largest
    found = []
    fresh = after[after.index > old.index[-1]]
    for when, move in fresh.items():
        if abs(move) > limit:
            found.append(
                f"{new.name}: {when:%Y-%m} moves {_shown(new, move)}, more than {factor:g}x "
                f"the largest move in its history ({_shown(new, largest).lstrip('+')})"
            )
    shared = after.index.intersection(before.index)
    revised = (after[shared] - before[shared]).abs()
    if not revised.empty and float(revised.max()) > limit:
        when = revised.idxmax()
        found.append(
            f"{new.name}: the move at {when:%Y-%m} is revised from "
            f"{_shown(new, float(before[when]))} to {_shown(new, float(after[when]))}, more "
            f"than {factor:g}x the largest move in its history"
        )
    return found


def check(new: dict[str, pd.Series], old: dict[str, pd.Series]) -> None:
    """Raise Implausible naming every implausible move of `new` beside `old`."""
    found = [p for name, s in new.items() if name in old for p in problems(s, old[name])]
    if found:
        raise Implausible("; ".join(found))
