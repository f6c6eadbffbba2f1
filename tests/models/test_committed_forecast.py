"""The committed forecast model's backtest, checked from its own files: the figures its
metadata (and so the README) reports are those of `backtest.csv`, the served column is
the frozen blend it claims to be, it is no worse than AR(4) at any horizon, and it meets
the outlook's RMSE and coverage targets."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from app.model_store import version_dir
from tests.conftest import ROOT
from training.forecast import conformal

PATH = version_dir(ROOT / "models" / "gdp_forecast")
TARGETS = (0.72, 1.15, 1.60, 1.75)


@pytest.fixture(scope="module")
def meta() -> dict:
    return json.loads((PATH / "assets.extra" / "metadata.json").read_text())


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    csv = PATH / "assets.extra" / "backtest.csv"
    return pd.read_csv(csv, parse_dates=["origin", "target", "last_quarter"])


def rmse(part: pd.DataFrame, model: str) -> list[float]:
    err = (part[model] - part["actual"]) ** 2
    return [float(np.sqrt(v)) for v in err.groupby(part["horizon"]).mean()]


def test_the_served_column_is_the_frozen_blend(meta: dict, rows: pd.DataFrame) -> None:
    blend = meta["blend"]
    weights = np.array(blend["weights_per_horizon"])
    h = rows["horizon"] - 1
    full = (weights[h] * rows[blend["components"]]).sum(axis=1)
    if blend.get("bridge"):
        stale = np.array(blend["bridge"]["weights_when_stale"])
        without = (stale[h] * rows[["network", "ar4", "no_change"]]).sum(axis=1)
        full = np.where(rows["bridge_fresh"].astype(bool), full, without)
    np.testing.assert_allclose(rows["served"], full, atol=2e-4)
    # The weights were chosen on origins before the scored ones.
    assert blend["chosen_on_origins_before"] <= meta["backtest"]["scored_from"]


@pytest.mark.parametrize("subset", ["all", "excl_2020_21"])
def test_reported_scores_are_the_csv_and_no_worse_than_ar4(
    meta: dict, rows: pd.DataFrame, subset: str
) -> None:
    late = rows[rows["origin"] >= pd.Timestamp(meta["backtest"]["scored_from"])]
    if subset == "excl_2020_21":
        late = late[~late["target"].dt.year.isin([2020, 2021])]
    reported = meta["backtest"]["scores"][subset]["by_horizon"]
    served, ar4 = rmse(late, "served"), rmse(late, "ar4")
    np.testing.assert_allclose(reported["served"], served, atol=1e-3)
    np.testing.assert_allclose(reported["ar4"], ar4, atol=1e-3)
    assert all(s <= a for s, a in zip(served, ar4, strict=True)), (served, ar4)


def test_the_targets_hold_and_the_coverage_is_the_csvs(meta: dict, rows: pd.DataFrame) -> None:
    """The outlook's targets: RMSE at most 0.72 / 1.15 / 1.60 / 1.75 outside 2020-21, and
    80 % intervals covering 78-85 % at every horizon over all targets, replayed here
    from the backtest file with the recorded gamma."""
    late = rows[rows["origin"] >= pd.Timestamp(meta["backtest"]["scored_from"])]
    calm = late[~late["target"].dt.year.isin([2020, 2021])]
    assert all(r <= t for r, t in zip(rmse(calm, "served"), TARGETS, strict=True))
    bands = meta["intervals"]
    replayed = conformal.evaluate(
        rows,
        "served",
        bands["coverage"],
        meta["backtest"]["scored_from"],
        bands["gamma"],
        floor=bands.get("floor", False),
    )
    # The file holds forecasts to 4 decimals: a hit on the edge may turn.
    np.testing.assert_allclose(replayed["out_of_sample_all"], bands["out_of_sample_all"], atol=0.01)
    assert all(0.78 <= c <= 0.85 for c in bands["out_of_sample_all"]), bands["out_of_sample_all"]
