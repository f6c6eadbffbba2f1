"""The committed teacher's answers (data/teacher/) cover the training data exactly, hold
no test headline, and agree with the figures the teacher run recorded."""

from __future__ import annotations

import json

import numpy as np

from training.sentiment import soft_labels
from training.sentiment.parts import training_parts


def test_the_answers_cover_the_training_parts_and_no_test_headline() -> None:
    answers = soft_labels.read(soft_labels.COMMITTED)
    fit, val, tests = training_parts()
    assert answers.texts["fit"] == [t for t, _ in fit]
    assert answers.texts["validation"] == [t for t, _ in val]
    variants = answers.texts["variant"]
    assert len(variants) == len(set(variants)) > 2.5 * len(fit)
    assert not set(variants) & {t for t, _ in fit + val}
    test_texts = {t for rows in tests.values() for t, _ in rows}
    assert not test_texts & {t for texts in answers.texts.values() for t in texts}


def test_the_recorded_validation_accuracy_is_what_the_answers_say() -> None:
    answers = soft_labels.read(soft_labels.COMMITTED)
    record = json.loads((soft_labels.COMMITTED.parent / "teacher.json").read_text())
    _, val, _ = training_parts()
    y = np.array([label for _, label in val])
    accuracy = float((answers.logits["validation"].argmax(1) == y).mean())
    best = record["validation_accuracy_by_epoch"][record["best_epoch"] - 1]
    assert abs(accuracy - best) < 1e-3 and best == max(record["validation_accuracy_by_epoch"])
    assert record["rows"] == {part: len(t) for part, t in answers.texts.items()}
