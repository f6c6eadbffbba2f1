"""The mention tagger experiment: words and tags, spans back from tags, names checked as
the service checks them, and a tiny tagger that learns where mentions stand."""

from __future__ import annotations

import zlib

import numpy as np

from training.entity_sentiment.mention_tagger import (
    FIRST,
    LATER,
    OUTSIDE,
    a_name,
    mentions_of,
    tags,
    tokens,
    train,
)


def test_a_titles_mentions_tag_its_words_and_come_back_from_the_tags() -> None:
    title = "L.B. Foster, Tata Motors' unit win orders"
    words = tokens(title)
    assert [w for w, _ in words] == ["L.B", ".", "Foster", ",", "Tata", "Motors", "'", "unit",
                                     "win", "orders"]  # fmt: skip
    mentions = [(0, 11), (13, 24)]
    tagged = tags(words, mentions)
    assert tagged == [FIRST, LATER, LATER, OUTSIDE, FIRST, LATER, OUTSIDE, OUTSIDE, OUTSIDE,
                      OUTSIDE]  # fmt: skip
    assert mentions_of(words, tagged) == mentions
    # A later word with no mention open starts one; two firsts in a row are two mentions.
    assert mentions_of(words, [LATER, LATER, LATER] + [OUTSIDE] * 7) == [(0, 11)]
    assert mentions_of(words[4:6], [FIRST, FIRST]) == [(13, 17), (18, 24)]


def test_a_tagged_mention_is_a_companys_name_only_as_the_service_reads_one() -> None:
    ordinary = frozenset({"strong", "placements", "record"})
    text = "Spain's Grupo Kuo's unit posts record; Strong Placements lift Acme"
    assert a_name(text, (0, 7), ordinary) is None  # a country's possessive
    assert a_name(text, (8, 19), ordinary) == (8, 17)  # "Grupo Kuo", the possessive off
    assert a_name(text, (39, 56), ordinary) is None  # ordinary words in Title Case
    assert a_name(text, (31, 37), ordinary) is None  # a word in lower case
    assert a_name(text, (62, 66), ordinary) == (62, 66)


def _vectors(words: list[str]) -> np.ndarray:
    """A fixed random vector per word, standing in for the pretrained ones."""
    rows = [np.random.default_rng(zlib.crc32(w.encode())).normal(size=8) for w in words]
    return np.array(rows, dtype=np.float32)


def test_a_tiny_tagger_learns_where_the_mentions_stand() -> None:
    names = ["Acme", "Initech", "Globex", "Umbrella", "Hooli", "Vandelay", "Wonka", "Stark"]
    verbs = ["beats estimates", "cuts guidance", "wins order", "posts profit"]
    titles = [(f"{n} {v} as demand grows", [(0, len(n))]) for n in names for v in verbs] * 12
    tag = train(titles, _vectors, units=8, epochs=40, seed=1, verbose=0)
    # A name it never saw, where names stand; none where none does.
    assert tag(["Zorgon beats estimates as demand grows", "demand grows"]) == [[(0, 6)], []]
