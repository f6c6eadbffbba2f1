"""The pretrained word vectors and the in-graph tokenizer that reads them."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from training.sentiment import word_vectors
from training.sentiment.word_vectors import (
    NUMBER,
    Pretrained,
    WordVectors,
    inflections,
    quantise,
    tokens,
    vocabulary,
)


def test_tokens_are_lower_case_words_numbers_and_single_symbols() -> None:
    assert tokens(
        ["Infosys Q3 profit up 12.5%, beats est.", "Rs 2,300 crore deal"], drop_links=True
    ) == [
        ["infosys", "q", NUMBER, "profit", "up", NUMBER, "%", ",", "beats", "est", "."],
        ["rs", NUMBER, "crore", "deal"],
    ]
    # Letters of any script stay together; symbols and emoji stand alone; control
    # characters separate words (TensorFlow's lower-casing would stop at a NUL).
    assert tokens(["日本語の見出し 🚀🚀", "a\u0000b\tC"], drop_links=True) == [
        ["日本語の見出し", "🚀", "🚀"],
        ["a", "b", "c"],
    ]
    # A link is dropped whole; what stands around it is read as before.
    assert tokens(
        ["Apple beats estimates https://t.co/AbC12xyz", "See http://x.io/a?b=1 now"],
        drop_links=True,
    ) == [
        ["apple", "beats", "estimates"],
        ["see", "now"],
    ]
    # Kept (the headline model v7 read them), its pieces are tokens like any other.
    assert tokens(["Apple up https://t.co/AbC12xyz"], drop_links=False) == [
        ["apple", "up", "https", ":", "/", "/", "t", ".", "co", "/", "abc", NUMBER, "xyz"]
    ]


def test_inflections_follow_the_regular_spelling_rules() -> None:
    assert {"narrowed", "narrowing", "narrows"} <= inflections("narrow")
    assert {"bruised", "bruising"} <= inflections("bruise")
    assert {"spurred", "spurring"} <= inflections("spur")
    assert {"rallies", "rallied"} <= inflections("rally")
    assert "taxes" in inflections("tax")
    assert "plaied" not in inflections("play")


def test_the_vocabulary_reaches_beyond_the_training_words(pretrained: Pretrained) -> None:
    texts = ["Acme profit rises", "Globex loss widens"]
    small = vocabulary(texts, pretrained, expand=False, drop_links=True)
    assert small == sorted(["acme", "profit", "rises", "globex", "loss", "widens", NUMBER])
    full = vocabulary(texts, pretrained, drop_links=True)
    assert set(small) <= set(full)
    # Never in the training texts: a tokenizer word and inflections of tokenizer words.
    assert {"narrow", "narrowed", "narrowing", "defaulted"} <= set(full)
    assert len(full) > 45_000


def test_a_word_vector_is_the_mean_of_its_token_vectors(pretrained: Pretrained) -> None:
    ids = pretrained.tokenizer.encode("narrowed", add_special_tokens=False).ids
    assert len(ids) >= 2
    mean = pretrained.matrix[ids].mean(0)
    np.testing.assert_allclose(pretrained.vectors(["narrowed"])[0], mean, rtol=1e-6)
    # Related words are nearer each other than unrelated ones.
    v = pretrained.vectors(["profit", "earnings", "giraffe"])
    cos = v @ v.T / np.outer(np.linalg.norm(v, axis=1), np.linalg.norm(v, axis=1))
    assert cos[0, 1] > cos[0, 2]


def test_quantisation_keeps_each_value_within_half_a_step() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 16)).astype(np.float32)
    vectors[3] = 0.0
    codes, scale = quantise(vectors)
    assert codes.dtype == np.int8 and scale.shape == (50, 1)
    error = np.abs(codes * scale - vectors)
    assert (error <= scale / 2 + 1e-7).all()
    assert (codes[3] == 0).all()


@pytest.fixture(scope="module")
def layer(pretrained: Pretrained) -> WordVectors:
    words = ["acme", "loss", "narrowed", NUMBER, "%"]
    return WordVectors(words, pretrained.vectors(words), max_length=4, drop_links=True)


def test_coverage_is_the_share_of_known_tokens(layer: WordVectors) -> None:
    texts = tf.constant(["Acme loss narrowed 5%", "Acme zzz", "日本語の見出し", "", "🚀🚀🚀"])
    _, mask, coverage = layer(texts)
    np.testing.assert_allclose(coverage.numpy(), [1.0, 0.5, 0.0, 0.0, 0.0])
    # Padded to the longest headline, capped at max_length; unknown tokens are steps too.
    assert mask.numpy().tolist()[:2] == [[True] * 4, [True, True, False, False]]


def test_the_graph_drops_links_only_when_told(pretrained: Pretrained) -> None:
    words = ["acme", "https", "co"]
    texts = tf.constant(["Acme https://acme.co", "https://acme.co"])
    for drop, coverage in ((True, [1.0, 0.0]), (False, [4 / 8, 3 / 7])):
        layer = WordVectors(words, pretrained.vectors(words), 8, drop_links=drop)
        np.testing.assert_allclose(layer(texts)[2].numpy(), coverage)


def test_known_tokens_get_their_dequantised_vectors_unknown_ones_zero(
    layer: WordVectors, pretrained: Pretrained
) -> None:
    vectors, _, _ = layer(tf.constant(["narrowed zzz"]))
    expected = pretrained.vectors(["narrowed"])[0]
    codes, scale = quantise(pretrained.vectors(["acme", "loss", "narrowed", NUMBER, "%"]))
    np.testing.assert_allclose(vectors.numpy()[0, 0], codes[2] * scale[2], rtol=1e-6)
    assert np.abs(vectors.numpy()[0, 0] - expected).max() <= scale[2, 0] / 2 + 1e-6
    assert not vectors.numpy()[0, 1].any()


def test_a_batch_without_any_token_still_has_one_step(layer: WordVectors) -> None:
    vectors, mask, coverage = layer(tf.constant(["", " "]))
    assert vectors.shape[:2] == (2, 1) and not mask.numpy().any()
    assert coverage.numpy().tolist() == [0.0, 0.0]


def test_the_source_names_the_pinned_package() -> None:
    from importlib.metadata import version

    assert f"wordllama=={version('wordllama')}" in word_vectors.SOURCE


def test_projection_keeps_the_leading_directions_and_zero_as_no_word(
    pretrained: Pretrained,
) -> None:
    full, projected = pretrained, Pretrained(dimensions=192)
    assert projected.matrix.shape == (full.matrix.shape[0], 192)
    assert 0.85 < projected.retained < 1.0
    # An orthogonal projection: lengths shrink, never grow, and dot products of the
    # kept part are the originals' up to what the dropped directions carried.
    assert (
        np.linalg.norm(projected.matrix, axis=1) <= np.linalg.norm(full.matrix, axis=1) + 1e-3
    ).all()
    v = projected.vectors(["profit", "earnings", "giraffe"])
    cos = v @ v.T / np.outer(np.linalg.norm(v, axis=1), np.linalg.norm(v, axis=1))
    assert cos[0, 1] > cos[0, 2]
