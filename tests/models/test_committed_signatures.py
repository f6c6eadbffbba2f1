"""The committed models' serving signatures, pinned: the service, the page and any
client that calls the SavedModels directly rely on these names, dtypes and shapes, so a
retrained model that changes them fails here before it is served."""

from __future__ import annotations

import json

import numpy as np
import pytest
import tensorflow as tf

from app.model_store import version_dir
from tests.conftest import ROOT

PINNED = {
    "sentiment": (
        {"headlines": (tf.string, [None])},
        {"probabilities": (tf.float32, [None, 3]), "coverage": (tf.float32, [None])},
    ),
    "entity_sentiment": (
        {"marked_headlines": (tf.string, [None])},
        {"probabilities": (tf.float32, [None, 3]), "coverage": (tf.float32, [None])},
    ),
    "gdp_forecast": (
        {"window": (tf.float32, [None, 24, 8])},
        {"gdp_growth": (tf.float32, [None, 4])},
    ),
}
SAMPLES = {
    "sentiment": {"headlines": tf.constant(["Sensex ends flat", "Rupee slumps"])},
    "entity_sentiment": {
        "marked_headlines": tf.constant([" xtargetx  gains,  xotherx  slips", "Rupee slumps"])
    },
    "gdp_forecast": {"window": tf.zeros([2, 24, 8], tf.float32)},
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_the_served_version_has_the_pinned_signature(name: str) -> None:
    path = version_dir(ROOT / "models" / name)
    loaded = tf.saved_model.load(str(path))
    assert set(loaded.signatures) == {"serving_default"}
    sig = loaded.signatures["serving_default"]
    inputs, outputs = PINNED[name]
    _, kwargs = sig.structured_input_signature
    assert {k: (v.dtype, v.shape.as_list()) for k, v in kwargs.items()} == inputs
    assert {k: (v.dtype, v.shape.as_list()) for k, v in sig.structured_outputs.items()} == outputs
    (out_name, (dtype, shape)) = next(iter(outputs.items()))
    got = sig(**SAMPLES[name])[out_name]
    assert got.dtype == dtype and got.shape.as_list() == [2, *shape[1:]]
    assert np.isfinite(got.numpy()).all()
    meta = json.loads((path / "assets.extra" / "metadata.json").read_text())
    assert meta["name"] == name and meta["version"] == int(path.name)
