"""A network started from the committed headline model's BiLSTM and output layer."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tests.conftest import ROOT
from training.sentiment.model import SentimentConfig, sequence_branch
from training.sentiment.warm_start import saved_weights, warm_started
from training.sentiment.word_vectors import Pretrained

HEADLINE_MODEL = ROOT / "models" / "sentiment" / "7"
TEXTS = tf.constant(["xtargetx profit rises", "xtargetx loss narrows, xotherx slips"])


@pytest.fixture(scope="module")
def pretrained() -> Pretrained:
    """The vectors at the committed model's width (the shared fixture keeps all 256)."""
    return Pretrained(SentimentConfig().word_dimensions)


@pytest.fixture(scope="module")
def weights() -> dict[str, list[np.ndarray]]:
    return saved_weights(HEADLINE_MODEL)


def test_the_saved_layers_come_in_the_networks_weight_order(
    weights: dict[str, list[np.ndarray]],
) -> None:
    # Forward kernel, recurrent kernel, bias; then the backward cell's; then the output.
    assert [w.shape for w in weights["bilstm"]] == [(192, 256), (64, 256), (256,)] * 2
    assert [w.shape for w in weights["sequence_probs"]] == [(128, 3), (3,)]
    assert not np.array_equal(weights["bilstm"][0], weights["bilstm"][3])


def test_a_warm_started_network_starts_from_the_saved_model(
    pretrained: Pretrained, weights: dict[str, list[np.ndarray]]
) -> None:
    cfg = SentimentConfig(pretrained_vocabulary=False, drop_links=True)
    fit, serve = warm_started(sequence_branch, HEADLINE_MODEL)(cfg, TEXTS, pretrained)
    cold, _ = sequence_branch(cfg, TEXTS, pretrained)
    for name, values in weights.items():
        started, random = fit.get_layer(name), cold.get_layer(name)
        for got, want, cold_value in zip(
            started.get_weights(), values, random.get_weights(), strict=True
        ):
            np.testing.assert_array_equal(got, want)
            assert not np.array_equal(cold_value, want)
    # The model to serve shares the started layers.
    np.testing.assert_array_equal(serve.get_layer("bilstm").get_weights()[1], weights["bilstm"][1])


def test_a_network_of_another_size_is_refused(pretrained: Pretrained) -> None:
    cfg = SentimentConfig(pretrained_vocabulary=False, lstm_units=8, drop_links=True)
    with pytest.raises(ValueError, match="bilstm"):
        warm_started(sequence_branch, HEADLINE_MODEL)(cfg, TEXTS, pretrained)
