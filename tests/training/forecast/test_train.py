"""Nowcast training on a short backtest, the export round trip, and the arithmetic of the
peers, the blend, the conformal intervals, the Diebold-Mariano statistic and the SPF."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

from app.forecast import gdp_features
from app.forecast import monthly_window as mw
from app.forecast.vintage_store import SNAPSHOT_DIR, load_snapshot
from app.model_store import version_dir
from tests.conftest import ROOT, png_size, serve_alone
from training import reports
from training.export import export_model
from training.forecast import backtest, blend, conformal, nowcast_model, spf
from training.forecast import train as train_forecast
from training.forecast.model import ForecastConfig, fit, validation_split


@pytest.fixture(scope="module")
def panel() -> mw.Panel:
    return mw.panel(load_snapshot(gdp_features.FETCHED).series)


@pytest.fixture(scope="module")
def training_set(panel: mw.Panel) -> tuple[np.ndarray, ...]:
    return backtest.training_set(panel)


def test_short_training_run_exports_with_backtest_metadata(tmp_path: Path) -> None:
    out = tmp_path / "gdp_forecast"
    args = ["--out", str(out), "--data-dir", str(SNAPSHOT_DIR), "--first-origin", "2024-01-01"]
    args += ["--blend-cutoff", "2025-01-01", "--max-epochs", "2", "--units", "4"]
    # The scratch cell with its options, so that one run also shows the export serving
    # without the cell's class; the library cells are served by the committed model.
    args += ["--cell", "scratch-gru", "--layer-norm", "--recurrent-dropout", "0.1"]
    # One network, not the default three: the mean of several in one graph has its own
    # test below. One refit for the whole backtest: so has the refit schedule.
    assert train_forecast.main([*args, "--members", "1", "--refit-every", "36"]) == 0
    extra = out / "1" / "assets.extra"
    meta = json.loads((extra / "metadata.json").read_text())
    assert meta["name"] == "gdp_forecast" and meta["input"] == "monthly_window"
    assert meta["command"].startswith("python -m training.forecast.train --out ")
    assert meta["command"].endswith("--members 1 --refit-every 36")
    assert meta["config"]["cell"] == "scratch-gru" and meta["config"]["layer_norm"] is True
    assert meta["config"]["recurrent_dropout"] == pytest.approx(0.1)
    assert meta["lookback_months"] == mw.LOOKBACK_MONTHS
    assert meta["data"]["interpolated"] == {
        "CPIAUCSL": ["2025-10"],
        "UNRATE": ["2025-10"],
        "INDPRO": [],
    }
    # The window carries INDPRO for the bridge; the network reads the other three.
    assert meta["channels"] == [*mw.CHANNELS, "indpro_growth"]
    assert meta["network_channels"] == list(mw.CHANNELS)
    weights = np.array(meta["blend"]["weights_per_horizon"])
    stale = np.array(meta["blend"]["bridge"]["weights_when_stale"])
    assert weights.shape == (4, 4) and stale.shape == (4, 3)
    for w in (weights, stale):
        assert np.allclose(w.sum(axis=1), 1) and (w >= 0).all()
    rows = pd.read_csv(extra / "backtest.csv", parse_dates=["origin", "target", "last_quarter"])
    # Origins every month from 2024-01 to 2026-08; the served column is the frozen blend,
    # with the bridge while INDPRO (to 2025-08 here) reaches the last GDP quarter.
    assert rows["origin"].min() == pd.Timestamp("2024-01-01")
    assert rows["origin"].dt.month.nunique() == 12
    fresh = rows["bridge_fresh"].astype(bool)
    assert (
        fresh[rows["origin"] <= "2025-09-01"].all()
        and not fresh[rows["origin"] >= "2025-12-01"].any()
    )
    h = rows["horizon"] - 1
    full = (weights[h] * rows[["network", "ar4", "no_change", "bridge"]]).sum(axis=1)
    without = (stale[h] * rows[["network", "ar4", "no_change"]]).sum(axis=1)
    np.testing.assert_allclose(rows["served"], np.where(fresh, full, without), atol=2e-4)
    np.testing.assert_allclose(rows["no_bridge"], without, atol=2e-4)
    # Scores from the cutoff on, per horizon and per months known.
    scores = meta["backtest"]["scores"]
    late = rows[rows["origin"] >= pd.Timestamp("2025-01-01")]
    h1 = late[late["horizon"] == 1]
    assert scores["all"]["by_horizon"]["n"][0] == len(h1)
    rmse = float(np.sqrt(((h1["served"] - h1["actual"]) ** 2).mean()))
    assert scores["all"]["by_horizon"]["served"][0] == pytest.approx(rmse, abs=2e-3)
    assert set(scores["all"]["by_months_known"]) == {"0", "1", "2"}
    assert set(meta["backtest"]["diebold_mariano"]["served"]) == {"ar4", "no_change"}
    # SPF surveys end in 2025Q3: its rows exist for the 2025 origins that know one month.
    assert meta["backtest"]["spf"]["all"]["n"][0] == len(
        h1[h1["months_known"] == 1].query("last_quarter <= '2025-04-01'")
    )
    assert [len(h["loss"]) for h in meta["training"]["histories"]] == [2]
    assert png_size(extra / "training_curves.png") == (572, 396)  # a panel per network
    # Drawn from what the export records alone: the command draws the same bytes again.
    drawn = {p.name: p.read_bytes() for p in extra.glob("*.png")}
    assert set(drawn) == {"training_curves.png", "backtest.png"}
    for p in extra.glob("*.png"):
        p.unlink()
    assert reports.main([str(out / "1")]) == 0
    assert {p.name: p.read_bytes() for p in extra.glob("*.png")} == drawn
    # The SavedModel answers the latest window as the backtest's last origin did.
    sig = tf.saved_model.load(str(out / "1")).signatures["serving_default"]
    channels = tuple(meta["channels"])
    window = mw.window(mw.panel(load_snapshot(gdp_features.FETCHED).series), None, channels)
    point = sig(window=tf.constant(window.values[None].astype(np.float32)))["gdp_growth"]
    assert point.shape == (1, 4) and np.all(np.abs(point.numpy()) < 20)
    # The SavedModel is the graph alone: it serves without training/.
    zeros = "{'window': tf.constant(np.zeros((2, 24, 8), 'float32'))}"
    assert serve_alone(out / "1", zeros, "gdp_growth") == "(2, 4) True"


def test_the_blended_graph_is_the_weighted_sum(training_set: tuple, tmp_path: Path) -> None:
    x, y, last, _ = training_set
    # The latest 240 windows: what is checked is the graph, not what it learnt.
    x, y, last = x[-240:].astype(np.float32), y[-240:].astype(np.float32), last[-240:]
    cfg = ForecastConfig(units=4, layers=1, max_epochs=2)
    fitted = fit(cfg, x, y, seed=1, origins=last, builder=nowcast_model.build)
    # The network is the mean of its three members, in one graph.
    assert len(fitted.members) == 3
    net = fitted.model.predict(x[:9], verbose=0)
    np.testing.assert_allclose(
        net, np.mean([m.predict(x[:9], verbose=0) for m in fitted.members], axis=0), atol=1e-5
    )
    coef = np.array([[0.5, 0.6, 0.1, 0.0, -0.1]] * 4)
    weights = np.array([[0.5, 0.3, 0.2], [0.2, 0.8, 0.0], [0, 0, 1], [1, 0, 0]])
    model = nowcast_model.blended(fitted.model, coef, weights)
    path = export_model(model, tmp_path, nowcast_model.input_spec(), "gdp_growth", {})
    got = tf.saved_model.load(str(path)).signatures["serving_default"](window=tf.constant(x[:9]))
    lags = x[:9, list(mw.GDP_STEPS), 0]  # newest first
    ar = coef[:, 0] + lags @ coef[:, 1:].T
    want = weights[:, 0] * net + weights[:, 1] * ar + weights[:, 2] * lags[:, :1]
    np.testing.assert_allclose(got["gdp_growth"].numpy(), want, rtol=1e-5, atol=1e-4)
    # Raw windows in, percent out: a window moved by +1 point of growth in its last
    # quarter moves every forecast that does not ignore it.
    shifted = x[:9].copy()
    shifted[:, -6:-3, 0] += 1.0
    moved = model.predict(shifted, verbose=0) - model.predict(x[:9], verbose=0)
    assert np.all(np.abs(moved) > 0.05)


def test_layer_norm_without_a_scratch_cell_is_refused(tmp_path: Path) -> None:
    args = ["--out", str(tmp_path / "gdp_forecast"), "--data-dir", str(SNAPSHOT_DIR)]
    with pytest.raises(ValueError, match="scratch cell"):
        train_forecast.main([*args, "--cell", "gru", "--layer-norm", "--max-epochs", "1"])
    assert not (tmp_path / "gdp_forecast").exists()


def test_early_stopping_never_judges_on_2020_21_targets(training_set: tuple) -> None:
    _, _, last, _ = training_set
    cfg = ForecastConfig()
    fit_idx, val_idx = validation_split(cfg, last, len(last))
    assert len(val_idx) == round(len(last) * cfg.validation_fraction)
    assert sorted([*fit_idx, *val_idx]) == list(range(len(last)))
    targets = {h: (last[val_idx] + pd.DateOffset(months=3 * h)).year for h in range(1, 5)}
    assert not any(np.isin(years, [2020, 2021]).any() for years in targets.values())
    assert last[val_idx[-1]] == last[-1]


def test_the_backtest_refits_on_time_and_never_sees_past_its_origin(panel: mw.Panel) -> None:
    fits: list[tuple[int, pd.Timestamp]] = []
    _, _, _, known_at = backtest.training_set(panel)

    def fit_model(x: np.ndarray, y: np.ndarray, last: pd.DatetimeIndex) -> backtest.Forecaster:
        fits.append((len(x), last[-1]))
        return lambda w: np.zeros((len(w), mw.HORIZON))

    results = backtest.run(panel, fit_model, "2023-01-01", 6, log=lambda s: None)
    origins = sorted(results["origin"].unique())
    assert origins[0] == pd.Timestamp("2023-01-01")
    assert len(fits) == -(-len(mw.origins(panel, "2023-01-01")) // 6)
    for k, (n_windows, newest) in enumerate(fits):
        origin = pd.Timestamp("2023-01-01") + pd.DateOffset(months=6 * k)
        # Trained on exactly the windows whose last target was out by the origin.
        assert n_windows == int((known_at <= origin).sum())
        last_target = newest + pd.DateOffset(months=12)
        assert mw.gdp_released(last_target) <= origin
    # Every forecast's target is h quarters after the origin's last published quarter,
    # and that quarter was published by the origin.
    gap = (results["target"].dt.to_period("Q") - results["last_quarter"].dt.to_period("Q")).map(
        lambda d: d.n
    )
    assert (gap == results["horizon"]).all()
    pairs = zip(results["last_quarter"], results["origin"], strict=True)
    assert all(mw.gdp_released(q) <= o for q, o in pairs)
    assert set(results["months_known"]) <= {0, 1, 2, 3}


def test_ar_peer_on_a_known_process() -> None:
    rng = np.random.default_rng(0)
    y = np.zeros(400)
    for t in range(1, len(y)):
        y[t] = 1.0 + 0.6 * y[t - 1] + rng.normal(0, 0.1)
    # AR(1) with mean 2.5: the h-step forecast decays towards the mean by 0.6 per step.
    expected = 2.5 + (y[-1] - 2.5) * 0.6 ** np.arange(1, 5)
    np.testing.assert_allclose(backtest.ar_forecast(y, 4), expected, atol=0.05)


def rows(actual: list[float], **models: list[float]) -> pd.DataFrame:
    n = len(actual)
    return pd.DataFrame(
        {
            "origin": pd.date_range("1990-01-01", periods=n, freq="MS"),
            "target": pd.date_range("1990-04-01", periods=n, freq="MS"),
            "horizon": 1,
            "months_known": 1,
            "actual": actual,
            **models,
        }
    )


def test_blend_weights_are_chosen_before_the_cutoff_only() -> None:
    rng = np.random.default_rng(1)
    a, b, c = rng.normal(size=(3, 200))
    # Before 2000 the outcome is 0.3 a + 0.7 b; afterwards it is c, which must not matter.
    actual = np.where(np.arange(200) < 120, 0.3 * a + 0.7 * b, c)
    results = rows(list(actual), network=list(a), ar4=list(b), no_change=list(c))
    weights = blend.choose(results, "2000-01-01", blend.COMPONENTS)
    np.testing.assert_allclose(weights, [[0.3, 0.7, 0.0]])
    np.testing.assert_allclose(blend.apply(results, weights, blend.COMPONENTS), 0.3 * a + 0.7 * b)
    # A horizon with no forecast before the cutoff has nothing to choose its weights on.
    two = pd.concat(
        [results, results.assign(horizon=2, origin=results["origin"] + pd.DateOffset(years=40))]
    )
    with pytest.raises(ValueError, match=r"horizon\(s\) \[2\]"):
        blend.choose(two, "2000-01-01", blend.COMPONENTS)


def test_split_conformal_rank() -> None:
    errors = np.arange(1.0, 41.0)  # 40 errors 1..40
    # Miss rate 0.2: ceil(41 * 0.8) = 33, the 33rd smallest.
    assert conformal.half_width(errors, 0.2) == 33.0
    # Rank 4 of 3, or a miss rate driven below 0: the largest error, not infinity.
    assert conformal.half_width(errors[:3], 0.2) == 3.0
    assert conformal.half_width(errors, -0.1) == 40.0


def test_conformal_coverage_is_measured_out_of_sample() -> None:
    rng = np.random.default_rng(2)
    n = 400
    noise = rng.normal(0, 1, n)
    results = rows(list(noise), model=list(np.zeros(n)))
    out = conformal.evaluate(results, "model", 0.8, "1995-01-01", window=40)
    # Gaussian errors: 80 % intervals from 40 past errors cover about 80 % of new ones.
    assert 0.72 < out["out_of_sample_all"][0] < 0.88
    assert out["checked_all"] == [n - 60]  # origins from 1995-01 on
    recent = np.sort(np.abs(noise[-40:]))
    assert out["half_width"]["1"]["1"] == pytest.approx(recent[32], abs=1e-3)
    assert out["miss_rate_now"]["1"]["1"] == pytest.approx(0.2)  # gamma 0: never moves


def test_adaptive_conformal_widens_after_a_regime_change() -> None:
    # Calm errors, then errors three times as large: plain split conformal under-covers
    # until the window has turned over; ACI's miss rate falls and its intervals widen.
    rng = np.random.default_rng(6)
    noise = np.concatenate([rng.normal(0, 1, 200), rng.normal(0, 3, 100)])
    results = rows(list(noise), model=list(np.zeros(300)))
    plain = conformal.evaluate(results, "model", 0.8, "2006-09-01", gamma=0.0)
    adaptive = conformal.evaluate(results, "model", 0.8, "2006-09-01", gamma=0.02)
    assert adaptive["out_of_sample_all"][0] > plain["out_of_sample_all"][0] + 0.05
    assert adaptive["miss_rate_now"]["1"]["1"] < 0.2


def test_the_floor_keeps_calm_years_from_narrowing_the_intervals() -> None:
    # A volatile decade, a calm one (the window still holds the volatile errors, so the
    # calm hardly misses), then a shock. Free, ACI's miss rate climbs through the calm
    # and the shock meets narrow intervals; with the floor it stays at 0.2.
    rng = np.random.default_rng(7)
    noise = np.concatenate([rng.normal(0, 2, 80), rng.normal(0, 0.5, 40), rng.normal(0, 2, 40)])
    results = rows(list(noise), model=list(np.zeros(160)))
    calm = results[results["origin"] < "2000-01-01"]  # the volatile and the calm decades
    free, held = (
        conformal.evaluate(calm, "model", 0.8, "1990-01-01", 0.02, floor=f) for f in (False, True)
    )
    assert free["miss_rate_now"]["1"]["1"] > 0.3
    assert held["miss_rate_now"]["1"]["1"] == pytest.approx(0.2)
    free, held = (
        conformal.evaluate(results, "model", 0.8, "2000-01-01", 0.02, floor=f)
        for f in (False, True)
    )
    assert held["out_of_sample_all"][0] > free["out_of_sample_all"][0] + 0.1
    assert held["floor"] is True and free["floor"] is False


def test_diebold_mariano_sign_and_size() -> None:
    rng = np.random.default_rng(3)
    actual = rng.normal(size=300)
    better = actual + rng.normal(0, 0.5, 300)
    worse = actual + rng.normal(0, 1.5, 300)
    results = rows(list(actual), a=list(better), b=list(worse))
    (t,) = backtest.diebold_mariano(results, "a", "b")
    assert t < -5
    (t_reverse,) = backtest.diebold_mariano(results, "b", "a")
    assert t_reverse == -t


def test_spf_growth_compounds_onto_observed_levels(tmp_path: Path) -> None:
    # Observed GDP grows 4 % a year (annualised q/q) until 2000Q4; the survey of 2001Q1
    # forecasts 4 % then 0 %: y/y growth is 4 % at h1 and falls as the zeros enter.
    quarters = pd.date_range("1998-01-01", "2000-10-01", freq="QS")
    level = pd.Series(100 * 1.04 ** (np.arange(len(quarters)) / 4), index=quarters)
    csv = tmp_path / "spf.csv"
    csv.write_text(
        "YEAR,QUARTER,DRGDP2,DRGDP3,DRGDP4,DRGDP5,DRGDP6\n2001,1,4,0,0,0,\n2001,2,4,4,,4,4\n"
    )
    got = spf.forecasts(csv, level)
    assert list(got["last_quarter"].unique()) == [pd.Timestamp("2000-10-01")]  # 2001Q2 has a gap
    assert list(got["target"]) == list(pd.date_range("2001-01-01", periods=4, freq="QS"))
    expected = [100 * (1.04 ** ((4 - k) / 4) - 1) for k in range(4)]
    np.testing.assert_allclose(got["spf"], expected, atol=1e-9)


def test_committed_model_records_its_backtest() -> None:
    version = version_dir(ROOT / "models" / "gdp_forecast")  # the served one
    meta = json.loads((version / "assets.extra" / "metadata.json").read_text())
    rows = pd.read_csv(version / "assets.extra" / "backtest.csv", parse_dates=["origin", "target"])
    late = rows[rows["origin"] >= pd.Timestamp(meta["blend"]["chosen_on_origins_before"])]
    # The recorded scores are the CSV's, for the served blend and AR(4), every horizon.
    for subset, part in (
        ("all", late),
        ("excl_2020_21", late[~late["target"].dt.year.isin([2020, 2021])]),
    ):
        for name in ("served", "ar4"):
            err = (part[name] - part["actual"]) ** 2
            rmse = np.sqrt(err.groupby(part["horizon"]).mean()).round(3).tolist()
            assert meta["backtest"]["scores"][subset]["by_horizon"][name] == pytest.approx(
                rmse, abs=1e-3
            )


def test_lagging_copies_end_a_series_early_and_keep_time_order(training_set: tuple) -> None:
    x, y, last, _ = training_set
    x, y, last = x[-50:], y[-50:], last[-50:]
    unrate = mw.CHANNELS.index("unrate")
    n = len(mw.CHANNELS)
    xs, ys, lasts = nowcast_model.with_lagging_copies(x, y, last, [unrate], seed=0)
    assert len(xs) == 100 and lasts.is_monotonic_increasing
    # Every window is there once as it was, and once as a copy with the same target.
    as_was = [any((w == o).all() for w in xs) for o in x]
    assert all(as_was)
    copies = [w for w in xs if not any((w == o).all() for o in x)]
    assert len(copies) >= 30  # a cut within the months not yet published makes a twin
    for w in copies:
        flags = w[:, n + unrate]
        end = int(np.flatnonzero(flags)[-1]) if flags.any() else -1
        # After the cut the last figure is carried, unflagged.
        if end >= 0:
            assert (w[end + 1 :, unrate] == w[end, unrate]).all()
    np.testing.assert_array_equal(np.sort(ys, axis=0), np.sort(np.concatenate([y, y]), axis=0))
