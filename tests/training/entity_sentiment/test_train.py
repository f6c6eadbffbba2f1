"""The entity model: reading the BiLSTM at the target, a tiny training run and its export,
the gazetteer it ships and the behavioural cases."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from app.sentiment.entities import OTHER_MARK, TARGET_MARK, Gazetteer
from tests.conftest import FIXTURES, TINY_SENTFIN
from tests.training.conftest import TINY_NETWORK
from training.entity_sentiment import behaviour, gazetteer
from training.entity_sentiment import train as train_entities
from training.entity_sentiment.model import (
    AsOther,
    AtTarget,
    TargetDistance,
    TargetSteps,
    sequence_branch,
)
from training.entity_sentiment.pairs import (
    joined_pairs,
    marked,
    pairs,
    synthetic_pairs,
    tfns_pairs,
)
from training.export import export_model
from training.sentiment import augment, checklist, options, sentfin, soft_labels, tfns
from training.sentiment import train as train_sentiment
from training.sentiment.model import SentimentConfig, combine, fit_ngram_exact, ngram_branch
from training.sentiment.parts import fit_and_validation
from training.sentiment.target_window import window_words
from training.sentiment.word_vectors import Pretrained

TINY = [
    "--data",
    str(TINY_SENTFIN),
    "--tfns",
    str(FIXTURES / "tiny_tfns.csv"),
    "--no-floor",
    *TINY_NETWORK,
]


def test_the_target_steps_line_up_with_the_tokens() -> None:
    texts = tf.constant(["a xtargetx b", " xotherx  up, xtargetx down 5%", "nothing"])
    steps = TargetSteps(32, drop_links=True)(texts).numpy()
    assert steps.shape == (3, 7)  # the longest: xotherx up , xtargetx down 0 %
    assert steps[0].tolist()[:3] == [0, 1, 0]
    assert np.flatnonzero(steps[1]).tolist() == [3]
    assert steps[2].sum() == 0


def test_at_target_reads_the_marked_step_and_the_max_of_the_rest() -> None:
    states = tf.constant([[[1.0, 0.0], [5.0, -1.0], [9.0, 9.0]]])
    target = tf.constant([[0.0, 1.0, 0.0]])
    valid = tf.constant([[True, True, False]])  # the third step is padding
    out = AtTarget()(states, target, valid).numpy()
    assert out.tolist() == [[5.0, -1.0, 5.0, 0.0]]


@pytest.mark.parametrize("same_marks", [False, True])
def test_with_same_marks_every_entity_of_a_headline_feeds_the_bilstm_the_same_steps(
    pretrained: Pretrained, same_marks: bool
) -> None:
    texts = tf.constant([f"{TARGET_MARK} gains , {OTHER_MARK} slips"])
    turned = tf.constant([f"{OTHER_MARK} gains , {TARGET_MARK} slips"])
    assert AsOther()(texts).numpy()[0].decode() == f"{OTHER_MARK} gains , {OTHER_MARK} slips"
    cfg = SentimentConfig(pretrained_vocabulary=False, lstm_units=4)
    tf.keras.utils.set_random_seed(0)
    fit, _ = sequence_branch(cfg, tf.concat([texts, turned], 0), pretrained, same_marks=same_marks)
    bilstm = fit.get_layer("bilstm")
    states = tf.keras.Model(fit.inputs, bilstm.output)
    one, other = states(texts).numpy(), states(turned).numpy()
    # The steps are the same (one pass would serve both entities) only with same_marks;
    # either way the two entities' answers differ, read at their own steps.
    assert np.array_equal(one, other) == same_marks
    assert not np.allclose(fit(texts).numpy(), fit(turned).numpy())


def test_same_marks_needs_the_target_read(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        train_entities.parse_args(["--same-marks"])
    assert "--same-marks needs --read target" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        train_entities.parse_args(["--same-marks", "--read", "target", "--position", "4"])
    assert "steps differ per entity" in capsys.readouterr().err
    chosen = train_entities.parse_args(["--same-marks", "--read", "target"])
    assert chosen.same_marks and chosen.read == "target"


def test_the_words_beside_the_target_are_tagged_with_their_side() -> None:
    texts = [
        f"Acme gains 3%, {TARGET_MARK} slips after weak guidance while {OTHER_MARK} rises",
        f"{OTHER_MARK} falls, {TARGET_MARK} rises {TARGET_MARK} hires",
        "no target here",
    ]
    got = [w.decode().split() for w in window_words(tf.constant(texts), 2, drop_links=True).numpy()]
    # Numbers read as the word vectors' NUMBER; each word within 2 tokens of the nearest
    # target, the earlier target where two are as near.
    assert got[0] == ["l_%", "l_,", "r_slips", "r_after"]
    assert got[1] == ["l_falls", "l_,", "r_rises", "r_hires"]
    assert got[2] == []


def test_the_window_block_gives_each_company_its_own_verb(
    pretrained: Pretrained, tmp_path: Path
) -> None:
    """The window block's columns follow the words', L2-normalised on their own; a text
    with no target has none; and the SavedModel answers as the fitted branch does."""
    texts = [
        f"{TARGET_MARK} gains , {OTHER_MARK} slips",
        f"{OTHER_MARK} gains , {TARGET_MARK} slips",
        f"{TARGET_MARK} rises , {OTHER_MARK} falls",
        f"{OTHER_MARK} rises , {TARGET_MARK} falls",
    ]
    cfg = SentimentConfig(word_ngram_tokens=40, char_ngram_tokens=0, ngram_window=2)
    model = ngram_branch(cfg, tf.constant(texts))
    fit_ngram_exact(model, tf.constant(texts), np.array([2, 0, 2, 0]), c=10.0)
    layer = model.get_layer("ngram_probs")
    assert layer.offsets == [0, layer.words.vocabulary_size()]
    x = tf.sparse.to_dense(layer.features(tf.constant(texts))).numpy()
    window = x[:, layer.offsets[1] :]
    np.testing.assert_allclose(np.linalg.norm(window, axis=1), 1.0, rtol=1e-6)
    probe = tf.constant([f"{TARGET_MARK} gains , {OTHER_MARK} falls", "no target"])
    answers = model(probe).numpy()
    assert answers[0].argmax() == 2
    assert not tf.sparse.to_dense(layer.features(probe)).numpy()[1, layer.offsets[1] :].any()
    _, sequence = sequence_branch(
        replace(cfg, pretrained_vocabulary=False, lstm_units=3), tf.constant(texts), pretrained
    )
    mixture = combine(sequence, model, 0.5)
    path = export_model(mixture, tmp_path, train_entities.INPUT_SPEC, "probabilities", {})
    served = tf.saved_model.load(str(path)).signatures["serving_default"]
    np.testing.assert_allclose(
        served(marked_headlines=probe)["probabilities"].numpy(),
        mixture.predict(probe, verbose=0)["probabilities"],
        rtol=1e-5,
        atol=1e-6,
    )


def test_each_step_knows_its_signed_distance_to_the_nearest_target() -> None:
    target = tf.constant([[0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0], [0] * 12], tf.float32)
    buckets = TargetDistance(3)(target).numpy()
    # Reach 3: -3..3 become 1..7, the target itself 4; step 6 is 4 from both, and the
    # first wins. A headline without a target reads 0 throughout.
    assert buckets[0].tolist() == [2, 3, 4, 5, 6, 7, 7, 1, 2, 3, 4, 5]
    assert buckets[1].tolist() == [0] * 12


def tiny_teacher(folder: Path, analyst_calls: int = 0) -> Path:
    """Answers for the fixture's training pairs as `make teacher ARGS="--task entity
    --analyst-calls N"` writes them: a teacher that agrees with the labels, variants that
    keep the target, and its answers on the broker calls it was taught."""
    every = pairs(sentfin.load(TINY_SENTFIN)) + tfns_pairs(tfns.load(FIXTURES / "tiny_tfns.csv"))
    fit, val = fit_and_validation(q for q in every if not q.is_test)
    calls = synthetic_pairs(0, analyst=analyst_calls)
    texts = {"fit": [marked(q) for q in fit], "validation": [marked(q) for q in val]}
    texts["synthetic"] = [marked(q) for q in calls]
    made = augment.variants(texts["fit"], 1, seed=0, exclude=texts["validation"])
    texts["variant"] = [t for t in made if TARGET_MARK in t]
    logits = {
        part: 4.0 * np.eye(3)[[sentfin.LABELS.index(q.label) for q in rows]]
        for part, rows in (("fit", fit), ("validation", val), ("synthetic", calls))
    }
    logits["variant"] = np.zeros((len(texts["variant"]), 3))
    path = folder / soft_labels.FILE_NAME
    soft_labels.write(path, texts, logits)
    return path


def test_tiny_training_exports_a_servable_model_with_its_gazetteer(tmp_path: Path) -> None:
    out = tmp_path / "entity_sentiment"
    args = [*TINY, "--out", str(out), "--read", "target", "--synthetic", "20"]
    args += ["--analyst-calls", "10", "--position", "4", "--ngram-targets", "teacher"]
    args += ["--joined", "3", "--turned"]
    assert train_entities.main([*args, "--teacher", str(tiny_teacher(tmp_path, 10))]) == 0
    version = out / "1"
    extra = version / "assets.extra"
    meta = json.loads((extra / "metadata.json").read_text())
    assert meta["name"] == "entity_sentiment" and meta["signature"]["input"]["name"] == (
        "marked_headlines"
    )
    assert meta["command"].startswith("python -m training.entity_sentiment.train ")
    assert meta["command"].endswith(
        "--joined 3 --turned --teacher " + str(tmp_path / "soft_labels.csv.gz")
    )
    # The fixture's four fit headlines of two clauses ("Initech falls 12 while Stark Steel
    # gains"), turned round beside the joined ones.
    assert meta["config"]["turned_headlines"] == 4
    assert meta["data"]["pairs"] == 111 and meta["data"]["test"] == 30
    # TFNS train joins fit and validation, never the test pairs.
    assert meta["data"]["tfns"]["rows"] == 12 and meta["data"]["tfns"]["with_target"] == 0
    assert meta["data"]["tfns"]["targets"] == "gazetteer"
    assert meta["data"]["fit"] + meta["data"]["validation"] == 111 - 30 + 12
    # Validation by source: the same pairs, split by where they came from.
    by = meta["training"]["mixture"]["validation_by_source"]
    assert sum(by[k]["n"] for k in ("SEntFiN", "TFNS") if k in by) == meta["data"]["validation"]
    assert all(0 <= row["accuracy"] <= 1 for row in by.values())
    # FinEntity, held out, scored beside the same-run baseline and the majority class.
    held = meta["held_out"]["finentity"]
    assert held["mentions"] == 2131 and held["disagree"] == 364
    assert set(held["rows"]) == {
        "model",
        "model, as the service reads each text",
        "TF-IDF + LR, target marked (same run)",
        "majority class",
    }
    assert all(row["all"]["n"] == 2131 for row in held["rows"].values())
    assert held["rows"]["majority class"]["all"]["accuracy"] == 0.5303
    assert meta["floor"] is None and meta["config"]["read"] == "target"
    assert meta["config"]["position"] == 4 and meta["config"]["same_marks"] is False
    assert meta["config"]["synthetic_headlines"] == 20
    assert meta["config"]["analyst_calls"] == 10
    assert meta["config"]["joined_headlines"] == 3
    # The sequence branch learnt the teacher's answers on the marked pairs and variants.
    assert meta["teacher"]["rows"]["fit"] == meta["data"]["fit"]
    variants = meta["teacher"]["rows"]["variant"]
    assert variants > 20 and meta["training"]["sequence"]["teacher"]["variants"] == variants
    # The n-gram branch learnt the teacher's answers on the pairs and their variants.
    ngram = meta["training"]["ngram"]
    assert ngram["targets"] == "the teacher's probabilities"
    assert ngram["refit_rows"] == meta["data"]["fit"] + meta["data"]["validation"] + variants
    # ... and on the broker calls it was taught, two pairs each; the two-company
    # headlines, which it never answered, keep their rule labels.
    assert meta["teacher"]["rows"]["synthetic"] == 20
    assert meta["training"]["sequence"]["teacher"]["synthetic"] == 20
    # The default rule, the BiLSTM alone (v6 to v11): the graph holds no n-gram branch.
    mixture = meta["training"]["mixture"]
    assert meta["config"]["sequence_weight"] == 1.0 and meta["config"]["weight_rule"] == "sequence"
    assert mixture["weight_rule"] == "the sequence branch alone"
    assert mixture["validation_accuracy"] == mixture["validation_accuracy_by_weight"][-1]
    assert meta["config"]["drop_links"] is True  # as the served entity model reads them
    # The model beside the marked baseline on all pairs and where entities disagree.
    for row in (meta["metrics"]["entity"], meta["baseline"]):
        assert {"all", "disagree"} <= set(row) and row["all"]["n"] == 30
        assert row["disagree"]["n"] == 6
    assert set(meta["behaviour"]["categories"]) == set(behaviour.CATEGORIES)
    names = json.loads((extra / gazetteer.FILE).read_text())["names"]
    assert meta["gazetteer"]["names"] == len(names) > 5000
    # How much it finds, on SEntFiN's test titles and FinEntity's passages.
    assert meta["gazetteer"]["finentity"]["mentions"] == 2131
    assert meta["gazetteer"]["finentity"]["found"] > 0.3
    found = Gazetteer.load(extra / gazetteer.FILE).find_all(
        "Infosys beats, Tata Motors slips; Apple (AAPL) and $AAPL rise"
    )
    assert [name for name, _ in found] == ["Infosys", "Tata Motors", "Apple"]
    # Round trip: the SavedModel as loaded from disk (tests/training/sentiment checks that
    # a fresh interpreter needs none of the network's Python classes).
    serve = tf.saved_model.load(str(version)).signatures["serving_default"]
    out = serve(marked_headlines=tf.constant([" xtargetx  gains", "x"]))
    assert out["probabilities"].shape == (2, 3) and out["coverage"].shape == (2,)
    assert np.allclose(out["probabilities"].numpy().sum(axis=1), 1.0, atol=1e-5)
    # No n-gram branch in the served graph: its variables would be a second network's.
    assert not [v.name for v in tf.saved_model.load(str(version)).variables if "ngram" in v.name]


def test_joined_pairs_learn_the_teachers_answer_on_their_own_headline(tmp_path: Path) -> None:
    teacher = soft_labels.read(tiny_teacher(tmp_path))
    fit, _ = fit_and_validation(q for q in pairs(sentfin.load(TINY_SENTFIN)) if not q.is_test)
    joins = joined_pairs(fit, 4, 0, lambda texts: [1] * len(texts), 32)
    made = synthetic_pairs(2)
    rows = [*made, *(q for q, _ in joins)]
    labels = [sentfin.LABELS.index(q.label) for q in rows]
    texts, targets = train_entities.added(made, joins, teacher, 1.0)
    assert [t.decode() for t in texts.numpy()] == [marked(q) for q in rows]
    # The rule-labelled pairs keep their labels; a joined pair takes the teacher's answer
    # on the headline whose label it keeps, not its label.
    assert np.array_equal(targets[: len(made)], np.eye(3)[labels[: len(made)]])
    kept = teacher.probabilities([marked(source) for _, source in joins])
    assert len(joins) == 8 and np.allclose(targets[len(made) :], kept)
    assert not np.allclose(kept, np.eye(3)[labels[len(made) :]])
    # Without a teacher, every pair its label.
    assert train_entities.added(made, joins, None, 1.0)[1].tolist() == labels
    assert train_entities.added([], [], teacher, 1.0) is None


def test_several_times_repeats_the_fit_texts_that_mark_another_entity(tmp_path: Path) -> None:
    teacher = soft_labels.read(tiny_teacher(tmp_path))
    fit, _ = fit_and_validation(q for q in pairs(sentfin.load(TINY_SENTFIN)) if not q.is_test)
    assert train_entities.several(fit, teacher, 1.0, 1) is None
    texts, targets = train_entities.several(fit, teacher, 1.0, 3)
    read = [t.decode() for t in texts.numpy()]
    # Two more copies of each, fit pairs and variants alike, and only those that mark
    # another entity: a one-company headline's answer does not hang on its marks.
    own = [marked(q) for q in fit if q.others and q.span is not None]
    variants = [t for t in teacher.texts["variant"] if OTHER_MARK in t]
    assert own and variants and read == (own + variants) * 2
    assert all(OTHER_MARK in t for t in read)
    assert np.allclose(targets, teacher.probabilities(read))
    # Beside rows that carry labels, those become one-hot.
    made = train_entities.added(synthetic_pairs(2), [], None, 1.0)
    both = train_entities.joined_rows(made, (texts, targets))
    assert both[1].shape == (len(made[1]) + len(read), 3)
    assert np.array_equal(both[1][: len(made[1])], np.eye(3)[made[1]])
    assert train_entities.joined_rows(None, made) is made
    assert train_entities.joined_rows(None, None) is None


def test_several_times_needs_a_teacher(capsys: pytest.CaptureFixture[str]) -> None:
    for args, said in (
        (["--several-times", "0"], "--several-times must be 1 or more"),
        (["--several-times", "2", "--no-teacher"], "it needs a teacher"),
    ):
        with pytest.raises(SystemExit) as stopped:
            train_entities.parse_args(args)
        assert stopped.value.code == 2 and said in capsys.readouterr().err


def test_the_one_se_rule_needs_rule_labelled_headlines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        train_entities.parse_args(["--weight-rule", "one-se", "--synthetic", "0"])
    assert stopped.value.code == 2
    assert "--weight-rule one-se needs --synthetic N" in capsys.readouterr().err


def test_joining_any_labels_needs_joined_headlines(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        train_entities.parse_args(["--joined-any-labels"])
    assert stopped.value.code == 2
    assert "--joined-any-labels needs --joined N" in capsys.readouterr().err
    assert train_entities.parse_args(["--joined", "5", "--joined-any-labels"]).joined == 5


def test_the_max_over_the_steps_is_a_read_of_the_last_state_network(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert options.network_config(train_entities.parse_args([])).pooling == "last"
    chosen = train_entities.parse_args(["--pooling", "max", "--lstm-units", "8"])
    assert options.network_config(chosen).pooling == "max"
    assert options.network_config(chosen).lstm_units == 8
    with pytest.raises(SystemExit):
        train_entities.parse_args(["--pooling", "max", "--read", "target"])
    assert "not with --read target or --position" in capsys.readouterr().err


def test_tfns_headlines_give_their_label_to_the_subject_and_the_analyst_neutral() -> None:
    keys = {"Apple": "AAPL", "AAPL": "AAPL", "Goldman Sachs": "GS"}
    found = Gazetteer(tuple(keys), keys)
    rows = [tfns.Headline("Goldman Sachs upgrades Apple (AAPL), $MSFT flat", "positive")]
    subject, analyst = tfns_pairs(rows, found)
    assert (subject.entity, subject.span, subject.label) == ("Apple", (23, 28), "positive")
    assert marked(subject).split() == [
        "xotherx",
        "upgrades",
        "xtargetx",
        "(AAPL),",
        "xotherx",
        "flat",
    ]
    assert (analyst.entity, analyst.label, analyst.analyst) == ("Goldman Sachs", "neutral", True)
    assert marked(analyst).split()[:3] == ["xtargetx", "upgrades", "xotherx"]
    assert subject.disagree and analyst.disagree and not subject.analyst
    # A neutral headline: the analyst agrees with its subject.
    (_, quiet) = tfns_pairs([tfns.Headline("Goldman Sachs keeps Apple at hold", "neutral")], found)
    assert quiet.analyst and not quiet.disagree


def test_tfns_headlines_naming_banks_alone_give_the_first_the_label() -> None:
    keys = {"Goldman Sachs": "GS", "JPMorgan": "JPM"}
    found = Gazetteer(tuple(keys), keys)
    rows = [tfns.Headline("JPMorgan and Goldman Sachs beat estimates", "positive")]
    (pair,) = tfns_pairs(rows, found)
    assert (pair.entity, pair.label, pair.analyst) == ("JPMorgan", "positive", False)
    assert pair.others == ((13, 26),)


def test_tfns_headlines_take_their_first_cashtag_as_the_target() -> None:
    rows = [
        tfns.Headline("$CCL $RCL - Nomura sees weaker bookings", "negative"),
        tfns.Headline("Stocks rally as yields ease", "positive"),
    ]
    first, bare = tfns_pairs(rows)
    assert (first.entity, first.span, first.others, first.label) == (
        "$CCL",
        (0, 4),
        ((5, 9),),
        "negative",
    )
    assert marked(first).split() == [
        "xtargetx",
        "xotherx",
        "-",
        "Nomura",
        "sees",
        "weaker",
        "bookings",
    ]
    # No cashtag: the headline is read bare, with its label.
    assert (bare.span, marked(bare), bare.label) == (
        None,
        "Stocks rally as yields ease",
        "positive",
    )
    assert not first.is_test and not bare.is_test


def test_gazetteer_leaves_out_ordinary_words_and_keeps_tickers(tmp_path: Path) -> None:
    csv = tmp_path / "entities.csv"
    csv.write_text(
        ",Symbol,Entity\n"
        '0,ORCL,"Oracle, Oracle Financial Services, OFSS"\n'
        '1,GOLD,"gold, Gold-silver, X"\n'
    )
    kept = list(gazetteer.entities(csv, english={"oracle", "gold", "financial", "services"}))
    assert kept == ["Gold-silver", "OFSS", "Ofss", "Oracle Financial Services"]


def test_gazetteer_adds_the_forms_headlines_write(tmp_path: Path) -> None:
    csv = tmp_path / "entities.csv"
    csv.write_text(
        ",Symbol,Entity\n"
        '0,WIPRO,"Wipro Ltd., WIPRO"\n'
        '1,63MOONS,"Financial Technologies (India) Ltd., 63MOONS"\n'
        '2,REGORG,"Supreme Court, SEBI, SC"\n'
        '3,SUMMITSEC,"Summit Securities Ltd.- Old"\n'
        '4,VOLTAS,"Voltas Ltd., VOLTAS"\n'
    )
    kept = set(gazetteer.entities(csv, english={"voltas", "supreme", "court"}))
    # Legal forms come off, and capitals of four letters or more gain a Title-case form.
    assert {"Wipro", "Financial Technologies", "Summit Securities", "Sebi"} <= kept
    # Two letters stay capitals only; a stripped or Title-cased English word is still left out.
    assert not {"Sc", "Voltas", "Financial Technologies (India)"} & kept
    assert {"SC", "VOLTAS", "Voltas Ltd.", "WIPRO", "Wipro Ltd."} <= kept


def test_unlabelled_posts_are_asked_about_their_subject() -> None:
    keys = {"Apple": "AAPL", "AAPL": "AAPL", "Goldman Sachs": "GS", "Tesla": "TSLA"}
    posts = [
        "Goldman Sachs upgrades Apple to buy",  # the analyst is not the subject
        "Tesla, Apple lead the Nasdaq higher",
        "Oil slips as stockpiles rise",  # no company: asks about no one
    ]
    assert gazetteer.marked_posts(posts, keys) == [
        f" {OTHER_MARK}  upgrades  {TARGET_MARK}  to buy",
        f" {TARGET_MARK} ,  {OTHER_MARK}  lead the Nasdaq higher",
    ]


def test_the_behavioural_cases() -> None:
    counts = Counter(case.category for case in behaviour.CASES)
    assert counts == {
        "opposite_news": 120,
        "name_swap": 120,
        "neutral_role": 80,
        "analyst_call": 100,
    }
    for case in behaviour.CASES:
        marked = case.marked()
        assert marked.count("xtargetx") == 1 and case.entity not in marked
    # Swapping the names swaps the labels: the same sentence, the other entity's label.
    first = behaviour.CASES[0]
    swapped = [
        c for c in behaviour.CASES if c.category == "name_swap" and c.marked() == first.marked()
    ]
    assert swapped and all(c.label == first.label for c in swapped)


def test_the_headline_suite_asked_per_company() -> None:
    asked = behaviour.from_headline_suite()
    assert len(asked) == 387  # of 402: the rest name no company of the suite's, or two
    expected = {c.text: c for c in checklist.CASES}
    for case in asked:
        marked = case.marked()
        assert marked.count("xtargetx") == 1 and case.entity not in marked
        assert case.label == expected[case.text].label
    # The longest name is the company: "HDFC Bank", never the "HDFC" inside it.
    hdfc = [c for c in asked if "HDFC Bank" in c.text]
    assert hdfc and all(c.entity == "HDFC Bank" for c in hdfc)

    # A model that answers "neutral" to everything passes exactly the neutral cases.
    def neutral(texts: list[str]) -> np.ndarray:
        return np.tile([0.0, 1.0, 0.0], (len(texts), 1))

    rates = behaviour.headline_suite(neutral, neutral)
    neutrals = sum(c.label == "neutral" for c in asked)
    assert rates["entity"]["overall"] == rates["headline"]["overall"]
    assert rates["entity"]["overall"]["passed"] == neutrals
    assert rates["entity"]["neutral_facts"]["rate"] == 1.0

    # Equal scores read as the service says them: neutral, not the first label.
    def unread(texts: list[str]) -> np.ndarray:
        return np.full((len(texts), 3), 1 / 3)

    assert behaviour.headline_suite(unread, unread)["entity"]["overall"]["passed"] == neutrals

    # Against a model that answers "positive" to everything, every case differs; there
    # each is right on its own label, and their mean's tie goes to neutral.
    def positive(texts: list[str]) -> np.ndarray:
        return np.tile([0.0, 0.0, 1.0], (len(texts), 1))

    differ = behaviour.headline_suite(neutral, positive)["differ"]
    positives = sum(c.label == "positive" for c in asked)
    assert differ["n"] == differ["differ"] == 387 and differ["opposite"] == 0
    assert (differ["entity_right"], differ["headline_right"]) == (neutrals, positives)
    assert differ["mean_accuracy"] == round(neutrals / 387, 4)
    assert behaviour.headline_suite(neutral, neutral)["differ"]["differ"] == 0
    up, down = [0.0, 0.1, 0.9], [0.8, 0.1, 0.1]
    one = behaviour.contradictions(
        ["positive", "negative"], np.array([up, up]), np.array([down, up])
    )
    assert [one[k] for k in ("differ", "opposite", "entity_right", "headline_right")] == [
        1,
        1,
        1,
        0,
    ]


def test_the_network_is_narrower_than_the_headline_models() -> None:
    # The served entity model's width; a warm start from the headline model needs 64.
    assert train_entities.parse_args([]).lstm_units == 48
    assert train_sentiment.parse_args([]).lstm_units == 64
