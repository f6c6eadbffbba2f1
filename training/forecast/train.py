"""Backtest, blend, calibrate and export the GDP nowcast model.

    python -m training.forecast.train [--data-dir data/fred] [--out models/gdp_forecast]

Reads top to bottom: data, monthly-origin backtest from 1980 (the network refitted
yearly, AR(4), no-change and the INDPRO bridge at every origin), blend weights frozen on
the origins of 1980-99, scores from 2000 beside AR(4), no-change and the SPF,
split-conformal intervals, final fit, export.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import numpy as np
import pandas as pd

from app.forecast import fred_csv, monthly_window
from app.forecast.gdp_features import SERIES, quarter_name
from training import reports
from training.cells import add_cell_arguments, check_cell_options
from training.export import check_version_free, command_line, export_model
from training.forecast import backtest, blend, bridge, conformal, nowcast_model, spf
from training.forecast.model import Fitted, ForecastConfig, fit

MODEL_NAME = "gdp_forecast"
OUTPUT_NAME = "gdp_growth"
SERVED = "served"  # the exported blend's column in the backtest
NO_BRIDGE = "no_bridge"  # the blend without the bridge: served when INDPRO is stale
CANDIDATES = ["network", "ar4", "no_change", "ar4_no_change", "bridge", NO_BRIDGE, SERVED]
PEERS = ("ar4", "no_change")
# The GRU: its network scores better than the LSTM's at every horizon on the 1990-99
# origins, where the blend weights are chosen too (docs/models/forecast.md).
DEFAULTS = ForecastConfig(
    units=32, layers=1, max_epochs=200, patience=20, batch_size=32, cell="gru"
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    d = DEFAULTS
    p = argparse.ArgumentParser(
        prog="python -m training.forecast.train", description=__doc__.splitlines()[0]
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        default=Path("data/fred"),
        help="folder with GDPC1.csv, CPIAUCSL.csv, UNRATE.csv in FRED's format",
    )
    p.add_argument("--spf", type=Path, default=Path("data/spf/median_rgdp_growth.csv"))
    p.add_argument("--out", type=Path, default=Path("models") / MODEL_NAME)
    p.add_argument("--version", type=int, help="integer version (default: next free)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--first-origin", default="1980-01-01", help="first backtest origin month")
    p.add_argument(
        "--blend-from",
        default="1980-01-01",
        help="blend weights are chosen on origins from this month (default: every one)",
    )
    p.add_argument(
        "--gamma-from",
        default="1990-01-01",
        help="the conformal gamma is chosen on origins from this month (after a decade of"
        " errors to calibrate on)",
    )
    p.add_argument(
        "--blend-cutoff", default="2000-01-01", help="blend weights from origins before this"
    )
    p.add_argument("--refit-every", type=int, default=12, help="months between network refits")
    p.add_argument("--coverage", type=float, default=0.8, help="interval coverage")
    p.add_argument(
        "--channels",
        default=",".join(monthly_window.CHANNELS),
        help="gdp_growth then monthly channels, from " + ", ".join(monthly_window.MONTHLY_CHANNELS),
    )
    p.add_argument(
        "--bridge",
        default="indpro_growth",
        help="monthly channel of the bridge regression blended in when fresh ('' for none)",
    )
    p.add_argument(
        "--lagging",
        default="indpro_growth,payroll_growth",
        help="channels also trained on as if they ended up to 24 months early",
    )
    p.add_argument("--units", type=int, default=d.units)
    p.add_argument("--max-epochs", type=int, default=d.max_epochs)
    p.add_argument("--members", type=int, default=d.members, help="networks averaged")
    add_cell_arguments(p, default=d.cell)
    args = p.parse_args(argv)
    check_version_free(p, args)
    return args


def table_lines(scores: dict[str, object], subset: str, models: list[str]) -> list[str]:
    part = scores[subset]["by_horizon"]
    lines = [f"{subset}: RMSE in points, horizons 1-4, n = {part['n']}"]
    for name in models:
        if name in part:
            lines.append(f"  {name:14s} " + "  ".join(f"{r:5.2f}" for r in part[name]))
    return lines


def spf_comparison(results: pd.DataFrame, spf_rows: pd.DataFrame) -> dict[str, object]:
    """SPF beside the served model at the origins that line up with the survey (one
    month of the target quarter known), on the targets both have."""
    one_month = results[results["months_known"] == 1]
    both = one_month.merge(spf_rows, on=["last_quarter", "target", "horizon"])
    out: dict[str, object] = {}
    for subset, mask in backtest.subsets(both).items():
        out[subset] = backtest.rmse_by(both[mask], [SERVED, "ar4", "spf"], ["horizon"])
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = ForecastConfig(
        **{
            **DEFAULTS.to_dict(),
            "units": args.units,
            "max_epochs": args.max_epochs,
            "members": args.members,
            "cell": args.cell,
            "layer_norm": args.layer_norm,
            "recurrent_dropout": args.recurrent_dropout,
        }
    )
    check_cell_options(cfg.cell, cfg.layer_norm, cfg.recurrent_dropout)
    started = time.perf_counter()

    # Data
    channels = tuple(args.channels.split(","))
    if channels[0] != "gdp_growth" or not set(channels[1:]) <= set(monthly_window.MONTHLY_CHANNELS):
        raise ValueError(
            f"--channels: gdp_growth first, then some of {list(monthly_window.MONTHLY_CHANNELS)}"
        )
    lagging = [channels.index(c) for c in args.lagging.split(",") if c in channels]
    if args.bridge and args.bridge not in monthly_window.MONTHLY_CHANNELS:
        raise ValueError(f"--bridge: one of {list(monthly_window.MONTHLY_CHANNELS)}")
    # The window carries the network's channels, then the bridge's if the network lacks it.
    used = len(channels)
    if args.bridge and args.bridge not in channels:
        channels = (*channels, args.bridge)
    bridge_channel = channels.index(args.bridge) if args.bridge else None
    names = [*SERIES, *(monthly_window.MONTHLY_CHANNELS[c][0] for c in channels[1:])]
    names = list(dict.fromkeys(names))
    texts = {n: (args.data_dir / f"{n}.csv").read_text() for n in names}
    series = {n: fred_csv.parse(t, n) for n, t in texts.items()}
    panel = monthly_window.panel(series)
    print(f"panel to {quarter_name(panel.last_quarter)}; filled: {panel.interpolated}", flush=True)

    def fit_network(x: np.ndarray, y: np.ndarray, last: pd.DatetimeIndex) -> Fitted:
        """The backtest's refits and the final fit alike: lagging copies, then fit."""
        x = nowcast_model.network_inputs(x, len(channels), used)
        x, y, last = nowcast_model.with_lagging_copies(x, y, last, lagging, args.seed)
        return fit(
            cfg, x.astype(np.float32), y.astype(np.float32), args.seed, last, nowcast_model.build
        )

    def fit_model(x: np.ndarray, y: np.ndarray, last: pd.DatetimeIndex) -> backtest.Forecaster:
        model = fit_network(x, y, last).model
        # One origin's window at a time: predict_on_batch skips predict's per-call
        # dataset set-up, which costs more than the network itself here.
        return lambda w: model.predict_on_batch(
            nowcast_model.network_inputs(w, len(channels), used)
        )

    # Monthly-origin backtest
    print(f"backtest from {args.first_origin}, refit every {args.refit_every} months", flush=True)
    bt_start = time.perf_counter()
    training = backtest.training_set(panel, channels)
    results = backtest.run(
        panel,
        fit_model,
        args.first_origin,
        args.refit_every,
        channels=channels,
        bridge_channel=bridge_channel,
        training=training,
    )
    bt_seconds = round(time.perf_counter() - bt_start, 1)

    # Blend weights on the early origins, then frozen
    fallback = blend.choose(results, args.blend_cutoff, blend.COMPONENTS, args.blend_from)
    results[NO_BRIDGE] = blend.apply(results, fallback, blend.COMPONENTS)
    if bridge_channel is None:
        components, weights = blend.COMPONENTS, fallback
        results[SERVED] = results[NO_BRIDGE]
    else:
        components = blend.WITH_BRIDGE
        fresh = results["bridge_fresh"].astype(bool)
        weights = blend.choose(results[fresh], args.blend_cutoff, components, args.blend_from)
        results[SERVED] = blend.apply_with_fallback(
            results, weights, components, fallback, blend.COMPONENTS, fresh
        )
    peer_weights = blend.choose(results, args.blend_cutoff, PEERS, args.blend_from)
    results["ar4_no_change"] = blend.apply(results, peer_weights, PEERS)
    print(f"blend weights {components} per horizon: {weights.tolist()}", flush=True)

    # Scores on the origins after the cutoff
    late = results[results["origin"] >= pd.Timestamp(args.blend_cutoff)].reset_index(drop=True)
    models = [c for c in CANDIDATES if c in late]
    scores = backtest.scores(late, models)
    dm = {
        name: {peer: backtest.diebold_mariano(late, name, peer) for peer in PEERS}
        for name in ("network", "ar4_no_change", "bridge", NO_BRIDGE, SERVED)
        if name in late
    }
    spf_rows = spf.forecasts(args.spf, series["GDPC1"])
    versus_spf = spf_comparison(late, spf_rows)
    gamma, gamma_trials = conformal.choose_gamma(
        results, SERVED, args.coverage, args.gamma_from, args.blend_cutoff
    )
    bands = conformal.evaluate(results, SERVED, args.coverage, args.blend_cutoff, gamma)
    # The same gamma with the miss rate free to drift below its target in calm years.
    free = conformal.evaluate(results, SERVED, args.coverage, args.blend_cutoff, gamma, floor=False)
    bands["without_floor"] = {k: v for k, v in free.items() if k.startswith("out_of_sample")}
    if bridge_channel is not None:
        # Served when INDPRO is stale: the widths of the blend then served, whose errors
        # are larger than those of the blend with the bridge.
        bands["half_width_without_bridge"] = conformal.evaluate(
            results, NO_BRIDGE, args.coverage, args.blend_cutoff, gamma
        )["half_width"]
    bands["gamma_chosen_on"] = {
        "from": args.gamma_from,
        "before": args.blend_cutoff,
        "coverage_by_gamma": gamma_trials,
    }
    for subset in ("all", "excl_2020_21"):
        print("\n".join(table_lines(scores, subset, models)), flush=True)
        spf_part = {f"{subset}, SPF's targets": {"by_horizon": versus_spf[subset]}}
        print("\n".join(table_lines(spf_part, f"{subset}, SPF's targets", [SERVED, "ar4", "spf"])))
    print(f"DM t vs ar4 / no_change: {dm}", flush=True)
    print(f"ACI gamma {gamma} (before {args.blend_cutoff}: {gamma_trials})", flush=True)
    print(
        f"{args.coverage:.0%} conformal coverage: all {bands['out_of_sample_all']}, "
        f"outside 2020-21 {bands['out_of_sample_excl_2020_21']}",
        flush=True,
    )

    # Final network on every window, blended with AR(4) fitted on every quarter
    x, y, last, _ = training
    fit_start = time.perf_counter()
    fitted = fit_network(x, y, last)
    fit_seconds = time.perf_counter() - fit_start
    ar_coef = backtest.ar_coefficients(panel.gdp_growth.to_numpy(), monthly_window.HORIZON)
    term = None
    if bridge_channel is not None:
        final_bridge = bridge.fit(x, y, bridge_channel)
        term = nowcast_model.BridgeTerm(final_bridge.coef, bridge_channel, fallback)
    model = nowcast_model.blended(fitted.model, ar_coef, weights, term, len(channels))
    epochs = sum(len(h["loss"]) for h in fitted.histories)
    backtest_csv = results.to_csv(index=False, float_format="%.4f", date_format="%Y-%m-%d")

    version_dir = export_model(
        model,
        args.out,
        nowcast_model.input_spec(channels),
        OUTPUT_NAME,
        {
            "name": MODEL_NAME,
            "command": command_line("training.forecast.train", argv),
            "input": "monthly_window",
            "channels": list(channels),
            "network_channels": list(channels[:used]),
            "lagging_channels": [channels[i] for i in lagging],
            "lookback_months": monthly_window.LOOKBACK_MONTHS,
            "horizon_quarters": monthly_window.HORIZON,
            "target": "US real GDP growth, % year over year",
            "window_rule": monthly_window.__doc__,
            "data": {
                "series": {
                    n: {
                        "sha256": hashlib.sha256(t.encode()).hexdigest(),
                        "last_observation": f"{series[n].index[-1]:%Y-%m-%d}",
                    }
                    for n, t in texts.items()
                },
                "windows": len(x),
                "interpolated": panel.interpolated,
                "real_time": "release dates replayed; values are today's revised ones",
            },
            "config": {**cfg.to_dict(), "seed": args.seed},
            "blend": {
                "components": list(components),
                "weights_per_horizon": weights.tolist(),
                "chosen_on_origins_from": args.blend_from,
                "chosen_on_origins_before": args.blend_cutoff,
                "ar4_no_change_weights": peer_weights.tolist(),
                "ar4_coefficients": np.round(ar_coef, 6).tolist(),
                "bridge": None
                if term is None
                else {
                    "channel": channels[term.channel],
                    "inputs": [
                        "constant",
                        "gdp_growth lags 1-4 (newest first)",
                        f"{channels[term.channel]} newest",
                        f"{channels[term.channel]} {bridge.SHIFT_MONTHS} months before",
                    ],
                    "coefficients": np.round(term.coef, 6).tolist(),
                    "ridge": bridge.RIDGE,
                    "fresh_rule": "its newest month at or after the last month of the newest"
                    " published GDP quarter",
                    "weights_when_stale": fallback.tolist(),
                    "fresh_now": bool(
                        bridge.features(
                            monthly_window.window(panel, None, channels).values[None],
                            term.channel,
                        )[1][0]
                    ),
                },
            },
            "backtest": {
                "first_origin": args.first_origin,
                "scored_from": args.blend_cutoff,
                "refit_every_months": args.refit_every,
                "models": models,
                "plotted": [SERVED, "ar4"],
                "scores": scores,
                "diebold_mariano": dm,
                "spf": versus_spf,
                "seconds": bt_seconds,
            },
            "intervals": bands,
            "training": {
                "final_fit_seconds": round(fit_seconds, 1),
                "final_fit_epochs": epochs,
                "seconds_per_epoch": round(fit_seconds / epochs, 3),
                "histories": [reports.recorded_history(h) for h in fitted.histories],
                "seconds": round(time.perf_counter() - started, 1),
            },
            "parameters": int(fitted.model.count_params()),
            "recurrent_parameters": sum(
                int(layer.count_params())
                for layer in fitted.members[0].layers
                if layer.name.startswith("rnn_")
            ),
        },
        version=args.version,
        extra_files={"backtest.csv": backtest_csv},
        reports=lambda meta: reports.forecast_reports(meta, backtest_csv),
    )
    print(f"exported {version_dir}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
