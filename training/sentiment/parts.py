"""The sentiment model's data parts: fit, validation, and the two fixed test sets.

The training data is SEntFiN's training part plus TFNS train; validation is carved out of
both by a hash of the title. SEntFiN's test split and TFNS's validation file are the
fixed test sets (docs/reference.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol, TypeVar

from training.sentiment import sentfin, tfns

VALIDATION_RULE = "non-test headlines with (int(sha256(title).hexdigest(), 16) // 5) % 10 == 0"

Pair = tuple[str, int]  # (text, index into sentfin.LABELS)


def is_validation_title(title: str) -> bool:
    return (int(hashlib.sha256(title.encode("utf-8")).hexdigest(), 16) // 5) % 10 == 0


class Titled(Protocol):
    @property
    def title(self) -> str: ...


T = TypeVar("T", bound=Titled)


def fit_and_validation(train: Iterable[T]) -> tuple[list[T], list[T]]:
    """(fit, validation) of training items (headlines, or the entity model's pairs) by
    VALIDATION_RULE on their title, so a headline's items stay together."""
    train = list(train)
    return (
        [x for x in train if not is_validation_title(x.title)],
        [x for x in train if is_validation_title(x.title)],
    )


def headline_split(
    rows: Iterable[sentfin.Headline], extra: Iterable[tfns.Headline] = ()
) -> tuple[list[sentfin.Headline], list[sentfin.Headline]]:
    """(training, test) headlines: SEntFiN's rows by the fixed split, then `extra` (TFNS
    train) joining the training part as SEntFiN headlines would; TFNS's validation file
    stays a test set."""
    train, test = sentfin.split(list(rows))
    return train + [sentfin.Headline(h.text, {"": h.label}) for h in extra], test


def training_parts(
    max_rows: int | None = None, data: Path | None = None, tfns_train: Path = tfns.TRAIN
) -> tuple[list[Pair], list[Pair], dict[str, list[Pair]]]:
    """(fit, validation, {test set name: pairs}) as `training.sentiment.train` splits them."""
    label_id = {name: i for i, name in enumerate(sentfin.LABELS)}
    train, test = headline_split(
        sentfin.load(sentfin.locate(data))[:max_rows], tfns.load(tfns_train)
    )

    def pairs(part: list[sentfin.Headline]) -> list[Pair]:
        return [(r.title, label_id[r.label]) for r in part]

    tests = {
        "sentfin_test": pairs(test),
        "tfns_validation": [(h.text, label_id[h.label]) for h in tfns.load(tfns.TEST)],
    }
    fit, val = fit_and_validation(train)
    return pairs(fit), pairs(val), tests
