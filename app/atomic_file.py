"""Writing a file so that a reader finds the old content or the new, never a part."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Temp file beside `path`, fsync, rename over it, fsync the folder (so the rename
    itself survives a crash)."""
    tmp = _temp_of(path)
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def remove_dead_writes(folder: Path, names: str) -> None:
    """The temp files `write_atomic` left in `folder` for files named like the glob
    `names`, when its process died before the rename: never read, so only removed."""
    for orphan in folder.glob(_temp_of(folder / names).name):
        orphan.unlink(missing_ok=True)


def _temp_of(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")
