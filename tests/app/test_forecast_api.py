"""GET /forecast and POST /admin/refresh over real HTTP, with a FRED stand-in on loopback."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import Server
from tests.fred_standin import FredStandIn


def quarters(body: dict) -> list[str]:
    return [f["quarter"] for f in body["forecasts"]]


def wait_for_refresh(http: httpx.Client, timeout: float = 30) -> dict:
    """The startup refresh runs in the background: wait until it has reported."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = http.get("/forecast").json()
        if body["inputs"]["last_refresh"] is not None:
            return body
        time.sleep(0.1)
    raise AssertionError("the startup refresh did not report")


def fred_env(standin: FredStandIn, data_dir: Path) -> dict[str, str]:
    return {
        "FRED_URL": standin.url,
        "DATA_DIR": str(data_dir),
        "FRED_TIMEOUT_SECONDS": "1",
        "FRED_RETRIES": "1",
        "FRED_BACKOFF_SECONDS": "0.05",
        "REFRESH_RETRY_SECONDS": "3600",
        "REFRESH_INTERVAL_MINUTES": "600",
    }


def test_snapshot_forecast_when_fred_is_unreachable(server: Server) -> None:
    with server.client() as http:
        body = wait_for_refresh(http)
    assert body["model"]["name"] == "gdp_forecast"
    assert body["last_observed_quarter"] == "2026Q2"
    assert quarters(body) == ["2026Q3", "2026Q4", "2027Q1", "2027Q2"]
    assert [f["date"] for f in body["forecasts"]] == [
        "2026-07-01",
        "2026-10-01",
        "2027-01-01",
        "2027-04-01",
    ]
    for f in body["forecasts"]:
        assert f["lower"] <= f["gdp_growth_yoy"] <= f["upper"]
        assert -15 < f["gdp_growth_yoy"] < 15
    inputs = body["inputs"]
    assert inputs["source"] == "snapshot" and inputs["vintage"].startswith("snapshot-")
    assert inputs["last_observation"] == {
        "GDPC1": "2026-04-01",
        "CPIAUCSL": "2026-07-01",
        "UNRATE": "2026-07-01",
    }
    # The snapshot is as of 2026-08-31: far older than STALE_AFTER_HOURS (72).
    assert inputs["stale"] is True and inputs["age_hours"] > 72
    assert inputs["interpolated_months"] == {"CPIAUCSL": ["2025-10"], "UNRATE": ["2025-10"]}
    assert inputs["last_refresh"]["ok"] is False
    # The test servers' FRED is a closed loopback port: the refusal is what is reported.
    reason = inputs["last_refresh"]["reason"]
    assert "GDPC1" in reason and "127.0.0.1" in reason


FAULTS = [
    ("http_500", "GDPC1"),
    ("http_404", "GDPC1"),
    ("slow", "GDPC1"),
    ("truncated", "truncated"),
    ("html", "HTML"),
    ("wrong_series", "PAYEMS"),
    ("non_numeric", "non-numeric"),
    ("out_of_order", "was due"),
    ("shorter", "shorter"),
]


def test_faults_keep_the_last_good_forecast(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    with FredStandIn(slow_seconds=2.5) as fred:
        srv = server_factory(fred_env(fred, tmp_path / "data"))
        with srv.client() as http:
            good = wait_for_refresh(http)
            assert good["inputs"]["source"] == "fred" and good["inputs"]["stale"] is False
            assert good["inputs"]["last_refresh"]["ok"] is True
            assert any("id=UNRATE" in r for r in fred.requests)
            for mode, reason in FAULTS:
                fred.mode = mode
                response = http.post("/admin/refresh")
                assert response.status_code == 502, (mode, response.text)
                outcome = response.json()
                assert outcome["ok"] is False and reason in outcome["reason"], (mode, outcome)
                assert outcome["current_vintage"] == good["inputs"]["vintage"]
                after = http.get("/forecast").json()
                assert after["forecasts"] == good["forecasts"], mode
                assert after["inputs"]["vintage"] == good["inputs"]["vintage"]
                assert after["inputs"]["last_refresh"]["ok"] is False
                assert reason in after["inputs"]["last_refresh"]["reason"]
            fred.mode = "ok"
            assert http.post("/admin/refresh").status_code == 200


def test_new_quarter_moves_forward_and_survives_a_failing_restart(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    with FredStandIn() as fred:
        fred.mode = "new_quarter"
        srv = server_factory(fred_env(fred, data_dir))
        with srv.client() as http:
            body = wait_for_refresh(http)
            assert body["inputs"]["last_refresh"]["ok"] is True
            assert body["last_observed_quarter"] == "2026Q3"
            assert quarters(body) == ["2026Q4", "2027Q1", "2027Q2", "2027Q3"]
            assert body["inputs"]["last_observation"]["GDPC1"] == "2026-07-01"
            assert body["inputs"]["source"] == "fred"
            # The history behind the page moves with the forecast.
            history = http.get("/forecast/history", params={"quarters": 2}).json()
            assert [q["quarter"] for q in history["quarters"]] == ["2026Q2", "2026Q3"]
            assert history["vintage"] == body["inputs"]["vintage"]
        srv.proc.terminate()
        srv.proc.wait(timeout=15)

        # A newer vintage cut short on disk must be skipped at the next start.
        (good,) = sorted((data_dir / "vintages").glob("vintage-*.json"))
        cut = good.with_name("vintage-29990101T000000000000Z.json")
        cut.write_bytes(good.read_bytes()[:1000])

        fred.mode = "http_500"
        again = server_factory(fred_env(fred, data_dir))
        with again.client() as http:
            body2 = wait_for_refresh(http)
    assert body2["inputs"]["last_refresh"]["ok"] is False
    assert body2["last_observed_quarter"] == "2026Q3"
    assert body2["inputs"]["source"] == "fred"
    assert body2["inputs"]["vintage"] == body["inputs"]["vintage"]
    assert body2["forecasts"] == body["forecasts"]


@pytest.mark.parametrize("workers", [2])
def test_one_scheduler_per_data_dir(
    server_factory: Callable[..., Server], tmp_path: Path, workers: int
) -> None:
    """Several processes on one DATA_DIR: only the lock holder asks FRED."""
    with FredStandIn() as fred:
        env = fred_env(fred, tmp_path / "data")
        servers = [server_factory(env) for _ in range(workers)]
        with servers[0].client() as http:
            wait_for_refresh(http)
        time.sleep(1.0)
        # One refresh = one request per series.
        assert len(fred.requests) == 3, fred.requests
        reports = []
        for srv in servers:
            with srv.client() as http:
                reports.append(http.get("/forecast").json()["inputs"]["last_refresh"])
        assert sum(r is not None for r in reports) == 1


def test_followers_pick_up_the_shared_store_and_take_over(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    """Replicas on one DATA_DIR: one refreshes, the others serve what it stores, and one
    of them takes the refresh over when the first goes away."""
    with FredStandIn() as fred:
        fred.mode = "new_quarter"
        env = {**fred_env(fred, tmp_path / "data"), "STORE_RELOAD_SECONDS": "0.5"}
        leader = server_factory(env)
        with leader.client() as http:
            assert wait_for_refresh(http)["last_observed_quarter"] == "2026Q3"
        follower = server_factory(env)
        reader = server_factory({**env, "SCHEDULER_ENABLED": "false"})
        for srv in (follower, reader):
            with srv.client() as http:
                body = http.get("/forecast").json()
                for _ in range(50):
                    if body["last_observed_quarter"] == "2026Q3":
                        break
                    time.sleep(0.1)
                    body = http.get("/forecast").json()
            assert body["last_observed_quarter"] == "2026Q3"
            assert body["inputs"]["source"] == "fred"
            assert body["inputs"]["last_refresh"] is None  # it did not ask FRED itself
        assert len(fred.requests) == 3

        leader.proc.kill()
        leader.proc.wait(timeout=15)
        with follower.client() as http:
            deadline = time.monotonic() + 15
            while http.get("/forecast").json()["inputs"]["last_refresh"] is None:
                assert time.monotonic() < deadline, "no process took the refresh over"
                time.sleep(0.1)
        assert len(fred.requests) == 6
