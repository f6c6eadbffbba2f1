"""The entity model's sequence branch: the BiLSTM told where the target stands.

The headline model summarises a headline by the BiLSTM's last states, which say how the
headline ends, not how it treats one company in it. Three ways to tell the network which
mention it is asked about, beside the marker word itself (none served: the served
models read the last states and no distance, docs/models/entity_sentiment.md):

- `read="target"`: the BiLSTM returns its state at every step and the branch reads it
  where the target marker stands (its left context from the forward pass, its right
  context from the backward pass, as in target-dependent LSTMs), beside the max over
  all steps for the headline as a whole.
- `read="attention"`: the last states, as served, beside the states weighted by how
  well each matches the state at the target marker (additive attention with the target
  as its query, as attention-based aspect models read a target: Wang et al., 2016; Ma
  et al., 2017). Started from a last-state export, the output layer's weights on the
  weighted states start at zero, so the network first answers as its start did.
- `position`: each step's input carries a learnt vector for its signed distance to the
  nearest target marker (as position-aware aspect models do), so that every step, not
  only the marker's, knows whether it is next to the target or in another clause. The
  word vectors are frozen; this is the one input the network learns.

"xtargetx gains while xotherx slips" and "xotherx gains while xtargetx slips" then give
different inputs to the classifier even though they hold the same words.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers

from app.sentiment.entities import OTHER_MARK, TARGET_MARK
from training.adversarial import model_to_fit
from training.cells import recurrent_layer
from training.sentiment.model import (
    SentimentConfig,
    compile_classifier,
    last_states,
    lower_bilstm,
    masked_max,
    word_vectors,
)
from training.sentiment.sentfin import LABELS
from training.sentiment.target_window import to_nearest_target
from training.sentiment.word_vectors import (
    Pretrained,
    standardize,
    to_steps,
)

# Distances beyond this read alike: with 32 steps read, farther rows would be seen by
# few training headlines.
REACH = 8
READS = ("last", "target", "attention")


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


class AsOther(layers.Layer):
    """Raw strings -> the same strings with the target marker written as another entity's."""

    def call(self, texts: tf.Tensor) -> tf.Tensor:
        return tf.strings.regex_replace(texts, rf"\b{TARGET_MARK}\b", OTHER_MARK)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple:
        return input_shape


def mean_at_target(states: tf.Tensor, target: tf.Tensor) -> tf.Tensor:
    """[batch, steps, units] states, [batch, steps] target indicator -> [batch, units]: the
    mean of the states at the target's steps, 0 where a text has none."""
    weights = target[:, :, None]
    return tf.math.divide_no_nan(
        tf.reduce_sum(states * weights, axis=1), tf.reduce_sum(weights, axis=1)
    )


class AtTarget(layers.Layer):
    """The mean of the states at the target's steps, and the max over all unmasked steps."""

    def call(self, states: tf.Tensor, target: tf.Tensor, valid: tf.Tensor) -> tf.Tensor:
        return tf.concat([mean_at_target(states, target), masked_max(states, valid)], axis=-1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], 2 * input_shape[-1])

    def compute_mask(self, inputs: object, previous_mask: object = None) -> None:
        return None  # one vector per headline: nothing left to mask


class TargetAttention(layers.Layer):
    """[last states, the states weighted by their match to the target's]: the weights are
    a softmax over the valid steps of v . tanh(W s_t + U q), q the mean state at the
    target marker (the last states where a text has no target). With `reach`, each
    step's score also carries a learnt bias for its distance to the target (clipped to
    +-`reach`, as `TargetDistance` buckets it; zero at the start), so that the weights
    can favour the target's own clause however long the text."""

    def __init__(self, units: int, reach: int = 0, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.units = units
        self.reach = reach

    def build(self, states_shape: tuple, target_shape: tuple, valid_shape: tuple) -> None:
        width = states_shape[-1]
        self.w_states = self.add_weight(shape=(width, self.units), name="w_states")
        self.w_query = self.add_weight(shape=(width, self.units), name="w_query")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")
        self.score = self.add_weight(shape=(self.units,), name="score")
        if self.reach:
            self.distance_bias = self.add_weight(
                shape=(2 * self.reach + 2,), initializer="zeros", name="distance_bias"
            )

    def call(self, states: tf.Tensor, target: tf.Tensor, valid: tf.Tensor) -> tf.Tensor:
        last = last_states(states, valid)
        at_target = mean_at_target(states, target)
        has_target = tf.reduce_any(target > 0, axis=1, keepdims=True)
        query = tf.where(has_target, at_target, last)
        keys = tf.einsum("btw,wu->btu", states, self.w_states)
        hidden = tf.tanh(keys + tf.matmul(query, self.w_query)[:, None, :] + self.bias)
        logits = tf.einsum("btu,u->bt", hidden, self.score)
        if self.reach:
            logits += tf.gather(self.distance_bias, distance_buckets(target, self.reach))
        logits = tf.where(valid, logits, tf.fill(tf.shape(logits), -1e9))
        # A text with no valid step weighs nothing: its context is 0, not the padding's.
        alpha = tf.nn.softmax(logits, axis=1) * tf.cast(valid, states.dtype)
        context = tf.reduce_sum(states * alpha[:, :, None], axis=1)
        return tf.concat([last, context], axis=-1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], 2 * input_shape[-1])

    def compute_mask(self, inputs: object, previous_mask: object = None) -> None:
        return None  # one vector per headline: nothing left to mask

    def get_config(self) -> dict[str, object]:
        return {**super().get_config(), "units": self.units, "reach": self.reach}


def distance_buckets(target: tf.Tensor, reach: int) -> tf.Tensor:
    """[batch, steps] target indicator -> [batch, steps] int: the step's signed distance
    to the nearest target step, clipped to +-`reach`, shifted to 1..2*reach+1; 0 where
    the headline has no target (a text read whole, as 112 of SEntFiN's pairs are)."""
    signed = to_nearest_target(target > 0)
    bucket = tf.clip_by_value(signed, -reach, reach) + reach + 1
    has_target = tf.reduce_any(target > 0, axis=1, keepdims=True)
    return tf.where(has_target, bucket, tf.zeros_like(bucket))


class TargetDistance(layers.Layer):
    """[batch, steps] target indicator -> [batch, steps] int: `distance_buckets`."""

    def __init__(self, reach: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.reach = reach

    def call(self, target: tf.Tensor) -> tf.Tensor:
        return distance_buckets(target, self.reach)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple:
        return input_shape


def sequence_branch(
    cfg: SentimentConfig,
    texts: tf.Tensor,
    pretrained: Pretrained,
    *,
    read: str = "target",
    position: int = 0,
    same_marks: bool = False,
    attention_reach: int = 0,
) -> tuple[keras.Model, keras.Model]:
    """Marked strings -> frozen word vectors (and `position` learnt dimensions of the
    distance to the target) -> BiLSTM -> its last states, (at target, max) or (last,
    attended) -> softmax.

    Returns (the model to fit; the model to serve with coverage), as the headline
    model's `sequence_branch` does.
    """
    if read not in READS:
        raise ValueError(f"read must be one of {READS}, got {read!r}")
    if same_marks and (read != "target" or position):
        raise ValueError("same_marks needs read='target' and no position: one pass for all")
    inputs = keras.Input(shape=(), dtype="string", name="marked_headline")
    words = word_vectors(cfg, texts, pretrained)
    as_other = AsOther(name="target_as_other") if same_marks else None

    def vectors_of(strings: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
        return words(as_other(strings) if as_other is not None else strings)

    vectors, mask, coverage = vectors_of(inputs)
    steps = TargetSteps(cfg.sequence_length, drop_links=cfg.drop_links, name="target_steps")
    input_dropout = layers.Dropout(cfg.input_dropout)
    distance_of = (
        (
            TargetDistance(REACH, name="target_distance"),
            layers.Embedding(2 * REACH + 2, position, name="distance_vectors"),
            layers.Concatenate(name="with_position"),
        )
        if position
        else None
    )
    lower = lower_bilstm(cfg)
    bilstm = layers.Bidirectional(
        recurrent_layer(
            cfg.cell,
            cfg.lstm_units,
            cfg.layer_norm,
            cfg.recurrent_dropout,
            return_sequences=read != "last",
        ),
        name="bilstm",
    )
    at_target = (
        AtTarget(name="at_target")
        if read == "target"
        else TargetAttention(cfg.lstm_units, attention_reach, name="target_attention")
        if read == "attention"
        else None
    )
    dropout = layers.Dropout(cfg.dropout)
    output = layers.Dense(len(LABELS), activation="softmax", name="sequence_probs")

    def head(
        x: tf.Tensor, extras: tuple[tf.Tensor, ...], training: bool | None = None
    ) -> tf.Tensor:
        valid, target = extras
        x = input_dropout(x, training=training)
        if distance_of is not None:
            buckets, embedding, concatenate = distance_of
            x = concatenate([x, embedding(buckets(target))])
        if lower is not None:
            x = lower(x, valid, training)
        states = bilstm(x, mask=valid, training=training)
        x = at_target(states, target, valid) if at_target is not None else states
        return output(dropout(x, training=training))

    def embed(strings: tf.Tensor) -> tuple[tf.Tensor, tuple[tf.Tensor, ...]]:
        read_vectors, valid, _ = vectors_of(strings)
        return read_vectors, (valid, steps(strings))

    probs = head(vectors, (mask, steps(inputs)))
    model = model_to_fit(inputs, probs, "entity_sequence_branch", cfg.adversarial, embed, head)
    fit = compile_classifier(model, cfg.lstm_learning_rate)
    return fit, keras.Model(inputs, [probs, coverage], name="entity_sequence_with_coverage")
