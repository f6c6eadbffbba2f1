"""Classification metrics computed from label ids, shared by training and the HTTP check."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def classification_report(
    y_true: Sequence[int] | np.ndarray, y_pred: Sequence[int] | np.ndarray, labels: Sequence[str]
) -> dict[str, object]:
    """Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix."""
    t = np.asarray(y_true, dtype=int)
    p = np.asarray(y_pred, dtype=int)
    if t.shape != p.shape or t.size == 0:
        raise ValueError(f"need two equal, non-empty label arrays, got {t.shape} and {p.shape}")
    k = len(labels)
    confusion = np.zeros((k, k), dtype=int)
    np.add.at(confusion, (t, p), 1)
    per_class: dict[str, dict[str, float]] = {}
    f1s = []
    for i, name in enumerate(labels):
        tp = confusion[i, i]
        predicted = confusion[:, i].sum()
        actual = confusion[i, :].sum()
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1s.append(f1)
        per_class[name] = {
            "precision": round(float(precision), 4),
            "recall": round(float(recall), 4),
            "f1": round(float(f1), 4),
            "support": int(actual),
        }
    return {
        "n": int(t.size),
        "accuracy": round(float((t == p).mean()), 4),
        "macro_f1": round(float(np.mean(f1s)), 4),
        "per_class": per_class,
        "confusion_matrix": {"labels": list(labels), "rows_true_cols_pred": confusion.tolist()},
    }


def calibrated_report(
    y_true: Sequence[int] | np.ndarray, probabilities: np.ndarray, labels: Sequence[str]
) -> dict[str, object]:
    """`classification_report` of the most probable labels, with their ECE."""
    report = classification_report(y_true, np.asarray(probabilities).argmax(axis=1), labels)
    return {**report, "ece": expected_calibration_error(probabilities, y_true)}


def expected_calibration_error(
    probabilities: np.ndarray, y_true: Sequence[int] | np.ndarray, bins: int = 15
) -> float:
    """Top-label ECE: the gap between confidence and accuracy, averaged over equal-width
    confidence bins weighted by how many predictions fall in each."""
    p = np.asarray(probabilities, dtype=float)
    t = np.asarray(y_true, dtype=int)
    if p.ndim != 2 or len(p) != len(t) or len(t) == 0:
        raise ValueError(f"need [n, k] probabilities for n labels, got {p.shape} and {t.shape}")
    confidence = p.max(axis=1)
    correct = p.argmax(axis=1) == t
    # Bin k holds confidences in (k/bins, (k+1)/bins]; a confidence of exactly 0 joins bin 0.
    which = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    gap = 0.0
    for k in range(bins):
        members = which == k
        if members.any():
            gap += members.mean() * abs(correct[members].mean() - confidence[members].mean())
    return round(float(gap), 4)


def rounded_accuracy(scores: np.ndarray, y_true: Sequence[int] | np.ndarray) -> float:
    """The share of rows whose highest score (a probability or a logit) is the label, to
    the four decimals the run records keep."""
    return round(float((scores.argmax(1) == np.asarray(y_true)).mean()), 4)


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise, shifted by each row's maximum so that no exponential overflows."""
    scaled = np.exp(logits - logits.max(axis=1, keepdims=True))
    return scaled / scaled.sum(axis=1, keepdims=True)


def temperature_scale(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(log p / T): the same ranking, sharper (T < 1) or softer (T > 1)."""
    return bias_temperature_scale(probabilities, temperature, [0.0] * np.shape(probabilities)[1])


def fit_temperature(probabilities: np.ndarray, y_true: Sequence[int] | np.ndarray) -> float:
    """The temperature with the lowest log-loss on (held-out) `probabilities`, from a grid
    of 0.25 to 4 in 1 % steps: one parameter, so a search is exact enough and cannot
    diverge."""
    t = np.asarray(y_true, dtype=int)
    grid = np.exp(np.linspace(np.log(0.25), np.log(4.0), 280))
    losses = [log_loss(temperature_scale(probabilities, g), t) for g in grid]
    return round(float(grid[int(np.argmin(losses))]), 3)


def bias_temperature_scale(
    probabilities: np.ndarray, temperature: float, bias: Sequence[float]
) -> np.ndarray:
    """softmax(log p / T + b): temperature scaling with a shift per class, which can move
    an answer from one class to another where the temperature alone never does."""
    logits = np.log(np.maximum(np.asarray(probabilities, dtype=float), 1e-12)) / temperature
    return softmax(logits + np.asarray(bias, dtype=float))


def log_loss(probabilities: np.ndarray, y_true: Sequence[int] | np.ndarray) -> float:
    t = np.asarray(y_true, dtype=int)
    return float(-np.log(np.maximum(probabilities[np.arange(len(t)), t], 1e-12)).mean())


def fit_bias_temperature(
    probabilities: np.ndarray, y_true: Sequence[int] | np.ndarray
) -> tuple[float, list[float]]:
    """Bias-corrected temperature scaling (Alexandari et al., ICML 2020): the temperature
    and the per-class shifts with the lowest log-loss on (held-out) `probabilities`.

    The shifts are centred (they sum to 0), since adding one number to every logit
    changes nothing. The loss is convex in 1/T and the shifts, so L-BFGS from T = 1 and
    no shift finds its minimum.
    """
    from scipy.optimize import minimize

    logp = np.log(np.maximum(np.asarray(probabilities, dtype=float), 1e-12))
    t = np.asarray(y_true, dtype=int)
    k = logp.shape[1]

    def loss(params: np.ndarray) -> float:
        bias = np.append(params[1:], -params[1:].sum())
        return log_loss(softmax(logp * params[0] + bias), t)

    found = minimize(
        loss,
        np.append(1.0, np.zeros(k - 1)),
        method="L-BFGS-B",
        bounds=[(0.25, 4.0)] + [(-5.0, 5.0)] * (k - 1),
    )
    inverse, shifts = found.x[0], found.x[1:]
    bias = np.append(shifts, -shifts.sum())
    return round(float(1.0 / inverse), 3), [round(float(b), 4) for b in bias]
