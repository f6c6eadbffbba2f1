"""The from-scratch cells against Keras's own, and what is claimed for them."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from training.cells import ScratchGRUCell, ScratchLSTMCell, recurrent_layer

RNG = np.random.default_rng(0)


def random_weights(layer: keras.layers.Layer) -> list[np.ndarray]:
    return [RNG.normal(0, 0.5, w.shape).astype("float32") for w in layer.get_weights()]


@pytest.mark.parametrize(("batch", "steps", "features", "units"), [(3, 1, 4, 5), (4, 9, 3, 6)])
def test_scratch_lstm_matches_keras_lstm(batch: int, steps: int, features: int, units: int) -> None:
    x = RNG.normal(size=(batch, steps, features)).astype("float32")
    h0, c0 = (RNG.normal(size=(batch, units)).astype("float32") for _ in range(2))
    builtin = layers.LSTM(units, return_sequences=True, return_state=True)
    scratch = layers.RNN(ScratchLSTMCell(units), return_sequences=True, return_state=True)
    builtin(x, initial_state=[h0, c0])
    scratch(x, initial_state=[h0, c0])
    weights = random_weights(builtin)
    builtin.set_weights(weights)
    scratch.set_weights(weights)  # same layout: kernel, recurrent kernel, bias
    for a, b in zip(
        builtin(x, initial_state=[h0, c0]), scratch(x, initial_state=[h0, c0]), strict=True
    ):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=2e-5)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize(("batch", "steps"), [(2, 1), (5, 11)])
def test_scratch_gru_matches_keras_gru(batch: int, steps: int, reset_after: bool) -> None:
    x = RNG.normal(size=(batch, steps, 4)).astype("float32")
    h0 = RNG.normal(size=(batch, 6)).astype("float32")
    builtin = layers.GRU(6, reset_after=reset_after, return_sequences=True, return_state=True)
    scratch = layers.RNN(
        ScratchGRUCell(6, reset_after=reset_after), return_sequences=True, return_state=True
    )
    builtin(x, initial_state=h0)
    scratch(x, initial_state=h0)
    weights = random_weights(builtin)
    builtin.set_weights(weights)
    scratch.set_weights(weights)
    for a, b in zip(builtin(x, initial_state=h0), scratch(x, initial_state=h0), strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=2e-5)


def test_the_gru_is_lighter() -> None:
    lstm, gru = layers.LSTM(32), layers.GRU(32)
    lstm.build((None, 10, 16))
    gru.build((None, 10, 16))
    # Four weight blocks against three (plus the GRU's second bias row).
    assert lstm.count_params() == 4 * (16 * 32 + 32 * 32 + 32)
    assert gru.count_params() == 3 * (16 * 32 + 32 * 32 + 2 * 32)


class MaskRecorder(ScratchLSTMCell):
    """Records the recurrent dropout mask each step uses (the loop runs eagerly here)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.seen: list[np.ndarray] = []

    def _dropped(self, h, training):  # type: ignore[no-untyped-def]
        out = super()._dropped(h, training)
        if training and self.recurrent_dropout > 0:
            self.seen.append(np.asarray(self.get_recurrent_dropout_mask(h)))
        return out


def test_recurrent_dropout_one_mask_per_sequence_and_none_at_inference() -> None:
    cell = MaskRecorder(8, recurrent_dropout=0.5, seed=3)
    rnn = layers.RNN(cell, return_sequences=True)
    x = RNG.normal(size=(6, 5, 3)).astype("float32")
    rnn(x, training=True)
    masks = cell.seen[-5:]  # the five steps (building the layer may call the cell once more)
    assert len(masks) == 5
    for mask in masks[1:]:
        np.testing.assert_array_equal(mask, masks[0])  # the same at every step
    assert set(np.unique(masks[0])) <= {0.0, 2.0}  # kept units scaled by 1 / (1 - rate)
    assert len({row.tobytes() for row in masks[0]}) > 1  # different between sequences
    cell.seen.clear()
    rnn(x, training=True)
    assert not np.array_equal(cell.seen[-1], masks[0])  # a new draw for the next batch
    # At inference nothing is dropped: the same as the cell without dropout.
    plain = layers.RNN(ScratchLSTMCell(8), return_sequences=True)
    plain(x)
    plain.set_weights(rnn.get_weights())
    np.testing.assert_allclose(np.asarray(rnn(x)), np.asarray(plain(x)), atol=1e-6)


def forced_lstm(forget: float) -> layers.RNN:
    """One unit per input: input gate open, candidate tanh(x), forget gate forced."""
    units = 3
    rnn = layers.RNN(ScratchLSTMCell(units), return_sequences=True, return_state=True)
    rnn(np.zeros((1, 1, units), "float32"))
    kernel = np.zeros((units, 4 * units), "float32")
    kernel[:, 2 * units : 3 * units] = np.eye(units)  # g = tanh(x)
    bias = np.zeros(4 * units, "float32")
    bias[:units] = 50.0  # i = 1
    bias[units : 2 * units] = forget  # f = sigmoid(forget)
    bias[3 * units :] = 50.0  # o = 1
    rnn.set_weights([kernel, np.zeros((units, 4 * units), "float32"), bias])
    return rnn


def test_exercise_2_forget_gate_at_one_accumulates_at_zero_forgets() -> None:
    x = RNG.normal(size=(1, 7, 3)).astype("float32")
    _, _, c = forced_lstm(forget=50.0)(x)  # f = 1
    np.testing.assert_allclose(np.asarray(c)[0], np.tanh(x[0]).sum(axis=0), atol=1e-5)
    outputs, _, _ = forced_lstm(forget=-50.0)(x)  # f = 0
    other = x.copy()
    other[0, :-1] = RNG.normal(size=(6, 3))  # every input but the last changed
    outputs2, _, _ = forced_lstm(forget=-50.0)(other)
    np.testing.assert_allclose(np.asarray(outputs)[0, -1], np.asarray(outputs2)[0, -1])
    np.testing.assert_allclose(np.asarray(outputs)[0, -1], np.tanh(np.tanh(x[0, -1])), atol=1e-5)


@pytest.mark.parametrize("cell", [ScratchLSTMCell, ScratchGRUCell])
def test_layer_norm_option_builds_and_trains(cell: type) -> None:
    rnn = layers.RNN(cell(6, layer_norm=True))
    x = RNG.normal(size=(4, 5, 3)).astype("float32")
    out = np.asarray(rnn(x))
    assert out.shape == (4, 6) and np.isfinite(out).all()
    norms = [w for w in rnn.weights if "norm" in w.path]
    assert norms, "layer normalisation adds its gain and bias"


def latch_task(n: int, steps: int, tokens: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One-hot tokens at every step, and a marker on one step in the first half.

    The answer is the token under the marker: the network must write it when the marker
    shows, then hold it against every later token. Holding needs an input-dependent
    write (a gate); a tanh RNN's state is overwritten a little by each new token.
    """
    r = np.random.default_rng(seed)
    toks = r.integers(0, tokens, (n, steps))
    marked = r.integers(0, steps // 2, n)
    x = np.zeros((n, steps, tokens + 1), "float32")
    x[np.arange(n)[:, None], np.arange(steps)[None, :], toks] = 1.0
    x[np.arange(n), marked, tokens] = 1.0
    return x, toks[np.arange(n), marked]


def latch_accuracy(
    recurrent: keras.layers.Layer, epochs: int = 30, steps: int = 30, tokens: int = 4
) -> tuple[float, int]:
    """Test accuracy, and the epochs the fit ran."""
    keras.utils.set_random_seed(0)
    x, y = latch_task(2048, steps, tokens, seed=0)
    x_test, y_test = latch_task(512, steps, tokens, seed=1)
    model = keras.Sequential(
        [keras.Input((steps, tokens + 1)), recurrent, layers.Dense(tokens, activation="softmax")]
    )
    model.compile(
        keras.optimizers.Adam(5e-3), "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    history = model.fit(
        x, y, epochs=epochs, batch_size=64, verbose=0, callbacks=[StopWhenPerfect()]
    )
    return float(model.evaluate(x_test, y_test, verbose=0)[1]), len(history.epoch)


class StopWhenPerfect(keras.callbacks.Callback):
    """Ends the fit once every training example is right: the epochs are a budget, and a
    cell that has learnt the latch gains nothing from the rest of it."""

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        if logs and logs["accuracy"] >= 1.0:
            self.model.stop_training = True


@pytest.mark.parametrize(
    ("name", "cell", "layer_norm", "dropout"),
    [("scratch-lstm", ScratchLSTMCell, False, 0.2), ("scratch-gru", ScratchGRUCell, True, 0.1)],
)
def test_the_cell_options_build_the_cell_they_name(
    name: str, cell: type, layer_norm: bool, dropout: float
) -> None:
    # What --cell, --layer-norm and --recurrent-dropout give both trainers; the forecast's
    # short training run exports a scratch cell and serves it without its class.
    layer = recurrent_layer(name, 5, layer_norm, dropout, return_sequences=True)
    assert isinstance(layer.cell, cell) and layer.cell.units == 5
    assert layer.cell.recurrent_dropout == dropout and layer.cell.layer_norm == layer_norm
    assert layer.return_sequences
    assert isinstance(recurrent_layer("lstm", 5), layers.LSTM)
    with pytest.raises(ValueError, match="scratch cell"):
        recurrent_layer("gru", 5, recurrent_dropout=0.1)


def test_gradients_flow_through_the_gates_over_30_steps() -> None:
    # Same units, data and optimiser for all three. The SimpleRNN gets as many epochs as
    # the slower gated cell needed to learn the latch (9 and 14 of a budget of 30 here).
    # On this machine, seeds 0-2: both gated cells reach 1.00 every time, the SimpleRNN
    # 0.27-0.47 even with all 30 epochs (chance is 0.25).
    lstm, lstm_epochs = latch_accuracy(layers.RNN(ScratchLSTMCell(32)))
    gru, gru_epochs = latch_accuracy(layers.RNN(ScratchGRUCell(32)))
    simple, _ = latch_accuracy(layers.SimpleRNN(32), epochs=max(lstm_epochs, gru_epochs))
    assert lstm >= 0.95, f"scratch LSTM accuracy {lstm:.3f}"
    assert gru >= 0.95, f"scratch GRU accuracy {gru:.3f}"
    assert simple <= 0.6, f"SimpleRNN accuracy {simple:.3f}: the task no longer needs gates"
