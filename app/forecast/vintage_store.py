"""Validated FRED fetches kept on disk under DATA_DIR, newest valid one first.

Each vintage is one JSON file written atomically (temp file, fsync, rename, fsync of
the folder) with a sha256 of its payload, so a file cut short or edited by hand is
detected and skipped; the embedded snapshot is the fallback when none is valid.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from app.atomic_file import remove_dead_writes, write_atomic
from app.forecast import fred_csv

log = logging.getLogger(__name__)

FORMAT = 1
QUARANTINE = "quarantine"  # beside the vintages, never read as one
SNAPSHOT_DIR = Path(__file__).resolve().parents[2] / "data" / "fred"
# The embedded snapshot holds FRED's figures as published by the end of August 2026.
SNAPSHOT_AS_OF = datetime(2026, 8, 31, tzinfo=UTC)


@dataclass(frozen=True)
class Vintage:
    series: dict[str, pd.Series]
    source: str  # "fred" or "snapshot"
    vintage: str
    fetched_at: datetime

    def last_observation(self) -> dict[str, str]:
        return {name: f"{s.index[-1]:%Y-%m-%d}" for name, s in self.series.items()}


@dataclass(frozen=True)
class Quarantined:
    """A fetched vintage held back as implausible: never served."""

    vintage: str
    at: datetime
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"vintage": self.vintage, "at": self.at.isoformat(), "reason": self.reason}


def _payload(series: dict[str, pd.Series]) -> dict[str, dict[str, list]]:
    return {
        name: {
            "dates": [f"{d:%Y-%m-%d}" for d in s.index],
            "values": [None if math.isnan(v) else float(v) for v in s.to_numpy()],
        }
        for name, s in sorted(series.items())
    }


def _digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def vintage_id(fetched_at: datetime) -> str:
    """A vintage's id and file name stem: its fetch time, so names sort by age."""
    return fetched_at.strftime("%Y%m%dT%H%M%S%fZ")


def _write_new(folder: Path, payload: dict, digest: str, fetched_at: datetime, **extra: str) -> str:
    """Write one vintage file (atomically) and return its id."""
    stem = vintage_id(fetched_at)
    doc = {
        "format": FORMAT,
        "vintage": stem,
        "fetched_at": fetched_at.isoformat(),
        **extra,
        "series": payload,
        "sha256": digest,
    }
    write_atomic(folder / f"vintage-{stem}.json", json.dumps(doc).encode())
    return stem


def load_snapshot(names: tuple[str, ...], folder: Path = SNAPSHOT_DIR) -> Vintage:
    texts = {n: (folder / f"{n}.csv").read_text() for n in names}
    digest = hashlib.sha256("".join(texts[n] for n in names).encode()).hexdigest()
    series = {n: fred_csv.parse(t, n) for n, t in texts.items()}
    return Vintage(series, "snapshot", f"snapshot-{digest[:12]}", SNAPSHOT_AS_OF)


class VintageStore:
    def __init__(self, root: Path, keep: int = 20) -> None:
        self.folder = root / "vintages"
        self.keep = keep

    def save(self, series: dict[str, pd.Series], fetched_at: datetime) -> Vintage:
        """Store `series` as a new vintage, unless they are the newest vintage's figures:
        then only the time they were fetched moves, so that repeated refreshes of
        unchanged data never crowd distinct vintages out of the store."""
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = _payload(series)
        digest = _digest(payload)
        newest = next(self._checked_docs(self.folder), None)
        if newest is not None and newest[1]["sha256"] == digest:
            path, doc = newest
            doc["fetched_at"] = fetched_at.isoformat()
            write_atomic(path, json.dumps(doc).encode())
            return Vintage(series, "fred", doc["vintage"], fetched_at)
        stored = _write_new(self.folder, payload, digest, fetched_at)
        self._prune(self.folder)
        return Vintage(series, "fred", stored, fetched_at)

    def quarantine(
        self, series: dict[str, pd.Series], fetched_at: datetime, reason: str
    ) -> Quarantined:
        """Keep an implausible vintage where nothing serves it from, for inspection; the
        same figures fetched again are recorded once, with the time of their latest
        fetch (as `save` does), so that every process reading the store reports the
        same moment the refresher does."""
        folder = self.folder / QUARANTINE
        folder.mkdir(parents=True, exist_ok=True)
        payload = _payload(series)
        digest = _digest(payload)
        for path, doc in self._checked_docs(folder):
            if doc["sha256"] == digest:
                doc["fetched_at"] = fetched_at.isoformat()
                write_atomic(path, json.dumps(doc).encode())
                return Quarantined(doc["vintage"], fetched_at, doc["reason"])
        held = _write_new(folder, payload, digest, fetched_at, reason=reason)
        self._prune(folder)
        return Quarantined(held, fetched_at, reason)

    def newest_quarantined(self) -> Quarantined | None:
        """The quarantined vintage fetched last (figures fetched again keep their file,
        named for their first fetch, so the newest name is not always the latest)."""
        held = []
        for _, doc in self._checked_docs(self.folder / QUARANTINE):
            try:
                at = datetime.fromisoformat(doc["fetched_at"])
                if at.tzinfo is None:  # not as the store writes it: not comparable
                    continue
                held.append(Quarantined(doc["vintage"], at, doc["reason"]))
            except (ValueError, KeyError, TypeError):
                continue
        return max(held, key=lambda q: q.at, default=None)

    def remove_leftovers(self) -> None:
        """Remove the temp files of writes that died before their rename. For the one
        process that writes the store, between its writes: a reader never writes."""
        for folder in (self.folder, self.folder / QUARANTINE):
            remove_dead_writes(folder, "vintage-*.json")

    def _checked_docs(self, folder: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
        """The vintages in `folder`, newest first, as stored, skipping any whose format or
        checksum is wrong."""
        for path in sorted(folder.glob("vintage-*.json"), reverse=True):
            try:
                yield path, self._checked_doc(path)
            except (ValueError, KeyError, TypeError, OSError):
                continue

    def _prune(self, folder: Path) -> None:
        for old in sorted(folder.glob("vintage-*.json"), reverse=True)[self.keep :]:
            old.unlink(missing_ok=True)
        # One writer per store, and this one has just renamed its own.
        remove_dead_writes(folder, "vintage-*.json")

    @staticmethod
    def _checked_doc(path: Path) -> dict[str, Any]:
        """A stored vintage as written, once its format and checksum are right."""
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT:
            raise ValueError(f"unknown format {doc.get('format')!r}")
        if _digest(doc["series"]) != doc["sha256"]:
            raise ValueError("checksum mismatch")
        return doc

    def read(self, path: Path) -> Vintage:
        doc = self._checked_doc(path)
        series = {}
        for name, body in doc["series"].items():
            values = [math.nan if v is None else v for v in body["values"]]
            s = pd.Series(
                values,
                index=pd.DatetimeIndex(pd.to_datetime(body["dates"])),
                name=name,
                dtype="float64",
            )
            # The same checks a fresh answer passes.
            series[name] = fred_csv.parse(fred_csv.to_csv(s), name)
        return Vintage(series, "fred", doc["vintage"], datetime.fromisoformat(doc["fetched_at"]))

    def newest_valid(
        self, names: tuple[str, ...], accept: Callable[[Vintage], None] | None = None
    ) -> Vintage | None:
        """The newest stored vintage that reads back whole, has `names` and that `accept`
        does not refuse (by raising ValueError)."""
        if not self.folder.is_dir():
            return None
        for path in sorted(self.folder.glob("vintage-*.json"), reverse=True):
            try:
                vintage = self.read(path)
                if not set(vintage.series) >= set(names):
                    missing = sorted(set(names) - set(vintage.series))
                    raise ValueError(f"lacks series {missing}")
                if accept is not None:
                    accept(vintage)
                return vintage
            except (ValueError, KeyError, TypeError, OSError) as exc:
                log.warning("skipping vintage %s: %s", path.name, exc)
        return None
