"""Character n-gram counts by integer key: the same counts as TextVectorization's strings."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from training.sentiment.char_ngrams import WIDTHS, CharNgramCounts, split_ngram

ROOT = Path(__file__).resolve().parents[3]

# Headlines the vocabulary was not fitted on, and text it cannot read.
ODD = [
    "",
    "x",
    "ab",
    "Loss NARROWS to Rs 5 crore; shares +3%",
    "Société Générale's Q3 profit: €1.2bn",
    "ÄRGER über Zölle",  # lower() leaves non-ASCII capitals alone, on both paths
    "日本語の見出し",
    "🚀🚀🚀 $TSLA",
    "tab\there, nul\x00byte",
    "ﬁnancial ligature",
]
INVALID_UTF8 = [b"\xff\xfeab", b"abc\x80", b"\xc3"]


def _vectorizer(max_tokens: int) -> layers.TextVectorization:
    return layers.TextVectorization(
        max_tokens=max_tokens,
        standardize="lower",
        split="character",
        ngrams=WIDTHS,
        output_mode="count",
        sparse=True,
    )


def _dense(counts: tf.SparseTensor) -> np.ndarray:
    return tf.sparse.to_dense(tf.sparse.reorder(counts)).numpy()


@pytest.fixture(scope="module")
def fitted() -> tuple[layers.TextVectorization, CharNgramCounts, list[str]]:
    with open(ROOT / "data/sentfin/SEntFiN.csv", newline="", encoding="utf-8") as f:
        titles = [row["Title"] for row in csv.DictReader(f)]
    # A vocabulary smaller than the n-grams seen, so out-of-vocabulary counts occur.
    reference = _vectorizer(5_000)
    reference.adapt(tf.constant(titles[:2_000]))
    return reference, CharNgramCounts(reference.get_vocabulary()), titles


def test_counts_equal_textvectorization(fitted) -> None:
    reference, counts, titles = fitted
    texts = tf.constant(titles[2_000:3_000] + ODD)
    expected, got = reference(texts), counts(texts)
    assert tuple(got.dense_shape.numpy()) == (1_000 + len(ODD), 5_000)
    np.testing.assert_array_equal(_dense(got), _dense(expected))
    # The out-of-vocabulary column is counted, as TextVectorization counts it.
    assert _dense(got)[:, 0].sum() > 0


def test_counts_equal_on_invalid_utf8_and_single_rows(fitted) -> None:
    reference, counts, _ = fitted
    for batch in (INVALID_UTF8, ODD[3:4], ODD[:1]):
        texts = tf.constant(batch)
        np.testing.assert_array_equal(_dense(counts(texts)), _dense(reference(texts)))


def test_each_pair_appears_once(fitted) -> None:
    _, counts, _ = fitted
    got = counts(tf.constant(["aaaa aaaa", "aaaa"]))
    pairs = [tuple(i) for i in got.indices.numpy()]
    assert len(pairs) == len(set(pairs))
    assert int(got.values.numpy().sum()) == (8 + 7 + 6 + 5) + (3 + 2 + 1)


def test_entries_split_back_into_characters() -> None:
    assert split_ngram("l o s") == ["l", "o", "s"]
    assert split_ngram("a   b") == ["a", " ", "b"]
    for bad in ("ab", "a-b", "a b c d e f", "a"):
        with pytest.raises(ValueError):
            split_ngram(bad)


def test_an_alphabet_too_large_is_refused() -> None:
    vocabulary = ["[UNK]"] + [f"{chr(0x4E00 + i)} {chr(0x4E00 + i + 1)}" for i in range(4_100)]
    with pytest.raises(ValueError, match="do not fit"):
        CharNgramCounts(vocabulary)
