"""Rule-labelled broker calls: labels, spans, and frames kept apart from the suite's."""

from __future__ import annotations

import itertools
import re
from collections import Counter

import numpy as np

from app.sentiment.entities import OTHER_MARK, TARGET_MARK
from training.entity_sentiment import analyst_calls, behaviour
from training.entity_sentiment.pairs import marked, synthetic_pairs
from training.sentiment.sentfin import LABELS

CALLS = analyst_calls.headlines(200)


def test_the_company_takes_the_calls_sign_and_the_broker_is_neutral() -> None:
    assert len({h.text for h in CALLS}) == len(CALLS) == 200
    assert analyst_calls.headlines(200) == CALLS  # the same on every run
    signs = Counter()
    for h in CALLS:
        (company, span_a, label_a), (broker, span_b, label_b) = h.entities
        assert (h.text[slice(*span_a)], h.text[slice(*span_b)]) == (company, broker)
        assert broker in analyst_calls.BROKERS and label_b == "neutral"
        signs[label_a] += 1
    assert set(signs) == {"positive", "negative"} and min(signs.values()) > 60


def test_the_broker_stands_first_in_some_calls_and_last_in_others() -> None:
    first = sum(h.entities[1][1][0] < h.entities[0][1][0] for h in CALLS)
    assert 0.3 * len(CALLS) < first < 0.9 * len(CALLS)


def bigrams(template: str) -> set[tuple[str, str]]:
    # Word pairs of the call itself: the fillers are blanked, and a pair touching one
    # says nothing of the frame's wording.
    words = re.sub(r"\{\w+\}", " _ ", template.lower()).split()
    return {(a, b) for a, b in itertools.pairwise(words) if "_" not in (a, b)}


def test_no_call_is_worded_as_an_entity_suite_case() -> None:
    suite = set().union(*(bigrams(t) for t, _, _ in behaviour.ANALYST_CALL))
    made = set().union(*(bigrams(t) for t, _ in analyst_calls.FRAMES))
    assert not suite & made, suite & made
    assert not behaviour.NAMES & set(analyst_calls.BROKERS)


def test_the_trainer_learns_both_sides_of_each_call() -> None:
    pairs = synthetic_pairs(0, analyst=3)
    assert len(pairs) == 6 and all(p.disagree and not p.is_test for p in pairs)
    company, broker = pairs[:2]
    assert (company.title, company.entity) == (CALLS[0].text, CALLS[0].entities[0][0])
    assert broker.label == "neutral" and broker.others == (company.span,)
    assert TARGET_MARK in marked(broker) and OTHER_MARK in marked(broker)


def test_the_broker_side_of_the_analyst_call_cases() -> None:
    def always(label: str) -> behaviour.Predict:
        return lambda texts: np.tile(np.eye(3)[LABELS.index(label)], (len(texts), 1))

    assert behaviour.broker_side(behaviour.evaluate(always("neutral"))) == {
        "passed": 50,
        "total": 50,
        "rate": 1.0,
    }
    assert behaviour.broker_side(behaviour.evaluate(always("positive")))["passed"] == 0
