"""Loading versioned SavedModels (TF Serving layout) and calling their serving signature."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

SIGNATURE = "serving_default"


class ModelLoadError(RuntimeError):
    """A model directory is missing, empty or not a loadable SavedModel."""


def version_dir(base: Path, version: int | None = None) -> Path:
    """The directory of `version`, or of the newest integer version under `base`."""
    if version is not None:
        path = base / str(version)
        if not (path / "saved_model.pb").is_file():
            raise ModelLoadError(f"no SavedModel at {path}")
        return path
    versions = sorted(
        (
            int(p.name)
            for p in base.glob("*")
            if p.name.isdigit() and (p / "saved_model.pb").is_file()
        ),
        reverse=True,
    )
    if not versions:
        raise ModelLoadError(f"no SavedModel version under {base}")
    return base / str(versions[0])


def _to_numpy(outputs: dict[str, Any]) -> dict[str, np.ndarray]:
    """A signature's output tensors as arrays, by output name."""
    return {name: value.numpy() for name, value in outputs.items()}


@dataclass
class LoadedModel:
    name: str
    version: int
    path: Path
    metadata: dict[str, Any]
    _signature: Any = field(repr=False)
    _input_name: str = field(repr=False)
    output_name: str = field(repr=False)
    # The signature holds only weak references to the loaded object: keep it alive.
    _root: Any = field(repr=False)
    device: str = "CPU:0"

    def predict(self, inputs: Sequence[Any] | np.ndarray) -> np.ndarray:
        """The main output (a signature may have others: `predict_outputs`)."""
        return self.predict_outputs(inputs)[self.output_name]

    def predict_outputs(self, inputs: Sequence[Any] | np.ndarray) -> dict[str, np.ndarray]:
        import tensorflow as tf

        return _to_numpy(self._signature(**{self._input_name: tf.constant(inputs)}))

    def report_files(self) -> list[str]:
        """The training-report figures exported with the model (assets.extra/*.png)."""
        extra = self.path / "assets.extra"
        return sorted(p.name for p in extra.glob("*.png") if p.is_file())

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "path": f"{self.name}/{self.version}",
            "device": self.device,
            "metadata": self.metadata,
            "reports": [
                {"name": f, "url": f"/models/{self.name}/{self.version}/reports/{f}"}
                for f in self.report_files()
            ],
        }


def configure_tensorflow(intra_op: int, inter_op: int) -> str:
    """Set TensorFlow up before it runs anything; return the device models will use.

    Thread pools: 0 keeps TensorFlow's default (one thread per core for each). On two
    cores the event loop needs one: the default pools take both for a batch-1 call.
    GPUs get memory growth, so the process takes GPU memory as it needs it rather than
    all of it at start (two models here need a few hundred MB, and a card may be shared).
    """
    import tensorflow as tf

    try:
        if intra_op:
            tf.config.threading.set_intra_op_parallelism_threads(intra_op)
        if inter_op:
            tf.config.threading.set_inter_op_parallelism_threads(inter_op)
        gpus = tf.config.list_physical_devices("GPU")
        for gpu in gpus:
            tf.config.experimental.set_memory_growth(gpu, True)
    except RuntimeError as exc:  # the runtime already started in this process
        log.warning("TensorFlow settings not applied: %s", exc)
        gpus = tf.config.list_physical_devices("GPU")
    device = "GPU:0" if gpus else "CPU:0"
    log.info("TensorFlow %s runs models on %s (%d GPU visible)", tf.__version__, device, len(gpus))
    return device


@dataclass
class JointCall:
    """Several models' serving signatures run as one TensorFlow call.

    A batch that needs two models (headlines and marked headlines) would otherwise make
    two calls one after the other. As one graph, TensorFlow runs both models' ops side by
    side on its inter-op threads, and the two cores stay busier. The answers are the
    models' own, bit for bit.
    """

    models: tuple[LoadedModel, ...]
    _function: Any = field(repr=False)

    def serves(self, *models: LoadedModel) -> bool:
        """Whether this call runs exactly these loaded models, in this order."""
        return len(models) == len(self.models) and all(
            a is b for a, b in zip(models, self.models, strict=True)
        )

    def predict_outputs(self, inputs: Sequence[Sequence[Any]]) -> list[dict[str, np.ndarray]]:
        """Each model's outputs for its own inputs, in the order of `models`."""
        import tensorflow as tf

        results = self._function(*(tf.constant(list(x)) for x in inputs))
        return [_to_numpy(r) for r in results]


def joint_call(models: Sequence[LoadedModel]) -> JointCall:
    """One traced call of `models`' signatures; each input must hold at least one item
    (an empty list has no dtype to match the signature's)."""
    import tensorflow as tf

    specs = []
    for k, m in enumerate(models):
        spec = m._signature.structured_input_signature[1][m._input_name]
        specs.append(tf.TensorSpec(spec.shape, spec.dtype, name=f"input_{k}"))

    def run(*inputs: Any) -> list[dict[str, Any]]:
        return [m._signature(**{m._input_name: x}) for m, x in zip(models, inputs, strict=True)]

    traced = tf.function(run, input_signature=specs).get_concrete_function()
    return JointCall(tuple(models), traced)


def load(base: Path, name: str, version: int | None = None, device: str = "CPU:0") -> LoadedModel:
    path = version_dir(base / name, version)
    return load_dir(path, name, int(path.name), device)


def load_dir(path: Path, name: str, version: int, device: str = "CPU:0") -> LoadedModel:
    """The SavedModel in `path`, whatever the folder's name (a model an export ships
    inside its own, such as the entity model's mention tagger), as `name` `version`."""
    try:
        import tensorflow as tf

        loaded = tf.saved_model.load(str(path))
        signature = loaded.signatures[SIGNATURE]
    except Exception as exc:  # TensorFlow raises many types for a damaged model
        raise ModelLoadError(f"cannot load SavedModel at {path}: {exc}") from exc
    meta_path = path / "assets.extra" / "metadata.json"
    metadata = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    (input_name,) = signature.structured_input_signature[1].keys()
    outputs = sorted(signature.structured_outputs)
    # The metadata names the main output when there are several.
    output_name = metadata.get("signature", {}).get("output", outputs[0])
    if output_name not in outputs or (len(outputs) > 1 and "signature" not in metadata):
        raise ModelLoadError(f"cannot tell the main output of {path} among {outputs}")
    model = LoadedModel(
        name, version, path, metadata, signature, input_name, output_name, loaded, device
    )
    log.info("loaded model %s version %s from %s on %s", name, model.version, path, device)
    return model


class ModelRegistry:
    """Models the service has loaded, and why it is not ready while it is not."""

    def __init__(self, required: Sequence[str]) -> None:
        self._required = tuple(required)
        self._models: dict[str, LoadedModel] = {}
        self._errors: dict[str, str] = {}
        self._lock = threading.Lock()

    def put(self, model: LoadedModel) -> None:
        with self._lock:
            self._models[model.name] = model
            self._errors.pop(model.name, None)

    def fail(self, name: str, reason: str) -> None:
        with self._lock:
            self._errors[name] = reason

    def get(self, name: str) -> LoadedModel | None:
        return self._models.get(name)

    def all(self) -> list[LoadedModel]:
        return list(self._models.values())

    def pending(self) -> list[str]:
        """Required models neither loaded nor failed yet."""
        with self._lock:
            return [n for n in self._required if n not in self._models and n not in self._errors]

    def not_ready_reasons(self) -> list[str]:
        with self._lock:
            return [
                self._errors.get(name, f"model '{name}' is loading")
                for name in self._required
                if name not in self._models
            ]
