"""Forecast training on a short backtest, the export round trip, and the peers' arithmetic."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

from app.forecast import gdp_features
from app.forecast.vintage_store import SNAPSHOT_DIR, load_snapshot
from tests.conftest import png_size, serve_alone
from training import reports
from training.export import export_model
from training.forecast import backtest
from training.forecast import train as train_forecast
from training.forecast.model import HORIZON, LOOKBACK, ForecastConfig, fit, validation_split


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return gdp_features.build(load_snapshot(gdp_features.SERIES).series).table


def test_short_training_run_exports_with_backtest_metadata(tmp_path: Path) -> None:
    out = tmp_path / "gdp_forecast"
    # Two networks, not the default three: the mean of three is checked by the round trip.
    args = ["--out", str(out), "--data-dir", str(SNAPSHOT_DIR), "--first-origin", "2025-01-01"]
    args += ["--max-epochs", "2", "--units", "4"]
    code = train_forecast.main([*args, "--members", "2"])
    assert code == 0
    meta = json.loads((out / "1" / "assets.extra" / "metadata.json").read_text())
    assert meta["name"] == "gdp_forecast" and meta["lookback_quarters"] == LOOKBACK
    assert meta["data"]["interpolated"] == {"CPIAUCSL": ["2025-10"], "UNRATE": ["2025-10"]}
    scores = meta["backtest"]["scores"]
    # Origins 2025Q1..2026Q1: five h1 forecasts, four h2, three h3, two h4.
    assert scores["all"]["n_per_horizon"] == [5, 4, 3, 2]
    assert set(scores["all"]) >= {"lstm", "no_change", "ar4", "var2"}
    rows = pd.read_csv(out / "1" / "assets.extra" / "backtest.csv")
    assert len(rows) == 5 + 4 + 3 + 2
    assert set(rows.columns) >= {"origin", "target", "horizon", "actual", "lstm", "ar4"}
    h1 = rows[rows["horizon"] == 1]
    rmse = float(np.sqrt(((h1["lstm"] - h1["actual"]) ** 2).mean()))
    assert rmse == pytest.approx(scores["all"]["lstm"]["rmse"][0], abs=2e-3)
    for h in "1234":
        band = meta["intervals"]["horizons"][h]
        assert band["lower_offset"] <= band["upper_offset"]
    # Two members, two epochs each.
    assert [len(h["loss"]) for h in meta["training"]["histories"]] == [2, 2]
    assert meta["training"]["final_fit_epochs"] == 4
    # The training reports: curves (5.2 x 3.6 in per member) and four backtest panels.
    assert png_size(out / "1" / "assets.extra" / "training_curves.png") == (1144, 396)
    assert png_size(out / "1" / "assets.extra" / "backtest.png") == (990, 1056)
    # Drawn from what the export records alone: the command draws the same bytes again.
    drawn = {p.name: p.read_bytes() for p in (out / "1" / "assets.extra").glob("*.png")}
    for p in (out / "1" / "assets.extra").glob("*.png"):
        p.unlink()
    assert reports.main([str(out / "1")]) == 0
    assert {p.name: p.read_bytes() for p in (out / "1" / "assets.extra").glob("*.png")} == drawn
    sig = tf.saved_model.load(str(out / "1")).signatures["serving_default"]
    window = gdp_features.last_window(
        gdp_features.build(load_snapshot(gdp_features.SERIES).series).table, LOOKBACK
    ).astype(np.float32)
    point = sig(window=tf.constant(window))["gdp_growth"].numpy()
    assert point.shape == (1, HORIZON) and np.all(np.abs(point) < 20)


def test_export_round_trip(table: pd.DataFrame, tmp_path: Path) -> None:
    x, y, origins = gdp_features.windows(table, LOOKBACK, HORIZON)
    x, y = x.astype(np.float32), y.astype(np.float32)
    fitted = fit(ForecastConfig(units=4, max_epochs=2), x, y, seed=1, origins=origins)
    model = fitted.model
    # The exported model is the mean of its three members, in one graph.
    assert len(fitted.members) == 3
    np.testing.assert_allclose(
        model.predict(x[:9], verbose=0),
        np.mean([m.predict(x[:9], verbose=0) for m in fitted.members], axis=0),
        rtol=1e-5,
        atol=1e-5,
    )
    path = export_model(model, tmp_path, train_forecast.INPUT_SPEC, "gdp_growth", {})
    got = tf.saved_model.load(str(path)).signatures["serving_default"](window=tf.constant(x[:9]))
    np.testing.assert_allclose(
        got["gdp_growth"].numpy(), model.predict(x[:9], verbose=0), rtol=1e-5, atol=1e-5
    )
    # Raw windows in, percent out: normalisation is inside the graph, so a window moved
    # by +1 point of growth in its last quarter moves the forecast (the residual path).
    shifted = x[:9].copy()
    shifted[:, -1, 0] += 1.0
    moved = model.predict(shifted, verbose=0) - model.predict(x[:9], verbose=0)
    assert np.all(np.abs(moved) > 0.05)


def test_peers_on_a_known_process() -> None:
    rng = np.random.default_rng(0)
    n = 400
    y = np.zeros(n)
    for t in range(1, n):
        y[t] = 1.0 + 0.6 * y[t - 1] + rng.normal(0, 0.1)
    idx = pd.date_range("1900-01-01", periods=n, freq="QS")
    table = pd.DataFrame(
        {"gdp_growth": y, "inflation": rng.normal(2, 0.1, n), "unrate": rng.normal(5, 0.1, n)},
        index=idx,
    )
    pos = n - 1
    assert (backtest.no_change(table, pos, 4) == y[pos]).all()
    # AR(1) with mean 2.5: the h-step forecast decays towards the mean by 0.6 per step.
    expected = 2.5 + (y[pos] - 2.5) * 0.6 ** np.arange(1, 5)
    np.testing.assert_allclose(backtest.direct_ar(table, pos, 4), expected, atol=0.05)
    np.testing.assert_allclose(backtest.var(table, pos, 4), expected, atol=0.05)


def test_scores_split_out_2020_21() -> None:
    rows = pd.DataFrame(
        {
            "origin": pd.to_datetime(["2019-10-01", "2019-10-01", "2020-01-01"]),
            "target": pd.to_datetime(["2020-01-01", "2019-04-01", "2022-01-01"]),
            "horizon": [1, 1, 1],
            "actual": [0.0, 0.0, 0.0],
            "m": [4.0, 1.0, 1.0],
        }
    )
    s = backtest.scores(rows, ["m"])
    assert s["all"]["m"]["rmse"] == [pytest.approx(np.sqrt(18 / 3), abs=1e-3)]
    assert s["all"]["m"]["mae"] == [2.0]
    assert s["excl_2020_21"]["m"]["rmse"] == [1.0]
    assert s["excl_2020_21"]["n_per_horizon"] == [2]


def test_a_scratch_cell_model_exports_and_serves_without_its_class(tmp_path: Path) -> None:
    out = tmp_path / "gdp_forecast"
    args = ["--out", str(out), "--data-dir", str(SNAPSHOT_DIR), "--first-origin", "2025-10-01"]
    args += ["--max-epochs", "2"]
    args += ["--units", "4", "--cell", "scratch-gru", "--layer-norm", "--recurrent-dropout", "0.1"]
    args += ["--members", "1"]  # one network: the mean of several is tested elsewhere
    assert train_forecast.main(args) == 0
    meta = json.loads((out / "1" / "assets.extra" / "metadata.json").read_text())
    assert meta["config"]["cell"] == "scratch-gru" and meta["config"]["layer_norm"] is True
    # The SavedModel is the graph alone: it serves without training/cells.py.
    window = "{'window': tf.constant(np.zeros((2, 8, 3), 'float32'))}"
    assert serve_alone(out / "1", window, "gdp_growth") == "(2, 4) True"


def test_layer_norm_without_a_scratch_cell_is_refused(tmp_path: Path) -> None:
    args = ["--out", str(tmp_path / "gdp_forecast"), "--data-dir", str(SNAPSHOT_DIR)]
    with pytest.raises(ValueError, match="scratch cell"):
        train_forecast.main([*args, "--cell", "gru", "--layer-norm", "--max-epochs", "1"])
    assert not (tmp_path / "gdp_forecast").exists()


def test_early_stopping_never_judges_on_2020_21_targets(table: pd.DataFrame) -> None:
    _, _, origins = gdp_features.windows(table, LOOKBACK, HORIZON)
    cfg = ForecastConfig()
    fit_idx, val_idx = validation_split(cfg, origins, len(origins))
    assert len(val_idx) == round(len(origins) * cfg.validation_fraction)
    assert sorted([*fit_idx, *val_idx]) == list(range(len(origins)))
    targets = {h: (origins[val_idx] + pd.DateOffset(months=3 * h)).year for h in range(1, 5)}
    assert not any(np.isin(years, [2020, 2021]).any() for years in targets.values())
    # The latest such windows: those after 2021 and the ones just before 2019Q1's.
    assert origins[val_idx[-1]] == origins[-1]
    assert (origins[val_idx] < pd.Timestamp("2019-01-01")).any()
    # With no dates, it is simply the latest windows.
    _, plain = validation_split(cfg, None, len(origins))
    assert list(plain) == list(range(len(origins) - len(plain), len(origins)))


def test_the_backtest_refits_on_time_and_never_sees_past_its_origin(table: pd.DataFrame) -> None:
    fits: list[tuple[int, pd.Timestamp]] = []

    def fit_model(x: np.ndarray, y: np.ndarray, origins: pd.DatetimeIndex) -> backtest.Forecaster:
        fits.append((len(x), origins[-1]))
        return lambda w: np.zeros((len(w), HORIZON))

    results = backtest.run(table, fit_model, LOOKBACK, HORIZON, "2023-01-01", 4, log=lambda s: None)
    origins = sorted(results["origin"].unique())
    # Origins 2023Q1 .. the quarter before the last; a refit at the 1st, 5th, 9th ...
    assert origins[0] == pd.Timestamp("2023-01-01")
    assert len(fits) == -(-len(origins) // 4)
    for k, (n_windows, last_window_origin) in enumerate(fits):
        origin = origins[4 * k]
        # The newest window's last target is the refit origin at the latest.
        assert last_window_origin + pd.DateOffset(months=3 * HORIZON) <= origin
        assert last_window_origin + pd.DateOffset(months=3 * (HORIZON + 1)) > origin
        assert n_windows == fits[0][0] + 4 * k
    # Every forecast row's target is after its origin, within the horizon.
    gap = (results["target"].dt.to_period("Q") - results["origin"].dt.to_period("Q")).map(
        lambda d: d.n
    )
    assert (gap == results["horizon"]).all()
