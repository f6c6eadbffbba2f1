"""Unlabelled finance headlines for the teacher to answer (`data/tfns_topic/`).

The labelled headlines are too few to show a recurrent network much of what the words
do; the teacher's answers on 18,000 more posts from the same kind of accounts as TFNS
carry what it knows to the student. Texts that repeat or nearly repeat a test text are
dropped first, so the fixed test sets stay unseen in every form.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from training.sentiment.word_vectors import LINK

TOPICS = Path(__file__).resolve().parents[2] / "data" / "tfns_topic" / "topics.csv.gz"
NEAR = 0.7  # Jaccard index of word sets at which a text counts as a test text's copy

_LINK = re.compile(LINK)
_WORD = re.compile(r"[a-z0-9$%]+")


def load(path: Path = TOPICS) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return [row["text"] for row in csv.DictReader(fh)]


def words(text: str) -> tuple[str, ...]:
    """Lower-case words with links removed: two posts of one headline agree on them."""
    return tuple(_WORD.findall(_LINK.sub(" ", text.lower())))


def usable(texts: Iterable[str], labelled: Iterable[str], tests: Iterable[str]) -> list[str]:
    """`texts` in order, less duplicates, texts whose words match a labelled or test
    text's, and texts within NEAR of a test text."""
    tests = list(tests)
    seen = {words(t) for t in [*labelled, *tests]}
    fresh = []
    for text in texts:
        key = words(text)
        if key and key not in seen:
            seen.add(key)
            fresh.append(text)
    near = _near_test(fresh, tests)
    return [text for text, close in zip(fresh, near, strict=True) if not close]


def _near_test(texts: Sequence[str], tests: Sequence[str], chunk: int = 1000) -> np.ndarray:
    """Per text, whether a test text's word set overlaps its own by NEAR or more
    (Jaccard). Every pair is counted, the shared words as a sparse product, a chunk of
    texts at a time to bound the memory."""
    if not texts or not tests:
        return np.zeros(len(texts), dtype=bool)
    sets = CountVectorizer(analyzer=words, binary=True).fit([*texts, *tests])
    a, b = sets.transform(texts), sets.transform(tests)
    size_a, size_b = np.asarray(a.sum(1)).ravel(), np.asarray(b.sum(1)).ravel()
    near = np.zeros(len(texts), dtype=bool)
    for start in range(0, len(texts), chunk):
        shared = (a[start : start + chunk] @ b.T).toarray()
        union = size_a[start : start + chunk, None] + size_b[None, :] - shared
        near[start : start + chunk] = (shared >= NEAR * union).any(axis=1)
    return near
