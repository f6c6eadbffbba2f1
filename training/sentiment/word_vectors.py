"""Pretrained word vectors for the sentiment model, and the in-graph tokenizer that reads them.

A few thousand labelled headlines cannot teach what "narrowed" does to "loss", nor give a
vector to a word they never contain. The vectors come from WordLlama (`wordllama` on
PyPI, MIT; its wheel ships `weights/l2_supercat_256.safetensors`, 256-dimensional
vectors for the 32,000 tokens of the Llama 2 tokenizer, distilled from the input
embeddings of Llama 2 family models; see docs/models/sentiment.md for the licence).
A word's vector is the mean of its tokens' vectors, which is how WordLlama itself
embeds text; the model keeps their 192 leading principal directions (89 % of the
variance), for size.

The vocabulary is larger than the labelled data's: every whole-word token of the
tokenizer, their regular inflections (-s, -ed, -ing), and every word of the training
headlines (68,578 words for model v5). The model stores it with the vectors, quantised
to int8 with one scale per row, so serving needs neither `wordllama` nor a tokenizer
library.

Tokens are what `standardize` leaves between spaces: lower-case letter runs, a number
as the single token "0" (its value carries no sign, and headlines differ in it all the
time), and each other non-space character on its own. Links can be dropped (the
per-entity model's option): half of the posts of news accounts (TFNS) end in one, and
its pieces take a median of 12 of the 32 steps read. The headline model v7 read them.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable

import keras
import numpy as np
import tensorflow as tf
from keras import layers

WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
SOURCE = "wordllama==0.4.0.post1 (" + WEIGHTS + ")"
# Exported beside the model (assets.extra/), which carries a projection of these vectors.
NOTICE = """\
# Word vectors in this model

The `word_vectors` layer holds, for each word of its vocabulary, the mean of that word's
token vectors from WordLlama's `l2_supercat_256` model, projected on their 192 leading
principal directions and quantised to int8.

- Source: the `wordllama` package, version 0.4.0.post1, on PyPI
  (https://pypi.org/project/wordllama/), file `wordllama/weights/l2_supercat_256.safetensors`.
  Upstream: https://github.com/dleemiller/WordLlama
- Licence: WordLlama is distributed under the MIT License, Copyright (c) 2024 Lee Miller.
- Provenance, as the package describes it: the vectors were trained from the token
  embedding codebooks of several models that share the Llama 2 tokenizer (among them
  Llama 2 70B and Phi-3 medium). Llama 2 is licensed under the LLAMA 2 Community
  License, Copyright (c) Meta Platforms, Inc. All Rights Reserved.
"""
NUMBER = "0"
LINK = r"https?://\S+"  # RE2 and Python's re read it alike
PAD, OOV = 0, 1  # row ids: padding, then any token outside the vocabulary
_WORD = re.compile(r"[a-z]+")


def standardize(texts: tf.Tensor, *, drop_links: bool) -> tf.Tensor:
    """Lower-case; links dropped (if `drop_links`); numbers become NUMBER; every other
    non-letter, non-space stands alone."""
    # Control characters first: tf.strings.lower stops at a NUL, dropping the rest.
    x = tf.strings.regex_replace(texts, r"[\x00-\x1f\x7f]", " ")
    x = tf.strings.lower(x, encoding="utf-8")
    # A link says nothing a reader weighs, yet would spend about 12 of the steps read.
    if drop_links:
        x = tf.strings.regex_replace(x, LINK, " ")
    x = tf.strings.regex_replace(x, r"[0-9]+(?:[.,][0-9]+)*", " " + NUMBER + " ")
    x = tf.strings.regex_replace(x, r"([^\pL\s0])", r" \1 ")
    return tf.strings.regex_replace(x, r"\s+", " ")


def to_steps(rows: tf.RaggedTensor, fill: int | float, max_length: int) -> tf.Tensor:
    """[batch, steps]: rows padded with `fill` to the batch's longest, at most `max_length`
    steps, at least one (a batch of unreadable text still runs)."""
    dense = rows.to_tensor(fill)[:, :max_length]
    pad = [[0, 0], [0, tf.maximum(1 - tf.shape(dense)[1], 0)]]
    return tf.pad(dense, pad, constant_values=fill)


def tokens(texts: Iterable[str], *, drop_links: bool) -> list[list[str]]:
    batch = tf.constant(list(texts), dtype=tf.string)
    split = tf.strings.split(standardize(batch, drop_links=drop_links))
    return [[t.decode() for t in row] for row in split.to_list()]


def inflections(word: str) -> set[str]:
    """Regular English inflections of `word` (plural or third person, past, -ing).

    A form that is no word is never looked up, but costs its row: comparatives and
    adverbs (-er, -ly) would add 21,000 rows, and the common ones are tokenizer words
    already.
    """
    forms = {word + "s", word + "ed", word + "ing"}
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(word + "es")
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if len(word) >= 3 and re.fullmatch(r".*[^aeiou][aeiou][bdgmnprt]", word):
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return forms


@functools.cache
def _token_vectors(dimensions: int | None) -> tuple[np.ndarray, float]:
    """The token vectors, with only their leading `dimensions` principal directions if
    given, and the share of the squared norm those keep. Read and projected once a
    process: the SVD takes seconds, and a process that trains several networks (the
    test suite's trainings) would repeat it for each. Read-only, as they are shared."""
    from safetensors.numpy import load_file

    (matrix,) = load_file(str(importlib.resources.files("wordllama") / WEIGHTS)).values()
    matrix = matrix.astype(np.float32)
    retained = 1.0
    if dimensions is not None and dimensions < matrix.shape[1]:
        _, s, vt = np.linalg.svd(matrix, full_matrices=False)
        retained = round(float(np.sum(s[:dimensions] ** 2) / np.sum(s**2)), 4)
        matrix = matrix @ vt[:dimensions].T
    matrix.setflags(write=False)
    return matrix, retained


class Pretrained:
    """WordLlama's token vectors and tokenizer (training only: needs `wordllama`)."""

    def __init__(self, dimensions: int | None = None) -> None:
        """`dimensions`: keep the leading principal directions of the token vectors
        (uncentred, so that zero still means no word); None keeps all 256."""
        from tokenizers import Tokenizer

        self.matrix, self.retained = _token_vectors(dimensions)
        root = importlib.resources.files("wordllama")
        self.tokenizer = Tokenizer.from_file(str(root / TOKENIZER))

    def words(self) -> set[str]:
        """The tokenizer's whole-word tokens, lower-cased."""
        return {
            t[1:].lower()
            for t in self.tokenizer.get_vocab()
            if t.startswith("▁") and _WORD.fullmatch(t[1:].lower())
        }

    def vectors(self, words: list[str]) -> np.ndarray:
        ids = [e.ids for e in self.tokenizer.encode_batch(words, add_special_tokens=False)]
        # The tokenizer marks a word start with a token of its own when the word is not
        # one token; it carries no meaning, so it is left out when anything else remains.
        space = self.tokenizer.token_to_id("▁")
        ids = [[i for i in row if i != space] or row for row in ids]
        return np.stack([self.matrix[row].mean(0) for row in ids])


def vocabulary(
    texts: Iterable[str], pretrained: Pretrained, *, expand: bool = True, drop_links: bool
) -> list[str]:
    """Sorted vocabulary: the texts' tokens and, if `expand`, the tokenizer's words and
    their inflections."""
    words: set[str] = set()
    if expand:
        base = pretrained.words()
        words |= base
        for word in base:
            words |= inflections(word)
    for row in tokens(texts, drop_links=drop_links):
        words.update(row)
    words.add(NUMBER)
    words.discard("")
    return sorted(words)


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and one float scale per row: a quarter of the size, ~0.4 % error per value."""
    scale = np.abs(vectors).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    return np.round(vectors / scale).astype(np.int8), scale.astype(np.float32)


def frozen_rows(
    layer: layers.Layer, vectors: np.ndarray, blank: int
) -> tuple[keras.Variable, keras.Variable]:
    """`layer`'s frozen weights holding `vectors` quantised (`quantise`), after `blank`
    rows of zeros: int8 codes and a float scale per row."""
    q, scale = quantise(vectors)
    q = np.concatenate([np.zeros((blank, q.shape[1]), np.int8), q])
    scale = np.concatenate([np.ones((blank, 1), np.float32), scale])
    codes = layer.add_weight(
        shape=q.shape,
        dtype="int8",
        initializer=keras.initializers.Constant(q),
        trainable=False,
        name="codes",
    )
    scales = layer.add_weight(
        shape=scale.shape,
        initializer=keras.initializers.Constant(scale),
        trainable=False,
        name="scale",
    )
    return codes, scales


class WordVectors(layers.Layer):
    """Raw strings -> (frozen word vectors [batch, steps, dim], coverage [batch]).

    Steps are the batch's longest headline, at most `max_length`, at least one (a batch
    of unreadable text still runs); padding is masked. `coverage` is the share of a
    headline's tokens found in the vocabulary, 0 when it has none.
    """

    def __init__(
        self,
        words: list[str],
        vectors: np.ndarray,
        max_length: int,
        *,
        drop_links: bool,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length
        self.drop_links = drop_links
        self.vocabulary_size = len(words)
        self.lookup = layers.StringLookup(
            vocabulary=words, num_oov_indices=1, mask_token=None, name="word_lookup"
        )
        # Rows PAD and OOV are zero: no word, no evidence.
        self.codes, self.scale = frozen_rows(self, vectors, blank=2)
        self.dim = vectors.shape[1]

    def call(self, texts: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
        split = tf.strings.split(standardize(texts, drop_links=self.drop_links))
        # StringLookup: 0 for out of vocabulary, words from 1; shift so 0 pads.
        ids = tf.ragged.map_flat_values(lambda t: self.lookup(t) + 1, split)
        n = tf.cast(ids.row_lengths(), tf.float32)
        known = tf.reduce_sum(tf.cast(ids > OOV, tf.float32), axis=1)
        coverage = tf.math.divide_no_nan(known, n)
        dense = to_steps(ids, PAD, self.max_length)
        codes = tf.gather(tf.convert_to_tensor(self.codes), dense)
        scale = tf.gather(tf.convert_to_tensor(self.scale), dense)
        vectors = tf.cast(codes, tf.float32) * scale
        return vectors, tf.not_equal(dense, PAD), coverage

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple:
        batch = input_shape[0]
        return (batch, None, self.dim), (batch, None), (batch,)
