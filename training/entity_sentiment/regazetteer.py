"""An entity model exported again with the gazetteer today's code builds.

The gazetteer behind `"entities": "auto"` travels with the model (assets.extra/), so a
new list of names is a new version, and so is a new reading of the texts that changes
what the same names find. When only the names change, training again would
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
from app.sentiment.entities import gazetteer_path
from app.sentiment.mention_tagger import MentionTagger, tagger_path
from training import reports
from training.entity_sentiment import finentity, gazetteer, markets
from training.entity_sentiment.pairs import pairs
from training.export import METADATA_FILE, command_line, next_version, write_json_atomic
from training.sentiment import sentfin
from training.sentiment.word_vectors import Pretrained

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "models" / "entity_sentiment"


def _metadata(version: Path) -> dict[str, Any]:
    return json.loads((version / "assets.extra" / METADATA_FILE).read_text())


def same_weights(a: Path, b: Path) -> bool:
    """Whether two SavedModels hold the same graph and variables, byte for byte."""

    def files(d: Path) -> dict[str, bytes]:
        parts = [d / "saved_model.pb", *sorted((d / "variables").iterdir())]
        return {str(p.relative_to(d)): p.read_bytes() for p in parts}

    return files(a) == files(b)


def weights_of(source: Path) -> int:
    """The version whose training run made `source`'s weights: its own for a trained
    export; for a copy this module made, the one its metadata records, or, in a copy
    made before that record, the trained version beside it with the same SavedModel. So
    a copy's lineage survives its sources leaving `models/`."""
    meta = _metadata(source)
    made = meta.get("regazetteered_from")
    if made is None:
        return int(meta["version"])
    if "weights_of" in made:
        return int(made["weights_of"])
    for other in sorted(source.parent.iterdir()):
        if (
            other.name.isdigit()
            and other != source
            and "regazetteered_from" not in _metadata(other)
            and same_weights(other, source)
        ):
            return int(other.name)
    raise ValueError(f"{source}: no trained version beside it holds its weights")


def measured(keys: dict[str, str]) -> dict[str, dict]:
    """How much the names `keys` find with today's reading (`gazetteer.reaches`), as a
    copy's metadata records it."""
    test = [q for q in pairs(sentfin.load(sentfin.COMMITTED)) if q.is_test]
    return gazetteer.reaches(gazetteer.served(keys), test, finentity.load())


def tagger_press_sets(tagger: Path, keys: dict[str, str]) -> dict[str, dict]:
    """What `"auto"` finds on each press set with the mention tagger exported at `tagger`
    beside the names `keys` (`mention_tagger.scored`), as a copy's metadata records it."""
    from training.entity_sentiment.mention_tagger import scored

    return scored(MentionTagger(tagger), gazetteer.served(keys))


def tagger_finds_changed(source: Path, press_sets: dict[str, dict] | None) -> bool:
    """Whether the tagger `source` ships finds otherwise today (`press_sets`) than its
    metadata records: the service's checks of its names changed."""
    recorded = _metadata(source).get("mention_tagger", {}).get("scored") or {}
    return press_sets is not None and recorded.get("press_sets") != press_sets


def readings_changed(source: Path, reached: dict[str, dict]) -> bool:
    """Whether names find otherwise today (`reached`, `measured`) than `source`'s metadata
    records: the service's reading of a text (`app/sentiment/entities.py`) changed, so
    the same names are a new version whose metadata records what they find now."""
    recorded = _metadata(source)["gazetteer"]
    return any(recorded.get(part) != reach for part, reach in reached.items())


def regazetteer(
    source: Path,
    base: Path,
    keys: dict[str, str],
    command: str,
    reached: dict[str, dict] | None = None,
    tagger: Path | None = None,
    press_sets: dict[str, dict] | None = None,
) -> Path:
    """Write `source` as the next version under `base` with the names `keys` (what they
    find: `reached`, else `measured` here), and with the mention tagger exported at
    `tagger` in place of any `source` ships (what `"auto"` finds with it on the press
    sets: `press_sets`, else `tagger_press_sets` here); the version directory appears in
    one rename, as an export's does."""
    version = next_version(base)
    staging = base / f".staging-{version}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging)
    extra = staging / "assets.extra"
    old = _metadata(source)
    shipped = gazetteer.export_file(keys)
    metadata: dict[str, Any] = {
        **old,
        "version": version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "regazetteered_from": {
            "version": old["version"],
            "weights_of": weights_of(source),
            "created_at": old["created_at"],
            "command": command,
            "gazetteer_sha256": hashlib.sha256(shipped.encode()).hexdigest(),
        },
        "gazetteer": {
            "file": gazetteer.FILE,
            "names": len(keys),
            **(reached if reached is not None else measured(keys)),
        },
    }
    if tagger is not None:
        shutil.rmtree(tagger_path(staging), ignore_errors=True)
        shutil.copytree(tagger, tagger_path(staging))
    if tagger_path(staging).is_dir():
        record = json.loads((tagger_path(staging) / "assets.extra" / METADATA_FILE).read_text())
        metadata["mention_tagger"] = {
            "folder": f"assets.extra/{tagger_path(staging).name}",
            "created_at": record["created_at"],
            "command": record["command"],
            "saved_model_sha256": hashlib.sha256(
                (tagger_path(staging) / "saved_model.pb").read_bytes()
            ).hexdigest(),
            # What the tagger's names find beside these names and today's readings; how
            # it tags SEntFiN's test titles is its own export's record.
            "scored": {
                **(record.get("scored") or {}),
                "entity_model": str(version),
                "press_sets": press_sets or tagger_press_sets(tagger_path(staging), keys),
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
    p.add_argument(
        "--markets",
        action="store_true",
        help="ship the commodities and currencies of data/markets/ too (markets.py; tried, "
        "not served)",
    )
    p.add_argument(
        "--tagger",
        type=Path,
        help="ship this mention tagger export (training/entity_sentiment/mention_tagger.py) "
        "in place of the source's",
    )
    args = p.parse_args(argv)
    source = args.source or version_dir(BASE)
    dimensions = _metadata(source)["config"]["word_dimensions"]
    keys = gazetteer.shipped(
        english=gazetteer.english_words(Pretrained(dimensions)),
        markets=markets.FILE if args.markets else None,
    )
    reached = measured(keys)
    shipped_tagger = args.tagger or tagger_path(source)
    press_sets = tagger_press_sets(shipped_tagger, keys) if shipped_tagger.is_dir() else None
    if (
        args.tagger is None
        and gazetteer_path(source).read_text() == gazetteer.export_file(keys)
        and not readings_changed(source, reached)
        and not tagger_finds_changed(source, press_sets)
    ):
        p.error(
            f"{source} already ships these names, and they and its tagger find what its "
            "metadata records: a copy would be the same model"
        )
    command = command_line("training.entity_sentiment.regazetteer", argv)
    out = regazetteer(source, args.out, keys, command, reached, args.tagger, press_sets)
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
