"""Faults: a writer killed mid-write, a DATA_DIR that cannot be written."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from app import gdp_features
from app.vintage_store import VintageStore
from tests.conftest import ROOT, Server
from tests.fred_standin import FredStandIn

WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from app import gdp_features
from app.vintage_store import VintageStore, load_snapshot
store = VintageStore(__import__("pathlib").Path(sys.argv[1]))
series = load_snapshot(gdp_features.SERIES).series
start = datetime.now(UTC)
for i in range(10**9):
    store.save(series, start + timedelta(seconds=i))
    if i == 0:
        print("saved", flush=True)
"""


def test_killing_the_writer_mid_write_never_leaves_a_bad_newest_vintage(tmp_path: Path) -> None:
    rng = random.Random(7)
    newest_seen = None
    for _ in range(8):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None and writer.stdout.readline().strip() == "saved"
        time.sleep(rng.uniform(0.01, 0.3))  # somewhere inside a later save
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        newest = VintageStore(tmp_path).newest_valid(gdp_features.SERIES)
        assert newest is not None, "a killed write left no readable vintage"
        assert newest_seen is None or newest.fetched_at >= newest_seen
        newest_seen = newest.fetched_at
    # At most the one temp file of the last killed write is left; the next save clears it.
    assert len(list((tmp_path / "vintages").glob(".*.tmp"))) <= 1


def test_an_unwritable_data_dir_fails_the_refresh_and_keeps_serving(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    # The store's folder is a file: every write fails with OSError, as a full or
    # read-only disk would (tests run as root here, so permissions would not stop it).
    (data_dir / "vintages").write_text("not a folder")
    with FredStandIn() as fred:
        srv = server_factory(
            {"FRED_URL": fred.url, "DATA_DIR": str(data_dir), "REFRESH_INTERVAL_MINUTES": "600"}
        )
        with srv.client() as http:
            before = http.get("/forecast").json()
            response = http.post("/admin/refresh")
            after = http.get("/forecast").json()
    assert response.status_code == 502
    assert response.json()["ok"] is False and "vintages" in response.json()["reason"]
    assert after["forecasts"] == before["forecasts"]
    assert after["inputs"]["source"] == "snapshot"
    assert after["inputs"]["last_refresh"]["ok"] is False
