"""A network's weights averaged over its last epochs, as the fit it ends on.

A recurrent network's validation accuracy jumps from epoch to epoch by about as much as
two recipes differ, so early stopping picks whichever epoch a noisy step happened to
land on. The mean of the last few epochs' weights sits nearer the middle of the region
those steps wander over: averaged SGD, as AWD-LSTM trains its language models (Merity
et al., 2018, "Regularizing and Optimizing LSTM Language Models"), and stochastic
weight averaging by epoch (Izmailov et al., 2018). The mean is a network of the same
shape, so serving costs what it did.
"""

from __future__ import annotations

from collections import deque

import keras
import numpy as np
import tensorflow as tf


class TailAverage(keras.callbacks.Callback):
    """After each epoch, the mean of the last `window` epochs' trainable weights.

    With `validation` (inputs, labels as indices or one-hot rows), the mean is scored
    on it after each epoch (logged as `val_accuracy_average`), the fit stops once
    `patience` epochs pass without a better mean, and ends on the best one, as early
    stopping on the mean. Without it, the fit ends on the mean of its last epochs: a
    refit that replays a validated number of epochs ends on the same kind of network.
    """

    def __init__(
        self,
        window: int,
        validation: tuple[tf.Tensor, np.ndarray] | None = None,
        patience: int = 3,
        batch_size: int = 256,
    ) -> None:
        super().__init__()
        if window < 1:
            raise ValueError(f"an average needs at least one epoch, got window={window}")
        self.window = window
        self.validation = validation
        self.patience = patience
        self.batch_size = batch_size
        self.best_epoch = 0
        self.best_accuracy = -1.0
        self._recent: deque[list[np.ndarray]] = deque(maxlen=window)
        self._best: list[np.ndarray] | None = None

    def _weights(self) -> list[keras.Variable]:
        return self.model.trainable_weights

    def mean(self) -> list[np.ndarray]:
        return [np.mean(layer, axis=0) for layer in zip(*self._recent, strict=True)]

    def _set(self, values: list[np.ndarray]) -> None:
        for variable, value in zip(self._weights(), values, strict=True):
            variable.assign(value)

    def accuracy(self, values: list[np.ndarray]) -> float:
        """`values`' accuracy on the validation data; the weights are put back after."""
        assert self.validation is not None
        current = [keras.ops.convert_to_numpy(v) for v in self._weights()]
        self._set(values)
        try:
            x, y = self.validation
            p = self.model.predict(x, batch_size=self.batch_size, verbose=0)
        finally:
            self._set(current)
        labels = np.asarray(y)
        labels = labels.argmax(1) if labels.ndim == 2 else labels
        return float(np.mean(p.argmax(1) == labels))

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self._recent.append([keras.ops.convert_to_numpy(v) for v in self._weights()])
        if self.validation is None:
            return
        mean = self.mean()
        accuracy = self.accuracy(mean)
        if logs is not None:
            logs["val_accuracy_average"] = accuracy
        if accuracy > self.best_accuracy:
            self.best_epoch, self.best_accuracy, self._best = epoch + 1, accuracy, mean
        elif epoch + 1 - self.best_epoch >= self.patience:
            self.model.stop_training = True

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        if self._recent:
            self._set(self._best if self._best is not None else self.mean())
