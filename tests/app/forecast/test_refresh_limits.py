"""A refresh is bounded: one deadline for the whole fetch, a cap on each answer's size,
and one fetch at a time however many ask. Over real HTTP, with the FRED stand-in.

The tests share one server and stand-in: each sets the stand-in's mode for what it
checks and puts it back, and none of them stores new figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from app.forecast import fred_client, gdp_features
from tests.app.forecast.test_forecast_api import fred_env, wait_for_refresh
from tests.conftest import Server, start_server, stop_server
from tests.fred_standin import FredStandIn

DEADLINE_SECONDS = 4
# Each slow answer takes this long: the four series in half the deadline.
SLOW_SECONDS = 0.5


@pytest.fixture(scope="module")
def bounded(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FredStandIn, Server, Path, dict]]:
    data_dir = tmp_path_factory.mktemp("bounded") / "data"
    with FredStandIn(slow_seconds=SLOW_SECONDS, drip_seconds=0.2) as fred:
        env = {
            **fred_env(fred, data_dir),
            "FRED_TIMEOUT_SECONDS": "3",
            "FRED_DEADLINE_SECONDS": str(DEADLINE_SECONDS),
            "FRED_RETRIES": "0",
            "FRED_MAX_BYTES": str(1 << 20),
        }
        srv = start_server(data_dir.parent, env)
        try:
            with srv.client() as http:
                good = wait_for_refresh(http)
            yield fred, srv, data_dir, good
        finally:
            stop_server(srv)


@pytest.fixture
def fred(bounded: tuple[FredStandIn, Server, Path, dict]) -> Iterator[FredStandIn]:
    yield bounded[0]
    bounded[0].mode = "ok"


def test_a_dripping_fred_is_stopped_by_the_refresh_deadline(
    bounded: tuple[FredStandIn, Server, Path, dict], fred: FredStandIn
) -> None:
    # A byte every 0.2 s: every read comes well inside the 3 s timeout, and GDPC1's
    # 6.5 KB would take over 20 minutes. Only the deadline ends it.
    _, srv, _, good = bounded
    with srv.client(timeout=60) as http:
        fred.mode = "drip"
        response = http.post("/admin/refresh")
        after = http.get("/forecast").json()
    assert response.status_code == 502
    assert (
        f"GDPC1: no complete answer within the refresh deadline of {DEADLINE_SECONDS} s"
        in (response.json()["reason"])
    )
    assert after["forecasts"] == good["forecasts"]


def test_an_answer_that_inflates_past_the_cap_is_refused(
    bounded: tuple[FredStandIn, Server, Path, dict], fred: FredStandIn
) -> None:
    _, srv, _, _ = bounded
    with srv.client(timeout=60) as http:
        fred.mode = "gzip_bomb"  # 64 KiB of gzip that inflates to 64 MiB
        response = http.post("/admin/refresh")
    assert response.status_code == 502
    assert "GDPC1: answer larger than 1048576 bytes" in response.json()["reason"]


def test_concurrent_refreshes_join_the_one_in_flight(
    bounded: tuple[FredStandIn, Server, Path, dict], fred: FredStandIn
) -> None:
    _, srv, data_dir, _ = bounded
    before = len(fred.arrivals)
    fred.mode = "slow"

    def refresh(_: int) -> httpx.Response:
        with srv.client(timeout=60) as http:
            return http.post("/admin/refresh")

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(refresh, range(10)))
    assert [a.status_code for a in answers] == [200] * 10
    # One fetch of the four series, and every caller got its outcome.
    assert len(fred.arrivals) - before == len(gdp_features.FETCHED)
    assert len({a.json()["at"] for a in answers}) == 1
    # The same figures again: no new vintage beside the first.
    assert len(list((data_dir / "vintages").glob("vintage-*.json"))) == 1


def test_fred_asking_to_come_back_in_an_hour_is_retried_within_the_deadline() -> None:
    # A 503 with "Retry-After: 3600": urllib3 alone would wait the hour before each
    # retry. The retries still happen, each wait cut to what is left of the deadline,
    # and the refresh fails on FRED's own answer.
    limits = fred_client.Limits(retries=2, backoff=0.01, deadline_seconds=1.0)
    with FredStandIn() as fred:
        fred.mode = "busy"
        with pytest.raises(fred_client.FetchError, match="GDPC1: HTTP 503"):
            fred_client.fetch(["GDPC1", "CPIAUCSL"], fred.url, limits)
        assert fred.asked() == ["GDPC1"] * 3
