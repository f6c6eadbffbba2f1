"""The mention tagger's network, from raw strings: words and their byte spans, each word's
pretrained vector and how it is written, a BiLSTM, and a tag per word.

The words are cut in the graph (`words_and_spans`), so the export needs no tokenizer and
answers with each word's span of the text; `app/sentiment/mention_tagger.py` reads the
tags back into mentions. A word's vector is looked up lower-cased, a possessive taken
off and any word with a digit read as the number "0", in the tokenizer's whole words
and their inflections alone: the names of SEntFiN's training titles get no vector of
their own, so the tagger learns to find a name it has no vector for, as it must at
serving. What tells it a name is how the word is written and where it stands.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from training.sentiment.word_vectors import NUMBER, frozen_rows

MAX_WORDS = 40
OUTSIDE, FIRST, LATER = 0, 1, 2
TAGS = 3
# A word, with what joins words inside a name ("AT&T", "L.B.", "D-Link", "Kakaku.com",
# "Générale's"), or one other character. RE2's classes, Unicode-wide.
_JOINED = r"[\pL\pN\pM_]"
WORD = _JOINED + r"[\pL\pN\pM_&'\x{2019}.\-]*" + _JOINED + "|" + _JOINED + r"|[^\s\pZ]"
# How a word is written, each a full match of the word: capitalised, in capitals (two
# characters or more), in lower case, with a digit, not opening with a letter or digit,
# ending in a possessive.
_WRITTEN = (
    r"\p{Lu}.*",
    r"[^\p{Ll}]*\p{Lu}[^\p{Ll}]*",
    r"[^\p{Lu}]*\p{Ll}[^\p{Lu}]*",
    r".*\p{Nd}.*",
    r"[^\pL\pN].*",
    r".*['\x{2019}]s",
)
# Besides those: the first word, and a word with a vector.
FEATURES = len(_WRITTEN) + 2


def words_and_spans(texts: tf.Tensor) -> tuple[tf.RaggedTensor, tf.Tensor, tf.Tensor]:
    """Each text's words (ragged), and their byte starts and ends ([batch, most words],
    0 past a text's last word)."""
    # Control characters are the marks the cut is made with, and one byte each, so a
    # space in their place keeps every offset.
    x = tf.strings.regex_replace(texts, r"[\x00-\x1f\x7f]", " ")
    x = tf.strings.regex_replace(x, WORD, "\x02\\0\x03")
    # Each piece is the gap before a word, \x02, the word; the last is the text's tail.
    pieces = tf.strings.split(x, sep="\x03")[:, :-1]
    gap = tf.strings.regex_replace(pieces, "\x02(?s:.*)", "")
    words = tf.strings.regex_replace(pieces, "^[^\x02]*\x02", "")
    gaps = tf.strings.length(gap).to_tensor(0)
    sizes = tf.strings.length(words).to_tensor(0)
    present = tf.ones_like(words, sizes.dtype).to_tensor(0)
    starts = (tf.cumsum(gaps + sizes, axis=1, exclusive=True) + gaps) * present
    return words, starts, starts + sizes


def lookup_key(words: tf.Tensor) -> tf.Tensor:
    """The form a word's vector is looked up by."""
    x = tf.strings.lower(words, encoding="utf-8")
    x = tf.strings.regex_replace(x, r"['\x{2019}]s$", "")
    return tf.where(tf.strings.regex_full_match(x, r".*\p{Nd}.*"), NUMBER, x)


class MentionWords(layers.Layer):
    """Raw strings -> (features [batch, steps, dim + FEATURES], valid [batch, steps],
    starts, ends [batch, steps]): steps are the batch's most words, at most MAX_WORDS, at
    least one; `fixed` pads every batch to MAX_WORDS (training, whose targets are that
    wide)."""

    def __init__(self, words: list[str], vectors: np.ndarray, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.lookup = layers.StringLookup(
            vocabulary=words, num_oov_indices=1, mask_token=None, name="word_lookup"
        )
        # Row 0 is any word outside the vocabulary: no vector.
        self.codes, self.scale = frozen_rows(self, vectors, blank=1)
        self.dim = vectors.shape[1]

    def call(
        self, texts: tf.Tensor, fixed: bool = False
    ) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]:
        words, starts, ends = words_and_spans(texts)
        flat = words.flat_values
        ids = self.lookup(lookup_key(flat))
        written = [tf.cast(tf.strings.regex_full_match(flat, p), tf.float32) for p in _WRITTEN]
        # Python's isupper: "A" alone is a capitalised word, not one in capitals.
        written[1] *= tf.cast(tf.strings.length(flat, unit="UTF8_CHAR") > 1, tf.float32)
        position = tf.range(tf.size(flat, out_type=tf.int64)) - tf.gather(
            words.row_starts(), words.value_rowids()
        )
        first = tf.cast(tf.equal(position, 0), tf.float32)
        known = tf.cast(ids > 0, tf.float32)
        codes = tf.gather(tf.convert_to_tensor(self.codes), ids)
        scale = tf.gather(tf.convert_to_tensor(self.scale), ids)
        per_word = tf.concat(
            [tf.cast(codes, tf.float32) * scale, tf.stack([*written, first, known], axis=1)],
            axis=1,
        )
        steps = words.with_flat_values(per_word)
        dense = steps.to_tensor(0.0)[:, :MAX_WORDS]
        valid = tf.ones_like(words, tf.float32).to_tensor(0.0)[:, :MAX_WORDS]
        starts, ends = starts[:, :MAX_WORDS], ends[:, :MAX_WORDS]
        width = MAX_WORDS if fixed else tf.maximum(tf.shape(dense)[1], 1)
        pad = width - tf.shape(dense)[1]
        dense = tf.pad(dense, [[0, 0], [0, pad], [0, 0]])
        dense = tf.ensure_shape(dense, [None, None, self.dim + FEATURES])
        valid = tf.pad(valid, [[0, 0], [0, pad]])
        starts = tf.pad(tf.cast(starts, tf.int32), [[0, 0], [0, pad]])
        ends = tf.pad(tf.cast(ends, tf.int32), [[0, 0], [0, pad]])
        return dense, valid > 0, starts, ends

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple:
        batch = input_shape[0]
        return (
            (batch, None, self.dim + FEATURES),
            (batch, None),
            (batch, None),
            (batch, None),
        )


def build(
    words: list[str], vectors: np.ndarray, units: int, learning_rate: float = 1e-3
) -> tuple[keras.Model, keras.Model]:
    """(the model to fit: strings -> tag probabilities [batch, MAX_WORDS, TAGS]; the model
    to serve: strings -> {"tags": probabilities, "starts", "ends"} over the batch's
    words), sharing their weights."""
    reader = MentionWords(words, vectors, name="mention_words")
    bilstm = layers.Bidirectional(
        layers.LSTM(units, return_sequences=True, dropout=0.2), name="bilstm"
    )
    output = layers.Dense(TAGS, activation="softmax", name="tags")

    def tagged(texts: keras.KerasTensor, fixed: bool) -> tuple[keras.KerasTensor, ...]:
        x, valid, starts, ends = reader(texts, fixed=fixed)
        return output(bilstm(x, mask=valid)), starts, ends

    inputs = keras.Input(shape=(), dtype="string", name="text")
    probs, _, _ = tagged(inputs, fixed=True)
    fit = keras.Model(inputs, probs, name="mention_tagger_fit")
    fit.compile(
        keras.optimizers.Adam(learning_rate),
        "sparse_categorical_crossentropy",
        weighted_metrics=["accuracy"],
    )
    probs, starts, ends = tagged(inputs, fixed=False)
    serve = keras.Model(
        inputs, {"tags": probs, "starts": starts, "ends": ends}, name="mention_tagger"
    )
    return fit, serve
