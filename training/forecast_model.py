"""The GDP outlook network: 8 quarters of raw features in, 4 quarters of GDP growth out.

The teaching material's stacked LSTM, with two changes that matter on ~200 windows:
normalisation inside the graph (fitted on training windows only), and a residual
output — the network predicts the change from the last observed growth, scaled back to
percent — so training only has to learn the departures from the no-change forecast (mean
reversion, the other series' signals). A variant on top of a frozen direct AR(4)
instead scored worse than AR(4) alone in the backtest (README), so it was dropped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import keras
import numpy as np
from keras import layers

from app.gdp_features import FEATURES, TARGET
from training.cells import recurrent_layer

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
    cell: str = "lstm"  # lstm | gru | scratch-lstm | scratch-gru (training/cells.py)
    layer_norm: bool = False  # scratch cells only
    recurrent_dropout: float = 0.0  # scratch cells only; training time, never exported

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def build(cfg: ForecastConfig, x_train: np.ndarray, y_train: np.ndarray) -> keras.Model:
    """Build and compile; normalisation statistics come from the training windows only."""
    target_col = FEATURES.index(TARGET)
    norm = layers.Normalization(axis=-1, name="normalise")
    norm.adapt(x_train.reshape(-1, x_train.shape[-1]))
    deltas = y_train - x_train[:, -1:, target_col]
    scale = float(np.std(deltas)) or 1.0

    inputs = keras.Input(shape=(LOOKBACK, len(FEATURES)), name="window")
    x = norm(inputs)
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
    last = layers.Lambda(lambda w: w[:, -1:, target_col], name="last_growth")(inputs)
    outputs = layers.Lambda(lambda t: t[0] + t[1] * scale, name="gdp_growth")([last, delta])
    model = keras.Model(inputs, outputs, name="gdp_forecast")
    model.compile(
        optimizer=keras.optimizers.Adam(cfg.learning_rate),
        loss=keras.losses.Huber(cfg.huber_delta),
    )
    return model


def fit(cfg: ForecastConfig, x: np.ndarray, y: np.ndarray, seed: int) -> keras.Model:
    """Fit on windows in time order; the last part of them is the early-stopping set."""
    keras.utils.set_random_seed(seed)
    n_val = max(1, round(len(x) * cfg.validation_fraction))
    x_fit, y_fit, x_val, y_val = x[:-n_val], y[:-n_val], x[-n_val:], y[-n_val:]
    model = build(cfg, x_fit, y_fit)
    model.fit(
        x_fit,
        y_fit,
        validation_data=(x_val, y_val),
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
    return model
