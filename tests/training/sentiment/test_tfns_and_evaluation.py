"""TFNS as committed, and the figures the evaluation reports: ECE by hand."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from training.metrics import (
    bias_temperature_scale,
    expected_calibration_error,
    fit_bias_temperature,
    fit_temperature,
    log_loss,
    rounded_accuracy,
    temperature_scale,
)
from training.sentiment import evaluate, tfns
from training.sentiment.mixture import choose_calibration


def test_tfns_files_load_whole_with_the_projects_labels() -> None:
    train, test = tfns.load(tfns.TRAIN), tfns.load(tfns.TEST)
    # The counts SOURCES.md states: multi-line quoted texts are one headline each.
    assert Counter(h.label for h in train) == {"negative": 1442, "positive": 1923, "neutral": 6178}
    assert Counter(h.label for h in test) == {"negative": 347, "positive": 475, "neutral": 1566}
    assert all(h.text for h in train + test)


def test_the_test_sets_are_the_fixed_ones() -> None:
    sets = evaluate.test_sets()
    assert {k: len(v[0]) for k, v in sets.items()} == {
        "sentfin_test": 2162,
        "tfns_validation": 2388,
        "finentity_sentences": 1056,
        "economy_posts": 383,
    }


def test_ece_by_hand() -> None:
    probs = np.array([[0.9, 0.05, 0.05], [0.6, 0.3, 0.1]])
    # One right at 0.9 confidence, one wrong at 0.6, in two bins of half the weight each.
    assert expected_calibration_error(probs, [0, 1]) == pytest.approx(0.5 * 0.1 + 0.5 * 0.6)
    # Right exactly as often as it is confident: no gap.
    even = np.array([[0.5, 0.5, 0.0]] * 4)
    assert expected_calibration_error(even, [0, 1, 0, 1]) == 0.0


def test_rounded_accuracy_reads_the_highest_score_of_probabilities_or_logits() -> None:
    logits = np.array([[2.0, -1.0, 0.0], [0.0, 3.0, 1.0], [0.5, 0.2, 0.1]])
    # Two of three right, recorded to four decimals; a list of labels reads as an array.
    assert rounded_accuracy(logits, [0, 1, 2]) == 0.6667
    assert rounded_accuracy(logits, np.array([0, 1, 0])) == 1.0


def test_scores_and_majority() -> None:
    probs = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.8, 0.1, 0.1]])
    got = evaluate.scores(probs, ["negative", "neutral", "positive", "positive"])
    assert got["accuracy"] == 0.75 and got["ece"] == pytest.approx(0.05)
    assert evaluate.majority(["neutral", "neutral", "positive", "negative"]) == 0.5


def _calibrated_sample(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities and labels drawn from them: calibrated by construction."""
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet([1.0, 1.0, 1.0], size=n)
    labels = np.array([rng.choice(3, p=p) for p in probs])
    return probs, labels


def test_temperature_scaling_keeps_the_ranking() -> None:
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    for t in (0.5, 1.0, 2.0):
        scaled = temperature_scale(probs, t)
        np.testing.assert_allclose(scaled.sum(axis=1), 1.0)
        assert (scaled.argmax(axis=1) == probs.argmax(axis=1)).all()
    np.testing.assert_allclose(temperature_scale(probs, 1.0), probs)
    # Softer above 1, sharper below.
    assert temperature_scale(probs, 2.0)[0, 0] < 0.7 < temperature_scale(probs, 0.5)[0, 0]


def test_the_fitted_temperature_undoes_over_and_under_confidence() -> None:
    probs, labels = _calibrated_sample(6000, seed=1)
    assert fit_temperature(probs, labels) == pytest.approx(1.0, abs=0.08)
    # Sharpened by T = 0.5 (overconfident), the fit finds about 2, and the ECE falls.
    sharp = temperature_scale(probs, 0.5)
    fitted = fit_temperature(sharp, labels)
    assert fitted == pytest.approx(2.0, rel=0.1)
    repaired = expected_calibration_error(temperature_scale(sharp, fitted), labels)
    assert repaired < expected_calibration_error(sharp, labels) / 2
    assert fit_temperature(temperature_scale(probs, 2.0), labels) == pytest.approx(0.5, rel=0.1)


def test_the_fitted_shifts_undo_a_bias_towards_one_class() -> None:
    probs, labels = _calibrated_sample(6000, seed=2)
    # Sharpened by T = 0.5 and tilted towards the last class, as a model trained where
    # that class is commoner would answer.
    tilted = bias_temperature_scale(probs, 0.5, [-0.4, -0.2, 0.6])
    temperature, bias = fit_bias_temperature(tilted, labels)
    assert temperature == pytest.approx(2.0, rel=0.1)
    # softmax((2 log p + tilt) / 2 + b) = p where b is minus half the tilt.
    np.testing.assert_allclose(bias, [0.2, 0.1, -0.3], atol=0.08)
    assert sum(bias) == pytest.approx(0.0, abs=1e-3)
    repaired = bias_temperature_scale(tilted, temperature, bias)
    assert log_loss(repaired, labels) < log_loss(temperature_scale(tilted, 2.0), labels) - 0.01
    # A tilt moves answers: some rows' most probable class changes back.
    assert (repaired.argmax(1) != tilted.argmax(1)).sum() > 100


def test_the_shifts_are_kept_only_where_held_out_halves_gain() -> None:
    probs, labels = _calibrated_sample(4000, seed=3)
    tilted = bias_temperature_scale(probs, 1.0, [-0.5, 0.0, 0.5])
    kept = choose_calibration(tilted, labels, "bias")
    assert kept["bias_kept"] is True and kept["bias"] == kept["fitted_bias"]
    assert kept["bias"][2] < 0 < kept["bias"][0]
    crossed = kept["cross_fitted"]
    assert crossed["bias"]["log_loss"] < crossed["temperature"]["log_loss"]
    # Already calibrated: the shifts fitted on one half only add noise on the other.
    level = choose_calibration(probs, labels, "bias")
    assert level["bias_kept"] is False and level["bias"] == [0.0, 0.0, 0.0]
    assert level["temperature"] in (1.0, level["fitted_temperature"])
    # The default rule fits no shift at all.
    assert choose_calibration(tilted, labels, "temperature")["bias"] == [0.0, 0.0, 0.0]


def test_contrast_sets_score_each_headline_and_its_counterfactual(
    capsys: pytest.CaptureFixture[str],
) -> None:
    texts = ["Acme profit rises 12%", "Globex shares down 3%", "Acme board meets on May 5"]
    sets = {
        "sentfin_test": (texts, ["positive", "negative", "neutral"]),
        "tfns_validation": (texts[:1], ["positive"]),
    }

    def reads_rises(xs: list[str]) -> np.ndarray:
        # Right on "rises", wrong on its counterfactual, and reads "down" as positive.
        return np.array([[0.1, 0.1, 0.8] if "rises" in x or "down" in x else [0, 1, 0] for x in xs])

    got = evaluate.contrast_sets(sets, {"stub": reads_rises})["stub"]
    # Two pairs: the rise and the fall; the neutral headline is no pair.
    assert got["sentfin_test"] == {"n": 2, "headlines": 0.5, "counterfactuals": 0.0, "both": 0.0}
    assert got["tfns_validation"] == {"n": 1, "headlines": 1.0, "counterfactuals": 0.0, "both": 0.0}
    assert "| stub | 0.500 / 0.000 / 0.000 (n=2) | 1.000 / 0.000 / 0.000 (n=1) |" in (
        capsys.readouterr().out
    )
