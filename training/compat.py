"""The private Keras APIs training relies on, in one place.

Keras exports neither of these. Each is reached only through this module, so an upgrade
that moves one fails here, in `tests/training/test_compat.py`, with a message saying
what moved and what it is needed for, rather than somewhere deep in a training run.
"""

from __future__ import annotations

from typing import Any

import keras

__all__ = ["DropoutRNNCell", "KerasInternalsMoved", "export_trackable"]


class KerasInternalsMoved(ImportError):
    """A private Keras API this project uses is gone or changed."""


def _moved(what: str, why: str) -> KerasInternalsMoved:
    return KerasInternalsMoved(
        f"Keras {keras.__version__} no longer has {what}, which training needs {why}. "
        "Find its new home and update training/compat.py."
    )


try:
    # keras.layers.RNN draws a cell's dropout masks once per call, and so once per
    # sequence, only for cells that are instances of this class.
    from keras.src.layers.rnn.dropout_rnn_cell import DropoutRNNCell
except ImportError as exc:
    raise _moved(
        "keras.src.layers.rnn.dropout_rnn_cell.DropoutRNNCell",
        "so that the scratch cells' recurrent dropout keeps one mask per sequence",
    ) from exc


def export_trackable(archive: keras.export.ExportArchive) -> Any:
    """The TensorFlow object an ExportArchive writes, whose variable lists export
    rewrites so that each weight is stored once (Keras 3 tracks every weight twice)."""
    tracked = getattr(archive, "_tf_trackable", None)
    lists = ("variables", "trainable_variables", "non_trainable_variables")
    if tracked is None or not all(isinstance(getattr(tracked, a, None), list) for a in lists):
        raise _moved(
            "ExportArchive._tf_trackable with its variable lists",
            "to store each exported weight once instead of twice",
        )
    return tracked
