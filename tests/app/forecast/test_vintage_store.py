from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.forecast import gdp_features
from app.forecast.vintage_store import VintageStore, load_snapshot


def _save(store: VintageStore, when: datetime, revision: float = 0.0):  # type: ignore[no-untyped-def]
    """The snapshot's series, with the last GDP figure revised by `revision`."""
    series = {k: v.copy() for k, v in load_snapshot(gdp_features.SERIES).series.items()}
    series["GDPC1"].iloc[-1] += revision
    return store.save(series, when)


def test_save_and_read_back(tmp_path: Path) -> None:
    store = VintageStore(tmp_path)
    when = datetime(2026, 11, 1, 12, tzinfo=UTC)
    saved = _save(store, when)
    got = store.newest_valid(gdp_features.SERIES)
    assert got is not None and got.vintage == saved.vintage and got.fetched_at == when
    assert got.source == "fred"
    for name, s in saved.series.items():
        assert got.series[name].equals(s)
    assert not list((tmp_path / "vintages").glob(".*.tmp")), "no temp file left behind"


def test_a_vintage_cut_short_is_skipped(tmp_path: Path) -> None:
    store = VintageStore(tmp_path)
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    older = _save(store, t0)
    newer = _save(store, t0 + timedelta(hours=6), revision=1.0)
    path = store.folder / f"vintage-{newer.vintage}.json"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    assert store.newest_valid(gdp_features.SERIES).vintage == older.vintage


def test_an_edited_vintage_fails_its_checksum(tmp_path: Path) -> None:
    store = VintageStore(tmp_path)
    saved = _save(store, datetime(2026, 11, 1, tzinfo=UTC))
    path = store.folder / f"vintage-{saved.vintage}.json"
    doc = json.loads(path.read_text())
    doc["series"]["GDPC1"]["values"][-1] = 99_999.0
    path.write_text(json.dumps(doc))
    assert store.newest_valid(gdp_features.SERIES) is None


def test_old_vintages_are_pruned(tmp_path: Path) -> None:
    store = VintageStore(tmp_path, keep=3)
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    saved = [_save(store, t0 + timedelta(hours=i), revision=i) for i in range(5)]
    kept = sorted(p.name for p in store.folder.glob("vintage-*.json"))
    assert kept == [f"vintage-{v.vintage}.json" for v in saved[2:]]


def test_unchanged_figures_move_the_fetch_time_not_the_store(tmp_path: Path) -> None:
    store = VintageStore(tmp_path, keep=3)
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    first = _save(store, t0)
    again = [_save(store, t0 + timedelta(hours=6 * i)) for i in range(1, 25)]
    # Twenty-four refreshes of the same figures: one vintage, confirmed 6 days later.
    assert [p.name for p in store.folder.glob("vintage-*.json")] == [
        f"vintage-{first.vintage}.json"
    ]
    assert {v.vintage for v in again} == {first.vintage}
    newest = store.newest_valid(gdp_features.SERIES)
    assert newest is not None and newest.fetched_at == t0 + timedelta(days=6)
    # New figures are a new vintage; earlier distinct ones stay until pruned by count.
    revised = _save(store, t0 + timedelta(days=7), revision=2.5)
    assert revised.vintage != first.vintage
    assert len(list(store.folder.glob("vintage-*.json"))) == 2
    assert not list(store.folder.glob(".*.tmp"))


def test_snapshot_identity() -> None:
    snap = load_snapshot(gdp_features.SERIES)
    assert snap.source == "snapshot" and snap.vintage.startswith("snapshot-")
    assert snap.last_observation() == {
        "GDPC1": "2026-04-01",
        "CPIAUCSL": "2026-07-01",
        "UNRATE": "2026-07-01",
    }
