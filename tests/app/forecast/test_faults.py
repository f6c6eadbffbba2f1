"""Faults: a writer killed mid-write, a DATA_DIR that cannot be written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from app.forecast import gdp_features
from app.forecast.vintage_store import VintageStore, load_snapshot
from tests.conftest import ROOT, Server
from tests.fred_standin import FredStandIn

WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from app.forecast.vintage_store import VintageStore

# Valid series over the widest span pandas' nanosecond timestamps hold, with
# full-precision values: each file is ~0.5 MB, so writing it takes long enough for a
# kill sent the moment the file appears to land inside the write.
rng = np.random.default_rng(int(sys.argv[2]))
months = pd.date_range("1677-10-01", "2262-04-01", freq="MS")
quarters = pd.date_range("1678-01-01", "2262-01-01", freq="QS")
series = {
    "GDPC1": pd.Series(rng.uniform(1_001, 99_999, len(quarters)), quarters, name="GDPC1"),
    "CPIAUCSL": pd.Series(rng.uniform(11, 1_999, len(months)), months, name="CPIAUCSL"),
    "UNRATE": pd.Series(rng.uniform(0.1, 39.9, len(months)), months, name="UNRATE"),
}
store = VintageStore(Path(sys.argv[1]), keep=3)
start = datetime.now(UTC)
for i in range(10**9):
    # New figures each time: the store keeps one file per distinct content.
    series["UNRATE"].iloc[-1] = 1.0 + (i % 3000) / 100
    store.save(series, start + timedelta(seconds=i))
    if i == 0:
        print("saved", flush=True)
"""

# The writer is killed when the k-th new name shows up in the store's folder: a temp
# file being written, a rename just done, or (were writes not atomic) a vintage file
# still being filled. Odd and even k hit both kinds of moment of an atomic write.
KILL_AT_NEW_NAME = (1, 2, 3, 4, 5)


def kill_when_a_write_starts(writer: subprocess.Popen[str], folder: Path, k: int) -> None:
    seen = set(os.listdir(folder))
    deadline = time.monotonic() + 30
    while k:
        assert time.monotonic() < deadline and writer.poll() is None, "the writer stopped"
        names = set(os.listdir(folder))
        k -= bool(names - seen)
        seen = names
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()


def test_killing_the_writer_mid_write_never_leaves_a_bad_vintage(tmp_path: Path) -> None:
    folder = tmp_path / "vintages"
    store = VintageStore(tmp_path, keep=3)
    snapshot = load_snapshot(gdp_features.SERIES).series
    newest_seen = None
    rounds_with_leftovers = 0
    for k in KILL_AT_NEW_NAME:
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), str(k)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None and writer.stdout.readline().strip() == "saved"
        kill_when_a_write_starts(writer, folder, k)
        stored = sorted(folder.glob("vintage-*.json"))
        # Every stored vintage, not just the newest valid one: a write that can be cut
        # short would leave a bad file that newest_valid() quietly skips.
        for path in stored:
            try:
                vintage = store.read(path)
            except (ValueError, KeyError, TypeError) as exc:
                raise AssertionError(f"killed at new name {k}: {path.name} is bad: {exc}") from exc
            assert set(vintage.series) == set(gdp_features.SERIES)
        newest = store.newest_valid(gdp_features.SERIES)
        assert newest is not None and newest.vintage == stored[-1].name[8:-5]
        assert newest_seen is None or newest.fetched_at >= newest_seen
        newest_seen = newest.fetched_at
        rounds_with_leftovers += len(os.listdir(folder)) > len(stored)
        # The next save clears what the killed write left behind.
        store.save(snapshot, datetime.now(UTC))
        assert sorted(os.listdir(folder)) == sorted(p.name for p in folder.glob("vintage-*.json"))
    # The kills did land inside writes: some left an unfinished temp file.
    assert rounds_with_leftovers >= 1


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
            {
                "FRED_URL": fred.url,
                "DATA_DIR": str(data_dir),
                "REFRESH_INTERVAL_MINUTES": "600",
                "SENTIMENT_MODEL": "",
            }
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
