"""The sentiment model's data parts: fit, validation, and the two fixed test sets.

The training data is SEntFiN's training part plus TFNS train; validation is carved out of
both by a hash of the title. SEntFiN's test split and TFNS's validation file are the
fixed test sets (docs/reference.md).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from training.sentiment import sentfin, tfns

VALIDATION_RULE = "non-test headlines with (int(sha256(title).hexdigest(), 16) // 5) % 10 == 0"

Pair = tuple[str, int]  # (text, index into sentfin.LABELS)


def is_validation_title(title: str) -> bool:
    return (int(hashlib.sha256(title.encode("utf-8")).hexdigest(), 16) // 5) % 10 == 0


def training_parts(
    max_rows: int | None = None, data: Path | None = None, tfns_train: Path = tfns.TRAIN
) -> tuple[list[Pair], list[Pair], dict[str, list[Pair]]]:
    """(fit, validation, {test set name: pairs}) as `training.sentiment.train` splits them."""
    label_id = {name: i for i, name in enumerate(sentfin.LABELS)}
    train, test = sentfin.split(sentfin.load(sentfin.locate(data))[:max_rows])
    pairs = [(r.title, label_id[r.label]) for r in train]
    pairs += [(h.text, label_id[h.label]) for h in tfns.load(tfns_train)]
    tests = {
        "sentfin_test": [(r.title, label_id[r.label]) for r in test],
        "tfns_validation": [(h.text, label_id[h.label]) for h in tfns.load(tfns.TEST)],
    }
    return (
        [p for p in pairs if not is_validation_title(p[0])],
        [p for p in pairs if is_validation_title(p[0])],
        tests,
    )
