"""The fit that ends on the mean of its last epochs' weights, with and without validation."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from training.weight_average import TailAverage

RNG = np.random.default_rng(0)
X = RNG.normal(size=(256, 6)).astype("float32")
Y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype("int64")


def small_model(seed: int = 0) -> keras.Model:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(
        keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model


class Snapshots(keras.callbacks.Callback):
    """Each epoch's own weights, before the average replaces them at the end."""

    def __init__(self) -> None:
        super().__init__()
        self.epochs: list[list[np.ndarray]] = []

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self.epochs.append([keras.ops.convert_to_numpy(v) for v in self.model.trainable_weights])


def test_without_validation_the_fit_ends_on_the_mean_of_its_last_epochs() -> None:
    model, seen = small_model(), Snapshots()
    model.fit(X, Y, epochs=5, batch_size=32, verbose=0, callbacks=[TailAverage(3), seen])
    for layer, got in enumerate(model.trainable_weights):
        mean = np.mean([epoch[layer] for epoch in seen.epochs[-3:]], axis=0)
        np.testing.assert_allclose(keras.ops.convert_to_numpy(got), mean, rtol=1e-6)
        # Not the last epoch's own weights: the steps moved them.
        assert not np.allclose(keras.ops.convert_to_numpy(got), seen.epochs[-1][layer])


def test_with_validation_it_stops_on_the_mean_and_ends_on_the_best_one() -> None:
    # Labels the model cannot learn: validation stops improving almost at once.
    y_val = np.random.default_rng(1).integers(0, 3, size=len(X))
    model, seen = small_model(), Snapshots()
    average = TailAverage(2, (X, y_val), patience=2)
    history = model.fit(
        X, Y, epochs=30, batch_size=32, verbose=0, callbacks=[average, seen]
    ).history
    scored = history["val_accuracy_average"]
    assert len(scored) == len(seen.epochs) == average.best_epoch + 2 < 30
    assert average.best_accuracy == max(scored) == scored[average.best_epoch - 1]
    best = average.best_epoch
    for layer, got in enumerate(model.trainable_weights):
        mean = np.mean([epoch[layer] for epoch in seen.epochs[max(0, best - 2) : best]], axis=0)
        np.testing.assert_allclose(keras.ops.convert_to_numpy(got), mean, rtol=1e-6)
    # The score is the mean's, on the weights the fit ended on.
    p = model.predict(X, verbose=0)
    assert np.mean(p.argmax(1) == y_val) == pytest.approx(average.best_accuracy)


def test_one_hot_validation_rows_score_as_their_indices() -> None:
    model = small_model()
    model.fit(X, Y, epochs=1, verbose=0)
    rows = np.eye(3)[Y]
    weights = [keras.ops.convert_to_numpy(v) for v in model.trainable_weights]
    by_rows = TailAverage(1, (X, rows))
    by_rows.set_model(model)
    by_index = TailAverage(1, (X, Y))
    by_index.set_model(model)
    assert by_rows.accuracy(weights) == by_index.accuracy(weights) > 0.6


def test_a_refit_that_replays_the_best_epoch_count_ends_on_the_validated_mean() -> None:
    probe = small_model(seed=1)
    average = TailAverage(3, (X, Y), patience=2)
    probe.fit(X, Y, epochs=8, batch_size=32, verbose=0, shuffle=False, callbacks=[average])
    replay = small_model(seed=1)
    epochs = average.best_epoch
    replay.fit(
        X, Y, epochs=epochs, batch_size=32, verbose=0, shuffle=False, callbacks=[TailAverage(3)]
    )
    for a, b in zip(probe.trainable_weights, replay.trainable_weights, strict=True):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b), rtol=1e-5, atol=1e-6
        )


def test_an_average_of_no_epochs_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one epoch"):
        TailAverage(0)
