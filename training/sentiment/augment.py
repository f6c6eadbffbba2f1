"""Unlabelled variants of training headlines, for the teacher to label (distillation).

A student learns little from a teacher's answers on the few thousand headlines both saw:
the teacher fits them almost as the labels do. Variants show the teacher's judgement
where the labels are silent: what the headline means with a word gone, or read in part
(Tang et al., 2019, "Distilling Task-Specific Knowledge from BERT into Simple Neural
Networks", §3.2: masking and n-gram sampling). Variants are whitespace-word edits of a
fit-part headline, so no variant is built from a validation or test headline.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

DROP = 0.1  # each word's chance to be left out
WINDOW = 0.25  # a variant's chance to keep one run of 3+ consecutive words only


def variant(title: str, rng: random.Random) -> str:
    """One edit of `title`: maybe a window of its words, then each word kept with 1 - DROP."""
    words = title.split()
    if len(words) > 3 and rng.random() < WINDOW:
        n = rng.randint(3, len(words) - 1)
        start = rng.randint(0, len(words) - n)
        words = words[start : start + n]
    kept = [w for w in words if rng.random() >= DROP]
    return " ".join(kept or words)


def variants(
    titles: Sequence[str], per_title: int, seed: int, exclude: Iterable[str] = ()
) -> list[str]:
    """Up to `per_title` distinct variants of each title, in order, none of them a title of
    `titles` or of `exclude` (the other parts and the test sets) and none repeated."""
    rng = random.Random(seed)
    seen = set(titles) | set(exclude)
    out: list[str] = []
    for title in titles:
        for _ in range(per_title):
            text = variant(title, rng)
            if text not in seen:
                seen.add(text)
                out.append(text)
    return out
