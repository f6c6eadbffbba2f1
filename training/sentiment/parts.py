"""The sentiment model's data parts: fit, validation, and the two fixed test sets.

The training data is SEntFiN's training part plus TFNS train; validation is carved out of
both by a hash of the title. SEntFiN's test split and TFNS's validation file are the
fixed test sets (docs/reference.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from training.sentiment import sentfin, tfns

VALIDATION_RULE = "non-test headlines with (int(sha256(title).hexdigest(), 16) // 5) % 10 == 0"

Pair = tuple[str, int]  # (text, index into sentfin.LABELS)


def is_validation_title(title: str) -> bool:
    return (int(hashlib.sha256(title.encode("utf-8")).hexdigest(), 16) // 5) % 10 == 0


@dataclass(frozen=True)
class HeadlineSplit:
    train: list[sentfin.Headline]  # SEntFiN's training part, then the extra headlines
    test: list[sentfin.Headline]  # SEntFiN's fixed test split

    @property
    def fit(self) -> list[sentfin.Headline]:
        return [r for r in self.train if not is_validation_title(r.title)]

    @property
    def validation(self) -> list[sentfin.Headline]:
        return [r for r in self.train if is_validation_title(r.title)]


def headline_split(
    rows: Iterable[sentfin.Headline], extra: Iterable[tfns.Headline] = ()
) -> HeadlineSplit:
    """SEntFiN's rows by the fixed split, with `extra` (TFNS train) joining its training
    part as SEntFiN headlines would; its validation file stays a test set."""
    train, test = sentfin.split(list(rows))
    return HeadlineSplit(train + [sentfin.Headline(h.text, {"": h.label}) for h in extra], test)


def training_parts(
    max_rows: int | None = None, data: Path | None = None, tfns_train: Path = tfns.TRAIN
) -> tuple[list[Pair], list[Pair], dict[str, list[Pair]]]:
    """(fit, validation, {test set name: pairs}) as `training.sentiment.train` splits them."""
    label_id = {name: i for i, name in enumerate(sentfin.LABELS)}
    split = headline_split(sentfin.load(sentfin.locate(data))[:max_rows], tfns.load(tfns_train))

    def pairs(part: list[sentfin.Headline]) -> list[Pair]:
        return [(r.title, label_id[r.label]) for r in part]

    tests = {
        "sentfin_test": pairs(split.test),
        "tfns_validation": [(h.text, label_id[h.label]) for h in tfns.load(tfns.TEST)],
    }
    return pairs(split.fit), pairs(split.validation), tests
