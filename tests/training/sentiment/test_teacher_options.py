"""The teacher's command-line rules. Its fine-tuning needs torch, which the test
environment does not install (`make teacher` does); these checks run before any import
of it, so a refused command costs nothing and writes nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from training.entity_sentiment import gazetteer
from training.entity_sentiment.pairs import training_texts
from training.sentiment import sentfin, teacher, tfns
from training.sentiment.parts import training_parts
from training.sentiment.soft_labels import (
    COMMITTED,
    ENSEMBLE_COMMITTED,
    ENTITY_COMMITTED,
    ENTITY_ENSEMBLE_COMMITTED,
    write,
)


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as info:
        teacher.main(argv)
    assert info.value.code == 2
    return capsys.readouterr().err


def test_score_only_needs_an_out_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Without --out it would overwrite the committed teacher.json with a record of answers
    # it never wrote.
    before = (COMMITTED.parent / "teacher.json").read_bytes()
    assert "--score-only needs --out" in refused(["--score-only"], capsys)
    assert (COMMITTED.parent / "teacher.json").read_bytes() == before
    args = teacher.parse_args(["--score-only", "--synthetic", "--out", str(tmp_path)])
    assert args.score_only and args.synthetic and args.out == tmp_path


def test_rule_labelled_headlines_are_for_the_headline_teacher(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "--synthetic is for the headline task" in refused(
        ["--task", "entity", "--synthetic"], capsys
    )
    assert teacher.parse_args(["--task", "entity"]).out.name == "entity_teacher"


def test_the_entity_teacher_reads_the_pairs_the_entity_trainer_reads() -> None:
    from training.entity_sentiment import train as entity_train
    from training.sentiment import tfns

    for argv in ([], ["--no-tfns"], ["--tfns", "x.csv", "--tfns-targets", "cashtag"]):
        ours = teacher.parse_args(["--task", "entity", *argv])
        theirs = entity_train.parse_args(["--out", "/nonexistent/entity_sentiment", *argv])
        assert (ours.tfns, ours.tfns_targets) == (theirs.tfns, theirs.tfns_targets)
    default = teacher.parse_args(["--task", "entity"])
    assert (default.tfns, default.tfns_targets) == (tfns.TRAIN, "gazetteer")
    assert teacher.parse_args(["--task", "entity", "--no-tfns"]).tfns is None


def test_broker_calls_are_for_the_entity_teacher(capsys: pytest.CaptureFixture[str]) -> None:
    assert "--analyst-calls is for the entity task" in refused(["--analyst-calls", "5"], capsys)
    assert teacher.parse_args(["--task", "entity", "--analyst-calls", "5"]).analyst_calls == 5


def test_recomposed_headlines_are_for_the_headline_teacher(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "--compose is for the headline task" in refused(
        ["--task", "entity", "--compose"], capsys
    )
    assert "--joins needs --compose" in refused(["--joins", "100"], capsys)
    assert "--same-subject needs --joins" in refused(["--compose", "--same-subject"], capsys)
    args = teacher.parse_args(["--compose", "--joins", "100"])
    assert args.compose and args.joins == 100


def test_a_second_teacher_answers_the_first_teachers_texts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Its answers are averaged with the file's, text for text: it makes no texts of its own.
    assert "--ensemble-with answers another teacher's texts" in refused(
        ["--ensemble-with", str(COMMITTED), "--compose"], capsys
    )
    args = teacher.parse_args(["--task", "entity", "--ensemble-with", str(ENTITY_COMMITTED)])
    assert args.out == ENTITY_ENSEMBLE_COMMITTED.parent != ENTITY_COMMITTED.parent
    # A third teacher joins a committed mean only into another folder.
    assert "would write over FILE" in refused(["--ensemble-with", str(ENSEMBLE_COMMITTED)], capsys)
    args = teacher.parse_args(["--seed", "1", "--ensemble-with", str(COMMITTED)])
    assert args.ensemble_with == COMMITTED and args.seed == 1
    # Its mean goes beside the first teacher's answers, never over them.
    assert args.out == ENSEMBLE_COMMITTED.parent != COMMITTED.parent


def test_a_second_teacher_refuses_answers_made_on_another_split(tmp_path: Path) -> None:
    # Before any fine-tuning: a file whose validation headlines are not this run's.
    fit, val, _ = training_parts()
    other = tmp_path / "other.csv.gz"
    write(
        other,
        {"fit": ["Acme beats estimates"], "validation": ["Rupee slumps"]},
        {"fit": np.zeros((1, 3)), "validation": np.zeros((1, 3))},
    )
    with pytest.raises(SystemExit, match="validation headlines are not this run's"):
        teacher.same_split(other, val)
    committed = teacher.same_split(COMMITTED, val)
    assert committed.texts["fit"] == [t for t, _ in fit]
    # A run whose validation part lost a text the file was validated on is refused too.
    with pytest.raises(SystemExit, match="validation headlines are not this run's"):
        teacher.same_split(COMMITTED, val[1:])


def test_the_entity_teachers_answers_were_validated_on_this_runs_validation_pairs() -> None:
    # The pairs changed after the committed entity teacher ran (TFNS's label goes to the
    # subject, analysts are neutral pairs): a second teacher fits today's pairs, and
    # every pair the first was validated on is still a validation pair.
    us = gazetteer.tfns_pairs_for(tfns.TRAIN, "gazetteer", gazetteer.for_pairs())
    _, val, _ = training_texts(sentfin.load(sentfin.locate(None)), us)
    first = teacher.same_split(ENTITY_COMMITTED, val)
    assert 0 < len(val) - len(first.texts["validation"]) < 20


def test_target_pooling_is_for_the_entity_teacher(capsys: pytest.CaptureFixture[str]) -> None:
    assert "a headline has no target" in refused(["--pooling", "mean-target"], capsys)
    assert teacher.parse_args(["--task", "entity", "--pooling", "mean-target"]).pooling == (
        "mean-target"
    )
    assert teacher.parse_args(["--task", "entity"]).pooling == "mean"


def test_the_target_pieces_are_the_word_pieces_inside_the_target_marker() -> None:
    text = "xtargetx gains 3%, xotherx slips"
    # The encoder's tokenizer on this text: [CLS] x ##tar ##get ##x gains 3 % , x ##oth
    # ##er ##x slips [SEP], then one padding piece.
    offsets = [[0, 0], [0, 1], [1, 4], [4, 7], [7, 8], [9, 14], [15, 16], [16, 17]]
    offsets += [[17, 18], [19, 20], [20, 23], [23, 25], [25, 26], [27, 32], [0, 0], [0, 0]]
    assert teacher.target_pieces(text, offsets) == [0.0] + [1.0] * 4 + [0.0] * 11
    # Two mentions of the target are both read; a headline without one has no target piece.
    twice = "xtargetx says xtargetx"
    assert teacher.target_pieces(twice, [[0, 0], [0, 8], [9, 13], [14, 15], [15, 22]]) == [
        0.0,
        1.0,
        0.0,
        1.0,
        1.0,
    ]
    assert teacher.target_pieces("Sensex gains", [[0, 0], [0, 6], [7, 12], [0, 0]]) == [0.0] * 4
