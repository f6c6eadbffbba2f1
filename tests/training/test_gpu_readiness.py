"""The networks keep their recurrent layers in the configuration Keras runs on cuDNN on a GPU."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from app.forecast.gdp_features import FEATURES
from training.forecast import nowcast_model
from training.forecast import train as train_forecast
from training.forecast.model import HORIZON, LOOKBACK, ForecastConfig, build
from training.sentiment.model import SentimentConfig, sequence_branch
from training.sentiment.word_vectors import Pretrained


def lstm_layers(model: keras.Model) -> list[keras.layers.LSTM]:
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Bidirectional):
            found += [layer.forward_layer, layer.backward_layer]
        elif isinstance(layer, keras.layers.LSTM):
            found.append(layer)
    return found


def assert_cudnn_eligible(layer: keras.layers.LSTM | keras.layers.GRU) -> None:
    # Keras 3 (TensorFlow backend) takes the cuDNN kernel only under these conditions.
    cell = layer.cell
    assert cell.activation is keras.activations.tanh, layer.name
    assert cell.recurrent_activation is keras.activations.sigmoid, layer.name
    assert cell.use_bias and not layer.unroll, layer.name
    assert layer.recurrent_dropout == 0, layer.name
    assert layer.use_cudnn in ("auto", True), layer.name


def test_sentiment_lstms_are_cudnn_eligible(pretrained: Pretrained) -> None:
    texts = tf.constant(["shares rise on profit", "rupee falls against the dollar"] * 5)
    cfg = SentimentConfig(pretrained_vocabulary=False)
    fit, _ = sequence_branch(cfg, texts, pretrained)
    layers = lstm_layers(fit)
    assert len(layers) == 2
    for layer in layers:
        assert_cudnn_eligible(layer)


def test_forecast_lstms_are_cudnn_eligible() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, LOOKBACK, len(FEATURES))).astype("float32")
    y = rng.normal(size=(16, HORIZON)).astype("float32")
    layers = lstm_layers(build(ForecastConfig(), x, y))
    assert len(layers) == ForecastConfig().layers
    for layer in layers:
        assert_cudnn_eligible(layer)


def test_the_served_nowcast_gru_is_cudnn_eligible() -> None:
    cfg = train_forecast.DEFAULTS
    rng = np.random.default_rng(0)
    values = rng.normal(size=(16, 24, 3))
    x = np.concatenate([values, np.ones_like(values)], axis=-1).astype("float32")
    y = rng.normal(size=(16, HORIZON)).astype("float32")
    model = nowcast_model.build(cfg, x, y, "nowcast")
    grus = [layer for layer in model.layers if isinstance(layer, keras.layers.GRU)]
    assert cfg.cell == "gru" and len(grus) == cfg.layers
    for layer in grus:
        assert_cudnn_eligible(layer)
        # cuDNN's GRU applies the reset gate after the recurrent matmul.
        assert layer.cell.reset_after, layer.name
