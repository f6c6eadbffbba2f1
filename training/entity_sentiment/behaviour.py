"""Behavioural cases for sentiment towards each entity, in the CheckList style.

Three capabilities, written for this project from templates (no data set's sentences):

- ``opposite_news``: two companies in one headline with news of opposite sign; each gets
  its own label.
- ``neutral_role``: one company's news, the other named only as its parent, customer,
  venue or counterpart, which stays neutral.
- ``name_swap``: the opposite-news headlines with the two names exchanged; the labels
  must follow the names (the marked text hides the name, so this tests that the
  answer comes from the mention's place in the sentence, not from the name).
- ``analyst_call``: a broker's or rating agency's call on a company; the company gets
  the call's sign and the broker stays neutral.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.sentiment.entities import find, mark
from app.sentiment.service import best_labels
from app.sentiment.spans import Span, overlap
from training.sentiment import checklist
from training.sentiment.checklist import pass_rate
from training.sentiment.sentfin import LABELS

CATEGORIES = ("opposite_news", "neutral_role", "name_swap", "analyst_call")


@dataclass(frozen=True)
class EntityCase:
    text: str
    entity: str
    others: tuple[str, ...]
    label: str
    category: str

    def marked(self) -> str:
        span = find(self.entity, self.text)
        assert span is not None, (self.entity, self.text)
        others = [s for e in self.others if (s := find(e, self.text)) is not None]
        return mark(self.text, span, others)


COMPANY_PAIRS = (
    ("Northwind Foods", "Castello Brands"),
    ("Ridgeway Steel", "Halvorsen Metals"),
    ("Bluefin Telecom", "Orinoco Networks"),
    ("Kestrel Pharma", "Lindqvist Biotech"),
    ("Tamarind Motors", "Pemberton Auto"),
)

# (template, label of {a}, label of {b})
OPPOSITE = (
    ("{a} gains 4% while {b} slips after weak guidance", "positive", "negative"),
    ("{a} beats profit estimates; {b} misses", "positive", "negative"),
    ("{a} shares slump as {b} wins the contract", "negative", "positive"),
    ("{a} upgraded to buy, {b} cut to sell", "positive", "negative"),
    ("{a} posts record quarterly profit, {b} swings to a loss", "positive", "negative"),
    ("{a} cuts 2,000 jobs as {b} expands its workforce", "negative", "positive"),
    ("{a} loses market share to {b}", "negative", "positive"),
    ("{a} overtakes {b} as sales of its rival fall", "positive", "negative"),
    ("Investors dump {a} and pile into {b}", "negative", "positive"),
    ("{a} raises its outlook; {b} warns on profit", "positive", "negative"),
    ("{a} fined by regulator, {b} gets approval for new plant", "negative", "positive"),
    ("{a} rallies to a 52-week high; {b} hits a record low", "positive", "negative"),
)

# (template, label of {a}, label of {b}): {b} only stands beside {a}'s news.
NEUTRAL_ROLE = (
    ("{a}, a unit of {b}, beats estimates", "positive", "neutral"),
    ("{a}, a unit of {b}, reports a wider loss", "negative", "neutral"),
    ("{a} wins a large order from {b}", "positive", "neutral"),
    ("{a} shares fall; {b} to report results on Friday", "negative", "neutral"),
    ("{a} expected to cut guidance at investor day hosted by {b}", "negative", "neutral"),
    ("{a} defaults on bonds arranged by {b}", "negative", "neutral"),
    ("{a} profit doubles, says chief executive at {b} conference", "positive", "neutral"),
    ("{a} hires former {b} executive as finance chief", "neutral", "neutral"),
)

# (company, broker): the broker only speaks of the company.
ANALYST_PAIRS = (
    ("Northwind Foods", "Harrowgate Securities"),
    ("Ridgeway Steel", "Pellman Capital"),
    ("Bluefin Telecom", "Quillfield Research"),
    ("Kestrel Pharma", "Ostrander Ratings"),
    ("Tamarind Motors", "Brightwater Partners"),
)

# (template, label of the company {a}, label of the broker {b})
ANALYST_CALL = (
    ("{b} upgrades {a} to buy", "positive", "neutral"),
    ("{b} downgrades {a} to sell on weak demand", "negative", "neutral"),
    ("{b} raises its price target on {a}", "positive", "neutral"),
    ("{b} cuts {a} price target after guidance miss", "negative", "neutral"),
    ("{a} rallies after {b} starts coverage at outperform", "positive", "neutral"),
    ("{a} shares slide as {b} turns bearish", "negative", "neutral"),
    ("{b} names {a} its top pick for the year", "positive", "neutral"),
    ("{a} downgraded by {b} on margin worries", "negative", "neutral"),
    ("{b} sees 30% upside in {a}", "positive", "neutral"),
    ("{b} warns {a} faces a cash crunch", "negative", "neutral"),
)

# Every name the cases use, which no synthetic training headline may use.
NAMES = frozenset(name for pairs in (COMPANY_PAIRS, ANALYST_PAIRS) for p in pairs for name in p)


def _two_sided(
    templates: Sequence[tuple[str, str, str]],
    category: str,
    pairs: Sequence[tuple[str, str]] = COMPANY_PAIRS,
) -> list[EntityCase]:
    cases = []
    for template, label_a, label_b in templates:
        for a, b in pairs:
            text = template.format(a=a, b=b)
            cases += [
                EntityCase(text, a, (b,), label_a, category),
                EntityCase(text, b, (a,), label_b, category),
            ]
    return cases


def build_cases() -> list[EntityCase]:
    # name_swap: the same headlines with the names exchanged, so {a}'s place (and its
    # label) now goes to the second name.
    swapped = [(b, a) for a, b in COMPANY_PAIRS]
    return (
        _two_sided(OPPOSITE, "opposite_news")
        + _two_sided(NEUTRAL_ROLE, "neutral_role")
        + _two_sided(OPPOSITE, "name_swap", swapped)
        + _two_sided(ANALYST_CALL, "analyst_call", ANALYST_PAIRS)
    )


CASES = build_cases()

Predict = Callable[[list[str]], np.ndarray]


def evaluate(predict: Predict, cases: Sequence[EntityCase] = CASES) -> dict[str, Any]:
    """Pass rates per category and overall; `predict` maps marked texts to [n, 3]."""
    probs = np.asarray(predict([c.marked() for c in cases]), dtype=np.float64)
    scored = list(zip(cases, (LABELS[i] for i in probs.argmax(axis=1)), strict=True))
    categories = {}
    for category in CATEGORIES:
        rows = [(c, g) for c, g in scored if c.category == category]
        categories[category] = pass_rate(sum(c.label == g for c, g in rows), len(rows))
    return {
        "categories": categories,
        "overall": pass_rate(sum(c.label == g for c, g in scored), len(cases)),
        "failures": [
            {"text": c.text, "entity": c.entity, "expected": c.label, "got": g}
            for c, g in scored
            if c.label != g
        ],
    }


def broker_side(result: dict[str, Any], cases: Sequence[EntityCase] = CASES) -> dict[str, Any]:
    """Of `evaluate`'s analyst-call cases, the ones about the broker (expected neutral):
    where the per-entity models fail them."""
    asked = [c for c in cases if c.category == "analyst_call" and c.label == "neutral"]
    failed = {(f["text"], f["entity"]) for f in result["failures"] if f["expected"] == "neutral"}
    return pass_rate(sum((c.text, c.entity) not in failed for c in asked), len(asked))


def said(result: dict[str, Any]) -> str:
    """`evaluate`'s pass rates in one line, as the trainer and `make evaluate-entities`
    print them."""
    rates = ", ".join(f"{k} {v['rate']:.1%}" for k, v in result["categories"].items())
    return f"{rates}, overall {result['overall']['rate']:.1%}"


def from_headline_suite(cases: Sequence[checklist.Case] = checklist.CASES) -> list[EntityCase]:
    """The headline suite's cases (`training.sentiment.checklist`) that name one of its
    companies, asked about that company with the headline's expected label: a headline
    about one company is that company's news (SEntFiN's label rule makes the two labels
    one). Cases naming no company of the suite's, or two, are left out."""
    names = sorted({n for group in checklist.COMPANIES.values() for n in group}, key=len)
    asked = []
    for case in cases:
        spans: dict[str, Span] = {}
        for name in reversed(names):  # longest first: "HDFC Bank" before "HDFC"
            span = find(name, case.text)
            if span is not None and not any(overlap(span, s) for s in spans.values()):
                spans[name] = span
        if len(spans) == 1:
            (name,) = spans
            asked.append(EntityCase(case.text, name, (), case.label, case.category))
    return asked


def headline_suite(entity: Predict, headline: Predict) -> dict[str, dict[str, Any]]:
    """Pass rates per category of the suite's one-company cases (`from_headline_suite`)
    and overall: the entity model asked about the company, the headline model about the
    headline; and under "differ", where the two contradict each other (`contradictions`)."""
    cases = from_headline_suite()
    rows: dict[str, dict[str, Any]] = {}
    answers: dict[str, np.ndarray] = {}
    for name, probs in (
        ("entity", entity([c.marked() for c in cases])),
        ("headline", headline([c.text for c in cases])),
    ):
        said = best_labels(probs, list(LABELS))  # ties to neutral, as the service says
        right = [c.label == LABELS[i] for c, i in zip(cases, said, strict=True)]
        rates = {
            category: pass_rate(
                sum(r for c, r in zip(cases, right, strict=True) if c.category == category),
                sum(c.category == category for c in cases),
            )
            for category in checklist.CATEGORIES
        }
        rows[name] = {**rates, "overall": pass_rate(sum(right), len(cases))}
        answers[name] = probs
    rows["differ"] = contradictions(
        [c.label for c in cases], answers["entity"], answers["headline"]
    )
    return rows


def contradictions(
    truth: Sequence[str], entity: np.ndarray, headline: np.ndarray
) -> dict[str, Any]:
    """Where a one-company headline's two answers (the entity model's about the company,
    the headline model's about the headline) give different labels, and which is right
    there; and the accuracy of their mean. Labels as the service gives them."""
    names = list(LABELS)
    own, whole = best_labels(entity, names), best_labels(headline, names)
    mean = best_labels((np.asarray(entity) + np.asarray(headline)) / 2, names)
    right = [LABELS.index(t) for t in truth]
    differ = [i for i, (a, b) in enumerate(zip(own, whole, strict=True)) if a != b]
    signed = {LABELS.index("negative"), LABELS.index("positive")}
    return {
        "n": len(right),
        "differ": len(differ),
        "opposite": sum({own[i], whole[i]} == signed for i in differ),
        "entity_right": sum(own[i] == right[i] for i in differ),
        "headline_right": sum(whole[i] == right[i] for i in differ),
        "mean_accuracy": round(
            sum(m == r for m, r in zip(mean, right, strict=True)) / len(right), 4
        ),
    }


def said_differ(row: dict[str, Any]) -> str:
    """`contradictions`' row in a line."""
    return (
        f"the two answers differ on {row['differ']} of {row['n']} (opposite signs on "
        f"{row['opposite']}); there the company's is right {row['entity_right']} times, the "
        f"headline's {row['headline_right']}; their mean reads {row['mean_accuracy']:.3f}"
    )
