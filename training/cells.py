"""LSTM and GRU cells written from their gate equations.

Both cells keep Keras's weight layout, so weights copy between them and the built-in
layers one to one, and both work inside `keras.layers.RNN`:

LSTM (`ScratchLSTMCell`; kernel columns in Keras's order i, f, g, o):
    i = sigmoid(x W_i + h U_i + b_i)   input gate: how much of the candidate to write
    f = sigmoid(x W_f + h U_f + b_f)   forget gate: how much of the cell state to keep
    g = tanh(x W_g + h U_g + b_g)      candidate values
    o = sigmoid(x W_o + h U_o + b_o)   output gate: how much of the state to show
    c' = f * c + i * g                 the cell state: a sum, so gradients pass along it
    h' = o * tanh(c')

GRU (`ScratchGRUCell`; columns z, r, h; Keras's default `reset_after=True` applies the
reset gate after the recurrent product, and its bias has an input and a recurrent row):
    z = sigmoid(x W_z + h U_z + b_z)   update gate
    r = sigmoid(x W_r + h U_r + b_r)   reset gate
    n = tanh(x W_h + r * (h U_h + b'_h))
        (reset_after=False: n = tanh(x W_h + (r * h) U_h + b_h))
    h' = z * h + (1 - z) * n           one state, three weight blocks to the LSTM's four

Options: `layer_norm` normalises each gate's pre-activation (and the LSTM's cell state
before its tanh), as in Ba et al.'s layer-normalised LSTM; `recurrent_dropout` drops
units of the previous hidden state with one mask per sequence, drawn when the sequence
starts and used at every step (Gal and Ghahramani), and never at inference.
"""

from __future__ import annotations

import argparse
from typing import Any

import keras
from keras import layers, ops

# A DropoutRNNCell gets one dropout mask per sequence from keras.layers.RNN.
from training.compat import DropoutRNNCell


class _GatedCell(layers.Layer, DropoutRNNCell):
    gates = 0  # weight blocks per cell

    def __init__(
        self,
        units: int,
        layer_norm: bool = False,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not 0.0 <= recurrent_dropout < 1.0:
            raise ValueError(f"recurrent_dropout must be in [0, 1), got {recurrent_dropout}")
        self.units = units
        self.layer_norm = layer_norm
        self.recurrent_dropout = recurrent_dropout
        self.dropout = 0.0  # input dropout stays outside the cell (layers.Dropout)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.output_size = units

    def _build_weights(self, input_dim: int, bias_shape: tuple[int, ...]) -> None:
        self.kernel = self.add_weight(
            shape=(input_dim, self.gates * self.units),
            initializer="glorot_uniform",
            name="kernel",
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.gates * self.units),
            initializer="orthogonal",
            name="recurrent_kernel",
        )
        self.bias = self.add_weight(shape=bias_shape, initializer=self._bias_init, name="bias")
        self.norms: list[layers.LayerNormalization] = []
        if self.layer_norm:
            for k in range(self.gates):
                norm = layers.LayerNormalization(name=f"gate_norm_{k}")
                norm.build((None, self.units))
                self.norms.append(norm)

    def _bias_init(self, shape: tuple[int, ...], dtype: Any = None) -> Any:
        return ops.zeros(shape, dtype=dtype)

    def _normed(self, blocks: list[Any]) -> list[Any]:
        """Each gate's pre-activation layer-normalised (blocks in weight order)."""
        if not self.layer_norm:
            return blocks
        return [norm(block) for norm, block in zip(self.norms, blocks, strict=False)]

    def _dropped(self, h: Any, training: bool) -> Any:
        if training and self.recurrent_dropout > 0:
            return h * self.get_recurrent_dropout_mask(h)
        return h

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "layer_norm": self.layer_norm,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }


@keras.saving.register_keras_serializable(package="market_signals")
class ScratchLSTMCell(_GatedCell):
    gates = 4

    def __init__(self, units: int, **kwargs: Any) -> None:
        super().__init__(units, **kwargs)
        self.state_size = [units, units]

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        self._build_weights(input_shape[-1], (4 * self.units,))
        if self.layer_norm:
            self.cell_norm = layers.LayerNormalization(name="cell_norm")
            self.cell_norm.build((None, self.units))
        self.built = True

    def _bias_init(self, shape: tuple[int, ...], dtype: Any = None) -> Any:
        # Forget-gate bias 1 (Jozefowicz et al.), as Keras's unit_forget_bias: remember
        # by default until the data says otherwise.
        u = self.units
        bias = ops.concatenate([ops.zeros((u,)), ops.ones((u,)), ops.zeros((2 * u,))])
        return ops.cast(bias, dtype or "float32")

    def call(self, inputs: Any, states: Any, training: bool = False) -> tuple[Any, list[Any]]:
        h, c = states
        z = (
            ops.matmul(inputs, self.kernel)
            + ops.matmul(self._dropped(h, training), self.recurrent_kernel)
            + self.bias
        )
        i, f, g, o = self._normed(ops.split(z, 4, axis=-1))
        i, f, o = ops.sigmoid(i), ops.sigmoid(f), ops.sigmoid(o)
        c = f * c + i * ops.tanh(g)
        h = o * ops.tanh(self.cell_norm(c) if self.layer_norm else c)
        return h, [h, c]


@keras.saving.register_keras_serializable(package="market_signals")
class ScratchGRUCell(_GatedCell):
    gates = 3

    def __init__(self, units: int, reset_after: bool = True, **kwargs: Any) -> None:
        super().__init__(units, **kwargs)
        self.reset_after = reset_after
        self.state_size = units

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        bias_shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self._build_weights(input_shape[-1], bias_shape)
        self.built = True

    def call(self, inputs: Any, states: Any, training: bool = False) -> tuple[Any, list[Any]]:
        h = states[0] if isinstance(states, (list, tuple)) else states
        u = self.units
        h_in = self._dropped(h, training)
        if self.reset_after:
            x = ops.matmul(inputs, self.kernel) + self.bias[0]
            rec = ops.matmul(h_in, self.recurrent_kernel) + self.bias[1]
            x_z, x_r, x_h = ops.split(x, 3, axis=-1)
            r_z, r_r, r_h = ops.split(rec, 3, axis=-1)
            pre_z, pre_r = self._normed([x_z + r_z, x_r + r_r])
            z, r = ops.sigmoid(pre_z), ops.sigmoid(pre_r)
            candidate = x_h + r * r_h
        else:
            x = ops.matmul(inputs, self.kernel) + self.bias
            x_z, x_r, x_h = ops.split(x, 3, axis=-1)
            pre_z, pre_r = self._normed(
                [
                    x_z + ops.matmul(h_in, self.recurrent_kernel[:, :u]),
                    x_r + ops.matmul(h_in, self.recurrent_kernel[:, u : 2 * u]),
                ]
            )
            z, r = ops.sigmoid(pre_z), ops.sigmoid(pre_r)
            candidate = x_h + ops.matmul(r * h_in, self.recurrent_kernel[:, 2 * u :])
        if self.layer_norm:
            candidate = self.norms[2](candidate)
        h_new = z * h + (1.0 - z) * ops.tanh(candidate)
        return h_new, [h_new]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "reset_after": self.reset_after}


CELLS = ("lstm", "gru", "scratch-lstm", "scratch-gru")


def add_cell_arguments(parser: argparse.ArgumentParser, default: str = "lstm") -> None:
    """--cell, --layer-norm and --recurrent-dropout, as both training scripts take them."""
    parser.add_argument(
        "--cell", choices=CELLS, default=default, help=f"the recurrent cell (default: {default})"
    )
    parser.add_argument(
        "--layer-norm", action="store_true", help="layer-normalised gates (scratch cells)"
    )
    parser.add_argument(
        "--recurrent-dropout",
        type=float,
        default=0.0,
        help="recurrent dropout rate, one mask per sequence (scratch cells)",
    )


def check_cell_options(cell: str, layer_norm: bool, recurrent_dropout: float) -> None:
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, not {cell!r}")
    if cell in ("lstm", "gru") and (layer_norm or recurrent_dropout):
        raise ValueError("layer_norm and recurrent_dropout need a scratch cell")


def recurrent_layer(
    cell: str,
    units: int,
    layer_norm: bool = False,
    recurrent_dropout: float = 0.0,
    return_sequences: bool = False,
    name: str | None = None,
) -> layers.Layer:
    """The recurrent layer `cell` names, for the training options of both models.

    The built-in layers keep Keras's cuDNN-eligible defaults; layer normalisation and
    recurrent dropout exist only for the scratch cells.
    """
    check_cell_options(cell, layer_norm, recurrent_dropout)
    if cell in ("lstm", "gru"):
        kind = layers.LSTM if cell == "lstm" else layers.GRU
        return kind(units, return_sequences=return_sequences, name=name)
    cell_class = ScratchLSTMCell if cell == "scratch-lstm" else ScratchGRUCell
    scratch = cell_class(units, layer_norm=layer_norm, recurrent_dropout=recurrent_dropout)
    return layers.RNN(scratch, return_sequences=return_sequences, name=name)
