"""The probe asks an export's gazetteer about names as `"auto"` reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.sentiment.entities import Gazetteer, gazetteer_path
from training.entity_sentiment import gazetteer, probe


def test_a_name_found_as_another_or_not_at_all_is_missed() -> None:
    names = ["Trent", "Infosys", "Severn Trent", "Nowhere Corp"]
    known = Gazetteer(names[:2], {"Trent": "NSE:TRENT", "Infosys": "NSE:INFY"})
    answers = probe.probe(known, names)
    assert [a.as_written for a in answers] == [True, True, False, False]
    # "Severn Trent" is found as Trent, the Indian retailer: that is what it shows.
    assert answers[2].found == (("Trent", "NSE:TRENT"),)
    text = probe.report(answers, keys=True)
    assert text.splitlines()[0] == "4 asked; 2 not found as written"
    assert "'Severn Trent': found [('Trent', 'NSE:TRENT')]" in text
    assert "'Nowhere Corp': found nothing" in text
    assert "'Infosys' -> NSE:INFY" in text


def test_the_cli_reads_a_names_file_against_an_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "7"
    (export / "assets.extra").mkdir(parents=True)
    gazetteer_path(export).write_text(
        gazetteer.export_file({"Micron": "MU", "Infosys": "NSE:INFY"})
    )
    names = tmp_path / "names.txt"
    names.write_text("Micron\n\nGilead\n")
    assert probe.main([str(names), "--entity-model", str(export)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "2 asked; 1 not found as written"
    assert "'Gilead': found nothing" in out
