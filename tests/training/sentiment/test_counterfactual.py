"""Counterfactual headlines: which word is turned, and which headlines are left alone."""

from __future__ import annotations

import re

import numpy as np
import pytest

from training.sentiment.counterfactual import (
    ECONOMY_BAD,
    ECONOMY_GOOD,
    OBJECTS,
    OPERATORS,
    OPPOSITE_OBJECT,
    OPPOSITE_OPERATOR,
    UNPAIRED,
    WIDE_BAD,
    WIDE_DRAWN,
    WIDE_GOOD,
    contrast_set,
    counterfactuals,
    flip,
    object_swaps,
)


@pytest.mark.parametrize(
    ("headline", "flipped"),
    [
        # The operator turns; the object stays, so the sign flips either way.
        ("Infosys Q3 profit rises 12%", "Infosys Q3 profit falls 12%"),
        (
            "Initech's net loss narrowed in the June quarter",
            "Initech's net loss widened in the June quarter",
        ),
        ("Analysts upgrade Hooli to buy", "Analysts downgrade Hooli to buy"),
        ("Rupee falls against the dollar", "Rupee rises against the dollar"),
        # No operator: the one object turns.
        ("Piramal Q4 net loss at Rs 311 crore", "Piramal Q4 net profit at Rs 311 crore"),
        # Case follows the word replaced.
        ("SENSEX JUMPS 300 POINTS", "SENSEX SLUMPS 300 POINTS"),
        ("Beats estimates, Acme says", "Misses estimates, Acme says"),
        ("Ford Recalls Fewer Pickups As Sales Rise", "Ford Recalls Fewer Pickups As Sales Fall"),
        # "Up" and "down" before a size; "raises" that is not fundraising.
        ("Acme shares up 4% in early trade", "Acme shares down 4% in early trade"),
        ("Railways earnings down by over 9 per cent", "Railways earnings up by over 9 per cent"),
        ("Acme raises its price target on Globex", "Acme cuts its price target on Globex"),
    ],
)
def test_the_one_deciding_word_turns(headline: str, flipped: str) -> None:
    assert flip(headline) == flipped
    assert flip(flipped) == headline


@pytest.mark.parametrize(
    "headline",
    [
        "Tesla profit rises but revenue misses expectations",  # two operators
        "Sensex falls 300 points; Infosys up 2%",
        "Board meeting on May 5 to consider results",  # nothing to turn
        "Acme sets up a unit in Pune",  # "up" without a size
        "Telcos weighed down by spectrum auctions",
        "Acme raises Rs 500 crore via bonds",  # fundraising
        "Sun Pharma Advanced Research Q1 loss at Rs 9 crore",  # a name, not a move
        "MTS appoints heads of Karnataka, UP circles",
        "Crompton Greaves dips on worries over likely Q3 loss",  # "dips" has no pair
        "Globex posts quarterly loss, cuts 500 jobs",  # job cuts have none either
        "Profit booking takes Sensex off its high",  # selling, not profit
        "Q2 profit and loss both reported",  # two objects
    ],
)
def test_no_single_word_decides(headline: str) -> None:
    assert flip(headline) is None


def test_each_word_has_one_opposite_and_no_word_is_both_paired_and_unpaired() -> None:
    for pairs, opposite in ((OPERATORS, OPPOSITE_OPERATOR), (OBJECTS, OPPOSITE_OBJECT)):
        assert len(opposite) == 2 * len(pairs)
        assert all(opposite[opposite[w]] == w for w in opposite)
    assert not (set(OPPOSITE_OPERATOR) | set(OPPOSITE_OBJECT)) & UNPAIRED
    assert not set(OPPOSITE_OPERATOR) & set(OPPOSITE_OBJECT)


def test_news_is_turned_with_its_answer_swapped_and_facts_are_left_out() -> None:
    texts = [
        "Acme profit rises 12%",  # positive
        "Globex shares down 3%",  # negative
        "Acme board meets higher up the hill",  # neutral: left out
        "Hooli Q1 loss at Rs 9 crore",  # its counterfactual is a test headline
        "Acme profit falls 12%",  # the first one's counterfactual, already a text
    ]
    p = np.array(
        [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1], [0.2, 0.6, 0.2], [0.8, 0.1, 0.1], [0.7, 0.2, 0.1]]
    )
    made, swapped = counterfactuals(texts, p, exclude=["Hooli Q1 profit at Rs 9 crore"])
    assert made == ["Globex shares up 3%"]
    np.testing.assert_allclose(swapped, [[0.1, 0.3, 0.6]])


def test_the_thing_that_moves_turns_from_good_to_bad_with_the_verb_agreeing() -> None:
    swaps = dict(object_swaps("Infosys Q3 net profit rises 12%"))
    assert swaps["Infosys Q3 net costs rise 12%"] is True  # the sign turns
    assert swaps["Infosys Q3 net costs fall 12%"] is False  # both turn: it stays
    assert swaps["Infosys Q3 net debt rises 12%"] is True
    assert swaps["Infosys Q3 net debt falls 12%"] is False
    assert len(swaps) == 10  # five bad things, each with the move kept and turned
    # A bad thing turns good; the object may follow its move.
    swaps = dict(object_swaps("Ericsson's net debt drops 12%"))
    assert swaps["Ericsson's net cash drops 12%"] is True
    assert swaps["Ericsson's net cash climbs 12%"] is False
    assert swaps["Ericsson's net margins climb 12%"] is False
    swaps = dict(object_swaps("Adani Power posts lower Q3 loss"))
    assert swaps["Adani Power posts higher Q3 profit"] is False


@pytest.mark.parametrize(
    "headline",
    [
        "Loss-making Air India's shares rise 5%",  # part of another word, and far off
        "Acme revenue falls, shares slump 4%",  # two moves
        "Acme revenue beats estimates",  # "beats" is not a move of a quantity
        "Globex shares rise 5% as investors cheer lower costs",  # the move is the shares'
        "Acme's quarterly profit booking lifts Sensex",  # selling, not profit
        "Initech's net loss narrowed in the June quarter",  # sales do not narrow
        "Board meeting on May 5 to consider results",
    ],
)
def test_no_object_swap_where_the_move_is_not_the_objects(headline: str) -> None:
    assert object_swaps(headline) == []


def test_object_swaps_keep_or_swap_the_answer_by_whether_the_sign_turns() -> None:
    texts = ["Acme profit rises 12%", "Acme board meets on May 5"]
    p = np.array([[0.1, 0.2, 0.7], [0.2, 0.6, 0.2]])
    made, rows = counterfactuals(texts, p, exclude=["Acme loss rises 12%"], objects=True)
    answers = dict(zip(made, rows.tolist(), strict=True))
    assert answers["Acme profit falls 12%"] == [0.7, 0.2, 0.1]  # the operator flip
    assert answers["Acme costs rise 12%"] == [0.7, 0.2, 0.1]
    assert answers["Acme costs fall 12%"] == [0.1, 0.2, 0.7]
    assert "Acme loss rises 12%" not in answers  # excluded, as a test headline would be
    assert len(made) == 1 + 10 - 1
    assert counterfactuals(texts, p, exclude=[])[0] == ["Acme profit falls 12%"]


def test_economy_puts_the_indicators_in_beside_the_companies_things() -> None:
    plain = dict(object_swaps("Infosys Q3 net profit rises 16%"))
    swaps = dict(object_swaps("Infosys Q3 net profit rises 16%", "economy"))
    assert plain.items() <= swaps.items()
    assert len(swaps) == len(plain) + 2 * len(ECONOMY_BAD)
    # A bad indicator's rise turns the news; its fall keeps it. Verbs agree with plurals.
    assert swaps["Infosys Q3 net unemployment rises 16%"] is True
    assert swaps["Infosys Q3 net jobless claims rise 16%"] is True
    assert swaps["Infosys Q3 net layoffs fall 16%"] is False
    # A bad thing's move gets the good indicators, "GDP" in its own capitals.
    swaps = dict(object_swaps("Net Debt Drops 12% At Acme", "economy"))
    assert swaps["Net GDP Drops 12% At Acme"] is True
    assert swaps["Net Exports Climb 12% At Acme"] is False
    # Only put in: a headline about an indicator makes no swap, with or without.
    assert object_swaps("Unemployment rises to 4.3%", "economy") == []
    # The answers follow the sign, as for the companies' things.
    p = np.array([[0.1, 0.2, 0.7]])
    made, rows = counterfactuals(["Acme profit rises 12%"], p, [], objects=True, pool="economy")
    answers = dict(zip(made, rows.tolist(), strict=True))
    assert answers["Acme inflation rises 12%"] == [0.7, 0.2, 0.1]
    assert answers["Acme jobless claims fall 12%"] == [0.1, 0.2, 0.7]
    # Good news gets the bad indicators only: a good one would not turn it.
    assert not any(good in text for text in made for good in ECONOMY_GOOD)


def test_the_wide_pool_draws_the_same_things_of_the_other_kind_for_a_headline() -> None:
    text = "Infosys Q3 net profit rises 16%"
    swaps = object_swaps(text, "wide")
    assert swaps == object_swaps(text, "wide")  # drawn by the text, not by the run
    assert len(swaps) == 2 * WIDE_DRAWN
    # Good news gets bad things only, each with the move kept (turned) and reversed (kept).
    moved = {}
    for swapped, turned in swaps:
        thing, verb = re.fullmatch(r"Infosys Q3 net (.+) (\w+) 16%", swapped).groups()
        assert thing in WIDE_BAD
        assert verb.startswith("rise" if turned else "fall")
        moved.setdefault(thing, set()).add(turned)
    assert len(moved) == WIDE_DRAWN and all(v == {True, False} for v in moved.values())
    # A bad thing's move draws from the good things, another set.
    for swapped, _ in object_swaps("Acme debt drops 12%", "wide"):
        assert re.fullmatch(r"Acme (.+) \w+ 12%", swapped).group(1) in WIDE_GOOD
    with pytest.raises(ValueError, match="pool must be one of"):
        object_swaps(text, "everything")


def test_a_contrast_set_pairs_each_news_headline_with_its_counterfactual() -> None:
    texts = ["Acme profit rises 12%", "Acme board meets on May 5", "Globex shares down 3%"]
    labels = ["positive", "neutral", "negative"]
    assert contrast_set(texts, labels) == [
        ("Acme profit rises 12%", "positive", "Acme profit falls 12%", "negative"),
        ("Globex shares down 3%", "negative", "Globex shares up 3%", "positive"),
    ]
    # A fact is not turned into news, even where a word could be swapped.
    assert contrast_set(["Acme shares up 3% at the open"], ["neutral"]) == []
