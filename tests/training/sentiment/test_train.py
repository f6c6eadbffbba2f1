"""Training end to end on a tiny fixture, and the export round trip."""

from __future__ import annotations

import json
import shlex
from dataclasses import replace
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.conftest import FIXTURES, ROOT, TINY_SENTFIN, png_size, serve_alone
from tests.training.conftest import TINY_NETWORK, assert_one_se_choice
from training.entity_sentiment import train as train_entities
from training.entity_sentiment.model import sequence_branch as entity_branch
from training.export import export_model, next_version
from training.metrics import bias_temperature_scale, classification_report, temperature_scale
from training.sentiment import (
    augment,
    checklist,
    counterfactual,
    economy,
    economy_posts,
    mixture,
    options,
    sentfin,
    soft_labels,
    synthetic,
)
from training.sentiment import train as train_sentiment
from training.sentiment.distill import one_hot
from training.sentiment.model import (
    POOLINGS,
    NgramTfidfSoftmax,
    SentimentConfig,
    StatePooling,
    combine,
    compile_classifier,
    fit_ngram_exact,
    learning_rate_callbacks,
    masked_max,
    ngram_branch,
    sequence_branch,
)
from training.sentiment.parts import training_parts
from training.sentiment.word_vectors import Pretrained

TINY = ["--tfns", str(FIXTURES / "tiny_tfns.csv"), *TINY_NETWORK]
POST = economy_posts.split(economy_posts.load())[1][0][0]


def test_help_runs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        train_sentiment.main(["--help"])
    assert info.value.code == 0
    assert "--download" in capsys.readouterr().out


@pytest.mark.parametrize("trainer", [train_sentiment, train_entities], ids=["headline", "entity"])
def test_both_trainers_take_a_warm_start_and_a_rate_or_say_why_not(
    trainer: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused = {
        ("--init-from", str(tmp_path)): f"--init-from {tmp_path}: no SavedModel there",
        ("--learning-rate", "0"): "--learning-rate must be above 0, got 0.0",
        ("--probe-init-from", str(ROOT / "models" / "sentiment" / "7")): (
            "--probe-init-from needs --init-from for the refit, or --no-refit"
        ),
        ("--ngram-targets", "teacher", "--no-teacher"): "--ngram-targets teacher needs a teacher",
        ("--distill-loss", "logit-mse", "--no-teacher"): "--distill-loss logit-mse needs a teacher",
        ("--soup-with", str(tmp_path)): f"--soup-with {tmp_path}: no SavedModel there",
        ("--soup-with", str(ROOT / "models" / "sentiment" / "7")): (
            "--soup-with with a refit needs each member's refit in --refit-soup-with"
        ),
        ("--no-refit", "--refit-soup-with", str(ROOT / "models" / "sentiment" / "7")): (
            "--refit-soup-with souped refits: it cannot go with --no-refit"
        ),
    }
    for argv, message in refused.items():
        with pytest.raises(SystemExit) as stopped:
            trainer.parse_args(list(argv))
        assert stopped.value.code == 2
        assert message in capsys.readouterr().err
    args = trainer.parse_args(
        ["--init-from", str(ROOT / "models" / "sentiment" / "7"), "--learning-rate", "3e-4"]
    )
    assert args.init_from.name == "7"
    assert options.network_config(args).lstm_learning_rate == 3e-4


def test_source_tags_keep_a_teachers_answers(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        train_sentiment.parse_args(["--source-tags", "--no-teacher"])
    assert "--source-tags keeps the teacher's answers: it needs a teacher" in (
        capsys.readouterr().err
    )
    assert train_sentiment.parse_args(["--source-tags"]).source_tags


def test_missing_data_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--data", str(tmp_path / "absent.csv"), "--out", str(tmp_path / "sentiment")]
    assert train_sentiment.main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "absent.csv" in err


def tiny_teacher(folder: Path, leave_out: int = 0) -> Path:
    """Answers for the fixture's training headlines, as `make teacher` writes them: a
    teacher that agrees with the labels, a variant of each fit headline, two posts no one
    labelled and one rule-labelled headline."""
    fit, val, _ = training_parts(data=TINY_SENTFIN, tfns_train=FIXTURES / "tiny_tfns.csv")
    fit = fit[leave_out:]
    texts = {
        "fit": [t for t, _ in fit],
        "validation": [t for t, _ in val],
        "variant": augment.variants([t for t, _ in fit], 1, seed=0),
        # The third is an economy posts' test post, which no run may learn.
        "unlabelled": ["$ACME slides after the bell", "Globex names a new chief executive", POST],
        # The first rule-labelled headline the run below draws; the rest keep their labels.
        "synthetic": [synthetic.generate()[0].text],
    }
    logits = {
        "fit": 4.0 * one_hot(np.array([y for _, y in fit])),
        "validation": 4.0 * one_hot(np.array([y for _, y in val])),
        "variant": np.zeros((len(texts["variant"]), 3)),
        "unlabelled": np.array([[3.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 3.0]]),
        "synthetic": np.array([[0.0, 0.0, 3.0]]),
    }
    path = folder / soft_labels.FILE_NAME
    soft_labels.write(path, texts, logits)
    return path


def test_a_teacher_without_the_training_headlines_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    teacher = tiny_teacher(tmp_path, leave_out=1)
    args = ["--data", str(TINY_SENTFIN), "--out", str(tmp_path / "s"), *TINY]
    assert train_sentiment.main([*args, "--teacher", str(teacher)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "lack 1 of" in err and "make teacher" in err


def test_tiny_training_exports_a_servable_model(tmp_path: Path) -> None:
    out = tmp_path / "sentiment"
    # --max-rows keeps every fixture headline and caps the synthetic ones at a quarter.
    rules = ["--synthetic", "sequence", "--max-rows", "400", "--weight-rule", "one-se"]
    teacher = ["--teacher", str(tiny_teacher(tmp_path)), "--distill-temperature", "2"]
    teacher += ["--unlabelled", "--counterfactuals", "objects", "--counterfactual-branches", "both"]
    # The served cell: a scratch cell's gradient graph took a third of this run in
    # tracing, and the forecast's short run exports one already.
    decay = ["--learning-rate-decay", "cosine", "--average-epochs", "2"]
    network = [*decay, "--pooling", "last-max", "--calibration", "bias"]
    args = ["--data", str(TINY_SENTFIN), "--out", str(out), *TINY, *rules, *teacher, *network]
    assert train_sentiment.main(args) == 0
    version = out / "1"
    assert (version / "saved_model.pb").is_file()
    assert (version / "variables" / "variables.index").is_file()
    meta = json.loads((version / "assets.extra" / "metadata.json").read_text())
    assert meta["name"] == "sentiment" and meta["version"] == 1
    assert meta["command"] == shlex.join(["python", "-m", "training.sentiment.train", *args])
    assert meta["labels"] == ["negative", "neutral", "positive"]
    for key in (
        "label_rule",
        "split_rule",
        "config",
        "baseline",
        "metrics",
        "tensorflow_version",
        "created_at",
    ):
        assert key in meta
    assert meta["data"]["sha256"] and meta["data"]["test"] == 27
    # TFNS train joins the training data; both fixed test sets are scored, the model beside
    # the baseline fitted on the same data, with calibration; and the behavioural suite.
    assert meta["data"]["tfns"]["rows"] == 12
    assert set(meta["test_sets"]) == {"sentfin_test", "tfns_validation", "economy_posts"}
    assert meta["test_sets"]["economy_posts"]["baseline"]["n"] == 383
    assert meta["economy_posts"] is None
    assert meta["test_sets"]["tfns_validation"]["baseline"]["n"] == 2388
    for scores in meta["test_sets"].values():
        assert set(scores) == {
            "model",
            "baseline",
            "baseline_with_synthetic",
            "model_as_the_service_reads",
            "baseline_as_the_service_reads",
        }
        assert all(0 <= s["ece"] <= 1 for s in scores.values())
    # SEntFiN's titles hold nothing the service's reading changes; TFNS's links do.
    sentfin_scores = meta["test_sets"]["sentfin_test"]
    assert sentfin_scores["model_as_the_service_reads"] == {
        k: v for k, v in sentfin_scores["model"].items() if k in sentfin_scores["baseline"]
    }
    # The rule-labelled headlines went to the sequence branch only, never to validation.
    assert meta["synthetic"]["rows"] == 100
    # The sequence branch learnt the teacher's answers, its variants, two of the three
    # unlabelled posts (not the economy posts' test post) and the one rule-labelled
    # headline it answered.
    variants = meta["teacher"]["rows"]["variant"]
    learnt = meta["training"]["sequence"]["teacher"]
    assert variants > 50 and meta["teacher"]["rows"]["unlabelled"] == 2
    assert meta["teacher"]["rows"]["synthetic"] == 1
    expected = {"variants": variants, "unlabelled": 2, "synthetic": 1, "temperature": 2.0}
    assert learnt == {**learnt, **expected}
    assert meta["teacher"]["rows"]["fit"] == meta["data"]["fit"]
    # The fit headlines' counterfactuals, none of them a validation or test headline.
    fit, val, tests = training_parts(data=TINY_SENTFIN, tfns_train=FIXTURES / "tiny_tfns.csv")
    exclude = [t for t, _ in val] + [t for rows in tests.values() for t, _ in rows]
    labels = one_hot(np.array([y for _, y in fit]))
    made, _ = counterfactual.counterfactuals([t for t, _ in fit], labels, exclude, objects=True)
    counts = learnt["counterfactuals"]
    assert counts["fit"] == len(made) > 0 and counts["refit"] >= counts["fit"]
    assert counts["objects"] is True and counts["branches"] == "both"
    assert counts["pool"] == "companies"
    # The n-gram branch learnt them too, beside the real headlines (no rule-labelled ones).
    refit_rows = meta["training"]["ngram"]["refit_rows"]
    assert refit_rows == meta["data"]["fit"] + meta["data"]["validation"] + counts["refit"]
    data = meta["data"]
    assert data["fit"] + data["validation"] + data["test"] == data["rows"] + data["tfns"]["rows"]
    # The weight: within one standard error of the best validation accuracy, the one
    # that reads the held-out draws of the grammars best.
    assert meta["training"]["mixture"]["composition_headlines"] == 100
    assert_one_se_choice(meta)
    assert (
        meta["test_sets"]["sentfin_test"]["model"]["accuracy"]
        == (meta["metrics"]["test"]["accuracy"])
    )
    assert meta["checklist"]["overall"]["total"] == 402
    assert meta["economy"]["all"]["n"] == len(economy.CASES)
    # The economy's indicators, as the export itself reads them.
    assert meta["economy"] == economy.evaluate(checklist.load_predict(version, 64))
    # The suite at every weight, from the exported branches: at the chosen weight it is
    # the export's own result, category by category.
    by_weight = meta["checklist_by_weight"]
    chosen = by_weight["weights"].index(meta["config"]["sequence_weight"])
    assert len(by_weight["overall_rate"]) == 21
    assert by_weight["overall_rate"][chosen] == round(meta["checklist"]["overall"]["rate"], 4)
    for name, rates in by_weight["categories"].items():
        assert rates[chosen] == round(meta["checklist"]["categories"][name]["rate"], 4)
    consistent = meta["checklist"]["invariance_consistency"]["passed"]
    assert by_weight["invariance_consistent"][chosen] == consistent
    assert 0.0 <= meta["metrics"]["test"]["accuracy"] <= 1.0
    assert sum(map(sum, meta["metrics"]["test"]["confusion_matrix"]["rows_true_cols_pred"])) == 27
    seq = meta["training"]["sequence"]
    assert len(seq["history"]["val_accuracy"]) == seq["epochs_run"]
    # The branch ends on the mean of its last two epochs, validated as a mean.
    averaged = seq["history"]["val_accuracy_average"]
    assert seq["averaged_epochs"] == 2 and len(averaged) == seq["epochs_run"]
    assert seq["best_val_accuracy"] == max(averaged) == averaged[seq["best_epoch"] - 1]
    assert meta["recurrent_parameters"] > 0
    # The training reports, drawn at export: 1 and 2 panels of 5.2 x 3.6 in at 110 dpi.
    assert png_size(version / "assets.extra" / "training_curves.png") == (1144, 396)
    assert png_size(version / "assets.extra" / "confusion_matrix.png") == (528, 462)

    loaded = tf.saved_model.load(str(version))
    sig = loaded.signatures["serving_default"]
    assert sig.structured_input_signature[1]["headlines"].dtype == tf.string
    answer = sig(headlines=tf.constant(["Acme Corp shares zzqxv", "", "日本 株 📉"]))
    probs = answer["probabilities"].numpy()
    assert probs.shape == (3, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    # "acme", "corp" and "shares" are training words, "zzqxv" is no word; nothing else
    # is readable, and what cannot be read gets 1/3 each.
    np.testing.assert_allclose(answer["coverage"].numpy(), [0.75, 0.0, 0.0])
    np.testing.assert_allclose(probs[1:], 1 / 3, atol=1e-6)
    assert meta["signature"]["outputs"] == ["coverage", "probabilities"]
    calibration = meta["calibration"]
    assert meta["config"]["temperature"] == calibration["temperature"]
    if calibration["bias_kept"]:
        assert calibration["temperature"] == calibration["fitted_bias_temperature"]
        assert calibration["bias"] == calibration["fitted_bias"]
    else:
        assert calibration["temperature"] in (1.0, calibration["fitted_temperature"])
        assert calibration["bias"] == [0.0, 0.0, 0.0]
    crossed = calibration["cross_fitted"]
    assert calibration["bias_kept"] is (
        crossed["bias"]["log_loss"] < crossed["temperature"]["log_loss"]
    )
    for scores in meta["test_sets"].values():
        assert 0.0 <= scores["model"]["mean_coverage"] <= 1.0
    assert meta["word_vectors"]["dimensions"] == 192
    assert meta["config"]["cell"] == "lstm" and meta["config"]["recurrent_dropout"] == 0.0
    assert meta["config"]["learning_rate_decay"] == "cosine"
    assert meta["config"]["pooling"] == "last-max"
    assert meta["config"]["drop_links"] is False  # as v7 reads them
    assert seq["history"]["learning_rate"] == [0.001]  # epoch 1 of 1 starts at the full rate
    headlines = "{'headlines': tf.constant(['Acme Corp shares surge', 'Rupee slumps'])}"
    assert serve_alone(version, headlines, "probabilities") == "(2, 3) True"


def test_economy_posts_join_both_branches_and_are_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sentiment"
    # --max-rows 40 keeps the first 10 learnable posts; each is learnt REPEAT times.
    # Without TFNS: its 2,388 test posts, scored by each model twice, are the other
    # trainings' to check.
    args = ["--data", str(TINY_SENTFIN), "--out", str(out), *TINY_NETWORK, "--no-tfns"]
    args += ["--no-teacher", "--economy-posts", "--max-rows", "40", "--no-refit"]
    assert train_sentiment.main(args) == 0
    assert "10 economy posts" in capsys.readouterr().out
    meta = json.loads((out / "1" / "assets.extra" / "metadata.json").read_text())
    assert meta["economy_posts"] == {
        "file": "posts.csv",
        "sha256": sentfin.file_sha256(economy_posts.FILE),
        "rows": 10,
        "repeat": economy_posts.REPEAT,
        "used_for": "both branches' fit and refit; never validation or test",
    }
    assert meta["synthetic"] is None
    # The posts' test part is scored beside a baseline that learnt the same posts.
    scores = meta["test_sets"]["economy_posts"]
    assert scores["model"]["n"] == 383 and "baseline_with_economy_posts" in scores
    assert "baseline_with_synthetic" not in scores
    with pytest.raises(SystemExit):
        train_sentiment.main([*args, "--synthetic", "sequence"])
    assert "--economy-posts goes with neither" in capsys.readouterr().err


def test_cosine_decay_gives_each_epoch_its_rate_and_constant_adds_nothing() -> None:
    cfg = SentimentConfig(max_epochs=4, learning_rate_decay="cosine")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    compile_classifier(model, cfg.lstm_learning_rate)
    x, y = np.ones((8, 2), np.float32), np.arange(8) % 3
    history = model.fit(x, y, epochs=4, verbose=0, callbacks=learning_rate_callbacks(cfg))
    # 1e-3 * (1 + cos(pi * epoch / 4)) / 2: the refit replays these epoch for epoch.
    np.testing.assert_allclose(
        history.history["learning_rate"], [1e-3, 0.853553e-3, 0.5e-3, 0.146447e-3], rtol=1e-5
    )
    assert learning_rate_callbacks(SentimentConfig()) == []


def test_best_weight_takes_the_best_validation_accuracy_nearest_an_even_mix() -> None:
    weights = list(mixture.WEIGHTS)
    scores = [0.80] * 21
    scores[4] = scores[12] = 0.83
    assert mixture.best_weight(scores) == weights[12]  # 0.6 is nearer 0.5 than 0.2
    scores[3] = 0.84
    assert mixture.best_weight(scores) == weights[3]


def test_one_se_rule_takes_the_best_composition_within_noise_of_the_best() -> None:
    weights = list(mixture.WEIGHTS)
    validation = [0.80] * 21
    validation[6], validation[8], validation[10], validation[12] = 0.833, 0.826, 0.824, 0.829
    composition = weights  # the more sequence branch, the better it composes
    # One standard error at 0.833 on 1,836 headlines is 0.0087: weights 6, 8 and 12 are
    # in, 10 (0.824) is out, and 12 reads composition best.
    rule = mixture.one_se_weight(validation, 1836, composition)
    assert rule == {
        "weight": weights[12],
        "standard_error": 0.0087,
        "floor": 0.8243,
        "eligible": [weights[6], weights[8], weights[12]],
    }
    # Equal composition: the better validation accuracy wins.
    assert mixture.one_se_weight(validation, 1836, [0.5] * 21)["weight"] == weights[6]
    # With a hundred times the headlines the noise is a tenth: only the best remains.
    assert mixture.one_se_weight(validation, 183_600, composition)["weight"] == weights[6]
    # Composition tied at the top: weight 1, the simplest model (no n-gram branch in its
    # graph), though another weight has the better validation accuracy; not when weight 1
    # is out of noise.
    tied = [0.5] * 21
    tied[12] = tied[20] = 0.9
    validation[20] = 0.826
    assert mixture.one_se_weight(validation, 1836, tied)["weight"] == 1.0
    validation[20] = 0.820
    assert mixture.one_se_weight(validation, 1836, tied)["weight"] == weights[12]


def test_one_se_rule_needs_synthetic_headlines(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        train_sentiment.main(["--weight-rule", "one-se"])
    assert info.value.code == 2
    assert "--weight-rule one-se needs --synthetic" in capsys.readouterr().err


def stored_weights(version: Path) -> int:
    """Numbers in an export's checkpoint."""
    checkpoint = str(version / "variables" / "variables")
    return sum(int(np.prod(shape)) for _, shape in tf.train.list_variables(checkpoint))


@pytest.mark.eager
def test_export_round_trip_matches_keras(
    tmp_path: Path, pretrained: Pretrained, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = tf.constant(
        [
            "Acme shares surge on profit",
            "Globex posts loss",
            "Initech meets",
            "Umbrella Bank rallies",
            "Stark Steel slumps",
            "Wayne to hold meeting",
        ]
    )
    labels = np.array([2, 0, 1, 2, 0, 1])
    cfg = SentimentConfig(
        pretrained_vocabulary=False, word_ngram_tokens=80, char_ngram_tokens=200, lstm_units=3
    )
    fit, sequence = sequence_branch(cfg, texts, pretrained)
    fit.fit(texts, labels, epochs=2, verbose=0)
    ngram = ngram_branch(cfg, texts)
    fit_ngram_exact(ngram, texts, labels, c=10.0)
    bias = [0.3, -0.1, -0.2]
    model = combine(sequence, ngram, 0.4, temperature=0.7, bias=bias)
    path = export_model(
        model, tmp_path, train_sentiment.INPUT_SPEC, "probabilities", {"name": "sentiment"}
    )
    # Without --version an export takes the next integer; names that are not one are no version.
    (tmp_path / "7").mkdir(), (tmp_path / "10.bak").mkdir()
    assert path.name == "1" and next_version(tmp_path) == 8
    # A taken --version stops the training at its command line, before any data is read.
    with pytest.raises(SystemExit) as stopped:
        train_sentiment.parse_args(["--out", str(tmp_path), "--version", "7"])
    assert stopped.value.code == 2
    assert "exists: pick another --version" in capsys.readouterr().err
    probe = tf.constant(["Acme shares surge", "unseen words only", "Globex loss ✓", ""])
    expected = model.predict(probe, verbose=0)
    got = tf.saved_model.load(str(path)).signatures["serving_default"](headlines=probe)
    for name in ("probabilities", "coverage"):
        np.testing.assert_allclose(got[name].numpy(), expected[name], rtol=1e-5, atol=1e-6)
    # The graph's temperature and shifts are those of training.metrics, applied to the
    # mixture, for the headlines with a known word ("unseen words only" and "" have none:
    # 1/3 each, whatever the shifts).
    mixed = 0.4 * fit.predict(probe, verbose=0) + 0.6 * ngram.predict(probe, verbose=0)
    readable = [0, 2]
    np.testing.assert_allclose(
        expected["probabilities"][readable],
        bias_temperature_scale(mixed, 0.7, bias)[readable],
        rtol=1e-4,
        atol=1e-6,
    )
    np.testing.assert_allclose(expected["probabilities"][[1, 3]], 1 / 3, atol=1e-6)
    # The n-gram branch alone is the exact logistic regression: it fits this toy set.
    assert (ngram.predict(texts, verbose=0).argmax(1) == labels).all()
    # The suite by weight is the export's at its own weight, shifts and temperature too.
    suite = model.predict(tf.constant([case.text for case in checklist.CASES]), verbose=0)
    by_weight = mixture.checklist_by_weight(fit, ngram, suite["coverage"], 0.7, bias)
    served = checklist.evaluate(lambda _: suite["probabilities"])["overall"]["rate"]
    assert by_weight["overall_rate"][by_weight["weights"].index(0.4)] == round(served, 4)
    # Each weight is stored once (Keras would otherwise write every variable twice).
    stored = stored_weights(path)
    weights = sum(int(np.prod(v.shape)) for v in model.weights)
    assert stored <= weights + 16
    # At weight 1 the graph leaves the n-gram branch out: the sequence branch's answers,
    # calibrated, and none of the n-gram weights stored.
    lean = export_model(
        combine(sequence, ngram, 1.0, temperature=0.7),
        tmp_path / "lean",
        train_sentiment.INPUT_SPEC,
        "probabilities",
        {"name": "sentiment"},
    )
    got = tf.saved_model.load(str(lean)).signatures["serving_default"](headlines=probe)
    np.testing.assert_allclose(
        got["probabilities"].numpy()[readable],
        temperature_scale(fit.predict(probe, verbose=0), 0.7)[readable],
        rtol=1e-4,
        atol=1e-6,
    )
    lean_stored = stored_weights(lean)
    ngram_weights = sum(int(np.prod(v.shape)) for v in ngram.weights)
    assert lean_stored <= stored - ngram_weights + 16


def test_classification_report_numbers() -> None:
    report = classification_report([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], ["a", "b", "c"])
    assert report["accuracy"] == pytest.approx(4 / 6, abs=1e-4)
    assert report["per_class"]["a"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert report["per_class"]["b"]["precision"] == 0.5
    assert report["per_class"]["b"]["recall"] == 1.0
    assert report["per_class"]["c"]["recall"] == pytest.approx(0.6667, abs=1e-4)
    assert report["confusion_matrix"]["rows_true_cols_pred"] == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    f1s = [0.5, 2 * 0.5 / 1.5, 0.8]
    assert report["macro_f1"] == pytest.approx(sum(f1s) / 3, abs=1e-4)


@pytest.mark.parametrize(("pooling", "layers"), [*((p, 1) for p in POOLINGS), ("last", 2)])
def test_padding_to_the_longest_headline_changes_no_answer(
    pretrained: Pretrained, pooling: str, layers: int
) -> None:
    texts = tf.constant(["shares rise on profit", "rupee falls sharply against the dollar"] * 10)
    cfg = SentimentConfig(
        sequence_length=6, pretrained_vocabulary=False, pooling=pooling, recurrent_layers=layers
    )
    model, _ = sequence_branch(cfg, texts, pretrained)
    alone = model(tf.constant(["shares rise"])).numpy()
    # Padded to 6 steps beside a long neighbour instead of 2 steps alone.
    beside = model(tf.constant(["shares rise", "rupee falls sharply against the dollar"])).numpy()
    np.testing.assert_allclose(beside[:1], alone, atol=1e-6)
    # Beyond the cap the rest is cut, as in training; a batch of no known words still runs.
    long = "rupee falls sharply against the dollar"
    capped = model(tf.constant([long + " shares rise on profit"])).numpy()
    np.testing.assert_allclose(capped, model(tf.constant([long])).numpy(), atol=1e-6)
    assert model(tf.constant(["!!!", "???"])).shape == (2, 3)


def test_a_second_bilstm_reads_the_first_ones_steps(
    pretrained: Pretrained, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = tf.constant(["shares rise on profit", "rupee falls"])
    cfg = SentimentConfig(pretrained_vocabulary=False, lstm_units=8, recurrent_layers=2)
    model, _ = sequence_branch(cfg, texts, pretrained)
    lower, upper = model.get_layer("bilstm_lower"), model.get_layer("bilstm")
    # The upper BiLSTM reads the lower one's two directions, 2 x 8 numbers a step.
    assert lower.forward_layer.return_sequences and not upper.forward_layer.return_sequences
    assert upper.get_weights()[0].shape == (16, 32)
    # One layer is the served network: the same layer names, no lower BiLSTM.
    one, _ = sequence_branch(replace(cfg, recurrent_layers=1), texts, pretrained)
    assert "bilstm_lower" not in [layer.name for layer in one.layers]
    with pytest.raises(ValueError, match="recurrent_layers must be 1 or 2, got 3"):
        sequence_branch(replace(cfg, recurrent_layers=3), texts, pretrained)
    # The entity network stacks the same way, under the BiLSTM that reads the target.
    marked = tf.constant(["xtargetx shares rise on profit", "xotherx beats xtargetx"])
    entity, _ = entity_branch(cfg, marked, pretrained)
    assert entity.get_layer("bilstm").get_weights()[0].shape == (16, 32)
    padded = entity(tf.constant(["xtargetx rises", "xtargetx falls as xotherx gains sharply"]))
    np.testing.assert_allclose(
        padded.numpy()[:1], entity(tf.constant(["xtargetx rises"])).numpy(), atol=1e-6
    )
    # No export holds a lower BiLSTM, so neither trainer starts from one.
    starts = [(train_sentiment, "sentiment/7"), (train_entities, "entity_sentiment/10")]
    for trainer, model in starts:
        served = str(ROOT / "models" / model)
        with pytest.raises(SystemExit):
            trainer.parse_args(["--recurrent-layers", "2", "--init-from", served])
        assert "no export has a lower BiLSTM to start from" in capsys.readouterr().err


def test_pooling_reads_the_last_states_and_the_peak_of_the_unpadded_steps(
    capsys: pytest.CaptureFixture[str],
) -> None:
    valid = tf.constant([[True, True, True, False], [True] * 4, [False] * 4])
    x = tf.random.stateless_normal([3, 4, 5], seed=[1, 2])
    states = keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=True))
    steps = states(x, mask=valid)
    last = keras.layers.Bidirectional(keras.layers.LSTM(3))
    last(x, mask=valid)
    last.set_weights(states.get_weights())
    both = StatePooling("last-max")(steps, valid).numpy()
    # The first six numbers are what a BiLSTM without steps returns: the forward pass at
    # the last word, the backward pass at the first.
    np.testing.assert_allclose(both[:2, :6], last(x, mask=valid).numpy()[:2], atol=1e-6)
    # The peak never comes from padding, however large it is there.
    padded = tf.where(valid[:, :, None], steps, 100.0 * tf.ones_like(steps))
    peak = masked_max(padded, valid).numpy()
    np.testing.assert_allclose(peak[0], steps.numpy()[0, :3].max(axis=0))
    np.testing.assert_allclose(peak[1], steps.numpy()[1].max(axis=0))
    # A headline with no step has no peak: zeros, not -1e9.
    assert (peak[2] == 0).all()
    assert StatePooling("max")(steps, valid).shape == (3, 6)
    with pytest.raises(ValueError, match="pooling must be one of"):
        StatePooling("last")
    # The max has the last states' width, so a warm start keeps every shape; both side
    # by side need an output layer twice as wide, which no export has.
    served = str(ROOT / "models" / "sentiment" / "7")
    assert train_sentiment.parse_args(["--pooling", "max", "--init-from", served]).pooling == "max"
    with pytest.raises(SystemExit):
        train_sentiment.parse_args(["--pooling", "last-max", "--init-from", served])
    assert "--pooling last-max doubles the output layer's inputs" in capsys.readouterr().err


NGRAM_TEXTS = ["Acme shares surge", "Globex posts loss", "Initech to meet", "Rupee -2%"]


def fitted_ngram_branch(cfg: SentimentConfig) -> tuple[keras.Model, NgramTfidfSoftmax]:
    """The n-gram branch solved on NGRAM_TEXTS (labels positive, negative, neutral,
    negative), and its layer."""
    texts = tf.constant(NGRAM_TEXTS)
    model = ngram_branch(cfg, texts)
    fit_ngram_exact(model, texts, np.array([2, 0, 1, 0]), c=10.0)
    return model, model.get_layer("ngram_probs")


def regression_answers(layer: NgramTfidfSoftmax, x: np.ndarray) -> np.ndarray:
    """The logistic regression's probabilities on the dense features `x`."""
    logits = x @ layer.kernel.numpy() + layer.bias.numpy()
    return np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)


def test_ngram_serving_graph_is_the_fitted_regression() -> None:
    """Serving sums one matmul per block; fitting reads the joined matrix: same answers."""
    model, layer = fitted_ngram_branch(SentimentConfig(word_ngram_tokens=40, char_ngram_tokens=300))
    probe = tf.constant(["Acme shares slump", "unseen", "Rupee -2% as Globex meets"])
    x = tf.sparse.to_dense(layer.features(probe)).numpy()
    # Each block (words, characters) of each row is L2-normalised on its own.
    for block in (x[:, : layer.n_words], x[:, layer.n_words :]):
        norms = np.linalg.norm(block, axis=1)
        np.testing.assert_allclose(norms[norms > 0], 1.0, rtol=1e-6)
    assert (np.linalg.norm(x[:, layer.n_words :], axis=1) > 0).all()
    expected = regression_answers(layer, x)
    np.testing.assert_allclose(model(probe).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_a_words_only_ngram_branch_is_served_as_fitted(
    pretrained: Pretrained, tmp_path: Path
) -> None:
    """`char_ngram_tokens=0` (the entity model v12's branch): one block, the words', the
    served graph answers as the fitted mixture does, and the kernel has no character rows."""
    cfg = SentimentConfig(
        pretrained_vocabulary=False, word_ngram_tokens=40, char_ngram_tokens=0, lstm_units=3
    )
    ngram, layer = fitted_ngram_branch(cfg)
    assert layer.chars is None and layer.idf.shape == (layer.n_words,)
    probe = tf.constant(["Acme shares slump", "unseen", "Globex surge"])
    x = tf.sparse.to_dense(layer.features(probe)).numpy()
    assert x.shape == (3, layer.n_words)
    # "unseen" holds no known word: its one column is the out-of-vocabulary one.
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(
        ngram(probe).numpy(), regression_answers(layer, x), rtol=1e-5, atol=1e-6
    )
    # Text that only character grams would tell apart reads alike.
    same = ngram(tf.constant(["Acme shares surge", "Acme shares surge!!"])).numpy()
    np.testing.assert_allclose(same[0], same[1], rtol=1e-6)

    _, sequence = sequence_branch(cfg, tf.constant(NGRAM_TEXTS), pretrained)
    model = combine(sequence, ngram, 0.5)
    path = export_model(model, tmp_path, train_sentiment.INPUT_SPEC, "probabilities", {})
    got = tf.saved_model.load(str(path)).signatures["serving_default"](headlines=probe)
    np.testing.assert_allclose(
        got["probabilities"].numpy(),
        model.predict(probe, verbose=0)["probabilities"],
        rtol=1e-5,
        atol=1e-6,
    )
    # The branch's kernel has a row per word n-gram and none for characters.
    assert layer.kernel.shape == (layer.n_words, 3) and layer.n_words <= 40
    assert stored_weights(path) <= sum(int(np.prod(v.shape)) for v in model.weights) + 16


def test_the_ngram_branch_solves_a_teachers_probabilities_as_weighted_labels() -> None:
    cfg = SentimentConfig(word_ngram_tokens=40, char_ngram_tokens=300)
    texts = tf.constant(NGRAM_TEXTS)
    _, by_label = fitted_ngram_branch(cfg)
    # One-hot probabilities are the labels themselves: the same regression.
    model = ngram_branch(cfg, texts)
    fit_ngram_exact(model, texts, np.eye(3)[[2, 0, 1, 0]], c=10.0)
    layer = model.get_layer("ngram_probs")
    for got, want in ((layer.kernel, by_label.kernel), (layer.bias, by_label.bias)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), atol=2e-3)
    # A teacher unsure between negative and neutral on "Globex posts loss" moves the
    # answer there towards neutral, and the solution is that of the weighted objective:
    # at it, the gradient of the mean cross-entropy plus the L2 term is zero.
    soft = np.eye(3)[[2, 0, 1, 0]]
    soft[1] = [0.6, 0.4, 0.0]
    fit_ngram_exact(model, texts, soft, c=10.0)
    x = tf.sparse.to_dense(layer.features(texts)).numpy()
    p = regression_answers(layer, x)
    assert p[1, 1] > regression_answers(by_label, x)[1, 1] + 0.1
    gradient = x.T @ (p - soft) + layer.kernel.numpy() / 10.0
    np.testing.assert_allclose(gradient, 0.0, atol=1e-3)
