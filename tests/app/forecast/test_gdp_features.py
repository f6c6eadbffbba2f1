"""Feature values against numbers computed by hand from the snapshot's lines."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from app.forecast import gdp_features
from app.forecast.vintage_store import load_snapshot


@pytest.fixture(scope="module")
def features() -> gdp_features.Features:
    return gdp_features.build(load_snapshot(gdp_features.SERIES).series)


def row(features: gdp_features.Features, when: str) -> pd.Series:
    return features.table.loc[pd.Timestamp(when)]


def test_gdp_growth_year_over_year(features: gdp_features.Features) -> None:
    # GDPC1 2026-04-01 24269.613 against 2025-04-01 23770.976
    assert row(features, "2026-04-01")["gdp_growth"] == pytest.approx(
        100 * (24269.613 / 23770.976 - 1), abs=1e-9
    )
    # 2025-10-01 24055.749 against 2024-10-01 23586.542
    assert row(features, "2025-10-01")["gdp_growth"] == pytest.approx(
        100 * (24055.749 / 23586.542 - 1), abs=1e-9
    )


def test_the_missing_october_2025_is_interpolated(features: gdp_features.Features) -> None:
    assert features.interpolated == {"CPIAUCSL": ["2025-10"], "UNRATE": ["2025-10"]}
    october_cpi = (324.245 + 325.063) / 2  # September and November 2025
    q4_2025 = (october_cpi + 325.063 + 326.031) / 3
    q4_2024 = (315.631 + 316.528 + 317.604) / 3
    assert row(features, "2025-10-01")["inflation"] == pytest.approx(
        100 * (q4_2025 / q4_2024 - 1), abs=1e-9
    )
    assert row(features, "2025-10-01")["unrate"] == pytest.approx((4.45 + 4.5 + 4.4) / 3)
    # Dropping the month instead would have biased the quarter: the rule matters.
    assert abs((325.063 + 326.031) / 2 - q4_2025) > 0.1


def test_quarters_need_all_three_series(features: gdp_features.Features) -> None:
    table = features.table
    assert table.index[0] == pd.Timestamp("1960-01-01")
    # GDPC1 ends at 2026Q2; the monthly series reach 2026-07 but 2026Q3 is not covered.
    assert features.last_quarter == pd.Timestamp("2026-04-01")
    assert len(table) == (2026 - 1960) * 4 + 2
    assert not table.isna().any().any()
    assert list(table.columns) == list(gdp_features.FEATURES)


def test_gaps_that_cannot_be_filled_drop_their_quarter() -> None:
    series = dict(load_snapshot(gdp_features.SERIES).series)
    cpi = series["CPIAUCSL"].copy()
    cpi[pd.Timestamp("2026-04-01")] = math.nan
    cpi[pd.Timestamp("2026-05-01")] = math.nan  # two in a row: no interpolation
    series["CPIAUCSL"] = cpi
    features = gdp_features.build(series)
    assert features.last_quarter == pd.Timestamp("2026-01-01")


def test_windows_line_up_inputs_and_targets(features: gdp_features.Features) -> None:
    x, y, origins = gdp_features.windows(features.table, 8, 4)
    table = features.table
    assert x.shape == (len(table) - 8 - 4 + 1, 8, 3) and y.shape == (len(x), 4)
    k = 10
    start = table.index.get_loc(origins[k]) - 7
    assert (x[k] == table.iloc[start : start + 8].to_numpy()).all()
    assert (y[k] == table["gdp_growth"].iloc[start + 8 : start + 12].to_numpy()).all()
    assert gdp_features.quarter_name(pd.Timestamp("2026-07-01")) == "2026Q3"
