from __future__ import annotations

import math

import pytest

from app.forecast import fred_csv
from tests.fred_standin import SNAPSHOT

GOOD = "observation_date,UNRATE\n" + "".join(
    f"2020-{m:02d}-01,{4 + m / 10:.1f}\n" for m in range(1, 13)
)


def test_good_series_parses() -> None:
    s = fred_csv.parse(GOOD, "UNRATE")
    assert len(s) == 12 and s.iloc[0] == 4.1 and s.name == "UNRATE"


@pytest.mark.parametrize("marker", ["", "."])
def test_missing_markers(marker: str) -> None:
    text = GOOD.replace("2020-05-01,4.5", f"2020-05-01,{marker}")
    assert math.isnan(fred_csv.parse(text, "UNRATE").iloc[4])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("<html><body>Error</body></html>\n", "HTML"),
        (GOOD[:-7], "truncated"),
        (GOOD.replace("UNRATE", "PAYEMS"), "series 'PAYEMS'"),
        (GOOD.replace("observation_date", "when"), "header"),
        (GOOD.replace("2020-03-01,4.3", "2020-03-01,abc"), "non-numeric"),
        (GOOD.replace("2020-03-01,4.3", "2020-03-01,85.0"), "outside"),
        (GOOD.replace("2020-03-01", "2020-04-01", 1), "out of order"),
        (GOOD.replace("2020-03-01,4.3\n", ""), "gap"),
        (GOOD.replace("2020-03-01,4.3", "2020-03-01,4.3,9"), "3 fields"),
        (GOOD.replace("2020-12-01,5.2", "2020-12-01,"), "last observation"),
        ("observation_date,UNRATE\n2020-01-01,4.0\n", "only 1"),
    ],
)
def test_bad_answers_are_rejected_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(fred_csv.InvalidSeries, match=reason):
        fred_csv.parse(text, "UNRATE")


def test_quarterly_grid_is_enforced() -> None:
    text = (SNAPSHOT / "GDPC1.csv").read_text()
    assert len(fred_csv.parse(text, "GDPC1")) == 318
    with pytest.raises(fred_csv.InvalidSeries, match="was due"):
        fred_csv.parse(text.replace("2026-04-01", "2026-05-01"), "GDPC1")


def test_shorter_history_is_rejected() -> None:
    full = fred_csv.parse(GOOD, "UNRATE")
    with pytest.raises(fred_csv.InvalidSeries, match="shorter"):
        fred_csv.check_not_shorter(full.iloc[:-1], full)
    fred_csv.check_not_shorter(full, full.iloc[:-1])


def test_csv_round_trip() -> None:
    s = fred_csv.parse((SNAPSHOT / "CPIAUCSL.csv").read_text(), "CPIAUCSL")
    again = fred_csv.parse(fred_csv.to_csv(s), "CPIAUCSL")
    assert again.equals(s)
