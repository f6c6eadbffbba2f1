"""The rule-labelled training headlines: labels follow their rule, and none of them is
a behavioural suite case or a test headline in disguise."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable

import pytest

from tests.training.conftest import normalise
from training.sentiment import checklist, sentfin, synthetic, tfns

ROWS = synthetic.generate()
TEMPLATES = synthetic.templates(random.Random(0), 200)


def suite_names() -> set[str]:
    names = {name for group in checklist.COMPANIES.values() for name in group}
    names |= set(checklist.BROKERS)
    for row in checklist.INVARIANCE_BASES:
        names |= set(row[2:5])
    return names


def skeleton(text: str, names: Iterable[str]) -> str:
    """The sentence frame: company names and numbers blanked, case and spacing folded."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "{co}")
    return re.sub(r"[\d.,]+", "0", " ".join(text.lower().split()))


def test_the_same_headlines_on_every_run() -> None:
    assert synthetic.generate() == ROWS
    assert synthetic.generate(seed=1) != ROWS


def test_each_kind_gets_about_its_count_with_known_labels() -> None:
    kinds = Counter(row.kind for row in ROWS)
    for kind, count in synthetic.COUNTS.items():
        # Repeated templates can fill to the same text; those are dropped, not redrawn.
        assert 0.7 * count <= kinds[kind] <= count, kind
    assert {row.label for row in ROWS} <= set(sentfin.LABELS)
    assert len({row.text for row in ROWS}) == len(ROWS)


@pytest.mark.parametrize("kind", ["direction", "events", "negation", "contrast", "hedges"])
def test_signed_kinds_hold_both_signs_in_balance(kind: str) -> None:
    labels = Counter(row.label for row in ROWS if row.kind == kind)
    assert set(labels) == {"negative", "positive"}
    assert min(labels.values()) / max(labels.values()) > 0.6


def test_neutral_facts_are_neutral() -> None:
    assert {row.label for row in ROWS if row.kind == "neutral"} == {"neutral"}


@pytest.mark.parametrize(
    ("kind", "template", "good"),
    [
        # What moves times which way.
        ("direction", "{poss} operating loss narrows {pct}", True),
        ("direction", "{poss} operating loss widens {pct}", False),
        ("direction", "{poss} gross margin narrows {pct}", False),
        ("direction", "{poss} EBITDA falls {pct}", False),
        ("direction", "{poss} borrowings fall {pct}", True),
        ("direction", "{co} posts narrower quarterly loss {period}", True),
        ("direction", "{co} reports {pct} fall in expenses", True),
        ("direction", "{co} cuts expenses by {pct}", True),
        ("direction", "{co} cuts dividend by {pct}", False),
        # Negation reverses the sign.
        ("negation", "{co} rules out layoffs", True),
        ("negation", "{co} no longer expects growth this year", False),
        ("negation", "{co} fails to top estimates", False),
        ("negation", "{co} will not scrap its dividend", True),
        ("negation", "{poss} borrowings did not fall {period}", False),
        ("negation", "{co} no longer loss-making", True),
        # A possible event keeps its sign.
        ("hedges", "{co} may breach its loan covenants", False),
        ("hedges", "Analysts say {co} may top estimates", True),
    ],
)
def test_a_template_carries_the_sign_its_rule_gives(kind: str, template: str, good: bool) -> None:
    assert (template, good) in TEMPLATES[kind]


def test_a_contrast_takes_the_sign_after_but_or_of_the_main_clause() -> None:
    clauses = {text: good for text, good, _ in synthetic._clauses()}
    acts = {act.s: act.good for act in synthetic.ACTS}
    checked = 0
    for template, good in TEMPLATES["contrast"]:
        if " but " in template:
            after = template.split(" but ", 1)[1]
            assert clauses.get(after, acts.get(after)) == good, template
            checked += 1
        elif " despite " in template:
            main = template.split(" despite ", 1)[0].removeprefix("{poss} ")
            assert clauses[main] == good, template
            checked += 1
    assert checked > 40


def test_no_company_name_is_also_in_the_behavioural_suite() -> None:
    assert not set(synthetic.COMPANIES) & suite_names()


def test_no_headline_has_the_frame_of_a_behavioural_suite_case() -> None:
    suite = {skeleton(case.text, suite_names()) for case in checklist.CASES}
    made = {skeleton(row.text, set(synthetic.COMPANIES)) for row in ROWS}
    assert not suite & made


def test_no_headline_is_in_a_fixed_test_set() -> None:
    _, test_rows = sentfin.split(sentfin.load(sentfin.locate(None)))
    tests = {normalise(row.title) for row in test_rows}
    tests |= {normalise(h.text) for h in tfns.load(tfns.TEST)}
    assert not tests & {normalise(row.text) for row in ROWS}


def test_no_quantity_is_one_the_behavioural_suite_moves() -> None:
    suite = {q.noun for q in checklist.QUANTITIES}
    assert not suite & {q.noun for q in synthetic.QUANTITIES}


PAIRS = synthetic.pair_headlines(300)


def test_two_company_headlines_mark_each_name_with_its_own_label() -> None:
    assert len({h.text for h in PAIRS}) == len(PAIRS) == 300
    for h in PAIRS:
        (a, span_a, _), (b, span_b, _) = h.entities
        assert a != b
        assert (h.text[slice(*span_a)], h.text[slice(*span_b)]) == (a, b)
    labels = Counter((h.entities[0][2], h.entities[1][2]) for h in PAIRS)
    # Opposite news, the same news, and a bystander all occur.
    assert labels[("positive", "negative")] and labels[("negative", "positive")]
    assert labels[("positive", "positive")] and labels[("negative", "negative")]
    assert labels[("positive", "neutral")] and labels[("negative", "neutral")]


def test_a_bystander_frame_gives_the_second_company_neutral() -> None:
    for h in PAIRS:
        if "-backed " in h.text or ", according to " in h.text:
            assert h.entities[1][2] == "neutral", h.text


def test_no_two_company_headline_has_the_frame_of_an_entity_suite_case() -> None:
    from training.entity_sentiment import behaviour

    suite = {skeleton(case.text, behaviour.NAMES) for case in behaviour.CASES}
    made = {skeleton(h.text, set(synthetic.COMPANIES)) for h in PAIRS}
    assert not suite & made
    assert not behaviour.NAMES & set(synthetic.COMPANIES)
