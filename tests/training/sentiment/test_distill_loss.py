"""The squared distance between centred logits, the other way to learn a teacher's answers."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from training.metrics import softmax
from training.sentiment.model import compile_classifier, logit_mse


def test_the_loss_is_the_distance_between_the_centred_logits() -> None:
    teacher = np.array([[2.0, -1.0, 0.5], [0.0, 0.0, 6.0]])
    student = np.array([[1.0, 0.0, 0.0], [0.3, -0.2, 1.0]])
    loss = keras.ops.convert_to_numpy(logit_mse(softmax(teacher), softmax(student)))

    def centred(z: np.ndarray) -> np.ndarray:
        return z - z.mean(axis=1, keepdims=True)

    np.testing.assert_allclose(
        loss, ((centred(student) - centred(teacher)) ** 2).mean(axis=1), rtol=1e-5
    )
    # Softmax forgets a row's mean, and so does the loss: the same logits shifted are a match.
    same = keras.ops.convert_to_numpy(logit_mse(softmax(teacher), softmax(teacher + 3.0)))
    np.testing.assert_allclose(same, 0.0, atol=1e-5)
    # Where cross-entropy barely tells a sure answer from a surer one, this loss does: the
    # centred logits (16, -8, -8) / 3 against (24, -12, -12) / 3.
    sure, surer = (softmax(np.array([[m, 0.0, 0.0]])) for m in (8.0, 12.0))
    kl = float((surer * np.log(surer / sure)).sum())
    assert kl < 1e-3
    got = keras.ops.convert_to_numpy(logit_mse(surer, sure))[0]
    assert got == pytest.approx(((8 / 3) ** 2 + 2 * (4 / 3) ** 2) / 3, rel=1e-4)
    # A one-hot row (validation's labels) gives a finite loss.
    assert np.isfinite(keras.ops.convert_to_numpy(logit_mse(np.eye(3)[[0]], sure))).all()


def test_the_loss_is_for_a_teachers_probabilities_only() -> None:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    assert compile_classifier(model, 1e-3, soft=True, loss="logit-mse").loss is logit_mse
    with pytest.raises(ValueError, match="needs a teacher's probabilities"):
        compile_classifier(model, 1e-3, loss="logit-mse")
