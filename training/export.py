"""Writing a Keras model as a versioned, TF Serving-layout SavedModel with metadata.

Layout: <base>/<integer version>/{saved_model.pb, variables/, assets.extra/metadata.json}.
The version directory appears in one rename, so a reader never finds half an export.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import keras
import tensorflow as tf

from app.atomic_file import write_atomic
from training.compat import export_trackable

METADATA_FILE = "metadata.json"


def next_version(base: Path) -> int:
    versions = [int(p.name) for p in base.glob("*") if p.is_dir() and p.name.isdigit()]
    return max(versions, default=0) + 1


def check_version_free(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Stop at the command line, not after the training run, when `--version` names an
    export that exists under `--out`."""
    if args.version is not None and (args.out / str(args.version)).exists():
        parser.error(f"{args.out / str(args.version)} exists: pick another --version")


def command_line(module: str, argv: list[str] | None) -> str:
    """The command a training run was given, for its export's metadata: with the data's
    sha256 and the code's commit, what runs it again."""
    return shlex.join(["python", "-m", module, *(sys.argv[1:] if argv is None else argv)])


def write_json_atomic(path: Path, payload: Any) -> None:
    write_atomic(path, (json.dumps(payload, indent=2, sort_keys=True) + "\n").encode())


def export_model(
    model: keras.Model,
    base: Path,
    input_spec: tf.TensorSpec,
    output_name: str,
    metadata: dict[str, Any],
    version: int | None = None,
    extra_files: dict[str, str | bytes] | None = None,
    reports: Callable[[dict[str, Any]], dict[str, bytes]] | None = None,
) -> Path:
    """Export `model` with one `serving_default` signature and return the version directory.

    The signature's outputs are the model's, by name, when it returns a dict (then
    `output_name` is the main one), else one output called `output_name`.

    `extra_files` (name -> text or bytes) are written beside the metadata in assets.extra/,
    and so are the files `reports` draws from the final metadata (version included).
    """
    base.mkdir(parents=True, exist_ok=True)
    version = next_version(base) if version is None else version
    final = base / str(version)
    if final.exists():
        raise FileExistsError(f"{final} exists: pick another --version")
    staging = base / f".staging-{version}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)

    archive = keras.export.ExportArchive()
    archive.track(model)
    # Keras 3 tracks the keras.Variable wrappers while the traced endpoint captures the
    # tf.Variables inside them, so every weight is written twice (keras-team/keras#23553).
    # Tracking the inner tf.Variables lets TensorFlow's checkpoint deduplicate them.
    tracked = export_trackable(archive)
    for attr in ("variables", "trainable_variables", "non_trainable_variables"):
        setattr(tracked, attr, [getattr(v, "value", v) for v in getattr(tracked, attr)])
    outputs = sorted(model.output) if isinstance(model.output, dict) else [output_name]
    if output_name not in outputs:
        raise ValueError(f"the model has no output {output_name!r}: {outputs}")

    def serve(x: tf.Tensor) -> dict[str, tf.Tensor]:
        out = model(x, training=False)
        return out if isinstance(out, dict) else {output_name: out}

    archive.add_endpoint(name="serving_default", fn=serve, input_signature=[input_spec])
    archive.write_out(str(staging), verbose=False)

    extra = staging / "assets.extra"
    extra.mkdir(exist_ok=True)
    metadata = {
        "version": version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tensorflow_version": tf.__version__,
        "keras_version": keras.__version__,
        "python_version": platform.python_version(),
        "signature": {
            "name": "serving_default",
            "input": {
                "name": input_spec.name,
                "dtype": input_spec.dtype.name,
                "shape": list(input_spec.shape.as_list()),
            },
            "output": output_name,
            "outputs": outputs,
        },
        **metadata,
    }
    write_json_atomic(extra / METADATA_FILE, metadata)
    files = dict(extra_files or {})
    if reports is not None:
        files |= reports(metadata)
    for name, content in files.items():
        data = content.encode() if isinstance(content, str) else content
        (extra / name).write_bytes(data)
    staging.rename(final)
    return final
