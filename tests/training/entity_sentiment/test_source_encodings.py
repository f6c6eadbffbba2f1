"""Per-entity answers on titles as other sources encode their characters: the mentions
move with the rewrite, and a company listed by its plain name is answered."""

from __future__ import annotations

import numpy as np

from app.sentiment.entities import OTHER_MARK, Gazetteer
from app.sentiment.plain_text import readable
from training.entity_sentiment.evaluate import auto_answers
from training.entity_sentiment.pairs import Pair
from training.entity_sentiment.source_encodings import listed_alone, rewritten
from training.sentiment.source_encodings import REWRITES

NEG, NEU, POS = np.eye(3)
TITLE = "Johnson & Johnson gains, AT&T slips"
JNJ = Pair(TITLE, "Johnson & Johnson", "positive", (0, 17), ((25, 29),), True, True)
ATT = Pair(TITLE, "AT&T", "negative", (25, 29), ((0, 17),), True, True)


def reads_marks(texts: list[str]) -> np.ndarray:
    # Positive unless another company is marked: right for J&J only when AT&T is marked.
    return np.array([NEG if OTHER_MARK in t else POS for t in texts])


def test_each_mention_moves_with_its_rewrite() -> None:
    for _, rewrite in REWRITES:
        for q in (JNJ, ATT):
            moved = rewritten(q, rewrite)
            start, end = moved.span  # type: ignore[misc]
            # Each moved mention, read as a reader reads it, is the name, in the case the
            # rewrite writes it.
            assert readable(moved.title[start:end]) == readable(rewrite(q.entity))
            assert [readable(moved.title[a:b]) for a, b in moved.others] == [
                readable(rewrite(TITLE[a:b])) for a, b in q.others
            ]
    escaped = rewritten(ATT, dict(REWRITES)["HTML character references"])
    assert escaped.title == "Johnson &amp; Johnson gains, AT&amp;T slips"
    assert escaped.span == (29, 37)
    bold = rewritten(ATT, dict(REWRITES)["HTML tags: the first word in bold"])
    assert bold.title == "<b>Johnson</b> & Johnson gains, AT&T slips"
    assert (bold.span, bold.others) == ((32, 36), ((0, 24),))


def test_a_plain_name_is_answered_in_every_encoding() -> None:
    names = ("Johnson & Johnson", "AT&T")
    # Both found in text all in capitals or all in lower case too, as an export's are.
    known = Gazetteer(names, acronyms=("AT&T",), lower_case=names)
    for how, rewrite in (("as written", str), *REWRITES):
        r = listed_alone(reads_marks, [JNJ, ATT], rewrite, known)
        # Each asked alone, the other found and marked: both read negative.
        assert (r["asked"], r["answered"], r["accuracy_of_answered"]) == (2, 2, 0.5), how
        auto = auto_answers(reads_marks, [rewritten(q, rewrite) for q in (JNJ, ATT)], known)
        assert (auto["mentions"], auto["n"], auto["accuracy"]) == (2, 2, 0.5), how


def test_a_name_the_text_does_not_hold_counts_as_unanswered() -> None:
    other = Pair("Acme gains", "Acme", "positive", (0, 4), (), False, True)
    # A rewrite that changes the name itself: the caller's plain name is not in the text.
    r = listed_alone(reads_marks, [other], lambda t: t.replace("Acme", "Acne"), Gazetteer(()))
    assert (r["asked"], r["answered"], r["accuracy_of_asked"]) == (1, 0, 0.0)
    assert np.isnan(r["accuracy_of_answered"])
