"""The private Keras APIs in training/compat.py are still where and what training needs.

If one of these fails after a Keras upgrade, the message says what moved; fix
training/compat.py, not the code that uses it.
"""

from __future__ import annotations

import keras
import pytest
from keras.src.layers.rnn import rnn

from training import compat


def test_rnn_still_gives_dropout_rnn_cells_one_mask_per_sequence() -> None:
    # keras.layers.RNN decides by this very class whether to draw masks per call.
    assert rnn.DropoutRNNCell is compat.DropoutRNNCell
    for method in ("get_dropout_mask", "get_recurrent_dropout_mask", "reset_dropout_mask"):
        assert callable(getattr(compat.DropoutRNNCell, method, None)), method


def test_the_export_archive_still_exposes_its_variable_lists() -> None:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    archive = keras.export.ExportArchive()
    archive.track(model)
    tracked = compat.export_trackable(archive)
    assert len(tracked.variables) == 2 and len(tracked.trainable_variables) == 2


def test_a_moved_api_fails_with_a_message_naming_it() -> None:
    class Moved:
        pass

    with pytest.raises(compat.KerasInternalsMoved, match=r"_tf_trackable.*update training/compat"):
        compat.export_trackable(Moved())  # type: ignore[arg-type]
