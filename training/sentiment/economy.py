"""Headlines about the economy's indicators: does a model read a move by what moves?

The service's users follow the economy as well as companies, and an indicator's move
takes the indicator's sign: unemployment rising is bad news, payrolls rising good news,
a trade deficit narrowing good news. SEntFiN and TFNS hold few such headlines, so a
model can learn "rises" as good and "falls" as bad and still score well on both test
sets. These cases ask it directly: each of 26 indicators up and down, in three
sentence frames, labelled by the indicator's sign times the direction.

The cases are written for this project from templates and word lists, not taken from
any data set, and built without randomness. Two groups of indicators:

- ``swapped``: the eight that `make train-sentiment ARGS="--counterfactuals economy"`
  puts into training headlines (training/sentiment/counterfactual.py, ECONOMY_GOOD and
  ECONOMY_BAD), so a model trained so has seen their moves;
- ``unseen``: eighteen that share no word with any thing a training swap puts in, so
  their rate says whether what was learnt carries over to indicators the swaps never
  showed.

Like the behavioural suite, this measures a model; nothing is trained, stopped or chosen
on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from training.sentiment.counterfactual import ECONOMY_BAD, ECONOMY_GOOD
from training.sentiment.sentfin import LABELS

NEG, NEU, POS = LABELS
GROUPS = ("swapped", "unseen")


@dataclass(frozen=True)
class Indicator:
    noun: str
    good: bool  # more of it is good news
    plural: bool  # "payrolls rise", not "rises"


def _indicators(nouns: Sequence[str], good: bool) -> list[Indicator]:
    return [Indicator(n, good, n in _PLURAL) for n in nouns]


_PLURAL = frozenset(
    {"jobs", "exports", "jobless claims", "layoffs", "payrolls", "housing starts"}
    | {"factory orders", "durable goods orders", "bankruptcies", "foreclosures"}
    | {"loan delinquencies", "job cuts", "mortgage defaults"}
)
SWAPPED = _indicators(ECONOMY_GOOD, True) + _indicators(ECONOMY_BAD, False)
UNSEEN = _indicators(
    (
        "payrolls",
        "manufacturing activity",
        "consumer confidence",
        "housing starts",
        "factory orders",
        "construction spending",
        "consumer spending",
        "industrial production",
        "durable goods orders",
        "business investment",
    ),
    True,
) + _indicators(
    (
        "bankruptcies",
        "foreclosures",
        "trade deficit",
        "budget deficit",
        "loan delinquencies",
        "job cuts",
        "mortgage defaults",
        "underemployment",
    ),
    False,
)

# (singular verb, plural verb) for a move up and a move down, cycled over the cases.
_UP = (("rises", "rise"), ("jumps", "jump"), ("climbs", "climb"), ("edges up", "edge up"))
_DOWN = (("falls", "fall"), ("drops", "drop"), ("declines", "decline"), ("edges down", "edge down"))
_PLACES = ("US", "UK", "Euro zone", "German", "Japanese", "Canadian", "Australian", "Indian")
_SIZES = ("0.4%", "1.2%", "3%", "2.5%", "0.8%", "5%", "1.7%")
_MONTHS = ("March", "June", "October", "January", "August")
# The three frames: a place, the move and its size; the move and the expectation it
# beat; the move with no size, and a quarter.
_FRAMES = (
    "{place} {noun} {verb} {size} in {month}",
    "{Noun} {verb} more than expected",
    "{place} {noun} unexpectedly {verb} in the third quarter",
)


@dataclass(frozen=True)
class Case:
    text: str
    label: str
    group: str
    up: bool  # the indicator moves up
    good: bool  # more of the indicator is good news


def build_cases() -> list[Case]:
    """Every indicator up and down in each frame, in a fixed order; fails on a repeat."""
    cases: list[Case] = []
    k = 0
    for group, indicators in (("swapped", SWAPPED), ("unseen", UNSEEN)):
        for ind in indicators:
            for f, frame in enumerate(_FRAMES):
                for up, verbs in ((True, _UP), (False, _DOWN)):
                    verb = verbs[(k + f) % len(verbs)][1 if ind.plural else 0]
                    text = frame.format(
                        place=_PLACES[k % len(_PLACES)],
                        noun=ind.noun,
                        Noun=ind.noun[0].upper() + ind.noun[1:],
                        verb=verb,
                        size=_SIZES[k % len(_SIZES)],
                        month=_MONTHS[k % len(_MONTHS)],
                    )
                    cases.append(Case(text, POS if up == ind.good else NEG, group, up, ind.good))
                    k += 1
    texts = [c.text for c in cases]
    if len(set(texts)) != len(texts):
        raise ValueError("repeated economy case")
    return cases


CASES = build_cases()


def evaluate(predict: Callable[[list[str]], Any], cases: Sequence[Case] = CASES) -> dict:
    """Accuracy per group and overall, each also on the indicators that are bad news to
    have more of, and there the share read as the verb alone reads (up positive, down
    negative): the mistake of a model that learnt the verbs and not what moves."""
    probs = np.asarray(predict([c.text for c in cases]))
    got = [LABELS[i] for i in probs.argmax(1)]
    out: dict[str, Any] = {}
    for group in (*GROUPS, "all"):
        rows = [(c, g) for c, g in zip(cases, got, strict=True) if group in (c.group, "all")]
        bad = [(c, g) for c, g in rows if not c.good]
        out[group] = {
            "n": len(rows),
            "accuracy": round(sum(c.label == g for c, g in rows) / len(rows), 4),
            "bad_indicators": round(sum(c.label == g for c, g in bad) / len(bad), 4),
            "read_by_verb": round(sum(g == (POS if c.up else NEG) for c, g in bad) / len(bad), 4),
        }
    return out
