"""SEntFiN's entity labels as pairs: mentions, the hard subset and the marked text."""

from __future__ import annotations

from app.sentiment.entities import OTHER_MARK, TARGET_MARK, find
from training.entity_sentiment.pairs import marked, pairs
from training.sentiment import sentfin
from training.sentiment.sentfin import Headline


def test_mentions_are_whole_words_exact_case_first() -> None:
    assert find("TCS", "Infosys gains, TCS slips") == (15, 18)
    assert find("TCS", "TCSL gains") is None  # not inside a longer word
    assert find("infosys", "Infosys gains") == (0, 7)  # case ignored only as a fallback
    assert find("Tata", "tata and Tata Motors") == (9, 13)


def test_each_entity_is_a_pair_with_its_headlines_split() -> None:
    h = Headline(
        "Infosys gains 3%, TCS slips after weak guidance",
        {"Infosys": "positive", "TCS": "negative"},
    )
    a, b = pairs([h])
    assert (a.entity, a.label, a.span, a.others) == ("Infosys", "positive", (0, 7), ((18, 21),))
    assert (b.entity, b.label, b.span) == ("TCS", "negative", (18, 21))
    assert a.disagree and b.disagree and a.is_test == b.is_test == h.is_test
    assert marked(a) == f" {TARGET_MARK}  gains 3%,  {OTHER_MARK}  slips after weak guidance"
    assert marked(b) == f" {OTHER_MARK}  gains 3%,  {TARGET_MARK}  slips after weak guidance"


def test_overlapping_mentions_keep_the_first_and_unfound_entities_have_no_span() -> None:
    h = Headline(
        "Tata Motors up; Tata Steel flat",
        {"Tata Motors": "positive", "Tata": "neutral", "Wipro": "neutral"},
    )
    motors, tata, wipro = pairs([h])
    assert tata.span == (0, 4) and motors.span == (0, 11)
    assert marked(motors).startswith(f" {TARGET_MARK} ")
    assert wipro.span is None and marked(wipro) == h.title


def test_the_committed_data_as_pairs() -> None:
    all_pairs = pairs(sentfin.load(sentfin.COMMITTED))
    test = [p for p in all_pairs if p.is_test]
    assert (len(all_pairs), len(test)) == (14405, 2839)
    assert sum(p.disagree for p in test) == 519
    assert sum(p.span is None for p in all_pairs) == 112
