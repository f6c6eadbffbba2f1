"""The forecast model on the reference split, beside the reference peers.

    python -m training.forecast.reference_split [--data-dir data/fred] [--members 3]

The split of the reference figures (docs/reference.md): windows from 1960 (8 quarters in, 4 out),
the first 80 % to fit, the last 20 % (targets 2013-2026) to test, one fit. The
rolling-origin backtest (training.forecast.train) is the stricter test and the one the
verdict in docs/models/forecast.md rests on; this one shows that the peers here
reproduce the reference figures and where the LSTM stands against them.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from app.forecast import fred_csv, gdp_features
from app.forecast.gdp_features import FEATURES, TARGET
from training.forecast.backtest import EXCLUDED_YEARS
from training.forecast.model import HORIZON, LOOKBACK, ForecastConfig, fit

TEST_FRACTION = 0.2


def split(n: int) -> tuple[slice, slice]:
    n_test = round(TEST_FRACTION * n)
    return slice(0, n - n_test), slice(n - n_test, n)


def direct_regression(
    x_fit: np.ndarray, y_fit: np.ndarray, x: np.ndarray, lags: int, columns: list[int]
) -> np.ndarray:
    """One least-squares regression per horizon on the last `lags` quarters of
    `columns` and a constant, fitted on (x_fit, y_fit), applied to x."""

    def design(w: np.ndarray) -> np.ndarray:
        return np.column_stack([np.ones(len(w)), w[:, -lags:, columns].reshape(len(w), -1)])

    coef, *_ = np.linalg.lstsq(design(x_fit), y_fit, rcond=None)
    return design(x) @ coef


def peers(x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """Test-part forecasts of the three reference peers (docs/reference.md)."""
    fit_part, test = split(len(x))
    target = FEATURES.index(TARGET)
    return {
        "no change": np.repeat(x[test][:, -1:, target], HORIZON, axis=1),
        "direct AR(4)": direct_regression(x[fit_part], y[fit_part], x[test], 4, [target]),
        "direct regression, last 2 quarters of all 3 series": direct_regression(
            x[fit_part], y[fit_part], x[test], 2, list(range(len(FEATURES)))
        ),
    }


def rmse(
    forecasts: np.ndarray, actual: np.ndarray, origins: pd.DatetimeIndex, exclude: bool
) -> list[float]:
    """RMSE per horizon; with `exclude`, without target quarters in EXCLUDED_YEARS."""
    out = []
    for h in range(HORIZON):
        keep = np.ones(len(actual), bool)
        if exclude:
            years = (origins + pd.DateOffset(months=3 * (h + 1))).year
            keep = ~np.isin(years, EXCLUDED_YEARS)
        err = forecasts[keep, h] - actual[keep, h]
        out.append(round(float(np.sqrt(np.mean(err**2))), 2))
    return out


def main(argv: list[str] | None = None) -> int:
    d = ForecastConfig()
    p = argparse.ArgumentParser(
        prog="python -m training.forecast.reference_split", description=__doc__.splitlines()[0]
    )
    p.add_argument("--data-dir", type=Path, default=Path("data/fred"))
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--members", type=int, default=d.members, help="networks averaged")
    p.add_argument("--max-epochs", type=int, default=d.max_epochs)
    args = p.parse_args(argv)

    series = {
        n: fred_csv.parse((args.data_dir / f"{n}.csv").read_text(), n) for n in gdp_features.SERIES
    }
    x, y, origins = gdp_features.windows(gdp_features.build(series).table, LOOKBACK, HORIZON)
    x, y = x.astype(np.float32), y.astype(np.float32)
    fit_part, test = split(len(x))
    cfg = replace(d, members=args.members, max_epochs=args.max_epochs)
    fitted = fit(cfg, x[fit_part], y[fit_part], args.seed, origins[fit_part])
    forecasts = {
        f"LSTM, served config, members: {cfg.members}": fitted.model.predict(x[test], verbose=0),
        **peers(x, y),
    }
    first = gdp_features.quarter_name(origins[test][0] + pd.DateOffset(months=3))
    last = gdp_features.quarter_name(origins[test][-1] + pd.DateOffset(months=3 * HORIZON))
    print(f"test: {test.stop - test.start} windows, targets {first}..{last}")
    for exclude in (False, True):
        print("RMSE h1-h4, " + ("without 2020-21 targets" if exclude else "all targets"))
        for name, f in forecasts.items():
            cells = " / ".join(f"{v:.2f}" for v in rmse(f, y[test], origins[test], exclude))
            print(f"  {name:52s} {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
