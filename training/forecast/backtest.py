"""Rolling monthly-origin backtest of the nowcast network against AR(4) and no-change.

An origin is the end of a month. At each origin the replay gives every model only
what the release calendar (app/forecast/monthly_window.py) says was out by then: the
network its window, the peers the GDP quarters published so far. The network is
refitted every `refit_every` months on the windows whose four target quarters had all
been published by the origin; the peers (and the INDPRO bridge, when the windows carry
INDPRO) are refitted at every origin.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from app.forecast import monthly_window as mw
from training.forecast import bridge

# Target years every score is also given without: the pandemic quarters, up to ±10 points.
EXCLUDED_YEARS: tuple[int, ...] = (2020, 2021)
Forecaster = Callable[[np.ndarray], np.ndarray]  # [n, months, channels] -> [n, horizon]
Fitter = Callable[[np.ndarray, np.ndarray, pd.DatetimeIndex], Forecaster]
FIRST_TRAINING_ORIGIN = "1962-01-01"


def ar_coefficients(y: np.ndarray, horizon: int, lags: int = 4) -> np.ndarray:
    """[horizon, lags + 1]: per horizon h, the OLS fit of y[t+h] on a constant and
    y[t], ..., y[t-lags+1] (a direct autoregression)."""
    coef = np.empty((horizon, lags + 1))
    for h in range(1, horizon + 1):
        rows = range(lags - 1, len(y) - h)
        design = np.array([[1.0, *y[t - lags + 1 : t + 1][::-1]] for t in rows])
        coef[h - 1], *_ = np.linalg.lstsq(design, np.array([y[t + h] for t in rows]), rcond=None)
    return coef


def ar_forecast(y: np.ndarray, horizon: int, lags: int = 4) -> np.ndarray:
    return ar_coefficients(y, horizon, lags) @ np.array([1.0, *y[len(y) - lags :][::-1]])


TrainingSet = tuple[np.ndarray, np.ndarray, pd.DatetimeIndex, pd.DatetimeIndex]


def training_set(p: mw.Panel, channels: tuple[str, ...] = mw.CHANNELS) -> TrainingSet:
    """(windows, targets, last GDP quarter of each, month its last target came out)
    for every month-end origin whose four targets are observed today."""
    xs, ys, lasts, known_at = [], [], [], []
    for origin in mw.origins(p, FIRST_TRAINING_ORIGIN):
        w = mw.window(p, origin, channels)
        y = mw.targets(p, w)
        if y is None:
            continue
        xs.append(w.values)
        ys.append(y)
        lasts.append(w.last_quarter)
        known_at.append(mw.gdp_released(w.target_quarter + pd.DateOffset(months=9)))
    return np.asarray(xs), np.asarray(ys), pd.DatetimeIndex(lasts), pd.DatetimeIndex(known_at)


def run(
    p: mw.Panel,
    fit_model: Fitter,
    first_origin: str,
    refit_every: int = 12,
    log: Callable[[str], None] = print,
    channels: tuple[str, ...] = mw.CHANNELS,
    bridge_channel: int | None = None,
    training: TrainingSet | None = None,
) -> pd.DataFrame:
    """One row per (origin, horizon) whose target is observed today. With
    `bridge_channel` (the index of INDPRO in `channels`) it also holds the bridge's
    forecast and whether the origin's INDPRO was fresh enough to use (bridge.py).
    `training` is `training_set(p, channels)` when the caller has it already: building
    it reads every origin's window, the slowest part of a short run."""
    x_all, y_all, last_all, known_at = (
        training if training is not None else training_set(p, channels)
    )
    if bridge_channel is not None:
        bridge_inputs, bridge_fresh = bridge.features(x_all, bridge_channel)
    model: Forecaster | None = None
    rows = []
    for k, origin in enumerate(mw.origins(p, first_origin)):
        if model is None or k % refit_every == 0:
            usable = known_at <= origin
            model = fit_model(x_all[usable], y_all[usable], last_all[usable])
            log(f"  refit at {origin:%Y-%m} on {int(usable.sum())} windows")
        w = mw.window(p, origin, channels)
        gdp = p.gdp_growth[p.released["gdp_growth"] <= origin].to_numpy()
        forecasts = {
            "network": np.asarray(model(w.values[None].astype(np.float32)))[0],
            "ar4": ar_forecast(gdp, mw.HORIZON),
            "no_change": np.repeat(gdp[-1], mw.HORIZON),
        }
        extra: dict[str, object] = {}
        if bridge_channel is not None:
            usable = (known_at <= origin) & bridge_fresh
            fitted = bridge.fit_inputs(bridge_inputs[usable], y_all[usable])
            now, fresh = bridge.features(w.values[None], bridge_channel)
            forecasts["bridge"] = fitted.predict(now)[0]
            extra["bridge_fresh"] = bool(fresh[0])
        for h in range(1, mw.HORIZON + 1):
            target = w.target_quarter + pd.DateOffset(months=3 * (h - 1))
            if target not in p.gdp_growth.index:
                break
            rows.append(
                {
                    "origin": origin,
                    "last_quarter": w.last_quarter,
                    "target": target,
                    "horizon": h,
                    "months_known": mw.quarter_months_known(w),
                    "actual": float(p.gdp_growth[target]),
                    **{name: float(f[h - 1]) for name, f in forecasts.items()},
                    **extra,
                }
            )
    return pd.DataFrame(rows)


def subsets(results: pd.DataFrame) -> dict[str, pd.Series]:
    covid = results["target"].dt.year.isin(EXCLUDED_YEARS)
    return {"all": pd.Series(True, index=results.index), "excl_2020_21": ~covid}


def rmse_by(results: pd.DataFrame, models: list[str], by: list[str]) -> dict[str, object]:
    groups = results.groupby(by)
    out: dict[str, object] = {"n": [int(v) for v in groups.size()]}
    for name in models:
        err = (results[name] - results["actual"]) ** 2
        out[name] = [
            round(float(v), 3) for v in np.sqrt(err.groupby([results[b] for b in by]).mean())
        ]
    return out


def scores(results: pd.DataFrame, models: list[str]) -> dict[str, object]:
    """RMSE per horizon, all targets and outside 2020-21, also split by the months of
    the target quarter known at the origin (0, 1, 2; the rare 3 counted with 2)."""
    out: dict[str, object] = {}
    for subset, mask in subsets(results).items():
        part = results[mask]
        by_h = rmse_by(part, models, ["horizon"])
        known = {
            str(k): rmse_by(g, models, ["horizon"])
            for k, g in part.groupby(part["months_known"].clip(upper=2))
        }
        out[subset] = {"by_horizon": by_h, "by_months_known": known}
    return out


def diebold_mariano(results: pd.DataFrame, model: str, peer: str) -> list[float]:
    """t statistic per horizon of the squared-error difference (negative: `model` is
    better), with a Newey-West variance over 3h months: forecasts from origins less
    than a target's distance apart share errors."""
    stats = []
    for h, part in results.sort_values("origin").groupby("horizon"):
        d = ((part[model] - part["actual"]) ** 2 - (part[peer] - part["actual"]) ** 2).to_numpy()
        n, centred = len(d), d - d.mean()
        lrv = float(centred @ centred) / n
        for lag in range(1, min(3 * int(h), n - 1) + 1):
            weight = 1 - lag / (3 * int(h) + 1)
            lrv += 2 * weight * float(centred[lag:] @ centred[:-lag]) / n
        stats.append(round(float(d.mean() / np.sqrt(max(lrv, 1e-12) / n)), 2))
    return stats
