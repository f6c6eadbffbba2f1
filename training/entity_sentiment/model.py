"""The entity model's sequence branch: the BiLSTM read at the target's own position.

The headline model summarises a headline by the BiLSTM's last states, which say how the
headline ends, not how it treats one company in it. Here the BiLSTM returns its state
at every step and the branch reads it where the target marker stands (its left context
from the forward pass, its right context from the backward pass, as in target-dependent
LSTMs), beside the max over all steps for the headline as a whole. "xtargetx gains
while xotherx slips" and "xotherx gains while xtargetx slips" then give different
inputs to the classifier even though they hold the same words.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers

from app.sentiment.entities import TARGET_MARK
from training.cells import recurrent_layer
from training.sentiment.model import SentimentConfig, compile_classifier, word_vectors
from training.sentiment.sentfin import LABELS
from training.sentiment.word_vectors import (
    Pretrained,
    standardize,
    to_steps,
)


class TargetSteps(layers.Layer):
    """Raw strings -> [batch, steps] float: 1 where the token is the target marker.

    The same tokens, truncation and padding as WordVectors (`to_steps`), so the positions
    line up with its steps.
    """

    def __init__(self, max_length: int, *, drop_links: bool, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length
        self.drop_links = drop_links

    def call(self, texts: tf.Tensor) -> tf.Tensor:
        split = tf.strings.split(standardize(texts, drop_links=self.drop_links))
        return to_steps(tf.cast(tf.equal(split, TARGET_MARK), tf.float32), 0.0, self.max_length)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple:
        return (input_shape[0], None)


class AtTarget(layers.Layer):
    """The mean of the states at the target's steps, and the max over all unmasked steps."""

    def call(self, states: tf.Tensor, target: tf.Tensor, valid: tf.Tensor) -> tf.Tensor:
        weights = target[:, :, None]
        at_target = tf.math.divide_no_nan(
            tf.reduce_sum(states * weights, axis=1), tf.reduce_sum(weights, axis=1)
        )
        masked = tf.where(valid[:, :, None], states, tf.fill(tf.shape(states), -1e9))
        return tf.concat([at_target, tf.reduce_max(masked, axis=1)], axis=-1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], 2 * input_shape[-1])

    def compute_mask(self, inputs: object, previous_mask: object = None) -> None:
        return None  # one vector per headline: nothing left to mask


def sequence_branch(
    cfg: SentimentConfig, texts: tf.Tensor, pretrained: Pretrained
) -> tuple[keras.Model, keras.Model]:
    """Marked strings -> frozen word vectors -> BiLSTM states -> (at target, max) -> softmax.

    Returns (the model to fit; the model to serve with coverage), as the headline
    model's `sequence_branch` does.
    """
    inputs = keras.Input(shape=(), dtype="string", name="marked_headline")
    vectors, mask, coverage = word_vectors(cfg, texts, pretrained)(inputs)
    steps = TargetSteps(cfg.sequence_length, drop_links=cfg.drop_links, name="target_steps")
    target = steps(inputs)
    x = layers.Dropout(cfg.input_dropout)(vectors)
    states = layers.Bidirectional(
        recurrent_layer(
            cfg.cell, cfg.lstm_units, cfg.layer_norm, cfg.recurrent_dropout, return_sequences=True
        ),
        name="bilstm",
    )(x, mask=mask)
    x = AtTarget(name="at_target")(states, target, mask)
    x = layers.Dropout(cfg.dropout)(x)
    probs = layers.Dense(len(LABELS), activation="softmax", name="sequence_probs")(x)
    fit = compile_classifier(
        keras.Model(inputs, probs, name="entity_sequence_branch"), cfg.lstm_learning_rate
    )
    return fit, keras.Model(inputs, [probs, coverage], name="entity_sequence_with_coverage")
