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
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

TOPICS = Path(__file__).resolve().parents[2] / "data" / "tfns_topic" / "topics.csv.gz"
NEAR = 0.7  # Jaccard index of word sets at which a text counts as a test text's copy
# A word in more test texts than this ("stocks", "$spy") finds no copy on its own.
_COMMON = 200

_LINK = re.compile(r"https?://\S+")
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
    test_sets = [frozenset(words(t)) for t in tests]
    holders: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(test_sets):
        for w in s:
            holders[w].append(i)
    kept = []
    for text in texts:
        key = words(text)
        if not key or key in seen:
            continue
        seen.add(key)
        if not _near_test(frozenset(key), test_sets, holders):
            kept.append(text)
    return kept


def _near_test(
    s: frozenset[str], test_sets: Sequence[frozenset[str]], holders: dict[str, list[int]]
) -> bool:
    candidates = {i for w in s if len(holders.get(w, ())) <= _COMMON for i in holders.get(w, ())}
    return any(len(s & test_sets[i]) >= NEAR * len(s | test_sets[i]) for i in candidates)
