"""The INDPRO bridge regression: its fit, its freshness rule, and the same arithmetic in
the served graph, fresh and stale."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

from app.forecast import gdp_features
from app.forecast import monthly_window as mw
from app.forecast.vintage_store import load_snapshot
from training.export import export_model
from training.forecast import backtest, bridge, nowcast_model
from training.forecast.model import ForecastConfig

WITH_INDPRO = (*mw.CHANNELS, "indpro_growth")
INDPRO = WITH_INDPRO.index("indpro_growth")


@pytest.fixture(scope="module")
def panel() -> mw.Panel:
    return mw.panel(load_snapshot(gdp_features.FETCHED).series)


def windows_at(p: mw.Panel, months: list[str]) -> np.ndarray:
    return np.stack([mw.window(p, pd.Timestamp(m), WITH_INDPRO).values for m in months])


def test_the_fit_recovers_a_known_bridge(panel: mw.Panel) -> None:
    x, _, _, _ = backtest.training_set(panel, WITH_INDPRO)
    inputs, fresh = bridge.features(x, INDPRO)
    assert fresh.all()  # every training window up to 2025 has INDPRO to its last quarter
    true = np.array([[1.0, 0.5, 0.1, 0.0, -0.1, 0.3, -0.2]] * mw.HORIZON)
    true[:, 0] += np.arange(mw.HORIZON)  # a different constant per horizon
    targets = true[:, 0] + inputs @ true[:, 1:].T
    np.testing.assert_allclose(bridge.fit(x, targets, INDPRO, ridge=0.0).coef, true, atol=1e-8)
    # The ridge pulls the slopes a little towards zero, never the constant's level.
    pulled = bridge.fit(x, targets, INDPRO).coef
    np.testing.assert_allclose(pulled, true, atol=0.02)
    assert np.abs(pulled[:, 1:]).sum() < np.abs(true[:, 1:]).sum()


def test_the_newest_indpro_and_the_figure_three_months_before(panel: mw.Panel) -> None:
    (w,) = windows_at(panel, ["2008-10-01"])
    inputs, fresh = bridge.features(w[None], INDPRO)
    # At the end of October 2008 INDPRO is out to September, step -4 of the window.
    indpro = panel.monthly["indpro_growth"]
    assert inputs[0, 4] == pytest.approx(indpro[pd.Timestamp("2008-09-01")])
    assert inputs[0, 5] == pytest.approx(indpro[pd.Timestamp("2008-06-01")])
    np.testing.assert_allclose(inputs[0, :4], w[list(mw.GDP_STEPS), 0])
    assert fresh[0]


def test_fresh_means_reaching_the_last_gdp_quarter_in_training_and_serving(
    panel: mw.Panel,
) -> None:
    months = [f"{m:%Y-%m-%d}" for m in pd.date_range("2024-01-01", "2026-08-01", freq="MS")]
    _, fresh = bridge.features(windows_at(panel, months), INDPRO)
    served = [
        mw.reaches_last_quarter(mw.window(panel, pd.Timestamp(m), WITH_INDPRO), "INDPRO")
        for m in months
    ]
    assert list(fresh) == served
    # The snapshot's INDPRO ends 2025-08: fresh until 2025Q3's GDP is out (in December).
    assert fresh[months.index("2025-11-01")] and not fresh[months.index("2025-12-01")]
    assert mw.reaches_last_quarter(mw.window(panel, None, WITH_INDPRO), "INDPRO") is False


def test_the_served_graph_blends_the_bridge_only_when_fresh(
    panel: mw.Panel, tmp_path: Path
) -> None:
    x, y, _, _ = backtest.training_set(panel, WITH_INDPRO)
    used = len(mw.CHANNELS)
    net_x = nowcast_model.network_inputs(x, len(WITH_INDPRO), used).astype(np.float32)
    # An unfitted network: what is checked is how the graph blends its answer.
    cfg = ForecastConfig(units=4, layers=1)
    network = nowcast_model.build(cfg, net_x, y.astype(np.float32), "member_1")
    ar = np.array([[0.5, 0.6, 0.1, 0.0, -0.1]] * 4)
    weights = np.array([[0.1, 0.2, 0.3, 0.4], [0, 0, 0, 1], [0.5, 0.5, 0, 0], [0.25] * 4])
    fallback = np.array([[0.2, 0.3, 0.5], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    fitted = bridge.fit(x, y, INDPRO)
    term = nowcast_model.BridgeTerm(fitted.coef, INDPRO, fallback)
    model = nowcast_model.blended(network, ar, weights, term, len(WITH_INDPRO))
    path = export_model(model, tmp_path, nowcast_model.input_spec(WITH_INDPRO), "gdp_growth", {})
    w = windows_at(panel, ["2008-10-01", "2020-05-01", "2025-11-01", "2025-12-01", "2026-08-01"])
    w = w.astype(np.float32)
    got = tf.saved_model.load(str(path)).signatures["serving_default"](window=tf.constant(w))
    net = network.predict(nowcast_model.network_inputs(w, len(WITH_INDPRO), used), verbose=0)
    lags = w[:, list(mw.GDP_STEPS), 0]
    peers = [net, ar[:, 0] + lags @ ar[:, 1:].T, np.repeat(lags[:, :1], 4, axis=1)]
    with_bridge = sum(weights[:, i] * f for i, f in enumerate([*peers, fitted(w, INDPRO)]))
    without = sum(fallback[:, i] * f for i, f in enumerate(peers))
    fresh = np.array([True, True, True, False, False])
    want = np.where(fresh[:, None], with_bridge, without)
    np.testing.assert_allclose(got["gdp_growth"].numpy(), want, rtol=1e-5, atol=1e-4)
    # A stale window's newest INDPRO figure changes nothing; a fresh one's moves the
    # forecast at every horizon that gives the bridge weight.
    moved = w.copy()
    moved[:, -1, INDPRO] += 2.0
    diff = model.predict(moved, verbose=0) - model.predict(w, verbose=0)
    assert np.all(np.abs(diff[~fresh]) < 1e-5)
    assert np.all(np.abs(diff[fresh][:, [0, 1, 3]]) > 1e-3)
