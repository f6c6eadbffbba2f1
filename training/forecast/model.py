"""The GDP outlook network: 8 quarters of raw features in, 4 quarters of GDP growth out.

The textbook stacked LSTM (docs/models/forecast.md), with two changes that matter on ~200 windows:
normalisation inside the graph (fitted on training windows only), and a residual
output — the network predicts the change from the last observed growth, scaled back to
percent — so training only has to learn the departures from the no-change forecast (mean
reversion, the other series' signals). A variant on top of a frozen direct AR(4)
instead scored worse than AR(4) alone in the backtest (docs/models/forecast.md), so it
was dropped.

Two choices against variance on ~250 windows (docs/models/forecast.md): early stopping judges
on the latest windows whose targets avoid 2020-21 (those quarters, up to ±10 points,
made the validation loss flat and the kept epoch close to arbitrary; they stay in the
training windows), and the exported model is the mean of `members` networks fitted
from consecutive seeds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import keras
import numpy as np
import pandas as pd
from keras import layers

from app.forecast.gdp_features import FEATURES, TARGET
from training.cells import recurrent_layer
from training.forecast.backtest import EXCLUDED_YEARS

LOOKBACK = 8
HORIZON = 4


@dataclass(frozen=True)
class ForecastConfig:
    units: int = 32
    layers: int = 2
    dropout: float = 0.2
    learning_rate: float = 3e-3
    batch_size: int = 16
    max_epochs: int = 300
    patience: int = 25
    validation_fraction: float = 0.15
    huber_delta: float = 1.0
    members: int = 3  # networks averaged, each from its own seed
    # Early stopping never judges on windows with target quarters in these years.
    validation_skips_years: tuple[int, ...] = EXCLUDED_YEARS
    cell: str = "lstm"  # lstm | gru | scratch-lstm | scratch-gru (training/cells.py)
    layer_norm: bool = False  # scratch cells only
    recurrent_dropout: float = 0.0  # scratch cells only; training time, never exported

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def build(
    cfg: ForecastConfig, x_train: np.ndarray, y_train: np.ndarray, name: str = "gdp_forecast"
) -> keras.Model:
    """Build and compile; normalisation statistics come from the training windows only."""
    target_col = FEATURES.index(TARGET)
    norm = layers.Normalization(axis=-1, name="normalise")
    norm.adapt(x_train.reshape(-1, x_train.shape[-1]))
    deltas = y_train - x_train[:, -1:, target_col]
    scale = float(np.std(deltas)) or 1.0

    inputs = keras.Input(shape=(LOOKBACK, len(FEATURES)), name="window")
    last = layers.Lambda(lambda w: w[:, -1:, target_col], name="last_growth")(inputs)
    return residual_network(cfg, inputs, norm(inputs), last, scale, name)


def residual_network(
    cfg: ForecastConfig,
    inputs: keras.KerasTensor,
    normalised: keras.KerasTensor,
    last: keras.KerasTensor,
    scale: float,
    name: str,
) -> keras.Model:
    """The recurrent stack over `normalised`, predicting the change from `last` (the
    last observed growth, [batch, 1]) in units of `scale`; compiled."""
    x = normalised
    for i in range(cfg.layers):
        x = recurrent_layer(
            cfg.cell,
            cfg.units,
            cfg.layer_norm,
            cfg.recurrent_dropout,
            return_sequences=i < cfg.layers - 1,
            name=f"rnn_{i + 1}",
        )(x)
    x = layers.Dropout(cfg.dropout)(x)
    delta = layers.Dense(HORIZON, name="delta")(x)
    outputs = layers.Lambda(lambda t: t[0] + t[1] * scale, name="gdp_growth")([last, delta])
    model = keras.Model(inputs, outputs, name=name)
    model.compile(
        optimizer=keras.optimizers.Adam(cfg.learning_rate),
        loss=keras.losses.Huber(cfg.huber_delta),
    )
    return model


def validation_split(
    cfg: ForecastConfig, origins: pd.DatetimeIndex | None, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """(fit, validation) window indices: the validation part is the latest windows, in
    time order, whose target quarters avoid `validation_skips_years`."""
    n_val = max(1, round(n * cfg.validation_fraction))
    idx = np.arange(n)
    allowed = np.ones(n, bool)
    if origins is not None and cfg.validation_skips_years:
        for h in range(1, HORIZON + 1):
            years = (origins + pd.DateOffset(months=3 * h)).year
            allowed &= ~np.isin(years, cfg.validation_skips_years)
    val = idx[allowed][-n_val:]
    return np.setdiff1d(idx, val), val


@dataclass
class Fitted:
    model: keras.Model  # the members' mean, one graph: what is exported
    members: list[keras.Model]
    histories: list[dict[str, list[float]]]  # per member


Builder = Callable[[ForecastConfig, np.ndarray, np.ndarray, str], keras.Model]


def fit(
    cfg: ForecastConfig,
    x: np.ndarray,
    y: np.ndarray,
    seed: int,
    origins: pd.DatetimeIndex | None = None,
    builder: Builder = build,
) -> Fitted:
    """Fit `cfg.members` networks (seeds seed, seed+1, ...) and average them.

    `origins`: each window's last observed quarter, for the validation split."""
    fit_idx, val_idx = validation_split(cfg, origins, len(x))
    members, histories = [], []
    for k in range(cfg.members):
        keras.utils.set_random_seed(seed + k)
        member = builder(cfg, x[fit_idx], y[fit_idx], f"member_{k + 1}")
        history = member.fit(
            x[fit_idx],
            y[fit_idx],
            validation_data=(x[val_idx], y[val_idx]),
            epochs=cfg.max_epochs,
            batch_size=cfg.batch_size,
            verbose=0,
            shuffle=True,
            callbacks=[
                keras.callbacks.EarlyStopping(
                    monitor="val_loss", patience=cfg.patience, restore_best_weights=True
                )
            ],
        )
        members.append(member)
        histories.append(history.history)
    if len(members) == 1:
        return Fitted(members[0], members, histories)
    inputs = keras.Input(shape=x.shape[1:], name="window")
    mean = layers.Average(name="gdp_growth_mean")([m(inputs) for m in members])
    return Fitted(keras.Model(inputs, mean, name="gdp_forecast"), members, histories)
