"""A refresh is bounded: one deadline for the whole fetch, a cap on each answer's size,
and one fetch at a time however many ask. Over real HTTP, with the FRED stand-in."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from app.forecast import gdp_features
from tests.app.forecast.test_forecast_api import fred_env, wait_for_refresh
from tests.conftest import Server
from tests.fred_standin import FredStandIn


def test_a_dripping_fred_is_stopped_by_the_refresh_deadline(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    # A byte every 0.2 s: every read comes well inside the 3 s timeout, and GDPC1's
    # 6.5 KB would take over 20 minutes. Only the deadline ends it.
    with FredStandIn(drip_seconds=0.2) as fred:
        env = {**fred_env(fred, tmp_path / "data"), "FRED_TIMEOUT_SECONDS": "3"}
        srv = server_factory({**env, "FRED_DEADLINE_SECONDS": "2", "FRED_RETRIES": "0"})
        with srv.client(timeout=60) as http:
            good = wait_for_refresh(http)
            fred.mode = "drip"
            response = http.post("/admin/refresh")
            after = http.get("/forecast").json()
    assert response.status_code == 502
    assert (
        "GDPC1: no complete answer within the refresh deadline of 2 s"
        in (response.json()["reason"])
    )
    assert after["forecasts"] == good["forecasts"]


def test_an_answer_that_inflates_past_the_cap_is_refused(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    with FredStandIn() as fred:
        env = {**fred_env(fred, tmp_path / "data"), "FRED_MAX_BYTES": str(1 << 20)}
        srv = server_factory(env)
        with srv.client(timeout=60) as http:
            wait_for_refresh(http)
            fred.mode = "gzip_bomb"  # 64 KiB of gzip that inflates to 64 MiB
            response = http.post("/admin/refresh")
    assert response.status_code == 502
    assert "GDPC1: answer larger than 1048576 bytes" in response.json()["reason"]


def test_concurrent_refreshes_join_the_one_in_flight(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    with FredStandIn(slow_seconds=1.0) as fred:
        env = {**fred_env(fred, tmp_path / "data"), "FRED_TIMEOUT_SECONDS": "10"}
        srv = server_factory(env)
        with srv.client() as http:
            wait_for_refresh(http)
        before = len(fred.requests)
        fred.mode = "slow"

        def refresh(_: int) -> httpx.Response:
            with srv.client(timeout=60) as http:
                return http.post("/admin/refresh")

        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(refresh, range(10)))
    assert [a.status_code for a in answers] == [200] * 10
    # One fetch of the four series, and every caller got its outcome.
    assert len(fred.requests) - before == len(gdp_features.FETCHED)
    assert len({a.json()["at"] for a in answers}) == 1
    # The same figures again: no new vintage beside the first.
    assert len(list((tmp_path / "data" / "vintages").glob("vintage-*.json"))) == 1
