"""Start a network's BiLSTM and output layer from an exported headline model's weights.

The word vectors are frozen and the same for a word in any vocabulary built from the
same pretrained tokenizer, so a BiLSTM trained on one model's headlines reads another
model's inputs in the same space, and what it learnt about sentiment words can carry over.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from training.export import METADATA_FILE
from training.sentiment.model import SentimentConfig, SequenceBranch
from training.sentiment.word_vectors import Pretrained

# Layer names shared by the headline model's sequence branch and the networks built
# like it; Keras lists a Bidirectional layer's weights forward cell first.
LAYERS = {
    "bilstm": ("forward", "backward"),
    "sequence_probs": ("",),
}
_ORDER = ("kernel", "recurrent_kernel", "bias")
# A layer only some of those networks have (the entity model's attention read), in its
# weights' order, read where a SavedModel holds it: the first four always, the fifth
# where the attention was given a reach.
OPTIONAL = {"target_attention": ("w_states", "w_query", "bias", "score", "distance_bias")}


def saved_weights(model_dir: Path) -> dict[str, list[np.ndarray]]:
    """Each shared layer's weights in a SavedModel, in Keras's order for that layer."""
    variables = {v.name: v.numpy() for v in tf.saved_model.load(str(model_dir)).variables}
    weights: dict[str, list[np.ndarray]] = {}
    for layer, directions in LAYERS.items():
        found = []
        for direction in directions:
            for part in _ORDER:
                names = [
                    n
                    for n in variables
                    if n.startswith(f"{layer}/")
                    and direction in n
                    and n.rsplit("/", 1)[-1] == f"{part}:0"
                ]
                if len(names) > 1:
                    raise ValueError(f"{model_dir}: several {layer} {direction} {part}: {names}")
                found += [variables[n] for n in names]
        if not found:
            raise ValueError(f"{model_dir} has no {layer} weights")
        weights[layer] = found
    for layer, parts in OPTIONAL.items():
        names = [f"{layer}/{part}:0" for part in parts]
        held = [n for n in names if n in variables]
        if held and held not in (names, names[:4]):
            raise ValueError(f"{model_dir}: {layer} holds {held}, not {names}")
        if held:
            weights[layer] = [variables[n] for n in held]
    return weights


def checked(
    model: keras.Model, model_dir: Path, weights: dict[str, list[np.ndarray]]
) -> dict[str, list[np.ndarray]]:
    """`weights` (`model_dir`'s saved_weights), once each shared layer of `model` has
    their shapes; a ValueError names the first layer that does not."""
    for name, values in weights.items():
        shapes = [tuple(w.shape) for w in model.get_layer(name).get_weights()]
        if shapes != [v.shape for v in values]:
            raise ValueError(f"{name}: {model_dir} has {[v.shape for v in values]}, {shapes}")
    return weights


def widened(
    model: keras.Model, weights: dict[str, list[np.ndarray]]
) -> dict[str, list[np.ndarray]]:
    """`weights` with the output layer's kernel given zero rows for the inputs `model`'s
    output layer reads after the saved model's: a network that reads the last states and
    more, started from one that read the last states, answers as its start did until it
    learns to use the rest."""
    kernel, bias = weights["sequence_probs"]
    rows = model.get_layer("sequence_probs").get_weights()[0].shape[0]
    if rows <= kernel.shape[0]:
        return weights
    extra = np.zeros((rows - kernel.shape[0], kernel.shape[1]), kernel.dtype)
    return {**weights, "sequence_probs": [np.concatenate([kernel, extra]), bias]}


def warm_started(branch: SequenceBranch, model_dir: Path, *, widen: bool = False) -> SequenceBranch:
    """`branch` whose model to fit starts from `model_dir`'s shared layers; with `widen`,
    an output layer that reads more inputs than the saved one starts with zero weight on
    those after the saved model's (`widened`)."""
    weights = saved_weights(model_dir)

    def build(
        cfg: SentimentConfig, texts: tf.Tensor, pretrained: Pretrained
    ) -> tuple[keras.Model, keras.Model]:
        fit, serve = branch(cfg, texts, pretrained)
        start = widened(fit, weights) if widen else weights
        for name, values in checked(fit, model_dir, start).items():
            fit.get_layer(name).set_weights(values)
        return fit, serve

    return build


def souped(model: keras.Model, members: Sequence[Path]) -> None:
    """Set `model`'s shared layers to the mean of its own weights and those of the
    `members`' SavedModels (a uniform model soup: Wortsman et al., 2022). Networks
    fine-tuned from one start stay in one basin of the loss, where the mean of their
    weights reads like the mean of their answers at the cost of one network."""
    shared = [dict(checked(model, member, saved_weights(member))) for member in members]
    soups = {name: [[w] for w in model.get_layer(name).get_weights()] for name in shared[0]}
    for member, weights in zip(members, shared, strict=True):
        if set(weights) != set(soups):
            raise ValueError(f"{member}: layers {sorted(weights)}, not {sorted(soups)}")
        for name, values in weights.items():
            for kept, value in zip(soups[name], values, strict=True):
                kept.append(value)
    for name, stacks in soups.items():
        model.get_layer(name).set_weights([np.mean(s, axis=0) for s in stacks])


def start_record(model_dir: Path) -> dict[str, object]:
    """What a run started from, for its export's metadata: the folder (often a probe under
    /tmp that is gone after the run), the sha256 of the weights taken from it, which a
    rebuilt start must match, and the command that made it, when its metadata says."""
    digest = hashlib.sha256()
    for name, values in sorted(saved_weights(model_dir).items()):
        for value in values:
            digest.update(f"{name}{value.dtype}{value.shape}".encode())
            digest.update(np.ascontiguousarray(value).tobytes())
    metadata = model_dir / "assets.extra" / METADATA_FILE
    made_by = json.loads(metadata.read_text()).get("command") if metadata.is_file() else None
    return {"path": model_dir.as_posix(), "weights_sha256": digest.hexdigest(), "made_by": made_by}
