"""Parsing and validating FRED's `fredgraph.csv` answers before anything uses them.

A series is accepted only if every check holds; otherwise `InvalidSeries` says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

HEADER_DATE_NAMES = ("observation_date", "DATE")
MISSING_MARKERS = ("", ".")


@dataclass(frozen=True)
class SeriesSpec:
    name: str
    months_per_step: int  # 1 monthly, 3 quarterly
    low: float
    high: float
    max_missing: int = 3


SPECS: dict[str, SeriesSpec] = {
    "GDPC1": SeriesSpec("GDPC1", 3, 1_000.0, 100_000.0),
    "CPIAUCSL": SeriesSpec("CPIAUCSL", 1, 10.0, 2_000.0),
    "UNRATE": SeriesSpec("UNRATE", 1, 0.0, 40.0),
    "INDPRO": SeriesSpec("INDPRO", 1, 1.0, 1_000.0),
    "PAYEMS": SeriesSpec("PAYEMS", 1, 10_000.0, 1_000_000.0),
}


class InvalidSeries(ValueError):
    """A FRED answer that must not be used, with the reason."""


def _step(d: date, months: int) -> date:
    total = d.year * 12 + d.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def parse(text: str, name: str) -> pd.Series:
    """Parse and validate one series; missing observations become NaN."""
    spec = SPECS[name]
    if not text.strip():
        raise InvalidSeries(f"{name}: empty body")
    head = text.lstrip()[:200].lower()
    if head.startswith("<") or "<html" in head:
        raise InvalidSeries(f"{name}: an HTML page, not CSV")
    if not text.endswith("\n"):
        raise InvalidSeries(f"{name}: body does not end with a newline (truncated)")
    lines = text.splitlines()
    header = [h.strip() for h in lines[0].split(",")]
    if len(header) != 2 or header[0] not in HEADER_DATE_NAMES:
        raise InvalidSeries(f"{name}: unexpected header {lines[0][:80]!r}")
    if header[1] != name:
        raise InvalidSeries(f"{name}: the answer is series {header[1]!r}")
    dates: list[date] = []
    values: list[float] = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split(",")
        if len(fields) != 2:
            raise InvalidSeries(f"{name}: line {number} has {len(fields)} fields: {line[:60]!r}")
        try:
            when = date.fromisoformat(fields[0].strip())
        except ValueError:
            raise InvalidSeries(f"{name}: line {number}: bad date {fields[0][:20]!r}") from None
        raw = fields[1].strip()
        if raw in MISSING_MARKERS:
            value = math.nan
        else:
            try:
                value = float(raw)
            except ValueError:
                raise InvalidSeries(
                    f"{name}: line {number}: non-numeric value {raw[:20]!r}"
                ) from None
            if not spec.low <= value <= spec.high:
                raise InvalidSeries(
                    f"{name}: line {number}: {value} outside [{spec.low}, {spec.high}]"
                )
        if dates:
            expected = _step(dates[-1], spec.months_per_step)
            if when != expected:
                raise InvalidSeries(
                    f"{name}: line {number}: date {when} where {expected} was due "
                    "(out of order, duplicated or a gap)"
                )
        elif when.day != 1 or (when.month - 1) % spec.months_per_step:
            raise InvalidSeries(f"{name}: first date {when} is not on the series' grid")
        dates.append(when)
        values.append(value)
    if len(values) < 8:
        raise InvalidSeries(f"{name}: only {len(values)} observations")
    missing = sum(math.isnan(v) for v in values)
    if missing > spec.max_missing:
        raise InvalidSeries(f"{name}: {missing} missing values (at most {spec.max_missing})")
    if math.isnan(values[-1]):
        raise InvalidSeries(f"{name}: the last observation is missing")
    return pd.Series(values, index=pd.DatetimeIndex(dates, name="date"), name=name)


def check_not_shorter(new: pd.Series, old: pd.Series) -> None:
    """A new vintage must cover at least the history the current one has."""
    if new.index[0] > old.index[0] or new.index[-1] < old.index[-1]:
        raise InvalidSeries(
            f"{new.name}: history {new.index[0]:%Y-%m}..{new.index[-1]:%Y-%m} is shorter than "
            f"the current {old.index[0]:%Y-%m}..{old.index[-1]:%Y-%m}"
        )


def to_csv(series: pd.Series) -> str:
    """FRED's format, for the vintage store and the FRED stand-in in tests."""
    rows = [f"observation_date,{series.name}"]
    for when, value in series.items():
        rows.append(f"{when:%Y-%m-%d},{'' if math.isnan(value) else repr(float(value))}")
    return "\n".join(rows) + "\n"
