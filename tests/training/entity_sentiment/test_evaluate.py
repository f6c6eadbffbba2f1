"""What mixing the headline model's answer into the entity model's would give, how
consistent the annotation is where pairs read alike, and what a company asked about
alone, or found by "auto", is answered."""

from __future__ import annotations

import numpy as np

from app.sentiment.entities import OTHER_MARK, TARGET_MARK, Gazetteer
from training.entity_sentiment.evaluate import (
    KINDS,
    MIX_WEIGHTS,
    alike,
    asked_alone,
    auto_answers,
    mixed_accuracy,
    served_as_listed,
)
from training.entity_sentiment.pairs import Pair

NEG, NEU, POS = np.eye(3)


def pair(entity: str, label: str, disagree: bool) -> Pair:
    return Pair("t", entity, label, (0, 1), (), disagree, True)


def test_each_weight_mixes_the_two_answers_where_it_says() -> None:
    # A one-entity headline the headline model reads right and the entity model wrong;
    # a headline whose two entities disagree, which only the entity model can read.
    test = [pair("A", "positive", False), pair("B", "positive", True), pair("C", "negative", True)]
    kind = [KINDS[0], KINDS[2], KINDS[2]]
    p_entity = np.array([0.9 * NEG + 0.1 * POS, POS, NEG])
    p_headline = np.array([POS, POS, 0.4 * NEG + 0.6 * POS])
    rows = mixed_accuracy(test, kind, p_entity, p_headline)
    at = {w: i for i, w in enumerate(MIX_WEIGHTS)}
    # The entity model alone: both of the disagreeing pair, not the one-entity headline.
    assert [row[at[1.0]] for row in rows.values()] == [0.6667, 1.0, 0.6667]
    # The headline model alone on every pair: one label for both entities of a headline.
    assert rows["every pair: all"][at[0.0]] == 0.6667
    assert rows["every pair: disagree"][at[0.0]] == 0.5
    # Mixed on the one-entity headline alone: every pair right.
    assert rows["one-entity headlines only: all"][at[0.0]] == 1.0
    # At 0.5 the one-entity pair reads 0.45 negative against 0.55 positive, and C 0.7
    # negative: both right.
    assert rows["one-entity headlines only: all"][at[0.5]] == 1.0
    assert rows["every pair: disagree"][at[0.5]] == 1.0


def test_pairs_that_read_alike_once_marked_are_compared_by_label() -> None:
    def at(title: str, entity: str, label: str) -> Pair:
        start = title.index(entity)
        return Pair(title, entity, label, (start, start + len(entity)), (), False, False)

    every = [
        # One question three times ("xtargetx shares rise"): 1 of its 3 comparisons agrees.
        at("Infosys shares rise", "Infosys", "positive"),
        at("TCS shares rise", "TCS", "positive"),
        at("tcs shares rise", "tcs", "neutral"),
        # Another twice, agreeing (1 of 1); a text read once is compared with nothing.
        at("Wipro falls 2%", "Wipro", "negative"),
        at("HCL falls 2%", "HCL", "negative"),
        at("Infosys shares fall", "Infosys", "negative"),
    ]
    assert alike(every) == (5, 2, 4, 2 / 4)
    assert alike(every[-1:])[:3] == (0, 0, 0)


def test_a_company_asked_alone_is_read_with_the_gazetteers_finds_marked() -> None:
    # A stand-in model that can only tell the two entities apart when the other is
    # marked: positive with OTHER_MARK in the text, neutral without.
    def reads_marks(texts: list[str]) -> np.ndarray:
        return np.array([POS if OTHER_MARK in t else NEU for t in texts])

    title = "Infosys gains, TCS slips"
    infosys = Pair(title, "Infosys", "positive", (0, 7), ((15, 18),), True, True)
    tcs = Pair(title, "TCS", "positive", (15, 18), ((0, 7),), True, True)
    unfound = Pair(title, "Wipro", "neutral", None, (), True, True)
    rows = asked_alone(reads_marks, [infosys, tcs, unfound], Gazetteer(("TCS",)))
    served = rows["listed alone, the gazetteer's finds marked (served)"]
    bare = rows["listed alone, nothing else marked"]
    every = rows["every annotated entity listed"]
    # Only Infosys has a found other (TCS); TCS's other, Infosys, is not in the gazetteer.
    assert served["all"]["n"] == 2 and served["all"]["accuracy"] == 0.5
    assert served["same_as_every_listed"] == 0.5
    assert bare["all"]["accuracy"] == 0.0 and bare["same_as_every_listed"] == 0.0
    assert every["all"]["accuracy"] == 1.0 and every["same_as_every_listed"] == 1.0


def test_auto_is_scored_on_the_annotated_mentions_it_finds() -> None:
    # A stand-in model that reads every text positive unless another entity is marked.
    def reads_marks(texts: list[str]) -> np.ndarray:
        return np.array([NEG if OTHER_MARK in t else POS for t in texts])

    title = "Infosys gains, TCS slips; Wipro flat"
    infosys = Pair(title, "Infosys", "positive", (0, 7), ((15, 18),), True, True)
    tcs = Pair(title, "TCS", "negative", (15, 18), ((0, 7),), True, True)
    unfound = Pair(title, "Wipro", "neutral", None, (), True, True)
    alone = Pair("HDFC rises", "HDFC", "positive", (0, 4), (), False, True)
    # The gazetteer knows Infosys, TCS and a name no annotation marks ("rises" is not one).
    r = auto_answers(reads_marks, [infosys, tcs, unfound, alone], Gazetteer(("Infosys", "TCS")))
    # Three annotated mentions with a span; auto answers two, both read negative (each
    # beside the other, marked): TCS right, Infosys wrong. HDFC is not found.
    assert (r["mentions"], r["n"], r["accuracy"]) == (3, 2, 0.5)
    nothing = auto_answers(reads_marks, [alone], Gazetteer(()))
    assert nothing["n"] == 0 and np.isnan(nothing["accuracy"])


def test_a_written_headline_is_read_as_a_request_listing_its_companies() -> None:
    # Each pair gets the input the service makes when the headline's companies are
    # listed: its company marked at every mention, the others' as others.
    title = "Shell beats; BP misses; Shell's buyback raised"
    shell = Pair(title, "Shell", "positive", (0, 5), ((13, 15),), True, True)
    bp = Pair(title, "BP", "negative", (13, 15), ((0, 5),), True, True)
    known = Gazetteer(("Shell", "BP"))
    assert served_as_listed([bp, shell], known) == [
        f" {OTHER_MARK}  beats;  {TARGET_MARK}  misses;  {OTHER_MARK} 's buyback raised",
        f" {TARGET_MARK}  beats;  {OTHER_MARK}  misses;  {TARGET_MARK} 's buyback raised",
    ]
