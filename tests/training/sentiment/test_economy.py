"""The economy's indicators: the cases' labels follow the indicator's sign times the
move, and the rates tell a model that reads what moves from one that reads the verb."""

from __future__ import annotations

import numpy as np

from training.sentiment import economy
from training.sentiment.counterfactual import (
    BAD_OBJECTS,
    ECONOMY_BAD,
    ECONOMY_GOOD,
    GOOD_OBJECTS,
    WIDE_BAD,
    WIDE_GOOD,
)
from training.sentiment.sentfin import LABELS

NEG, NEU, POS = LABELS


def one_hot(labels: list[str]) -> np.ndarray:
    return np.eye(len(LABELS))[[LABELS.index(label) for label in labels]]


def test_each_indicator_moves_both_ways_in_every_frame_with_its_sign() -> None:
    cases = economy.CASES
    assert len(cases) == 2 * 3 * (len(economy.SWAPPED) + len(economy.UNSEEN))
    by_noun = {}
    for ind in economy.SWAPPED + economy.UNSEEN:
        mine = [c for c in cases if f" {ind.noun.lower()} " in f" {c.text.lower()} "]
        by_noun[ind.noun] = mine
        assert len(mine) == 6
        assert {(c.up, c.label) for c in mine} == (
            {(True, POS), (False, NEG)} if ind.good else {(True, NEG), (False, POS)}
        )
    assert by_noun["unemployment"][0].text == "US unemployment rises 2.5% in August"
    assert by_noun["jobless claims"][2].text == "Jobless claims jump more than expected"


def test_unseen_indicators_are_named_by_no_training_swap() -> None:
    swapped = {i.noun for i in economy.SWAPPED}
    assert swapped == {*ECONOMY_GOOD, *ECONOMY_BAD}
    put_in = {*GOOD_OBJECTS, *BAD_OBJECTS, *ECONOMY_GOOD, *ECONOMY_BAD, *WIDE_GOOD, *WIDE_BAD}
    words = {word.lower() for thing in put_in for word in thing.split()}
    for ind in economy.UNSEEN:
        assert words.isdisjoint(ind.noun.lower().split()), ind.noun
    assert {c.group for c in economy.CASES} == set(economy.GROUPS)


def test_a_model_of_the_verb_alone_reads_every_bad_indicator_wrong() -> None:
    def by_verb(texts: list[str]) -> np.ndarray:
        ups = {c.text: c.up for c in economy.CASES}
        return one_hot([POS if ups[t] else NEG for t in texts])

    def right(texts: list[str]) -> np.ndarray:
        labels = {c.text: c.label for c in economy.CASES}
        return one_hot([labels[t] for t in texts])

    verb, oracle = economy.evaluate(by_verb), economy.evaluate(right)
    for group in (*economy.GROUPS, "all"):
        assert verb[group]["bad_indicators"] == 0.0
        assert verb[group]["read_by_verb"] == 1.0
        assert oracle[group] | {"n": 0} == {
            "n": 0,
            "accuracy": 1.0,
            "bad_indicators": 1.0,
            "read_by_verb": 0.0,
        }
    good = sum(c.good for c in economy.CASES) / len(economy.CASES)
    assert verb["all"]["accuracy"] == round(good, 4)
    assert verb["all"]["n"] == len(economy.CASES)
