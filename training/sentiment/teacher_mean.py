"""The test sets as several teachers read them, alone and as the mean of their logits.

`make teacher ARGS="--score-only --out DIR"` writes each test set's logits to
`DIR/test_logits.npz` beside `teacher.json`. The students learn the mean of two
fine-tunings' logits (`--ensemble-with`), so that mean is what their figures stand
under; this scores it:

    .venv/bin/python -m training.sentiment.teacher_mean DIR [DIR ...]
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from training.metrics import classification_report, rounded_accuracy
from training.sentiment.sentfin import LABELS

FILE = "test_logits.npz"
_LABELS = "__labels"


def macro_f1(logits: np.ndarray, labels: Sequence[int]) -> float:
    report = classification_report(labels, np.asarray(logits).argmax(1), LABELS)
    return round(float(report["macro_f1"]), 4)


def save(path: Path, scored: Mapping[str, tuple[np.ndarray, Sequence[int]]]) -> None:
    arrays: dict[str, np.ndarray] = {}
    for name, (logits, labels) in scored.items():
        arrays[name] = np.asarray(logits, dtype=np.float32)
        arrays[name + _LABELS] = np.asarray(labels, dtype=np.int64)
    np.savez(path, **arrays)


def load(path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    with np.load(path) as data:
        return {
            name: (data[name], data[name + _LABELS])
            for name in data.files
            if not name.endswith(_LABELS)
        }


def read(folders: Sequence[Path]) -> dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Each folder's `FILE`, loaded once, under the folder's name."""
    return {str(folder): load(folder / FILE) for folder in folders}


def scores(
    runs: Mapping[str, dict[str, tuple[np.ndarray, np.ndarray]]],
) -> dict[str, dict[str, tuple[float, float]]]:
    """Per test set: each run's (accuracy, macro-F1), then the mean's under "mean". Only
    the test sets every run holds, and only with the same labels in the same order: a
    mean of two readings of different texts would mean nothing."""
    loaded = list(runs.values())
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for name in sorted(set.intersection(*(set(run) for run in loaded))):
        labels = loaded[0][name][1]
        if any(not np.array_equal(run[name][1], labels) for run in loaded):
            raise ValueError(f"{name}: the folders scored different test rows")
        rows = {
            who: (rounded_accuracy(run[name][0], labels), macro_f1(run[name][0], labels))
            for who, run in runs.items()
        }
        mean = np.mean([run[name][0] for run in loaded], axis=0)
        rows["mean"] = (rounded_accuracy(mean, labels), macro_f1(mean, labels))
        out[name] = rows
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", type=Path, nargs="+", help="--score-only outputs")
    args = parser.parse_args(argv)
    runs = read(args.folders)
    first = next(iter(runs.values()))
    for name, rows in scores(runs).items():
        print(f"{name} ({len(first[name][1])} rows): accuracy / macro-F1")
        for who, (acc, f1) in rows.items():
            print(f"  {who}: {acc:.4f} / {f1:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
