"""An entity model exported again with other names: the source's SavedModel byte for byte
as the next version, the new gazetteer and what it finds in the metadata, and the
same answers as the source."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from app.sentiment.entities import Gazetteer, gazetteer_path
from app.sentiment.mention_tagger import MentionTagger, tagger_path
from tests.conftest import ROOT
from training.entity_sentiment import regazetteer
from training.sentiment.checklist import load_predict

SOURCE = ROOT / "models" / "entity_sentiment" / "12"


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "assets.extra" not in p.parts
    }


def test_the_copy_is_the_source_with_new_names(tmp_path: Path) -> None:
    base = tmp_path / "entity_sentiment"
    (base / "4").mkdir(parents=True)  # an earlier version: the copy is the next one
    keys = {"Toyota": "W:TOYOTA", "Toyota Motor": "W:TOYOTA", "Infosys": "NSE:INFY"}
    out = regazetteer.regazetteer(SOURCE, base, keys, "python -m test")

    assert out == base / "5" and not list(base.glob(".staging-*"))
    assert _files(out) == _files(SOURCE)
    shipped = json.loads(gazetteer_path(out).read_text())
    assert shipped["entities"] == keys and shipped["names"] == sorted(keys)
    meta = json.loads((out / "assets.extra" / "metadata.json").read_text())
    source = json.loads((SOURCE / "assets.extra" / "metadata.json").read_text())
    assert meta["version"] == 5 and meta["regazetteered_from"]["version"] == source["version"]
    assert meta["metrics"] == source["metrics"] and meta["config"] == source["config"]
    # Three names, two of them one company: they and the headlines' subjects no list
    # holds (`subjects`) find few of the annotated mentions.
    assert meta["gazetteer"]["names"] == 3
    assert 0 < meta["gazetteer"]["test"]["found"] < 0.2
    assert Gazetteer.load(gazetteer_path(out)).find_all(
        "Toyota Motor and Infosys rise; Knoll (NYSE:KNL) falls"
    ) == [("Toyota Motor", (0, 12)), ("Infosys", (17, 24)), ("Knoll", (31, 36))]
    # The copy records what its names find with today's reading: nothing changed since.
    reached = regazetteer.measured(keys)
    assert not regazetteer.readings_changed(out, reached)
    meta["gazetteer"]["finentity"]["matches"] += 1  # as a copy made before a new reading
    (out / "assets.extra" / "metadata.json").write_text(json.dumps(meta))
    assert regazetteer.readings_changed(out, reached)
    texts = ["xtargetx profit slumps as xotherx gains", "xtargetx shares rise 4%"]
    np.testing.assert_array_equal(
        load_predict(out, batch_size=8)(texts), load_predict(SOURCE, batch_size=8)(texts)
    )


def test_a_copy_of_a_copy_names_the_trained_version_its_weights_come_from(
    tmp_path: Path,
) -> None:
    base = tmp_path / "entity_sentiment"
    shutil.copytree(SOURCE, base / "12")  # the trained version, as models/ keeps it
    keys = {"Infosys": "NSE:INFY"}
    first = regazetteer.regazetteer(base / "12", base, keys, "python -m test")
    second = regazetteer.regazetteer(first, base, {"TCS": "NSE:TCS"}, "python -m test")

    def made(version: Path) -> dict[str, object]:
        return json.loads((version / "assets.extra" / "metadata.json").read_text())[
            "regazetteered_from"
        ]

    assert (made(first)["version"], made(first)["weights_of"]) == (12, 12)
    assert (made(second)["version"], made(second)["weights_of"]) == (13, 12)
    assert regazetteer.weights_of(second) == 12 and regazetteer.same_weights(second, base / "12")
    # A copy made before the record: the trained version beside it with its SavedModel.
    meta = json.loads((first / "assets.extra" / "metadata.json").read_text())
    del meta["regazetteered_from"]["weights_of"]
    (first / "assets.extra" / "metadata.json").write_text(json.dumps(meta))
    assert regazetteer.weights_of(first) == 12
    # Once it has left, the lineage cannot be told, and the copy says so.
    shutil.rmtree(base / "12")
    with pytest.raises(ValueError, match="no trained version"):
        regazetteer.weights_of(first)
    # Another variable file is another model.
    shutil.copytree(SOURCE, tmp_path / "other")
    (next((tmp_path / "other" / "variables").glob("*.data-*"))).write_bytes(b"0")
    assert not regazetteer.same_weights(tmp_path / "other", SOURCE)


def test_a_copy_ships_the_tagger_it_is_given_and_keeps_its_sources_otherwise(
    tmp_path: Path,
) -> None:
    served = ROOT / "models" / "entity_sentiment" / "45"
    tagger = tagger_path(served)
    base = tmp_path / "entity_sentiment"
    keys = {"Infosys": "NSE:INFY"}
    reached = {"test": {"found": 0.1}}  # what the names find is measured elsewhere
    # What "auto" finds with the tagger beside these names, measured elsewhere too.
    press = {"set.csv": {"auto_with_tagger": {"found": 3}}}
    first = regazetteer.regazetteer(SOURCE, base, keys, "python -m test", reached, tagger, press)
    assert _files(tagger_path(first)) == _files(tagger)
    meta = json.loads((first / "assets.extra" / "metadata.json").read_text())
    record = meta["mention_tagger"]
    assert record["folder"] == "assets.extra/mention_tagger"
    assert (
        record["saved_model_sha256"]
        == hashlib.sha256((tagger / "saved_model.pb").read_bytes()).hexdigest()
    )
    # How it tags SEntFiN's titles is its export's record; what it finds beside the
    # copy's names, the copy's.
    own = MentionTagger(tagger).metadata["scored"]
    assert record["scored"] == {**own, "entity_model": first.name, "press_sets": press}
    assert not regazetteer.tagger_finds_changed(first, press)
    assert regazetteer.tagger_finds_changed(first, {"set.csv": {"auto_with_tagger": {}}})
    # A copy of that copy with new names keeps the tagger; one of a source without a
    # tagger has none.
    second = regazetteer.regazetteer(first, base, keys, "python -m test", reached, press_sets=press)
    assert _files(tagger_path(second)) == _files(tagger)
    assert "mention_tagger" in json.loads((second / "assets.extra" / "metadata.json").read_text())
    plain = regazetteer.regazetteer(SOURCE, base, keys, "python -m test", reached)
    assert not tagger_path(plain).exists()
    assert "mention_tagger" not in json.loads(
        (plain / "assets.extra" / "metadata.json").read_text()
    )
