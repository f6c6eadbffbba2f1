"""The monthly nowcast network, and the served model: its blend with AR(4) and no-change.

The network reads the 24-month window of app/forecast/monthly_window.py: three values
and three published-or-not flags per month. A value not yet published is 0 after
normalisation and its flag says so, so the same network serves every ragged edge. As
in the quarterly network (model.py), the output is residual: the change from the last
published GDP growth, scaled back to percent.

The served graph blends, per horizon, the network's forecast with a direct AR(4) and
no-change, both computed inside the graph from the window's last four published GDP
quarters. The blend weights are chosen on backtest origins before 2000 and then frozen
(training/forecast/blend.py); the AR(4) coefficients are fitted on every quarter the
export has.
"""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd
import tensorflow as tf
from keras import layers

from app.forecast.monthly_window import CHANNELS, GDP_STEPS, LOOKBACK_MONTHS
from training.forecast.model import ForecastConfig, residual_network


def input_spec(channels: tuple[str, ...] = CHANNELS) -> tf.TensorSpec:
    return tf.TensorSpec([None, LOOKBACK_MONTHS, 2 * len(channels)], tf.float32, name="window")


class MaskedNormalise(layers.Layer):
    """(value - mean) / std where published, 0 where not (the carried figure is the
    window's, for readers; the network sees only the flag); the flags pass through."""

    def __init__(self, mean: list[float], std: list[float], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.mean, self.std = list(mean), list(std)

    def call(self, window: tf.Tensor) -> tf.Tensor:
        n = len(self.mean)
        values, flags = window[..., :n], window[..., n:]
        mean = tf.constant(self.mean, window.dtype)
        std = tf.constant(self.std, window.dtype)
        return tf.concat([(values - mean) / std * flags, flags], axis=-1)

    def get_config(self) -> dict[str, object]:
        return {**super().get_config(), "mean": self.mean, "std": self.std}


def last_gdp(window: tf.Tensor) -> tf.Tensor:
    """[batch, 4]: the last four published GDP growth figures, newest first."""
    return tf.stack([window[:, s, 0] for s in GDP_STEPS], axis=1)


def build(cfg: ForecastConfig, x_train: np.ndarray, y_train: np.ndarray, name: str) -> keras.Model:
    """Build and compile; normalisation statistics come from the training windows only."""
    n = x_train.shape[-1] // 2
    values, flags = x_train[..., :n], x_train[..., n:]
    mean = [float(values[..., i][flags[..., i] > 0].mean()) for i in range(n)]
    std = [float(values[..., i][flags[..., i] > 0].std()) or 1.0 for i in range(n)]
    last_train = x_train[:, GDP_STEPS[0], 0]
    scale = float(np.std(y_train - last_train[:, None])) or 1.0

    inputs = keras.Input(shape=x_train.shape[1:], name="window")
    normalised = MaskedNormalise(mean, std, name="normalise")(inputs)
    last = layers.Lambda(lambda w: w[:, GDP_STEPS[0], 0:1], name="last_growth")(inputs)
    return residual_network(cfg, inputs, normalised, last, scale, name)


def with_lagging_copies(
    x: np.ndarray, y: np.ndarray, last: pd.DatetimeIndex, lagging: list[int], seed: int
) -> tuple[np.ndarray, np.ndarray, pd.DatetimeIndex]:
    """The windows plus one copy of each in which the channels `lagging` (indices) end
    1-24 months early, at random: a series that FRED updates late, or that the snapshot
    holds only to an older month, then looks like something seen in training."""
    if not lagging:
        return x, y, last
    rng = np.random.default_rng(seed)
    n = x.shape[-1] // 2
    copies = x.copy()
    cut = rng.integers(1, LOOKBACK_MONTHS + 1, len(x))
    for i, c in enumerate(cut):
        for ch in lagging:
            copies[i, -c:, ch] = copies[i, -c - 1, ch] if c < LOOKBACK_MONTHS else 0.0
            copies[i, -c:, n + ch] = 0.0
    # In time order, each copy beside its window: early stopping judges on the latest.
    order = np.argsort(np.concatenate([last.asi8, last.asi8]), kind="stable")
    both = last.append(last)[order]
    return np.concatenate([x, copies])[order], np.concatenate([y, y])[order], both


def blended(network: keras.Model, ar_coef: np.ndarray, weights: np.ndarray) -> keras.Model:
    """network, AR(4) and no-change, weighted per horizon: the served graph.

    ar_coef [HORIZON, 5]: constant, then the lags newest first; weights [HORIZON, 3]:
    network, AR(4), no-change, each row summing to 1.
    """
    coef = np.asarray(ar_coef, np.float32)
    w = np.asarray(weights, np.float32)

    def blend(t: list[tf.Tensor]) -> tf.Tensor:
        window, net = t
        lags = last_gdp(window)
        ar = coef[:, 0] + tf.matmul(lags, coef[:, 1:], transpose_b=True)
        no_change = lags[:, :1]
        return w[:, 0] * net + w[:, 1] * ar + w[:, 2] * no_change

    inputs = keras.Input(shape=network.input_shape[1:], name="window")
    out = layers.Lambda(blend, name="blend")([inputs, network(inputs)])
    return keras.Model(inputs, out, name="gdp_nowcast")
