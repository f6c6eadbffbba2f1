"""One refresher and the replicas that serve its DATA_DIR without refreshing: every
replica reports what the refresher knows (its last outcome, its last success, what it
quarantined), reads the store without writing to it, and ignores a status file it
cannot trust. With the FRED stand-in over real HTTP, real files, and real servers."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import model_store
from app.forecast.service import ForecastService
from app.settings import Settings
from tests.app.forecast.test_forecast_api import fred_env, wait_for_refresh
from tests.conftest import ROOT, Server, scrape, stop_server
from tests.fred_standin import FredStandIn

LAST_SUCCESS = "fred_refresh_last_success_timestamp_seconds"
STATUS = "refresh-status.json"


@pytest.fixture(scope="module")
def model() -> model_store.LoadedModel:
    return model_store.load(ROOT / "models", "gdp_forecast")


@pytest.fixture
def fred() -> Iterator[FredStandIn]:
    with FredStandIn() as standin:
        yield standin


def refresher_and_replica(
    fred: FredStandIn, data_dir: Path, model: model_store.LoadedModel
) -> tuple[ForecastService, ForecastService]:
    refresher = ForecastService(Settings(fred_url=fred.url, data_dir=data_dir, fred_retries=0))
    replica = ForecastService(
        Settings(fred_url=fred.url, data_dir=data_dir, scheduler_enabled=False)
    )
    for service in (refresher, replica):
        service.set_model(model)
    return refresher, replica


def tree(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file under `folder`: its modification time and content."""
    return {
        str(path.relative_to(folder)): (
            path.stat().st_mtime_ns,
            hashlib.sha256(path.read_bytes()).hexdigest(),
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def without_age(body: dict[str, Any] | None) -> dict[str, Any]:
    """The answer but its age, which moves with the moment it is read."""
    assert body is not None
    return {**body, "inputs": {k: v for k, v in body["inputs"].items() if k != "age_hours"}}


def test_a_replica_reports_what_the_refresher_knows_and_writes_nothing(
    fred: FredStandIn, tmp_path: Path, model: model_store.LoadedModel
) -> None:
    refresher, replica = refresher_and_replica(fred, tmp_path, model)
    assert replica.last_success_at is None  # nothing stored yet
    # A success, failures, an implausible answer, a failure while it is held back, and
    # new figures, which end the quarantine.
    held = None
    for mode, ok in (
        ("ok", True),
        ("http_500", False),
        ("absurd", False),
        ("http_500", False),
        ("new_quarter", True),
    ):
        fred.mode = mode
        assert refresher.refresh().ok is ok
        before = tree(tmp_path)
        replica.reload_from_store()
        assert tree(tmp_path) == before, f"{mode}: the replica wrote to DATA_DIR"
        theirs, mine = without_age(refresher.current()), without_age(replica.current())
        assert mine == theirs, mode
        assert replica.last_success_at == refresher.last_success_at, mode
        held = held or theirs["inputs"]["quarantined"]
    assert held is not None and held["reason"].startswith("GDPC1: 2026-07 moves +141.6 %")
    assert mine["inputs"]["quarantined"] is None and mine["last_observed_quarter"] == "2026Q3"
    # A replica started now reports the same: what its scheduler's start reads.
    fred.mode = "http_500"
    refresher.refresh()
    later = ForecastService(Settings(fred_url=fred.url, data_dir=tmp_path, scheduler_enabled=False))
    later.set_model(model)
    later.reload_from_store()
    assert without_age(later.current()) == without_age(refresher.current())
    assert later.last_success_at == refresher.last_success_at


def test_the_same_absurd_figures_again_are_reported_alike_everywhere(
    fred: FredStandIn, tmp_path: Path, model: model_store.LoadedModel
) -> None:
    """Fetched again, held-back figures keep their one file, which records the latest
    fetch: the time the refresher reports, and every replica too."""
    refresher, replica = refresher_and_replica(fred, tmp_path, model)
    refresher.refresh()
    fred.mode = "absurd"
    first = refresher.refresh()
    again = refresher.refresh()
    replica.reload_from_store()
    held = replica.current()["inputs"]["quarantined"]  # type: ignore[index]
    assert held == refresher.current()["inputs"]["quarantined"]  # type: ignore[index]
    assert held["at"] == again.at.isoformat() != first.at.isoformat()
    assert len(list((tmp_path / "vintages" / "quarantine").glob("vintage-*.json"))) == 1
    assert refresher.quarantined_total == 2


def test_a_status_file_that_is_cut_short_or_malformed_is_ignored_and_logged(
    fred: FredStandIn,
    tmp_path: Path,
    model: model_store.LoadedModel,
    caplog: pytest.LogCaptureFixture,
) -> None:
    refresher, replica = refresher_and_replica(fred, tmp_path, model)
    fred.mode = "http_500"
    outcome = refresher.refresh()
    replica.reload_from_store()
    assert replica.last_refresh == outcome
    status = tmp_path / STATUS
    good = json.loads(status.read_text())
    bad_files = {
        "cut short": status.read_bytes()[: len(status.read_bytes()) // 2],
        "empty": b"",
        "not UTF-8": b"\xff\xfe{}",
        "another format": json.dumps({**good, "format": 99}).encode(),
        "ok is a string": json.dumps(
            {**good, "last_refresh": {**good["last_refresh"], "ok": "false"}}
        ).encode(),
        "a time without its zone": json.dumps(
            {**good, "last_refresh": {**good["last_refresh"], "at": "2026-12-01T10:00:00"}}
        ).encode(),
        "a list": b"[]",
    }
    for name, content in bad_files.items():
        status.write_bytes(content)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="app.forecast.service"):
            replica.reload_from_store()
            replica.reload_from_store()  # the same bad file: logged once
        assert replica.last_refresh == outcome, name  # the last good reading stays
        lines = [r.getMessage() for r in caplog.records if STATUS in r.getMessage()]
        assert len(lines) == 1 and lines[0].startswith(f"ignoring {status}: "), (name, lines)
        assert replica.current() is not None
    # Written whole again by the refresher: read again.
    fred.mode = "ok"
    success = refresher.refresh()
    replica.reload_from_store()
    assert replica.last_refresh == success


def test_the_refresher_clears_dead_writes_at_every_refresh_and_a_replica_never_does(
    fred: FredStandIn, tmp_path: Path, model: model_store.LoadedModel
) -> None:
    refresher, replica = refresher_and_replica(fred, tmp_path, model)
    assert refresher.refresh().ok
    # Temp files of writes killed before their rename: a vintage, a quarantined vintage
    # and the status file.
    quarantine = tmp_path / "vintages" / "quarantine"
    quarantine.mkdir()
    leftovers = [
        tmp_path / "vintages" / ".vintage-20261201T000000000000Z.json.tmp",
        quarantine / ".vintage-20261201T000000000000Z.json.tmp",
        tmp_path / f".{STATUS}.tmp",
    ]
    for path in leftovers:
        path.write_text('{"format": 1, "vint')
    replica.reload_from_store()
    assert all(path.exists() for path in leftovers)
    # A refresh that stores nothing (FRED fails) clears them all the same.
    fred.mode = "http_500"
    assert not refresher.refresh().ok
    assert not [path for path in leftovers if path.exists()]
    assert not list(tmp_path.rglob("*.tmp"))


def wait_until_inputs_match(replica: httpx.Client, want: dict[str, Any]) -> dict[str, Any]:
    """The replica's `inputs` once they report what `want` (the refresher's) does."""
    fields = ("vintage", "fetched_at", "last_refresh", "quarantined")
    deadline = time.monotonic() + 15
    while True:
        got = replica.get("/forecast").json()["inputs"]
        if all(got[f] == want[f] for f in fields):
            return got
        assert time.monotonic() < deadline, (got, want)
        time.sleep(0.1)


def test_replicas_behind_one_refresher_report_its_failures_and_quarantines(
    server_factory: Callable[..., Server], fred: FredStandIn, tmp_path: Path
) -> None:
    """The documented layout: a refresher, and an API replica with SCHEDULER_ENABLED=false
    on the same DATA_DIR. The replica reports each outcome of the refresher's within
    STORE_RELOAD_SECONDS, and so does the metric alerts watch, on both and after a
    restart."""
    env = {**fred_env(fred, tmp_path / "data"), "STORE_RELOAD_SECONDS": "0.3"}
    refresher = server_factory(env)
    replica = server_factory({**env, "SCHEDULER_ENABLED": "false"})
    with refresher.client() as ours, replica.client() as theirs:
        good = wait_for_refresh(ours)["inputs"]
        assert good["last_refresh"]["ok"] is True
        wait_until_inputs_match(theirs, good)
        for mode in ("http_500", "absurd"):
            fred.mode = mode
            assert ours.post("/admin/refresh").status_code == 502
            want = ours.get("/forecast").json()["inputs"]
            got = wait_until_inputs_match(theirs, want)
            assert got["last_refresh"]["ok"] is False
        assert got["quarantined"] is not None and got["vintage"] == good["vintage"]
    success = scrape(refresher)[LAST_SUCCESS]
    assert scrape(replica)[LAST_SUCCESS] == success
    assert success == datetime.fromisoformat(good["last_refresh"]["at"]).timestamp()
    # Restarted while FRED fails, the refresher still tells when it last succeeded.
    stop_server(refresher)
    fred.mode = "http_500"
    again = server_factory(env)
    with again.client() as http:
        assert wait_for_refresh(http)["inputs"]["last_refresh"]["ok"] is False
    assert scrape(again)[LAST_SUCCESS] == success
