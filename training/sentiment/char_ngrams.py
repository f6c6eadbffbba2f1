"""Counts of character 2-5 grams, looked up by integer key instead of by string.

`TextVectorization(split="character", ngrams=(2, 3, 4, 5), output_mode="count")`
joins every n-gram of every headline into a new string and hashes it into a table of
~150,000 strings: at batch 128 that was 40 % of a model call. Here each character
becomes a small integer (its rank in the vocabulary's alphabet), an n-gram becomes
those integers packed into one int64, and the table maps int64 keys to the same
columns. The counts are the ones `TextVectorization` gives for the same vocabulary,
exactly: packing is one-to-one, not a hash (tests/training/sentiment/test_char_ngrams.py).

The vocabulary still comes from `TextVectorization.adapt`, so the columns, and the
out-of-vocabulary column 0, are the same as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf
from keras import layers

WIDTHS = (2, 3, 4, 5)
# Twelve bits a character: five characters fill 60 bits of an int64. Ranks start at
# 1, so no digit of a key is 0 and keys of different widths never meet; a character
# no vocabulary n-gram holds gets a rank of its own that no vocabulary key contains,
# so an n-gram holding it is never found (out of vocabulary, as its string would be).
BITS = 12
UNKNOWN = 2**BITS - 1
ALPHABET_LIMIT = UNKNOWN - 1


def split_ngram(entry: str) -> list[str]:
    """A vocabulary entry ("l o s") back to its characters: TextVectorization joins with " "."""
    chars, separators = list(entry[0::2]), entry[1::2]
    if len(entry) % 2 == 0 or separators.strip(" ") or len(chars) not in WIDTHS:
        raise ValueError(f"not a character n-gram of TextVectorization: {entry!r}")
    return chars


def pack(ranks: Sequence[int]) -> int:
    key = 0
    for rank in ranks:
        key = (key << BITS) | rank
    return key


class CharNgramCounts(layers.Layer):
    """Raw strings -> SparseTensor of n-gram counts [batch, len(vocabulary)] (int64).

    `vocabulary` is a count-mode TextVectorization's: entry 0 is the out-of-vocabulary
    token, the others character n-grams. Lower-casing and UTF-8 decoding (invalid
    bytes become U+FFFD) are TextVectorization's own ops. The entries come out in
    order of first occurrence rather than sorted: the same counts, but a float sum
    over them may differ in its last bit (`tf.sparse.reorder` gives the sorted order).
    """

    def __init__(self, vocabulary: Sequence[str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        grams = [split_ngram(str(entry)) for entry in vocabulary[1:]]
        alphabet = sorted({c for gram in grams for c in gram})
        if len(alphabet) > ALPHABET_LIMIT:
            raise ValueError(f"{len(alphabet)} characters do not fit {BITS} bits each")
        rank = {c: i + 1 for i, c in enumerate(alphabet)}
        keys = np.array([pack([rank[c] for c in gram]) for gram in grams], dtype=np.int64)
        self.size = len(vocabulary)
        self.alphabet = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(
                tf.constant([ord(c) for c in alphabet], tf.int64),
                tf.range(1, len(alphabet) + 1, dtype=tf.int64),
            ),
            default_value=UNKNOWN,
        )
        self.columns = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(
                tf.constant(keys), tf.range(1, len(keys) + 1, dtype=tf.int64)
            ),
            default_value=0,
        )

    def call(self, texts: tf.Tensor) -> tf.SparseTensor:
        decoded = tf.strings.unicode_decode(tf.strings.lower(texts), "UTF-8", errors="replace")
        ranks = self.alphabet.lookup(tf.cast(decoded.flat_values, tf.int64))
        rows = decoded.value_rowids()
        n = tf.shape(ranks, out_type=tf.int64)[0]
        # Characters left in the headline from each position on: an n-gram starts
        # there only if it ends inside the same headline.
        left = tf.gather(decoded.row_limits(), rows) - tf.range(n, dtype=tf.int64)
        padded = tf.concat([ranks, tf.zeros([WIDTHS[-1] - 1], tf.int64)], 0)
        # WIDTHS run on from 2: each width's key is the last one with one more character.
        key, keys = padded[:n], []
        for width in WIDTHS:
            key = tf.bitwise.left_shift(key, BITS) | padded[width - 1 : width - 1 + n]
            keys.append(key)
        widths = tf.constant(WIDTHS, tf.int64)
        starts = widths[None, :] <= left[:, None]
        columns = self.columns.lookup(tf.boolean_mask(tf.stack(keys, 1), starts))
        owners = tf.boolean_mask(tf.broadcast_to(rows[:, None], tf.shape(starts, tf.int64)), starts)
        # One int64 per (headline, column) pair, counted by a hash map (no sort).
        pairs, slot = tf.unique(owners * self.size + columns, out_idx=tf.int64)
        counts = tf.math.unsorted_segment_sum(
            tf.ones_like(slot), slot, tf.shape(pairs, out_type=tf.int64)[0]
        )
        indices = tf.stack([pairs // self.size, pairs % self.size], axis=1)
        return tf.SparseTensor(indices, counts, [tf.shape(texts, out_type=tf.int64)[0], self.size])
