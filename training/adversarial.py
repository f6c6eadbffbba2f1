"""Adversarial training on the word vectors (Miyato, Dai and Goodfellow, ICLR 2017).

Each step also fits the batch with its word vectors moved, by a distance `epsilon`, in
the direction that raises the loss most: the sequence of vectors is nudged against the
network's own reading. A model that holds its answer within that distance cannot lean
on one vector's small quirks, which is how the method made LSTM text classifiers
generalise better than dropout alone. Only training changes: the exported graph is the
same network, and serving costs the same.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import tensorflow as tf

# (raw strings) -> (the frozen word vectors [batch, steps, dim], whatever the rest of
# the network needs from the strings besides them: the mask, the target's steps).
Embed = Callable[[tf.Tensor], tuple[tf.Tensor, tuple[tf.Tensor, ...]]]
# (word vectors, the extras, training) -> class probabilities.
Head = Callable[[tf.Tensor, tuple[tf.Tensor, ...], bool], tf.Tensor]


class AdversarialFit(keras.Model):
    """A functional model (strings -> probabilities) that fits as the method says: the
    loss on the batch plus the loss on its adversarial copy. `embed` and `head` are the
    model's own layers, the graph cut at the word vectors."""

    def __init__(
        self,
        inputs: object,
        outputs: object,
        *,
        embed: Embed,
        head: Head,
        epsilon: float,
        **kwargs: object,
    ) -> None:
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        if epsilon <= 0:
            raise ValueError(f"epsilon must be positive, got {epsilon}")
        self.embed, self.head = embed, head
        self.epsilon = epsilon

    def _loss(self, y: tf.Tensor, probs: tf.Tensor, sample_weight: tf.Tensor | None) -> tf.Tensor:
        """The compiled loss (a name or a function of targets and probabilities), for the
        copies: `compute_loss` keeps the tally of the batch's own."""
        losses = keras.losses.get(self.loss)(y, probs)
        if sample_weight is not None:
            losses = losses * tf.cast(sample_weight, losses.dtype)
        return tf.reduce_mean(losses)

    def perturbation(
        self, vectors: tf.Tensor, extras: tuple[tf.Tensor, ...], y: tf.Tensor, sw: object
    ) -> tf.Tensor:
        """The move of each headline's vectors, of L2 norm `epsilon` over all its steps,
        along the loss's gradient (the linear approximation of the worst move)."""
        with tf.GradientTape() as tape:
            tape.watch(vectors)
            loss = self._loss(y, self.head(vectors, extras, True), sw)
        grad = tf.stop_gradient(tape.gradient(loss, vectors))
        norm = tf.sqrt(tf.reduce_sum(tf.square(grad), axis=[1, 2], keepdims=True))
        return self.epsilon * grad / (norm + 1e-12)

    def train_step(self, data: object) -> dict[str, object]:
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        vectors, extras = self.embed(x)
        moved = vectors + self.perturbation(vectors, extras, y, sample_weight)
        with tf.GradientTape() as tape:
            probs = self.head(vectors, extras, True)
            clean = self.compute_loss(x=x, y=y, y_pred=probs, sample_weight=sample_weight)
            adversarial = self._loss(y, self.head(moved, extras, True), sample_weight)
            total = clean + adversarial
        # The logged loss is the batch's own, comparable with a fit without copies; Keras's
        # own train_step keeps it in this tracker too.
        self._loss_tracker.update_state(clean, sample_weight=tf.shape(vectors)[0])
        variables = self.trainable_variables
        self.optimizer.apply(tape.gradient(total, variables), variables)
        return self.compute_metrics(x, y, probs, sample_weight)


def model_to_fit(
    inputs: object, outputs: object, name: str, epsilon: float, embed: Embed, head: Head
) -> keras.Model:
    """The functional model of `inputs` and `outputs` that a trainer fits: with
    adversarial copies at `epsilon`, or a plain one at 0."""
    if not epsilon:
        return keras.Model(inputs, outputs, name=name)
    return AdversarialFit(inputs, outputs, embed=embed, head=head, epsilon=epsilon, name=name)
