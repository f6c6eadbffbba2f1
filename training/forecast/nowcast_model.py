"""The monthly nowcast network, and the served model: its blend with AR(4) and no-change.

The network reads the 24-month window of app/forecast/monthly_window.py: three values
and three published-or-not flags per month. A value not yet published is 0 after
normalisation and its flag says so, so the same network serves every ragged edge. As
in the quarterly network (model.py), the output is residual: the change from the last
published GDP growth, scaled back to percent.

The served graph blends, per horizon, the network's forecast with a direct AR(4) and
no-change, both computed inside the graph from the window's last four published GDP
quarters, and with the INDPRO bridge (training/forecast/bridge.py) when the window's
INDPRO is fresh. The blend weights are chosen on backtest origins before 2000 and then
frozen (training/forecast/blend.py); the AR(4) and bridge coefficients are fitted on
everything the export has.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd
import tensorflow as tf
from keras import layers

from app.forecast.monthly_window import CHANNELS, GDP_STEPS, LOOKBACK_MONTHS
from training.forecast.bridge import FRESH_FROM_STEP, SHIFT_MONTHS
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


def network_inputs(window: np.ndarray | tf.Tensor, total: int, used: int) -> object:
    """The values and flags of the first `used` of a window's `total` channels: the
    network's part of a window that also carries the bridge's INDPRO."""
    if used == total:
        return window
    parts = [window[..., :used], window[..., total : total + used]]
    if isinstance(window, np.ndarray):
        return np.concatenate(parts, axis=-1)
    return tf.concat(parts, axis=-1)


@dataclass(frozen=True)
class BridgeTerm:
    """The bridge inside the served graph (training/forecast/bridge.py)."""

    coef: np.ndarray  # [HORIZON, 7] on the raw inputs
    channel: int  # INDPRO's index among the window's channels
    fallback: np.ndarray  # [HORIZON, 3] weights when INDPRO is stale


def bridge_in_graph(window: tf.Tensor, term: BridgeTerm) -> tuple[tf.Tensor, tf.Tensor]:
    """([batch, HORIZON] bridge forecast, [batch, 1] fresh), as bridge.py computes them."""
    n = window.shape[-1] // 2
    flags = window[:, :, n + term.channel]
    steps = tf.range(LOOKBACK_MONTHS, dtype=tf.int32)
    newest = tf.reduce_max(tf.where(flags > 0, steps, -1), axis=1)
    earlier = tf.clip_by_value(newest - SHIFT_MONTHS, 0, LOOKBACK_MONTHS - 1)
    x = tf.concat(
        [
            last_gdp(window),
            window[:, -1, term.channel : term.channel + 1],
            tf.gather(window[:, :, term.channel], earlier, batch_dims=1)[:, None],
        ],
        axis=1,
    )
    coef = np.asarray(term.coef, np.float32)
    forecast = coef[:, 0] + tf.matmul(x, coef[:, 1:], transpose_b=True)
    fresh = newest >= LOOKBACK_MONTHS + FRESH_FROM_STEP
    return forecast, tf.cast(fresh, window.dtype)[:, None]


def blended(
    network: keras.Model,
    ar_coef: np.ndarray,
    weights: np.ndarray,
    bridge_term: BridgeTerm | None = None,
    channels: int | None = None,
) -> keras.Model:
    """network, AR(4), no-change (and the bridge), weighted per horizon: the served graph.

    ar_coef [HORIZON, 5]: constant, then the lags newest first; weights [HORIZON, 3]:
    network, AR(4), no-change, each row summing to 1, or [HORIZON, 4] with the bridge
    last, whose `fallback` weights serve a window with stale INDPRO. `channels`: the
    window's channels, when it carries more than the network reads.
    """
    coef = np.asarray(ar_coef, np.float32)
    w = np.asarray(weights, np.float32)
    used = network.input_shape[-1] // 2
    total = channels or used

    def weighted(weights: np.ndarray, parts: list[tf.Tensor]) -> tf.Tensor:
        return tf.add_n([weights[:, i] * part for i, part in enumerate(parts)])

    def blend(t: list[tf.Tensor]) -> tf.Tensor:
        window, net = t
        lags = last_gdp(window)
        ar = coef[:, 0] + tf.matmul(lags, coef[:, 1:], transpose_b=True)
        peers = [net, ar, lags[:, :1]]  # the network, AR(4), no-change
        if bridge_term is None:
            return weighted(w, peers)
        bridged, fresh = bridge_in_graph(window, bridge_term)
        without = weighted(np.asarray(bridge_term.fallback, np.float32), peers)
        return fresh * weighted(w, [*peers, bridged]) + (1.0 - fresh) * without

    inputs = keras.Input(shape=(LOOKBACK_MONTHS, 2 * total), name="window")
    part = layers.Lambda(lambda x: network_inputs(x, total, used), name="network_part")(inputs)
    out = layers.Lambda(blend, name="blend")([inputs, network(part)])
    return keras.Model(inputs, out, name="gdp_nowcast")
