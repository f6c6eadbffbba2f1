"""The teacher's answers as the sequence branch's targets (knowledge distillation: Hinton
et al., 2015): read and checked against the training texts, then turned into rows beside
the labelled ones, for the headlines, the teacher's edits of them, their counterfactuals
and the rule-labelled headlines."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tensorflow as tf

from training.sentiment import counterfactual, economy_posts, sentfin, soft_labels
from training.sentiment.source_tags import TAGS, tagged
from training.sentiment.unlabelled import usable

# Texts and, for each, a label index or a row of target probabilities.
Data = tuple[tf.Tensor, np.ndarray]


def read_teacher(
    args: argparse.Namespace,
    texts: Sequence[str],
    own_labels: Callable[[soft_labels.SoftLabels], Mapping[str, int]] | None = None,
) -> soft_labels.SoftLabels | None:
    """The answers `--teacher` names (None with `--no-teacher`), checked to hold every
    training text: a ValueError or OSError says what is wrong in one line. `own_labels`
    names, from the answers, the texts that learn their label in their place
    (`SoftLabels.relabelled`)."""
    if args.no_teacher or args.teacher is None:
        return None
    teacher = soft_labels.read(args.teacher)
    if own_labels is not None:
        edits = len(teacher.texts["variant"])
        teacher = teacher.relabelled(own_labels(teacher))
        print(
            f"{len(teacher.texts['label'])} pairs learn their own label; "
            f"{edits - len(teacher.texts['variant'])} of the teacher's edits were made from "
            "them and are left out",
            flush=True,
        )
    teacher.probabilities(texts)
    if args.composed and not teacher.texts["composed"]:
        raise ValueError(
            f"{args.teacher} holds no composed headlines: `make teacher` writes them with --compose"
        )
    for part, wanted in (("unlabelled", args.unlabelled), ("composed", args.composed)):
        if not wanted:
            teacher = teacher.without(part)
    if args.unlabelled:
        # The economy posts' test part is among the posts the teacher answered: never
        # learnt, not even as the teacher's answer, nor a near copy of it.
        test = economy_posts.test_part()
        posts = teacher.texts["unlabelled"]
        teacher = teacher.only("unlabelled", set(usable(posts, [], [t for t, _ in test])))
    return teacher


def teacher_record(
    path: Path | None, teacher: soft_labels.SoftLabels | None
) -> dict[str, object] | None:
    """What the metadata says of the teacher's answers."""
    if path is None or teacher is None:
        return None
    return {
        "file": path.name,
        "sha256": sentfin.file_sha256(path),
        # The rows read win over the counts its teacher.json recorded.
        **soft_labels.record(path),
        "rows": {part: len(texts) for part, texts in teacher.texts.items()},
        "used_for": "the sequence branch's targets in its fit and refit",
    }


def one_hot(labels: np.ndarray) -> np.ndarray:
    return np.eye(len(sentfin.LABELS), dtype=np.float32)[labels]


@dataclass(frozen=True)
class Counterfactuals:
    """What the training learns of training.sentiment.counterfactual."""

    exclude: Collection[str]  # validation and test headlines: never learnt, even turned
    objects: bool = False  # the object swaps too
    pool: str = "companies"  # which things the object swaps put in (counterfactual.POOLS)
    ngram: bool = False  # the n-gram branch learns them too, not only the sequence branch


def teacher_targets(
    data: Data,
    teacher: soft_labels.SoftLabels,
    temperature: float,
    counterfactuals: Counterfactuals | None = None,
    source_tags: int | None = None,
) -> tuple[Data, int]:
    """The texts of `data`, the teacher's variants and the unlabelled and composed headlines
    it answered, with the teacher's probabilities at `temperature` (knowledge distillation:
    Hinton et al., 2015) in place of the labels; with `source_tags` (a seed), also each of
    `data`'s headlines once more with a news source's tag and the same answer, which the tag
    does not change; with `counterfactuals`, also the counterfactuals of `data`'s
    headlines, last. And how many counterfactuals."""
    texts = [t.decode() for t in data[0].numpy()]
    extra = teacher.texts["variant"] + teacher.texts["unlabelled"] + teacher.texts["composed"]
    targets = teacher.probabilities(texts + extra, temperature).astype(np.float32)
    if source_tags is not None:
        rng = np.random.default_rng(source_tags)
        picks = rng.integers(len(TAGS), size=len(texts))
        extra = extra + [tagged(t, *TAGS[k]) for t, k in zip(texts, picks, strict=True)]
        targets = np.concatenate([targets, targets[: len(texts)]])
    flipped: list[str] = []
    if counterfactuals is not None:
        flipped, swapped = counterfactual.counterfactuals(
            texts,
            targets[: len(texts)],
            counterfactuals.exclude,
            counterfactuals.objects,
            counterfactuals.pool,
        )
        targets = np.concatenate([targets, swapped.astype(np.float32)])
    return (
        tf.concat([data[0], tf.constant(extra + flipped, tf.string)], 0),
        targets,
    ), len(flipped)


def synthetic_targets(
    data: Data, teacher: soft_labels.SoftLabels, temperature: float
) -> tuple[Data, int]:
    """Rule-labelled headlines with the teacher's probabilities where it answered them (a
    teacher fine-tuned on them, `make teacher ARGS=--synthetic`), their labels one-hot
    elsewhere (rows given as probabilities stay as given); and how many it answered."""
    answered = set(teacher.texts["synthetic"])
    texts = [t.decode() for t in data[0].numpy()]
    mine = np.array([t in answered for t in texts])
    targets = data[1].copy() if data[1].ndim == 2 else one_hot(data[1])
    if mine.any():
        targets[mine] = teacher.probabilities(
            [t for t, m in zip(texts, mine, strict=True) if m], temperature
        )
    return (data[0], targets), int(mine.sum())
