"""The committed teachers' answers (data/teacher/ for headlines, data/teacher_ensemble/ for
two headline teachers averaged, data/entity_teacher/ for marked entity pairs) cover their
model's training data exactly, hold no test text, and agree with the figures each teacher
run recorded."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from app.sentiment.entities import TARGET_MARK
from training.entity_sentiment import gazetteer
from training.entity_sentiment.pairs import training_texts
from training.entity_sentiment.train import own_labels
from training.sentiment import sentfin, soft_labels, tfns, unlabelled
from training.sentiment.parts import Pair, training_parts

Parts = tuple[list[Pair], list[Pair], dict[str, list[Pair]]]


@functools.cache
def _for_pairs() -> dict[str, str]:
    # The names and keys that mark TFNS's pairs, built once for the tests below (a second
    # build loads the pretrained vocabulary again).
    return gazetteer.for_pairs()


def _entity_parts() -> Parts:
    # As the committed answers were made: TFNS train's pairs join SEntFiN's, each label
    # on the first company found (no analyst pairs yet; the trainer relabels those).
    return training_texts(
        sentfin.load(sentfin.locate(None)),
        gazetteer.tfns_pairs_for(tfns.TRAIN, "gazetteer", _for_pairs(), analysts=frozenset()),
    )


# (task, answers, the parts its model trains on).
TEACHERS = {
    "headline": ("headline", soft_labels.COMMITTED, training_parts),
    "headline, two seeds": ("headline", soft_labels.ENSEMBLE_COMMITTED, training_parts),
    "entity": ("entity", soft_labels.ENTITY_COMMITTED, _entity_parts),
    "entity, two seeds": ("entity", soft_labels.ENTITY_ENSEMBLE_COMMITTED, _entity_parts),
}


@pytest.fixture(scope="module", params=sorted(TEACHERS))
def committed(request: pytest.FixtureRequest) -> tuple[str, Path, soft_labels.SoftLabels, Parts]:
    task, path, parts = TEACHERS[request.param]
    return task, path, soft_labels.read(path), parts()


def test_the_answers_cover_the_training_parts_and_no_test_text(committed) -> None:
    task, _, answers, (fit, val, tests) = committed
    assert answers.texts["fit"] == [t for t, _ in fit]
    assert answers.texts["validation"] == [t for t, _ in val]
    variants = answers.texts["variant"]
    # An entity variant keeps its target's marker, so a bare headline has none.
    edited = [t for t, _ in fit if task == "headline" or TARGET_MARK in t]
    # Fewest variants per fit text that can have them: an entity variant must keep its
    # target's marker, so fewer of them survive.
    fewest = 2.5 if task == "headline" else 2.0
    assert len(variants) == len(set(variants)) > fewest * len(edited)
    assert not set(variants) & {t for t, _ in fit + val}
    if task == "entity":
        assert all(TARGET_MARK in t for t in variants)
    test_texts = {t for rows in tests.values() for t, _ in rows}
    assert not test_texts & set(variants)
    if task == "headline":
        assert not test_texts & {t for t, _ in fit + val}
    # The unlabelled posts: none repeats or nearly repeats a text with a label.
    posts = answers.texts["unlabelled"]
    if task == "headline":
        assert len(posts) > 15_000
        labelled = [t for t, _ in fit + val]
        assert unlabelled.usable(posts, labelled, test_texts) == posts
    else:
        assert posts == []
    # Marked pairs of different headlines can read alike ("xtargetx ends steady in thin
    # trade"): 30 of SEntFiN's 2,839 test pairs read as a training pair does. That is the
    # entity model's own data; the teacher's edits add no such text.


def test_the_recorded_validation_accuracy_is_what_the_answers_say(committed) -> None:
    task, path, answers, (_, val, _) = committed
    record = json.loads((path.parent / "teacher.json").read_text())
    assert record.get("task", "headline") == task
    y = np.array([label for _, label in val])
    accuracy = float((answers.logits["validation"].argmax(1) == y).mean())
    best = record["validation_accuracy_by_epoch"][record["best_epoch"] - 1]
    assert best == max(record["validation_accuracy_by_epoch"])
    # Two teachers' mean answers as the pair scored, not as the second teacher alone did.
    recorded = record["ensemble"]["validation_accuracy"] if "ensemble" in record else best
    assert abs(accuracy - recorded) < 1e-3
    # A part the run wrote nothing to may be missing from its record.
    rows = {part: len(t) for part, t in answers.texts.items() if t or part in record["rows"]}
    assert record["rows"] == rows


def test_the_entity_trainer_covers_what_the_answers_lack_with_its_own_labels() -> None:
    # The pairs `make train-entities` reads: analysts neutral, their subjects labelled.
    us = gazetteer.tfns_pairs_for(tfns.TRAIN, "gazetteer", _for_pairs())
    fit, val, _ = training_texts(sentfin.load(sentfin.locate(None)), us)
    answers = soft_labels.read(soft_labels.ENTITY_COMMITTED)
    own = own_labels(us, answers)
    assert len(own) == 96 and sum(q.analyst for q in us) == 81
    relabelled = answers.relabelled(own)
    texts = [t for t, _ in fit + val]
    targets = relabelled.probabilities(texts)
    # Every pair is answered, and a pair with its own label learns exactly that label.
    labelled = [
        (row, label) for row, (t, label) in zip(targets, fit + val, strict=True) if t in own
    ]
    assert len(labelled) == 96
    assert all(row.argmax() == label and row.max() > 0.999 for row, label in labelled)
    assert len(answers.texts["variant"]) - len(relabelled.texts["variant"]) == 88


@pytest.mark.parametrize(
    ("first_path", "pair_path"),
    [
        (soft_labels.COMMITTED, soft_labels.ENSEMBLE_COMMITTED),
        (soft_labels.ENTITY_COMMITTED, soft_labels.ENTITY_ENSEMBLE_COMMITTED),
    ],
    ids=["headline", "entity"],
)
def test_the_averaged_answers_are_for_the_first_teachers_texts(
    first_path: Path, pair_path: Path
) -> None:
    first = soft_labels.read(first_path)
    pair = soft_labels.read(pair_path)
    assert pair.texts == first.texts
    record = json.loads((pair_path.parent / "teacher.json").read_text())
    digest = hashlib.sha256(first_path.read_bytes()).hexdigest()
    assert record["ensemble"]["with"]["sha256"] == digest
    assert record["seed"] != record["ensemble"]["with"]["teacher"]["seed"]
    assert soft_labels.members(record) == 2
    # Each logit is the mean of the first teacher's and the second's: twice it, less the
    # first's, is a second teacher's answer. On the validation texts, which neither was
    # fitted on, it agrees with the first on most but not all.
    second = 2 * pair.logits["validation"] - first.logits["validation"]
    agree = float((second.argmax(1) == first.logits["validation"].argmax(1)).mean())
    assert 0.85 < agree < 0.99
