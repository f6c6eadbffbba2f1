"""The hand-labelled posts about the economy: the file, its fixed split, its selection."""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections import Counter
from pathlib import Path

import pytest

from training.sentiment import economy_posts, unlabelled
from training.sentiment.parts import training_parts

TOPICS = Path(economy_posts.FILE).parents[1] / "tfns_topic" / "topics.csv.gz"


def test_the_file_holds_the_counts_sources_states() -> None:
    with economy_posts.FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1039
    assert Counter(r["label"] for r in rows) == {
        "negative": 526,
        "": 292,
        "positive": 150,
        "neutral": 71,
    }
    assert len(economy_posts.load()) == 747


def test_a_second_reading_covers_the_test_posts_and_agrees_as_sources_states() -> None:
    test = economy_posts.test_part()
    second = economy_posts.second_reading()
    # Every test post, and nothing else, has a second reading.
    assert set(second) == {hashlib.sha256(t.encode("utf-8")).hexdigest() for t, _ in test}
    assert sum(label == "" for label in second.values()) == 2
    both, same, kappa = economy_posts.agreement(test, second)
    assert (both, same) == (381, 376)
    assert kappa == pytest.approx(0.969, abs=5e-4)


def test_agreement_counts_only_the_posts_both_readers_labelled() -> None:
    posts = [("a", "negative"), ("b", "positive"), ("c", "neutral"), ("d", "negative")]
    key = {t: hashlib.sha256(t.encode("utf-8")).hexdigest() for t, _ in posts}
    second = {key["a"]: "negative", key["b"]: "negative", key["c"]: "neutral", key["d"]: ""}
    both, same, kappa = economy_posts.agreement(posts, second)
    assert (both, same) == (3, 2)
    # Observed 2/3; by chance (1*2 + 1*0 + 1*1) / 9 = 1/3; kappa (2/3 - 1/3) / (2/3).
    assert kappa == pytest.approx(0.5)


def test_the_split_is_fixed_and_learns_no_test_post_or_near_copy() -> None:
    learnt, test = economy_posts.split(economy_posts.load())
    assert (len(learnt), len(test)) == (338, 383)
    assert Counter(label for _, label in test) == {"negative": 279, "positive": 73, "neutral": 31}
    assert all(economy_posts.is_test(t) for t, _ in test)
    assert not any(economy_posts.is_test(t) for t, _ in learnt)
    # No learnt post is a test post's near copy: usable() keeps every one of them.
    texts = [t for t, _ in learnt]
    assert unlabelled.usable(texts, [], [t for t, _ in test]) == texts


def _first(texts: list[str], test: bool) -> str:
    return next(t for t in texts if economy_posts.is_test(t) == test)


def test_a_near_copy_of_a_test_post_is_not_learnt() -> None:
    test_post = _first([f"US jobless claims rise to {n}K" for n in range(200, 300)], True)
    # The same words with a link and other case: on the learnable side of the hash.
    copies = [f"{test_post.upper()} https://t.co/{n}" for n in range(100)]
    copy = _first(copies, False)
    other = _first([f"Euro zone output rises {n}%" for n in range(1, 100)], False)
    posts = [(test_post, "negative"), (copy, "negative"), (other, "positive")]
    learnt, test = economy_posts.split(posts)
    assert test == [(test_post, "negative")]
    assert learnt == [(other, "positive")]


def test_a_label_outside_the_three_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text("text,label\nGDP rises,bullish\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bullish"):
        economy_posts.load(path)


def test_the_posts_are_the_ones_the_selection_gives_in_its_order() -> None:
    fit, val, tests = training_parts()
    with gzip.open(TOPICS, "rt", encoding="utf-8", newline="") as fh:
        topics = [(r["text"], r["topic"]) for r in csv.DictReader(fh)]
    chosen = economy_posts.select(
        topics, [t for t, _ in fit + val], [t for rows in tests.values() for t, _ in rows]
    )
    with economy_posts.FILE.open(encoding="utf-8", newline="") as fh:
        assert chosen == [r["text"] for r in csv.DictReader(fh)]
