"""The refresher's last refresh outcome, kept in DATA_DIR for the processes that serve
the same store without refreshing.

Only the refresher writes it, atomically (temp file, fsync, rename) and after the
vintage or quarantined vintage that refresh stored, so a reader that finds an outcome
also finds what it stored. Readers never write: API replicas mount DATA_DIR read-only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.atomic_file import remove_dead_writes, write_atomic

FILE = "refresh-status.json"
FORMAT = 1


class MalformedStatus(ValueError):
    """The status file is not one the refresher wrote whole."""


@dataclass(frozen=True)
class RefreshOutcome:
    ok: bool
    at: datetime  # when the refresh started; a stored vintage's fetch time
    reason: str | None = None
    vintage: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "at": self.at.isoformat(),
            "reason": self.reason,
            "vintage": self.vintage,
        }


@dataclass(frozen=True)
class RefreshStatus:
    """What the refresher knows: its last outcome and its last success (which a string
    of failures since leaves in place)."""

    last_refresh: RefreshOutcome
    last_success_at: datetime | None


def write(data_dir: Path, status: RefreshStatus) -> None:
    success = status.last_success_at
    doc = {
        "format": FORMAT,
        "last_refresh": status.last_refresh.as_dict(),
        "last_success_at": None if success is None else success.isoformat(),
    }
    write_atomic(data_dir / FILE, json.dumps(doc).encode())


def remove_leftover(data_dir: Path) -> None:
    """The temp file of a status write that died before its rename."""
    remove_dead_writes(data_dir, FILE)


def read(data_dir: Path) -> RefreshStatus | None:
    """The status as the refresher last wrote it; None when there is none yet. Raises
    MalformedStatus for a file that does not hold one."""
    try:
        text = (data_dir / FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise MalformedStatus(f"unreadable: {exc}") from exc
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise MalformedStatus(f"not format {FORMAT}")
        last = doc["last_refresh"]
        outcome = RefreshOutcome(
            ok=_typed(last["ok"], bool),
            at=_moment(last["at"]),
            reason=_optional_str(last["reason"]),
            vintage=_optional_str(last["vintage"]),
        )
        success = doc["last_success_at"]
        return RefreshStatus(outcome, None if success is None else _moment(success))
    except MalformedStatus:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise MalformedStatus(f"{type(exc).__name__}: {exc}") from exc


def _typed(value: object, kind: type) -> Any:
    if not isinstance(value, kind):
        raise TypeError(f"{value!r} is not a {kind.__name__}")
    return value


def _optional_str(value: object) -> str | None:
    return None if value is None else _typed(value, str)


def _moment(value: object) -> datetime:
    moment = datetime.fromisoformat(_typed(value, str))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return moment
