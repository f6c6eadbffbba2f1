"""The teacher's committed answers: the file format, and what training takes from it."""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from training.sentiment import soft_labels
from training.sentiment.distill import (
    Counterfactuals,
    one_hot,
    read_teacher,
    synthetic_targets,
    teacher_targets,
)
from training.sentiment.source_tags import TAGS, tagged

TEXTS = {
    "fit": ["Acme beats estimates", 'Globex, "the miner", cuts 500 jobs'],
    "validation": ["Rupee slumps"],
    "variant": ["Acme beats", "cuts 500 jobs"],
    "unlabelled": ["$ACME shares slide after the bell"],
    "synthetic": ["Initech's net loss narrowed"],
    "composed": ["Acme does not beat estimates"],
}
LOGITS = {
    "fit": np.array([[-1.0, 0.0, 2.5], [3.0, 0.5, -2.0]]),
    "validation": np.array([[1.0, 1.0, 1.0]]),
    "variant": np.array([[0.0, 0.0, 1.0], [2.0, 0.0, 0.0]]),
    "unlabelled": np.array([[1.5, 0.2, -1.0]]),
    "synthetic": np.array([[-2.0, 0.0, 3.0]]),
    "composed": np.array([[2.0, 0.5, -1.0]]),
}


@pytest.fixture()
def written(tmp_path: Path) -> Path:
    path = tmp_path / soft_labels.FILE_NAME
    soft_labels.write(path, TEXTS, LOGITS)
    return path


def test_round_trip_and_same_bytes_for_the_same_answers(written: Path, tmp_path: Path) -> None:
    read = soft_labels.read(written)
    assert read.texts == TEXTS
    for part in soft_labels.PARTS:
        np.testing.assert_allclose(read.logits[part], LOGITS[part], atol=5e-5)
    again = tmp_path / "again.csv.gz"
    soft_labels.write(again, TEXTS, LOGITS)
    assert again.read_bytes() == written.read_bytes()


def test_probabilities_are_the_softmax_of_the_logits_in_the_asked_order(written: Path) -> None:
    read = soft_labels.read(written)
    probs = read.probabilities(["Rupee slumps", "Acme beats estimates"])
    np.testing.assert_allclose(probs[0], [1 / 3] * 3, atol=1e-6)
    expected = np.exp([-1.0, 0.0, 2.5]) / np.exp([-1.0, 0.0, 2.5]).sum()
    np.testing.assert_allclose(probs[1], expected, atol=1e-4)
    # At temperature 2 the logits are halved: the same order, softer.
    soft = read.probabilities(["Acme beats estimates"], temperature=2.0)[0]
    halved = np.exp([-0.5, 0.0, 1.25]) / np.exp([-0.5, 0.0, 1.25]).sum()
    np.testing.assert_allclose(soft, halved, atol=1e-4)


def test_a_text_the_teacher_never_answered_is_named(written: Path) -> None:
    with pytest.raises(ValueError, match=r"lack 1 of 2 .*'Sensex rallies'"):
        soft_labels.read(written).probabilities(["Rupee slumps", "Sensex rallies"])


def test_a_file_with_other_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv.gz"
    with gzip.open(path, "wt") as fh:
        fh.write("text,label\nAcme beats,2\n")
    with pytest.raises(ValueError, match="expected columns"):
        soft_labels.read(path)


def test_the_sequence_branch_targets_are_the_teachers_on_its_texts_edits_and_unlabelled(
    written: Path,
) -> None:
    data = (tf.constant(TEXTS["fit"]), np.array([2, 0]))
    (texts, targets), flipped = teacher_targets(data, soft_labels.read(written), 1.0)
    expected = TEXTS["fit"] + TEXTS["variant"] + TEXTS["unlabelled"] + TEXTS["composed"]
    assert flipped == 0
    assert [t.decode() for t in texts.numpy()] == expected
    assert targets.shape == (6, 3) and targets.dtype == np.float32
    np.testing.assert_allclose(targets.sum(axis=1), 1.0, atol=1e-6)
    assert targets.argmax(axis=1).tolist() == [2, 0, 2, 0, 0, 0]
    # Without --unlabelled and --composed: v7's targets, the labelled texts and their edits.
    (texts, targets), _ = teacher_targets(data, v7_parts(soft_labels.read(written)), 1.0)
    assert [t.decode() for t in texts.numpy()] == TEXTS["fit"] + TEXTS["variant"]
    assert targets.shape == (4, 3)


def v7_parts(answers: soft_labels.SoftLabels) -> soft_labels.SoftLabels:
    return answers.without("unlabelled").without("composed")


def test_the_parts_learnt_are_the_ones_asked_for(written: Path, tmp_path: Path) -> None:
    def read(*flags: str, path: Path = written) -> soft_labels.SoftLabels | None:
        args = argparse.Namespace(
            no_teacher=False,
            teacher=path,
            unlabelled="unlabelled" in flags,
            composed="composed" in flags,
        )
        return read_teacher(args, TEXTS["fit"])

    for flags in ((), ("unlabelled",), ("composed",), ("unlabelled", "composed")):
        answers = read(*flags)
        assert answers is not None
        for part in ("unlabelled", "composed"):
            assert answers.texts[part] == (TEXTS[part] if part in flags else []), (flags, part)
    # Answers written without --joins hold none to learn: said, not learnt as nothing.
    older = tmp_path / "older.csv.gz"
    soft_labels.write(older, {**TEXTS, "composed": []}, {**LOGITS, "composed": np.zeros((0, 3))})
    with pytest.raises(ValueError, match="holds no composed headlines"):
        read("composed", path=older)


def test_counterfactuals_learn_the_teachers_answer_with_its_sign_swapped(written: Path) -> None:
    data = (tf.constant(TEXTS["fit"]), np.array([2, 0]))
    answers = v7_parts(soft_labels.read(written))
    (texts, targets), flipped = teacher_targets(data, answers, 1.0, Counterfactuals([]))
    # The second has no counterfactual: job cuts have no opposite in the lexicon.
    assert flipped == 1 and [t.decode() for t in texts.numpy()][4:] == ["Acme misses estimates"]
    logits = LOGITS["fit"][0]
    np.testing.assert_allclose(targets[4], np.exp(logits[::-1]) / np.exp(logits).sum(), atol=1e-6)
    # A validation or test headline is never learnt, not even as a counterfactual.
    exclude = ["Acme misses estimates"]
    (texts, _), flipped = teacher_targets(data, answers, 1.0, Counterfactuals(exclude))
    assert flipped == 0 and texts.shape == (4,)
    np.testing.assert_array_equal(one_hot(np.array([1, 2])), [[0, 1, 0], [0, 0, 1]])


def test_a_tagged_headline_learns_the_answer_of_the_headline_itself(written: Path) -> None:
    data = (tf.constant(TEXTS["fit"]), np.array([2, 0]))
    answers = v7_parts(soft_labels.read(written))
    (texts, targets), flipped = teacher_targets(
        data, answers, 1.0, Counterfactuals([]), source_tags=3
    )
    got = [t.decode() for t in texts.numpy()]
    # The headlines and their edits, each headline once with a tag, the counterfactual last.
    assert got[:4] == TEXTS["fit"] + TEXTS["variant"]
    assert flipped == 1 and got[-1] == "Acme misses estimates"
    copies = got[4:6]
    for headline, copy in zip(TEXTS["fit"], copies, strict=True):
        assert copy != headline
        assert any(copy == tagged(headline, where, tag) for where, tag in TAGS)
    np.testing.assert_array_equal(targets[4:6], targets[:2])
    # The same seed, the same tags.
    again, _ = teacher_targets(data, answers, 1.0, Counterfactuals([]), source_tags=3)
    assert [t.decode() for t in again[0].numpy()] == got


def test_rule_labelled_headlines_take_the_teachers_answers_where_it_gave_them(
    written: Path,
) -> None:
    texts = ["Hooli's margin narrowed", *TEXTS["synthetic"]]
    data = (tf.constant(texts), np.array([0, 0]))  # the second's label: wrong on purpose
    (got, targets), answered = synthetic_targets(data, soft_labels.read(written), 1.0)
    assert answered == 1 and [t.decode() for t in got.numpy()] == texts
    np.testing.assert_array_equal(targets[0], [1, 0, 0])  # its rule label, one-hot
    expected = np.exp([-2.0, 0.0, 3.0]) / np.exp([-2.0, 0.0, 3.0]).sum()
    np.testing.assert_allclose(targets[1], expected, atol=1e-4)  # the teacher's answer
    # A teacher that answered none leaves every label as it was.
    (_, targets), answered = synthetic_targets(
        data, soft_labels.read(written).without("synthetic"), 1.0
    )
    assert answered == 0
    np.testing.assert_array_equal(targets, one_hot(np.array([0, 0])))


def test_relabelled_texts_learn_their_label_and_lose_the_edits_made_from_them(
    written: Path,
) -> None:
    read = soft_labels.read(written)
    # One answered text relabelled neutral, one the teacher never saw, negative.
    again = read.relabelled({"Acme beats estimates": 1, "Umbrella cuts guidance": 0})
    probs = again.probabilities(["Acme beats estimates", "Umbrella cuts guidance", "Rupee slumps"])
    np.testing.assert_allclose(probs[:2], [[0, 1, 0], [1, 0, 0]], atol=1e-6)
    np.testing.assert_allclose(probs[2], read.probabilities(["Rupee slumps"])[0])
    # "Acme beats" is an edit of the relabelled text; "cuts 500 jobs" is Globex's.
    assert again.texts["variant"] == ["cuts 500 jobs"]
    np.testing.assert_allclose(again.logits["variant"], LOGITS["variant"][1:])
    assert "Umbrella cuts guidance" in again and "Umbrella cuts guidance" not in read
    assert read.texts["variant"] == TEXTS["variant"]  # the answers read are left as they were


def _lengths(texts: list[str]) -> np.ndarray:
    """Another teacher: each text's logits are its length, its word count and 0."""
    return np.array([[len(t), len(t.split()), 0.0] for t in texts], dtype=np.float32)


def test_two_teachers_answer_as_the_mean_of_their_logits(written: Path) -> None:
    first = soft_labels.read(written)
    asked: list[list[str]] = []

    def second(texts: list[str]) -> np.ndarray:
        asked.append(list(texts))
        return _lengths(texts)

    both = soft_labels.mean_of(first, second)
    # Every non-empty part asked once, in the file's order; the texts are the first's.
    assert asked == [TEXTS[part] for part in soft_labels.PARTS]
    assert both.texts == first.texts
    for part in soft_labels.PARTS:
        expected = (LOGITS[part] + _lengths(TEXTS[part])) / 2
        np.testing.assert_allclose(both.logits[part], expected, atol=1e-4)
    # "Acme beats estimates": (-1 + 20) / 2, (0 + 3) / 2, (2.5 + 0) / 2.
    np.testing.assert_allclose(both.logits["fit"][0], [9.5, 1.5, 1.25], atol=1e-4)


def test_a_third_teacher_weighs_as_much_as_each_of_the_two_before_it(written: Path) -> None:
    pair = soft_labels.read(written)  # taken as the mean of two teachers' logits
    three = soft_labels.mean_of(pair, _lengths, members=2)
    # "Acme beats estimates": (2 * -1 + 20) / 3, (2 * 0 + 3) / 3, (2 * 2.5 + 0) / 3.
    np.testing.assert_allclose(three.logits["fit"][0], [6.0, 1.0, 5 / 3], atol=1e-4)
    with pytest.raises(ValueError, match="members must be at least 1"):
        soft_labels.mean_of(pair, _lengths, members=0)


def test_a_record_says_how_many_teachers_its_answers_average() -> None:
    assert soft_labels.members({"seed": 0}) == 1
    # The first averaged file's record, written before the count was kept.
    assert soft_labels.members({"seed": 1, "ensemble": {"with": {}}}) == 2
    assert soft_labels.members({"seed": 2, "ensemble": {"with": {}, "members": 3}}) == 3
