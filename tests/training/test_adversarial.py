"""Adversarial training: the copies move each example by epsilon against the model, and
a model fitted with them is an ordinary functional model of the same layers."""

from __future__ import annotations

import argparse
from dataclasses import replace

import keras
import numpy as np
import pytest
import tensorflow as tf

from training.adversarial import AdversarialFit
from training.entity_sentiment.model import sequence_branch as entity_branch
from training.sentiment.model import SequenceBranch, sequence_branch
from training.sentiment.options import add_network_arguments, network_config
from training.sentiment.word_vectors import Pretrained


def _tiny(epsilon: float) -> tuple[AdversarialFit, keras.layers.Layer]:
    inputs = keras.Input(shape=(5, 4))
    flat, dense = keras.layers.Flatten(), keras.layers.Dense(3, activation="softmax")

    def head(x: tf.Tensor, extras: tuple, training: bool | None = None) -> tf.Tensor:
        return dense(flat(x))

    model = AdversarialFit(
        inputs,
        head(inputs, ()),
        embed=lambda x: (x, ()),
        head=head,
        epsilon=epsilon,
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model, dense


def test_the_copies_move_each_example_by_epsilon_where_the_loss_rises() -> None:
    keras.utils.set_random_seed(0)
    model, _ = _tiny(epsilon=0.5)
    x = tf.constant(np.random.default_rng(0).normal(size=(8, 5, 4)), tf.float32)
    y = tf.constant([0, 1, 2, 0, 1, 2, 0, 1])
    r = model.perturbation(x, (), y, None).numpy()
    assert np.sqrt((r**2).sum(axis=(1, 2))) == pytest.approx(np.full(8, 0.5), rel=1e-5)
    losses = keras.losses.sparse_categorical_crossentropy
    before, after = (losses(y, model(v)).numpy() for v in (x, x + r))
    # The worst move of that size by the linear approximation: every example's loss rises.
    assert (after > before).all()
    # A random move of the same size raises the mean loss less.
    noise = np.random.default_rng(1).normal(size=r.shape)
    noise *= 0.5 / np.sqrt((noise**2).sum(axis=(1, 2), keepdims=True))
    assert losses(y, model(x + noise)).numpy().mean() < after.mean()


def test_a_model_fitted_with_copies_learns_and_keeps_its_layers() -> None:
    keras.utils.set_random_seed(0)
    model, dense = _tiny(epsilon=0.1)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5, 4)).astype(np.float32)
    y = (x[:, 0, 0] > 0).astype(np.int64) * 2
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 2
    # The layers are the functional graph's: a plain model over them answers the same.
    plain = keras.Model(model.inputs, model.outputs)
    np.testing.assert_allclose(plain.predict(x, verbose=0), model.predict(x, verbose=0))
    assert plain.get_layer(dense.name) is dense
    with pytest.raises(ValueError, match="epsilon"):
        _tiny(epsilon=0.0)


# The step itself is traced in the test above; here the networks' layers are at stake.
@pytest.mark.eager
@pytest.mark.parametrize("branch", [sequence_branch, entity_branch])
def test_both_networks_fit_with_copies_and_serve_their_plain_graph(
    branch: SequenceBranch, pretrained: Pretrained
) -> None:
    texts = tf.constant(["xtargetx shares surge", "xtargetx posts loss", "xotherx meets"])
    parser = argparse.ArgumentParser()
    add_network_arguments(parser)
    args = parser.parse_args(["--adversarial", "0.5", "--lstm-units", "3", "--seed", "0"])
    cfg = replace(network_config(args), pretrained_vocabulary=False)
    assert cfg.adversarial == 0.5
    fit, serve = branch(cfg, texts, pretrained)
    assert isinstance(fit, AdversarialFit) and fit.epsilon == 0.5
    before = [w.copy() for w in fit.get_layer("bilstm").get_weights()]
    history = fit.fit(texts, np.array([2, 0, 1]), epochs=1, verbose=0)
    assert history.history["loss"][0] > 0
    after = fit.get_layer("bilstm").get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(after, before, strict=True))
    # The served graph is the same layers without the copies.
    probs, _ = serve.predict(texts, verbose=0)
    np.testing.assert_allclose(probs, fit.predict(texts, verbose=0), rtol=1e-6)
    with pytest.raises(ValueError, match="adversarial"):
        network_config(parser.parse_args(["--adversarial", "-1"]))
