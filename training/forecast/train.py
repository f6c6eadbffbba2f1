"""Train, backtest and export the GDP outlook model.

    python -m training.forecast.train [--data-dir data/fred] [--out models/gdp_forecast]

Reads top to bottom: data, features, rolling-origin backtest, final fit, export.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import numpy as np
import pandas as pd
import tensorflow as tf

from app.forecast import fred_csv, gdp_features
from training import reports
from training.cells import add_cell_arguments, check_cell_options
from training.export import export_model
from training.forecast import backtest
from training.forecast.model import HORIZON, LOOKBACK, ForecastConfig, fit

MODEL_NAME = "gdp_forecast"
INPUT_SPEC = tf.TensorSpec([None, LOOKBACK, len(gdp_features.FEATURES)], tf.float32, name="window")
OUTPUT_NAME = "gdp_growth"
MODELS = ["lstm", *backtest.PEERS]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    d = ForecastConfig()
    p = argparse.ArgumentParser(
        prog="python -m training.forecast.train", description=__doc__.splitlines()[0]
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        default=Path("data/fred"),
        help="folder with GDPC1.csv, CPIAUCSL.csv, UNRATE.csv in FRED's format",
    )
    p.add_argument("--out", type=Path, default=Path("models") / MODEL_NAME)
    p.add_argument("--version", type=int, help="integer version (default: next free)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--first-origin", default="2000-01-01", help="first backtest origin quarter")
    p.add_argument("--refit-every", type=int, default=4, help="quarters between LSTM refits")
    p.add_argument("--coverage", type=float, default=0.8, help="interval coverage")
    p.add_argument("--units", type=int, default=d.units)
    p.add_argument("--max-epochs", type=int, default=d.max_epochs)
    p.add_argument("--members", type=int, default=d.members, help="networks averaged")
    add_cell_arguments(p)
    return p.parse_args(argv)


def table_lines(scores: dict[str, object], subset: str) -> list[str]:
    part = scores[subset]
    lines = [f"{subset}: RMSE (MAE) in points, horizons 1-4, n = {part['n_per_horizon']}"]
    for name in MODELS:
        rmse, mae = part[name]["rmse"], part[name]["mae"]
        cells = "  ".join(f"{r:5.2f} ({m:4.2f})" for r, m in zip(rmse, mae, strict=True))
        lines.append(f"  {name:10s} {cells}")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = ForecastConfig(
        units=args.units,
        max_epochs=args.max_epochs,
        members=args.members,
        cell=args.cell,
        layer_norm=args.layer_norm,
        recurrent_dropout=args.recurrent_dropout,
    )
    check_cell_options(cfg.cell, cfg.layer_norm, cfg.recurrent_dropout)
    started = time.perf_counter()

    # Data and features
    texts = {n: (args.data_dir / f"{n}.csv").read_text() for n in gdp_features.SERIES}
    series = {n: fred_csv.parse(t, n) for n, t in texts.items()}
    features = gdp_features.build(series)
    table = features.table
    print(
        f"features: {len(table)} quarters {gdp_features.quarter_name(table.index[0])}.."
        f"{gdp_features.quarter_name(table.index[-1])}; interpolated months: "
        f"{features.interpolated}",
        flush=True,
    )

    # Rolling-origin backtest
    def fit_model(x: np.ndarray, y: np.ndarray, origins: pd.DatetimeIndex) -> backtest.Forecaster:
        model = fit(cfg, x.astype(np.float32), y.astype(np.float32), args.seed, origins).model
        return lambda w: model.predict(w.astype(np.float32), verbose=0)

    print(f"backtest from {args.first_origin}, refit every {args.refit_every} quarters", flush=True)
    bt_start = time.perf_counter()
    results = backtest.run(table, fit_model, LOOKBACK, HORIZON, args.first_origin, args.refit_every)
    bt_seconds = round(time.perf_counter() - bt_start, 1)
    scores = backtest.scores(results, MODELS)
    bands = backtest.intervals(results, "lstm", args.coverage)
    for subset in ("all", "excl_2020_21"):
        print("\n".join(table_lines(scores, subset)), flush=True)
    print(f"{args.coverage:.0%} intervals: {bands['horizons']}", flush=True)

    # Final model on every window
    x, y, origins = gdp_features.windows(table, LOOKBACK, HORIZON)
    fit_start = time.perf_counter()
    fitted = fit(cfg, x.astype(np.float32), y.astype(np.float32), args.seed, origins)
    model = fitted.model
    fit_seconds = time.perf_counter() - fit_start
    epochs = sum(len(h["loss"]) for h in fitted.histories)
    backtest_csv = results.to_csv(index=False, float_format="%.4f")

    version_dir = export_model(
        model,
        args.out,
        INPUT_SPEC,
        OUTPUT_NAME,
        {
            "name": MODEL_NAME,
            "features": list(gdp_features.FEATURES),
            "target": "US real GDP growth, % year over year",
            "lookback_quarters": LOOKBACK,
            "horizon_quarters": HORIZON,
            "feature_rule": gdp_features.__doc__,
            "data": {
                "series": {
                    n: {
                        "sha256": hashlib.sha256(t.encode()).hexdigest(),
                        "last_observation": f"{series[n].index[-1]:%Y-%m-%d}",
                    }
                    for n, t in texts.items()
                },
                "quarters": [
                    gdp_features.quarter_name(table.index[0]),
                    gdp_features.quarter_name(table.index[-1]),
                ],
                "windows": len(x),
                "interpolated": features.interpolated,
            },
            "config": {**cfg.to_dict(), "seed": args.seed},
            "backtest": {
                "first_origin": args.first_origin,
                "refit_every": args.refit_every,
                "scores": scores,
                "seconds": bt_seconds,
            },
            "intervals": bands,
            "training": {
                "final_fit_seconds": round(fit_seconds, 1),
                "final_fit_epochs": epochs,
                "seconds_per_epoch": round(fit_seconds / epochs, 3),
                # One per member: the curves the training report draws.
                "histories": [reports.recorded_history(h) for h in fitted.histories],
                "seconds": round(time.perf_counter() - started, 1),
            },
            "parameters": int(model.count_params()),
            # Per member network.
            "recurrent_parameters": sum(
                int(layer.count_params())
                for layer in fitted.members[0].layers
                if layer.name.startswith("rnn_")
            ),
        },
        version=args.version,
        # Every backtest forecast, for plots and for checking the figures above.
        extra_files={"backtest.csv": backtest_csv},
        reports=lambda meta: reports.forecast_reports(meta, backtest_csv),
    )
    print(f"exported {version_dir}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
