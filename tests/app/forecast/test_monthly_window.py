"""The nowcast's monthly window: the ragged edge, and the replay of the release calendar."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.forecast import gdp_features
from app.forecast import monthly_window as mw
from app.forecast.vintage_store import load_snapshot

N = len(mw.CHANNELS)


@pytest.fixture(scope="module")
def panel() -> mw.Panel:
    return mw.panel(load_snapshot(gdp_features.SERIES).series)


def flags(w: mw.Window) -> np.ndarray:
    return w.values[:, N:]


def test_the_latest_window_ends_with_the_quarter_after_the_last_gdp(panel: mw.Panel) -> None:
    w = mw.window(panel)
    assert gdp_features.quarter_name(w.last_quarter) == "2026Q2"
    assert gdp_features.quarter_name(w.target_quarter) == "2026Q3"
    # July 2026 is the newest month of CPI and unemployment: one month of 2026Q3.
    assert w.months_known == {"CPIAUCSL": 1, "UNRATE": 1}
    assert w.last_month == {"GDPC1": "2026Q2", "CPIAUCSL": "2026-07", "UNRATE": "2026-07"}
    assert w.values.shape == (mw.LOOKBACK_MONTHS, 2 * N)
    np.testing.assert_array_equal(flags(w)[-3:], [[0, 1, 1], [0, 0, 0], [0, 0, 0]])
    assert (flags(w)[:-3] == 1).all()
    # Unpublished months carry the newest published figure, flagged as not published.
    np.testing.assert_array_equal(
        w.values[-1, :N], w.values[-3, :N] * [0, 1, 1] + [w.values[-4, 0], 0, 0]
    )
    assert w.values[-1, 0] == w.values[-4, 0] == panel.gdp_growth["2026-04-01"]
    # July 2026: unemployment 4.1 %, and CPI inflation against July 2025.
    assert w.values[-3, 2] == pytest.approx(4.1)
    cpi = load_snapshot(("CPIAUCSL",)).series["CPIAUCSL"]
    expected = 100 * (cpi["2026-07-01"] / cpi["2025-07-01"] - 1)
    assert w.values[-3, 1] == pytest.approx(expected)


def test_the_last_four_gdp_quarters_sit_at_fixed_steps(panel: mw.Panel) -> None:
    w = mw.window(panel)
    got = [w.values[s, 0] for s in mw.GDP_STEPS]
    want = [panel.gdp_growth[q] for q in pd.date_range(end="2026-04-01", periods=4, freq="QS")]
    assert got == pytest.approx(want[::-1])
    # Each quarter's value fills its three months.
    assert w.values[-6, 0] == w.values[-5, 0] == w.values[-4, 0]


@pytest.mark.parametrize(
    ("as_of", "last", "known"),
    [
        # End of April: 2026Q1 GDP is out (late April), March's data too: 0 months of Q2.
        ("2026-04-01", "2026Q1", 0),
        ("2026-05-01", "2026Q1", 1),
        ("2026-06-01", "2026Q1", 2),
        # End of July: 2026Q2 GDP is out, July's data is not.
        ("2026-07-01", "2026Q2", 0),
        # 2018Q4's GDP came out on 28 February 2019 (a shutdown), not in January.
        ("2019-01-01", "2018Q3", 3),
        ("2019-02-01", "2018Q4", 1),
    ],
)
def test_the_replay_uses_only_what_was_published(
    panel: mw.Panel, as_of: str, last: str, known: int
) -> None:
    w = mw.window(panel, pd.Timestamp(as_of))
    assert gdp_features.quarter_name(w.last_quarter) == last
    assert w.months_known["CPIAUCSL"] == w.months_known["UNRATE"] == known
    newest = pd.Timestamp(as_of) - pd.DateOffset(months=1)
    assert w.last_month["CPIAUCSL"] == f"{newest:%Y-%m}"


def test_a_filled_month_is_known_only_with_the_month_it_was_filled_from(
    panel: mw.Panel,
) -> None:
    # October 2025 was never published; its value is filled from September and November,
    # so it exists only once November's figures are out (in December).
    assert panel.interpolated == {"CPIAUCSL": ["2025-10"], "UNRATE": ["2025-10"]}
    november = mw.window(panel, pd.Timestamp("2025-11-01"))
    assert november.last_month == {"GDPC1": "2025Q2", "CPIAUCSL": "2025-09", "UNRATE": "2025-09"}
    december = mw.window(panel, pd.Timestamp("2025-12-01"))
    assert december.last_month["CPIAUCSL"] == "2025-11"
    assert gdp_features.quarter_name(december.last_quarter) == "2025Q3"


def test_series_that_end_in_different_months(panel: mw.Panel) -> None:
    series = dict(load_snapshot(gdp_features.SERIES).series)
    series["CPIAUCSL"] = series["CPIAUCSL"][:"2026-05-01"]
    w = mw.window(mw.panel(series))
    assert w.months_known == {"CPIAUCSL": 0, "UNRATE": 1}
    assert w.last_month["CPIAUCSL"] == "2026-05"
    # June's CPI is not out: flagged, and May's figure carried.
    assert flags(w)[-4, 1] == 0 and flags(w)[-5, 1] == 1
    assert w.values[-4, 1] == w.values[-1, 1] == w.values[-5, 1]


def test_targets_are_the_four_quarters_from_the_target_quarter(panel: mw.Panel) -> None:
    w = mw.window(panel, pd.Timestamp("2024-05-01"))
    assert gdp_features.quarter_name(w.target_quarter) == "2024Q2"
    got = mw.targets(panel, w)
    want = panel.gdp_growth[pd.date_range("2024-04-01", periods=4, freq="QS")].to_numpy()
    np.testing.assert_array_equal(got, want)
    assert mw.targets(panel, mw.window(panel)) is None


def test_a_series_that_ends_a_year_early() -> None:
    # INDPRO here ends in 2025-08, eleven months before CPI and unemployment.
    names = (*gdp_features.SERIES, "INDPRO", "PAYEMS")
    p = mw.panel(load_snapshot(names).series)
    channels = (*mw.CHANNELS, "indpro_growth", "payroll_growth")
    w = mw.window(p, None, channels)
    assert w.values.shape == (mw.LOOKBACK_MONTHS, 2 * len(channels))
    assert w.months_known == {"CPIAUCSL": 1, "UNRATE": 1, "INDPRO": 0, "PAYEMS": 0}
    assert w.last_month["INDPRO"] == "2025-08" and w.last_month["PAYEMS"] == "2025-09"
    n = len(channels)
    indpro = channels.index("indpro_growth")
    # 2025-08 is step -14 of the window that ends in 2026-09: later steps carry it, unflagged.
    assert w.values[-14, n + indpro] == 1 and (w.values[-13:, n + indpro] == 0).all()
    assert (w.values[-13:, indpro] == w.values[-14, indpro]).all()
    # The default channels are unchanged by the extra series.
    np.testing.assert_array_equal(
        mw.window(p).values, mw.window(mw.panel(load_snapshot(gdp_features.SERIES).series)).values
    )


def test_carried_fills_each_gap_with_the_last_figure_and_zero_before_any() -> None:
    nan = np.nan
    got = mw.carried(np.array([nan, nan, 1.5, nan, -2.0, nan, nan]))
    np.testing.assert_array_equal(got, [0.0, 0.0, 1.5, 1.5, -2.0, -2.0, -2.0])
    np.testing.assert_array_equal(mw.carried(np.array([nan, nan])), [0.0, 0.0])
