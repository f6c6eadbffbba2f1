"""Variants of fit headlines for the teacher to label."""

from __future__ import annotations

import random

from training.sentiment import augment

TITLES = [
    "Acme Corp net loss narrows to Rs 40 crore in Q2",
    "Globex shares tumble after weak outlook",
    "Initech beats profit estimates and raises guidance",
    "Rupee slumps",
]


def _is_subsequence(words: list[str], of: list[str]) -> bool:
    it = iter(of)
    return all(w in it for w in words)


def test_a_variant_keeps_its_words_in_order_and_never_empties() -> None:
    rng = random.Random(3)
    for title in TITLES:
        for _ in range(200):
            text = augment.variant(title, rng)
            assert text and _is_subsequence(text.split(), title.split())
    # A one-word title that loses its word comes back whole.
    assert {augment.variant("Sensex", random.Random(s)) for s in range(50)} == {"Sensex"}


def test_windows_and_dropped_words_both_occur() -> None:
    rng = random.Random(0)
    title = TITLES[0]
    lengths = [len(augment.variant(title, rng).split()) for _ in range(2000)]
    # Drops alone rarely take more than three of ten words; windows keep 3 to 9.
    assert min(lengths) < 5 and max(lengths) == len(title.split())
    assert 0.05 < sum(n < len(title.split()) - 3 for n in lengths) / len(lengths) < 0.4


def test_variants_are_distinct_new_and_reproducible() -> None:
    exclude = ["Globex shares tumble", "Initech beats profit estimates"]
    made = augment.variants(TITLES, per_title=6, seed=11, exclude=exclude)
    assert made == augment.variants(TITLES, per_title=6, seed=11, exclude=exclude)
    assert made != augment.variants(TITLES, per_title=6, seed=12, exclude=exclude)
    assert len(made) == len(set(made)) <= 6 * len(TITLES)
    assert not set(made) & (set(TITLES) | set(exclude))
    # "Rupee slumps" has two words: its only variants are itself or one word.
    assert set(made) - {"Rupee", "slumps"} <= {
        m for m in made if any(_is_subsequence(m.split(), t.split()) for t in TITLES[:3])
    }
