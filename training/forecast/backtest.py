"""Rolling-origin backtest of the forecast model against simple peers.

Each origin's forecasts use only the quarters up to that origin: the windows whose
four targets were all observed by then. The LSTM is refitted every `refit_every`
quarters; the peers (no-change, direct AR(4), VAR(2)) are refitted at every origin.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from app.forecast.gdp_features import FEATURES, TARGET, windows

Forecaster = Callable[[np.ndarray], np.ndarray]  # [n, lookback, features] -> [n, horizon]
# Target years every score is also given without: the pandemic quarters, up to ±10 points.
EXCLUDED_YEARS: tuple[int, ...] = (2020, 2021)


def no_change(table: pd.DataFrame, origin_pos: int, horizon: int) -> np.ndarray:
    return np.repeat(table[TARGET].iloc[origin_pos], horizon)


def direct_ar(table: pd.DataFrame, origin_pos: int, horizon: int, lags: int = 4) -> np.ndarray:
    """One OLS regression per horizon of y[t+h] on y[t], ..., y[t-lags+1] and a constant."""
    y = table[TARGET].to_numpy()[: origin_pos + 1]
    out = np.empty(horizon)
    for h in range(1, horizon + 1):
        rows = range(lags - 1, len(y) - h)
        design = np.array([[1.0, *y[t - lags + 1 : t + 1][::-1]] for t in rows])
        coef, *_ = np.linalg.lstsq(design, np.array([y[t + h] for t in rows]), rcond=None)
        out[h - 1] = coef @ np.array([1.0, *y[len(y) - lags :][::-1]])
    return out


def var(table: pd.DataFrame, origin_pos: int, horizon: int, lags: int = 2) -> np.ndarray:
    """A VAR(lags) on the three features by OLS, iterated `horizon` steps."""
    z = table[list(FEATURES)].to_numpy()[: origin_pos + 1]
    design = np.array(
        [[1.0, *z[t - lags + 1 : t + 1][::-1].ravel()] for t in range(lags - 1, len(z) - 1)]
    )
    coef, *_ = np.linalg.lstsq(design, z[lags:], rcond=None)
    history = list(z[-lags:])
    col = FEATURES.index(TARGET)
    out = np.empty(horizon)
    for h in range(horizon):
        nxt = np.array([1.0, *np.array(history[-lags:])[::-1].ravel()]) @ coef
        history.append(nxt)
        out[h] = nxt[col]
    return out


PEERS = {"no_change": no_change, "ar4": direct_ar, "var2": var}


def run(
    table: pd.DataFrame,
    fit_model: Callable[[np.ndarray, np.ndarray, pd.DatetimeIndex], Forecaster],
    lookback: int,
    horizon: int,
    first_origin: str = "2000-01-01",
    refit_every: int = 4,
    log: Callable[[str], None] = print,
) -> pd.DataFrame:
    """One row per (origin, horizon) with the actual value and every model's forecast."""
    x_all, y_all, origins_all = windows(table, lookback, horizon)
    index = table.index
    rows = []
    model: Forecaster | None = None
    start = index.get_loc(pd.Timestamp(first_origin))
    for k, pos in enumerate(range(start, len(index) - 1)):
        origin = index[pos]
        if model is None or k % refit_every == 0:
            # Windows whose last target quarter is at or before the origin.
            usable = origins_all <= index[pos - horizon]
            model = fit_model(x_all[usable], y_all[usable], origins_all[usable])
            log(f"  refit at {origin:%Y-%m} on {int(usable.sum())} windows")
        window = table[list(FEATURES)].to_numpy()[pos - lookback + 1 : pos + 1][None, ...]
        forecasts = {"lstm": np.asarray(model(window))[0]}
        forecasts |= {name: peer(table, pos, horizon) for name, peer in PEERS.items()}
        for h in range(1, horizon + 1):
            if pos + h >= len(index):
                break
            rows.append(
                {
                    "origin": origin,
                    "target": index[pos + h],
                    "horizon": h,
                    "actual": table[TARGET].iloc[pos + h],
                    **{name: float(f[h - 1]) for name, f in forecasts.items()},
                }
            )
    return pd.DataFrame(rows)


def scores(results: pd.DataFrame, models: list[str]) -> dict[str, object]:
    """RMSE and MAE per model and horizon, with and without 2020-21 target quarters."""
    covid = results["target"].dt.year.isin(EXCLUDED_YEARS)
    out: dict[str, object] = {}
    for subset, mask in (("all", np.ones(len(results), bool)), ("excl_2020_21", ~covid)):
        part = results[mask]
        table: dict[str, dict[str, list[float]]] = {}
        for name in models:
            err = part[name] - part["actual"]
            by_h = err.groupby(part["horizon"])
            table[name] = {
                "rmse": [round(float(v), 3) for v in np.sqrt(by_h.apply(lambda e: (e**2).mean()))],
                "mae": [round(float(v), 3) for v in by_h.apply(lambda e: e.abs().mean())],
            }
        out[subset] = {"n_per_horizon": part.groupby("horizon").size().tolist(), **table}
    return out


def intervals(
    results: pd.DataFrame, model: str, coverage: float, min_history: int = 20
) -> dict[str, object]:
    """Error quantiles per horizon, and their coverage measured out of sample.

    The interval served is the forecast plus the (1-c)/2 and (1+c)/2 quantiles of all
    backtest errors. Its coverage is checked honestly: at each origin, quantiles from
    only the errors already observed then (at least `min_history`) judge that origin.
    """
    lo_q, hi_q = (1 - coverage) / 2, (1 + coverage) / 2
    per_h: dict[str, object] = {}
    for h, part in results.groupby("horizon"):
        part = part.sort_values("origin")
        err = (part["actual"] - part[model]).to_numpy()
        target = part["target"].to_numpy()
        origin = part["origin"].to_numpy()
        hits = []
        for i in range(len(part)):
            known = err[target < origin[i]]
            if len(known) < min_history:
                continue
            lo, hi = np.quantile(known, [lo_q, hi_q])
            hits.append(lo <= err[i] <= hi)
        lo, hi = np.quantile(err, [lo_q, hi_q])
        per_h[str(h)] = {
            "lower_offset": round(float(lo), 3),
            "upper_offset": round(float(hi), 3),
            "out_of_sample_coverage": round(float(np.mean(hits)), 3) if hits else None,
            "checked": len(hits),
        }
    return {"coverage": coverage, "horizons": per_h}
