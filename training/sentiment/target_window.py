"""The words next to the target marker, each tagged with its side, as one string.

The n-gram branch reads a marked headline's word 1-2 grams wherever they stand, so in
"xtargetx gains 3% , xotherx slips" it sees "gains" and "slips" alike for either
company. Target-dependent features (Jiang et al., ACL 2011) tie a word to the target
it stands beside: here each word within `reach` tokens of the nearest target marker
becomes "l_word" or "r_word", so the target's own verb ("r_gains") is a feature of its
own, apart from the other company's ("r_slips" is a word three tokens after the other
marker). The tokens are the word vectors' (`word_vectors.standardize`), so a text
without a target, such as a headline the headline model reads, gives an empty string.
"""

from __future__ import annotations

import tensorflow as tf

from app.sentiment.entities import TARGET_MARK
from training.sentiment.word_vectors import standardize

# Farther than any headline's length: a step that is no target is never the nearest.
_NO_TARGET = 1 << 20


def to_nearest_target(target: tf.Tensor) -> tf.Tensor:
    """[batch, steps] bool, True at a target step -> [batch, steps] int: each step's
    signed distance to the nearest target step (the earlier one where two are as near);
    0 throughout a row with no target."""
    steps = tf.range(tf.shape(target)[1])
    offset = tf.abs(steps[:, None] - steps[None, :])  # [i, j]: |i - j|
    far = offset[None] + tf.cast(tf.logical_not(target), tf.int32)[:, None, :] * _NO_TARGET
    nearest = tf.argmin(far, axis=-1, output_type=tf.int32)  # [batch, i]
    return steps[None, :] - nearest


def window_words(texts: tf.Tensor, reach: int, *, drop_links: bool) -> tf.Tensor:
    """[batch] strings -> [batch] strings of the side-tagged words within `reach` tokens
    of each text's nearest target marker (the earlier one where two are as near)."""
    tokens = tf.strings.split(standardize(texts, drop_links=drop_links)).to_tensor("")
    target = tf.equal(tokens, TARGET_MARK)
    signed = to_nearest_target(target)
    keep = (
        tf.reduce_any(target, axis=1, keepdims=True)
        & (tf.abs(signed) <= reach)
        & tf.logical_not(target)
        & tf.not_equal(tokens, "")
    )
    side = tf.where(signed < 0, "l_", "r_")
    tagged = tf.where(keep, tf.strings.join([side, tokens]), "")
    return tf.strings.reduce_join(tagged, axis=1, separator=" ")
