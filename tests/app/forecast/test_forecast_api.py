"""GET /forecast and POST /admin/refresh over real HTTP, with a FRED stand-in on loopback."""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from app.forecast import fred_csv, gdp_features, monthly_window
from app.forecast.vintage_store import Vintage, load_snapshot
from tests.conftest import ROOT, Server, json_log, scrape, wait_until_answers
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
        # These servers are about the forecast; the headline model would only add a
        # second or so of loading to each start.
        "SENTIMENT_MODEL": "",
        "FRED_URL": standin.url,
        "DATA_DIR": str(data_dir),
        "FRED_TIMEOUT_SECONDS": "1",
        "FRED_RETRIES": "1",
        "FRED_BACKOFF_SECONDS": "0.05",
        "REFRESH_RETRY_SECONDS": "3600",
        "REFRESH_INTERVAL_MINUTES": "600",
    }


def expected_forecast(vintage: Vintage) -> tuple[int, dict[str, Any], list[dict[str, float]]]:
    """The newest committed forecast model's answer for `vintage`, worked out here from the
    SavedModel and its metadata: (version, metadata, unrounded numbers per horizon)."""
    import tensorflow as tf

    base = ROOT / "models" / "gdp_forecast"
    version = max(int(p.name) for p in base.iterdir() if (p / "saved_model.pb").is_file())
    path = base / str(version)
    meta = json.loads((path / "assets.extra" / "metadata.json").read_text())
    channels = tuple(meta["channels"])
    window = monthly_window.window(monthly_window.panel(vintage.series), None, channels)
    loaded = tf.saved_model.load(str(path))
    sig = meta["signature"]
    x = tf.constant(window.values[None].astype(np.float32))
    points = loaded.signatures[sig["name"]](**{sig["input"]["name"]: x})[sig["output"]].numpy()[0]
    assert points.shape == (meta["horizon_quarters"],)
    # The widths of forecasts knowing as many months of the quarter (the snapshot: July
    # 2026 of 2026Q3), and of the blend without the bridge when INDPRO is stale.
    by_h = meta["intervals"]["half_width"]
    if not monthly_window.reaches_last_quarter(window, "INDPRO"):
        by_h = meta["intervals"]["half_width_without_bridge"]
    known = str(min(monthly_window.quarter_months_known(window), 2))
    widths = [by_h[str(h)][known] for h in range(1, 5)]
    return (
        version,
        meta,
        [
            {"gdp_growth_yoy": float(p), "lower": float(p) - w, "upper": float(p) + w}
            for p, w in zip(points, widths, strict=True)
        ],
    )


def test_snapshot_forecast_when_fred_is_unreachable(server: Server) -> None:
    with server.client() as http:
        body = wait_for_refresh(http)
    snapshot = load_snapshot(gdp_features.FETCHED)
    version, meta, expected = expected_forecast(snapshot)
    assert body["model"] == {"name": "gdp_forecast", "version": version}
    assert body["interval_coverage"] is not None
    assert body["interval_coverage"] == meta["intervals"]["coverage"]
    for served, want in zip(body["forecasts"], expected, strict=True):
        for key in ("gdp_growth_yoy", "lower", "upper"):
            # Served to 3 decimals: within half a unit of the last place, plus what a
            # different thread count may change in float32 arithmetic.
            assert served[key] == round(served[key], 3), (key, served)
            assert served[key] == pytest.approx(want[key], abs=0.0005 + 1e-5), (key, served)
    assert body["last_observed_quarter"] == "2026Q2"
    # July 2026 is published for CPI and unemployment: one month of 2026Q3 is known.
    assert body["current_quarter"] == {
        "quarter": "2026Q3",
        "months_known": {"CPIAUCSL": 1, "UNRATE": 1, "INDPRO": 0},
    }
    assert body["inputs"]["last_period"] == {
        "GDPC1": "2026Q2",
        "CPIAUCSL": "2026-07",
        "UNRATE": "2026-07",
        "INDPRO": "2025-08",
    }
    # The snapshot's industrial production ends a year before 2026Q2's last month: the
    # forecast is the blend without the bridge, and says so.
    assert body["bridge"] == {
        "series": "INDPRO",
        "used": False,
        "last_period": "2025-08",
        "needs": "2026-06",
    }
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
    assert inputs["source"] == "snapshot" and inputs["vintage"] == snapshot.vintage
    assert inputs["last_observation"] == {
        "GDPC1": "2026-04-01",
        "CPIAUCSL": "2026-07-01",
        "UNRATE": "2026-07-01",
        "INDPRO": "2025-08-01",
    }
    # The snapshot is as of 2026-08-31: far older than STALE_AFTER_HOURS (72).
    assert inputs["stale"] is True and inputs["age_hours"] > 72
    assert inputs["interpolated_months"] == {"CPIAUCSL": ["2025-10"], "UNRATE": ["2025-10"]}
    assert inputs["last_refresh"]["ok"] is False
    # The test servers' FRED is a closed loopback port: the refusal is what is reported.
    reason = inputs["last_refresh"]["reason"]
    assert reason.startswith("FetchError: GDPC1: ConnectionError: "), reason
    assert "Connection refused" in reason and "127.0.0.1" in reason


# Each fault's own reason, and the series the refresh asked for, in order, with
# FRED_RETRIES=1: the session retries a 500 and a timeout once, not a 404; an answer
# that fails validation is not asked again; "shorter" is caught after all four. Half of
# GDPC1's file ends at a line break, so "truncated" is caught on CPIAUCSL.
ALL_FOUR = ["GDPC1", "CPIAUCSL", "UNRATE", "INDPRO"]
FAULTS = [
    ("http_500", "GDPC1: HTTP 500 Internal Server Error", ["GDPC1", "GDPC1"]),
    ("http_404", "GDPC1: HTTP 404 Not Found", ["GDPC1"]),
    ("slow", "GDPC1: timed out after 1 s", ["GDPC1", "GDPC1"]),
    ("truncated", "CPIAUCSL: body does not end with a newline", ["GDPC1", "CPIAUCSL"]),
    ("html", "GDPC1: an HTML page", ["GDPC1"]),
    ("wrong_series", "GDPC1: the answer is series 'PAYEMS'", ["GDPC1"]),
    ("non_numeric", "non-numeric value 'n/a'", ["GDPC1"]),
    ("out_of_order", "was due", ["GDPC1"]),
    ("shorter", "GDPC1: history 1947-01..2025-10 is shorter", ALL_FOUR),
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
            assert fred.asked() == ALL_FOUR
            reasons = set()
            for mode, reason, asked in FAULTS:
                fred.mode = mode
                fred.forget()
                response = http.post("/admin/refresh")
                assert response.status_code == 502, (mode, response.text)
                assert fred.asked(mode) == asked, (mode, fred.arrivals[-6:])
                outcome = response.json()
                assert outcome["ok"] is False and reason in outcome["reason"], (mode, outcome)
                reasons.add(outcome["reason"])
                assert outcome["current_vintage"] == good["inputs"]["vintage"]
                after = http.get("/forecast").json()
                assert after["forecasts"] == good["forecasts"], mode
                assert after["inputs"]["vintage"] == good["inputs"]["vintage"]
                assert after["inputs"]["last_refresh"]["ok"] is False
                assert reason in after["inputs"]["last_refresh"]["reason"]
            # No two faults are reported alike.
            assert len(reasons) == len(FAULTS), reasons
            fred.mode = "ok"
            assert http.post("/admin/refresh").status_code == 200


def refresh_log(log: Path) -> list[tuple[str, dict[str, Any]]]:
    """The scheduler's refresh story from a server's JSON log, in order: ("failed", n in a
    row), ("retry", delay in s) and ("stored", vintage)."""
    events = []
    for entry in json_log(log):
        msg = entry["msg"]
        if m := re.match(r"FRED refresh failed \((\d+) in a row\)", msg):
            events.append(("failed", {"in_a_row": int(m[1]), **entry}))
        elif m := re.match(r"next FRED refresh attempt in (\d+) s$", msg):
            events.append(("retry", {"delay": int(m[1]), **entry}))
        elif m := re.match(r"FRED refresh stored vintage (\S+)$", msg):
            events.append(("stored", {"vintage": m[1], **entry}))
    return events


def test_the_scheduler_retries_a_failed_refresh_with_doubling_delays(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    """FRED fails, so the scheduler retries after 1 s, then 2 s, ... without anyone
    calling /admin/refresh; once FRED is back, a retry brings the forecast to its data."""
    with FredStandIn() as fred:
        fred.mode = "http_500"
        env = {
            **fred_env(fred, tmp_path / "data"),
            "FRED_RETRIES": "0",
            "REFRESH_RETRY_SECONDS": "1",
            "LOG_LEVEL": "info",
        }
        # Not waiting for the models: the first retries come while they load.
        srv = server_factory(env, wait_ready=False)
        deadline = time.monotonic() + 30
        # The startup refresh and the scheduler's first retry both failed.
        while sum(kind == "failed" for kind, _ in refresh_log(srv.log)) < 2:
            assert time.monotonic() < deadline, (fred.answered, srv.log.read_text()[-2000:])
            time.sleep(0.05)
        fred.mode = "ok"
        with srv.client() as http:
            while True:
                assert time.monotonic() < deadline, (fred.answered, srv.log.read_text()[-2000:])
                response = http.get("/forecast")
                # The refresh logs its success just after it swaps the forecast in.
                if (
                    response.status_code == 200
                    and response.json()["inputs"]["source"] == "fred"
                    and refresh_log(srv.log)[-1][0] == "stored"
                ):
                    break
                time.sleep(0.1)
            body = response.json()
    events = refresh_log(srv.log)
    n = sum(kind == "failed" for kind, _ in events)
    assert n >= 2
    # With FRED_RETRIES=0 each failed refresh asked FRED exactly once (for GDPC1, the
    # first series); the retry after FRED came back asked for all four.
    assert fred.answered == [("GDPC1", "http_500")] * n + [(name, "ok") for name in ALL_FOUR]
    # Each failure schedules the next attempt, at twice the previous delay.
    assert [kind for kind, _ in events] == ["failed", "retry"] * n + ["stored"]
    assert [e["in_a_row"] for kind, e in events if kind == "failed"] == list(range(1, n + 1))
    assert [e["delay"] for kind, e in events if kind == "retry"] == [2**i for i in range(n)]
    # All run by the scheduler: no request's id is on them.
    assert not any("request_id" in e for _, e in events)
    assert body["inputs"]["last_refresh"]["ok"] is True
    assert body["inputs"]["vintage"] == events[-1][1]["vintage"]
    assert body["inputs"]["stale"] is False


def test_a_success_cancels_the_pending_retry(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    """A refresh that succeeds while a retry of the failure before it is pending (here
    one sent to /admin/refresh) cancels the retry: FRED is not asked again for nothing."""
    with FredStandIn() as fred:
        fred.mode = "http_500"
        retry_seconds = 3
        env = {
            **fred_env(fred, tmp_path / "data"),
            "FRED_RETRIES": "0",
            "REFRESH_RETRY_SECONDS": str(retry_seconds),
            "LOG_LEVEL": "info",
        }
        # Not waiting for the models: the refresh needs none, and the retry is pending.
        srv = server_factory(env, wait_ready=False)
        deadline = time.monotonic() + 30
        while [kind for kind, _ in refresh_log(srv.log)] != ["failed", "retry"]:
            assert time.monotonic() < deadline, srv.log.read_text()[-2000:]
            time.sleep(0.05)
        fred.mode = "ok"
        with srv.client() as http:
            assert http.post("/admin/refresh").status_code == 200
        # Past the moment the retry was due (it was scheduled before the refresh above).
        time.sleep(retry_seconds + 2)
    assert fred.answered == [("GDPC1", "http_500")] + [(name, "ok") for name in ALL_FOUR]
    assert [kind for kind, _ in refresh_log(srv.log)] == ["failed", "retry", "stored"]
    cancelled = [e for e in json_log(srv.log) if "pending retry is cancelled" in e["msg"]]
    assert len(cancelled) == 1


def test_the_forecast_fields_say_what_they_mean(server: Server) -> None:
    with server.client() as http:
        schemas = http.get("/openapi.json").json()["components"]["schemas"]
    inputs = schemas["ForecastInputs"]["properties"]
    for field in ("age_hours", "fetched_at", "source", "last_refresh"):
        assert inputs[field].get("description"), field
    assert "last successful fetch" in inputs["age_hours"]["description"]
    assert schemas["ForecastResponse"]["properties"]["interval_coverage"].get("description")
    assert "when the refresh started" in schemas["RefreshStatus"]["properties"]["at"]["description"]


def test_new_quarter_moves_the_forecast_forward(
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
            # FRED has industrial production to 2026-09: the bridge reads it, and the
            # forecast is the SavedModel's answer for this vintage.
            assert body["bridge"] == {
                "series": "INDPRO",
                "used": True,
                "last_period": "2026-09",
                "needs": "2026-09",
            }
            fetched = {n: fred_csv.parse(fred.series_text(n, "new_quarter"), n) for n in ALL_FOUR}
            _, _, expected = expected_forecast(Vintage(fetched, "fred", "", datetime.now(UTC)))
            got = [f["gdp_growth_yoy"] for f in body["forecasts"]]
            want = [f["gdp_growth_yoy"] for f in expected]
            assert got == pytest.approx(want, abs=0.0005 + 1e-5)
            # The history behind the page moves with the forecast.
            history = http.get("/forecast/history", params={"quarters": 2}).json()
            assert [q["quarter"] for q in history["quarters"]] == ["2026Q2", "2026Q3"]
            assert history["vintage"] == body["inputs"]["vintage"]


def test_followers_pick_up_the_shared_store_and_take_over(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    """Replicas on one DATA_DIR: only the lock holder asks FRED, the others serve what it
    stores and report its outcome, and one of them takes the refresh over when the first
    goes away."""
    with FredStandIn() as fred:
        fred.mode = "new_quarter"
        env = {**fred_env(fred, tmp_path / "data"), "STORE_RELOAD_SECONDS": "0.5"}
        leader = server_factory(env)
        with leader.client() as http:
            led = wait_for_refresh(http)
            assert led["last_observed_quarter"] == "2026Q3"
        # Both load their models at once.
        follower = server_factory(env, wait_ready=False)
        reader = server_factory({**env, "SCHEDULER_ENABLED": "false"}, wait_ready=False)
        for srv in (follower, reader):
            wait_until_answers(srv)
            with srv.client() as http:
                body = http.get("/forecast").json()
                for _ in range(50):
                    if body["last_observed_quarter"] == "2026Q3":
                        break
                    time.sleep(0.1)
                    body = http.get("/forecast").json()
            assert body["last_observed_quarter"] == "2026Q3"
            assert body["inputs"]["source"] == "fred"
            # It did not ask FRED itself: the outcome is the leader's, read from DATA_DIR.
            assert body["inputs"]["last_refresh"] == led["inputs"]["last_refresh"]
        assert len(fred.arrivals) == len(ALL_FOUR)
        # A refresh sent to a process that does not refresh is refused, naming the one
        # that does; it asks FRED nothing and schedules no retry of its own.
        # The lock file says who took it last, which may since have exited: the answer
        # does not say it is running.
        holder = f"last taken by host {socket.gethostname()} pid {leader.proc.pid}"
        for srv, why in ((follower, "another process refreshes"), (reader, "SCHEDULER_ENABLED")):
            with srv.client() as http:
                response = http.post("/admin/refresh")
            assert response.status_code == 409, response.text
            detail = response.json()["detail"]
            assert why in detail and holder in detail and "scheduler.lock" in detail
        time.sleep(1.0)
        assert len(fred.arrivals) == len(ALL_FOUR)
        assert not any("next FRED refresh attempt" in e["msg"] for e in json_log(reader.log))

        led_refresh = led["inputs"]["last_refresh"]
        leader.proc.kill()
        leader.proc.wait(timeout=15)
        with follower.client() as http:
            deadline = time.monotonic() + 15
            while http.get("/forecast").json()["inputs"]["last_refresh"] == led_refresh:
                assert time.monotonic() < deadline, "no process took the refresh over"
                time.sleep(0.1)
        assert len(fred.arrivals) == 2 * len(ALL_FOUR)


def test_absurd_figures_are_quarantined_reported_and_never_served(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    with FredStandIn() as fred:
        srv = server_factory(fred_env(fred, data_dir))
        with srv.client() as http:
            good = wait_for_refresh(http)
            assert good["inputs"]["quarantined"] is None
            fred.mode = "absurd"  # GDPC1 99999 after 24269.6, CPI 1999, UNRATE 39.9
            response = http.post("/admin/refresh")
            assert response.status_code == 502
            reason = response.json()["reason"]
            assert reason.startswith("Implausible: GDPC1: 2026-07 moves +141.6 %")
            assert "CPIAUCSL: 2026-08" in reason and "UNRATE: 2026-08 moves +35.8 points" in reason
            after = http.get("/forecast").json()
            assert after["forecasts"] == good["forecasts"]
            assert after["inputs"]["vintage"] == good["inputs"]["vintage"]
            held = after["inputs"]["quarantined"]
            assert held["reason"] == reason.removeprefix("Implausible: ")
            # Fetched again, the same figures are counted, not stored twice.
            assert http.post("/admin/refresh").status_code == 502
        assert scrape(srv)["fred_vintages_quarantined_total"] == 2
        assert len(list((data_dir / "vintages" / "quarantine").glob("vintage-*.json"))) == 1
        srv.proc.terminate()
        srv.proc.wait(timeout=15)

        # A restart serves the last good vintage and still reports the held-back one. It
        # skips what newer files the store holds that are cut short (a write that never
        # finished) or absurd (written before the check existed, or by hand).
        (good_file,) = (data_dir / "vintages").glob("vintage-*.json")
        cut = data_dir / "vintages" / "vintage-29990102T000000000000Z.json"
        cut.write_bytes(good_file.read_bytes()[:1000])
        bad = data_dir / "vintages" / "vintage-29990101T000000000000Z.json"
        (held_file,) = (data_dir / "vintages" / "quarantine").glob("vintage-*.json")
        doc = json.loads(held_file.read_text())
        bad.write_text(json.dumps({**doc, "vintage": "29990101T000000000000Z"}))
        fred.mode = "http_500"
        again = server_factory(fred_env(fred, data_dir))
        with again.client() as http:
            body = wait_for_refresh(http)
    assert body["inputs"]["last_refresh"]["ok"] is False
    assert body["inputs"]["source"] == "fred"
    assert body["inputs"]["vintage"] == good["inputs"]["vintage"]
    assert body["forecasts"] == good["forecasts"]
    assert body["inputs"]["quarantined"]["vintage"] == held["vintage"]
    skipped = [e["msg"] for e in json_log(again.log) if "skipping vintage" in e["msg"]]
    assert [m.split()[2].rstrip(":") for m in skipped] == [cut.name, bad.name]
