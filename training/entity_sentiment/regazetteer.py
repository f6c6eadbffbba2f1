"""An entity model exported again with the gazetteer today's code builds.

The gazetteer behind `"entities": "auto"` travels with the model (assets.extra/), so a
new list of names is a new version. When only the names change, training again would
only reproduce the same weights; this copies a version's SavedModel byte for byte
(graph, variables, word-vector notice) as the next version, with the names
`gazetteer.shipped` builds now, how much they find measured again on SEntFiN's test
titles and FinEntity's passages, and the figures drawn again under the new version.
Its metadata says which version it was made from (`regazetteered_from`); everything
else it records is the source's, as the weights are.

    python -m training.entity_sentiment.regazetteer [--source models/entity_sentiment/12]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.model_store import version_dir
from training import reports
from training.entity_sentiment import finentity, gazetteer
from training.entity_sentiment.pairs import pairs
from training.export import METADATA_FILE, command_line, next_version, write_json_atomic
from training.sentiment import sentfin
from training.sentiment.word_vectors import Pretrained

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "models" / "entity_sentiment"


def regazetteer(source: Path, base: Path, keys: dict[str, str], command: str) -> Path:
    """Write `source` as the next version under `base` with the names `keys`; the version
    directory appears in one rename, as an export's does."""
    version = next_version(base)
    staging = base / f".staging-{version}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging)
    extra = staging / "assets.extra"
    old = json.loads((extra / METADATA_FILE).read_text())
    test = [q for q in pairs(sentfin.load(sentfin.COMMITTED)) if q.is_test]
    shipped = gazetteer.export_file(keys)
    known = gazetteer.served(keys)
    metadata: dict[str, Any] = {
        **old,
        "version": version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "regazetteered_from": {
            "version": old["version"],
            "created_at": old["created_at"],
            "command": command,
            "gazetteer_sha256": hashlib.sha256(shipped.encode()).hexdigest(),
        },
        "gazetteer": {
            "file": gazetteer.FILE,
            "names": len(keys),
            **gazetteer.reaches(known, test, finentity.load()),
        },
    }
    (extra / gazetteer.FILE).write_text(shipped)
    write_json_atomic(extra / METADATA_FILE, metadata)
    for name, content in reports.sentiment_reports(metadata).items():
        (extra / name).write_bytes(content)
    staging.rename(base / str(version))
    return base / str(version)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.entity_sentiment.regazetteer")
    p.add_argument("--source", type=Path, help="the version to copy (default: the newest)")
    p.add_argument("--out", type=Path, default=BASE, help="where the new version goes")
    args = p.parse_args(argv)
    source = args.source or version_dir(BASE)
    dimensions = json.loads((source / "assets.extra" / METADATA_FILE).read_text())["config"][
        "word_dimensions"
    ]
    keys = gazetteer.shipped(english=gazetteer.english_words(Pretrained(dimensions)))
    if (source / "assets.extra" / gazetteer.FILE).read_text() == gazetteer.export_file(keys):
        p.error(f"{source} already ships these names: a copy would be the same model")
    out = regazetteer(
        source, args.out, keys, command_line("training.entity_sentiment.regazetteer", argv)
    )
    meta = json.loads((out / "assets.extra" / METADATA_FILE).read_text())["gazetteer"]
    print(f"{out}: {meta['names']} names; {gazetteer.said(meta['test'])}")
    print(f"  on FinEntity: {gazetteer.said(meta['finentity'], 'FinEntity')}")
    for part, where in (("test", "test"), ("finentity", "FinEntity")):
        for case in ("capitals", "lower_case"):
            found = gazetteer.said(meta[f"{part}_in_{case}"], where)
            print(f"  all in {case.replace('_', ' ')}: {found}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
