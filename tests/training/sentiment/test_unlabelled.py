"""The unlabelled posts the teacher answers: read from the committed file, and kept only
when no labelled or test text reads the same or nearly so."""

from __future__ import annotations

import hashlib

from training.sentiment import unlabelled

TEST = ["$SPY Stocks close higher as tech rallies https://t.co/abc", "Fed holds rates steady"]


def test_words_drop_links_and_case() -> None:
    assert unlabelled.words("Apple BEATS estimates  https://t.co/Xy1 $AAPL") == (
        "apple",
        "beats",
        "estimates",
        "$aapl",
    )


def test_copies_of_labelled_or_test_texts_and_repeats_are_dropped() -> None:
    texts = [
        "Stocks close higher as tech rallies $SPY https://t.co/zzz",  # a test text, reordered
        "stocks close higher as TECH rallies, $spy",  # the same words as that test text
        "Fed holds rates steady https://t.co/q",  # a test text with a link
        "Acme beats estimates",  # a labelled text
        "Globex raises its dividend",
        "Globex raises its dividend https://t.co/other",  # a repeat of the kept one
        "Initech shares slide after the bell",
    ]
    kept = unlabelled.usable(texts, labelled=["Acme beats estimates"], tests=TEST)
    assert kept == ["Globex raises its dividend", "Initech shares slide after the bell"]


def test_a_near_copy_of_a_test_text_goes_and_a_distant_one_stays() -> None:
    test = ["Overnight summary: world markets extend gains as oil rises"]
    near = "Overnight summary: world markets extend gains as oil slips"  # 8 of 10 words
    far = "Overnight summary: bond yields fall"  # 2 of 12 words
    assert unlabelled.usable([near, far], labelled=[], tests=test) == [far]


def test_the_committed_posts_are_the_documented_file() -> None:
    digest = hashlib.sha256(unlabelled.TOPICS.read_bytes()).hexdigest()
    sources = (unlabelled.TOPICS.parent / "SOURCES.md").read_text()
    assert f"| topics.csv.gz (this conversion) | 21,107 | {digest} |" in sources
    texts = unlabelled.load()
    assert len(texts) == 21_107 and all(texts)
