"""Plausibility of a new vintage against each series' own history, on the real snapshot."""

from __future__ import annotations

import pandas as pd
import pytest

from app.forecast import gdp_features, plausibility
from app.forecast.vintage_store import load_snapshot

SNAPSHOT = load_snapshot(gdp_features.SERIES).series


def extended(name: str, *values: float) -> pd.Series:
    s = SNAPSHOT[name]
    step = 3 if name == "GDPC1" else 1
    when = [s.index[-1] + pd.DateOffset(months=step * (k + 1)) for k in range(len(values))]
    return pd.concat([s, pd.Series(values, index=pd.DatetimeIndex(when))]).rename(name)


def test_the_snapshot_against_itself_is_plausible() -> None:
    plausibility.check(SNAPSHOT, SNAPSHOT)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GDPC1", 24_391.0),  # an ordinary quarter
        ("GDPC1", 24_269.6 * 0.80),  # a shock worse than 2020's (-22 %), still believable
        ("UNRATE", 4.1 + 25.0),  # 2.4 times April 2020's jump
        ("CPIAUCSL", 332.813 * 1.05),  # 5 % in a month
    ],
)
def test_large_but_possible_moves_pass(name: str, value: float) -> None:
    assert plausibility.problems(extended(name, value), SNAPSHOT[name]) == []


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("GDPC1", 99_999.0, "GDPC1: 2026-07 moves +141.6 %, more than 3x"),
        ("GDPC1", 24_269.6 * 0.7, "GDPC1: 2026-07 moves -35.7 %"),
        ("UNRATE", 39.9, "UNRATE: 2026-08 moves +35.8 points"),
        ("CPIAUCSL", 1_999.0, "CPIAUCSL: 2026-08 moves +179.3 %"),
    ],
)
def test_moves_far_beyond_the_record_are_implausible(name: str, value: float, says: str) -> None:
    (problem,) = plausibility.problems(extended(name, value), SNAPSHOT[name])
    assert problem.startswith(says)


def test_a_rebased_series_is_a_plausible_revision() -> None:
    # A new base year scales every level; the moves stay the moves.
    rebased = SNAPSHOT["GDPC1"] * 1.17
    assert plausibility.problems(rebased, SNAPSHOT["GDPC1"]) == []
    revised = SNAPSHOT["UNRATE"].copy()
    revised.iloc[-12:] += 0.2  # a seasonal-factor revision
    assert plausibility.problems(revised, SNAPSHOT["UNRATE"]) == []


def test_an_old_value_rewritten_is_an_implausible_revision() -> None:
    edited = SNAPSHOT["GDPC1"].copy()
    edited.loc["1990-01-01"] *= 1.5
    (problem,) = plausibility.problems(edited, SNAPSHOT["GDPC1"])
    assert problem.startswith("GDPC1: the move at 1990-")
    assert "revised from" in problem


def test_check_names_every_problem_at_once() -> None:
    new = {
        "GDPC1": extended("GDPC1", 99_999.0),
        "CPIAUCSL": extended("CPIAUCSL", 333.4),
        "UNRATE": extended("UNRATE", 39.9),
    }
    with pytest.raises(plausibility.Implausible) as info:
        plausibility.check(new, SNAPSHOT)
    assert str(info.value).count(";") == 1
    assert "GDPC1" in str(info.value) and "UNRATE" in str(info.value)
