"""The reference split: the peers here give the reference figures (docs/reference.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.forecast import gdp_features
from app.forecast.vintage_store import SNAPSHOT_DIR, load_snapshot
from training.forecast import reference_split
from training.forecast.model import HORIZON, LOOKBACK

# docs/reference.md, "Reference figures": RMSE h1-h4 on the last 20 % of windows.
REFERENCE = {
    "no change": [2.46, 2.96, 3.38, 3.91],
    "direct AR(4)": [2.52, 2.76, 2.98, 3.10],
    "direct regression, last 2 quarters of all 3 series": [3.18, 3.19, 2.66, 2.31],
}


@pytest.fixture(scope="module")
def windows() -> tuple[np.ndarray, np.ndarray, pd.DatetimeIndex]:
    table = gdp_features.build(load_snapshot(gdp_features.SERIES).series).table
    return gdp_features.windows(table, LOOKBACK, HORIZON)


def test_the_peers_reproduce_the_reference_figures(
    windows: tuple[np.ndarray, np.ndarray, pd.DatetimeIndex],
) -> None:
    x, y, origins = windows
    _, test = reference_split.split(len(x))
    assert test.stop - test.start == 51
    # Targets 2013Q1 .. 2026Q2, as docs/reference.md says.
    assert origins[test][0] + pd.DateOffset(months=3) == pd.Timestamp("2013-01-01")
    assert origins[test][-1] + pd.DateOffset(months=12) == pd.Timestamp("2026-04-01")
    got = {
        name: reference_split.rmse(f, y[test], origins[test], exclude=False)
        for name, f in reference_split.peers(x, y).items()
    }
    assert got.keys() == REFERENCE.keys()
    for name, figures in REFERENCE.items():
        np.testing.assert_allclose(got[name], figures, atol=0.011, err_msg=name)


def test_rmse_can_leave_out_2020_21_targets() -> None:
    origins = pd.DatetimeIndex(["2019-01-01", "2022-01-01"])
    actual = np.zeros((2, HORIZON))
    forecasts = np.array([[1.0, 1.0, 1.0, 1.0], [3.0, 3.0, 3.0, 3.0]])
    # Origin 2019Q1: targets 2019Q2..2020Q1, so only its h4 falls in 2020.
    assert reference_split.rmse(forecasts, actual, origins, exclude=False) == [2.24] * 4
    assert reference_split.rmse(forecasts, actual, origins, exclude=True) == [2.24, 2.24, 2.24, 3.0]


def test_the_command_prints_both_tables(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--data-dir", str(SNAPSHOT_DIR), "--members", "1", "--max-epochs", "1"]
    assert reference_split.main(args) == 0
    out = capsys.readouterr().out
    assert "targets 2013Q1..2026Q2" in out
    lstm_rows = [line for line in out.splitlines() if "LSTM, served config, members: 1" in line]
    assert len(lstm_rows) == 2
    for row in lstm_rows:
        assert len([float(v) for v in row.split()[-7::2]]) == HORIZON
