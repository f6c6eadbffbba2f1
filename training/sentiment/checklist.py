"""A behavioural test suite for the headline sentiment model, in the CheckList style.

    python -m training.sentiment.checklist [--model models/sentiment/<v>] [--out FILE]
        [--failures N] [--min-overall RATE]

The held-out test split says how often the model agrees with SEntFiN's labels; it does
not say which kinds of language the model gets wrong. This suite does: it asks the model
about hand-written headlines grouped by capability (Ribeiro et al., ACL 2020, "Beyond
Accuracy: Behavioral Testing of NLP Models with CheckList"), each with the label a careful
reader gives it:

- ``events``: financial events with a clear sign (beats estimates, downgrade, default, ...).
- ``direction_x_object``: the sign comes from what moves and which way ("loss narrows" is
  good, "margin narrows" is bad, "debt jumps" is bad, "sales rise" is good).
- ``negation``: "no longer expects a loss", "fails to", "not profitable", "denied".
- ``contrast``: two clauses of opposite sign; the label is the one of the main clause or
  the stated outcome ("... but cuts outlook", "shares fall despite record profit").
- ``hedges``: possible outcomes ("may cut jobs", "is expected to beat"), labelled by the
  direction of the outcome.
- ``invariance``: base headlines and copies with another company, a ticker, another
  number, another letter case or punctuation; every copy keeps the base's label (the
  ``variant`` field names the perturbation, ``base`` holds the base's text).
- ``neutral_facts``: scheduled meetings, results dates, index reviews, appointments,
  record dates.

Every case is a minimum functionality test with an expected label; the invariance cases
are scored the same way, and ``evaluate`` also reports how often a copy gets the same
label as its base, whether or not that label is right.

The suite is a gate for an exported model: run it on a new version before it is served
and compare the pass rates with the version it replaces. A tiny model built by the test
suite or a smoke training run is not expected to pass it. The sentences are written for
this project from templates and word lists, not taken from any data set, and are built
without randomness, so the suite is the same on every run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.model_store import load, version_dir
from training.sentiment.sentfin import LABELS

ROOT = Path(__file__).resolve().parents[2]
# The served version: the newest under models/sentiment/.
DEFAULT_MODEL = version_dir(ROOT / "models" / "sentiment")

CATEGORIES: tuple[str, ...] = (
    "events",
    "direction_x_object",
    "negation",
    "contrast",
    "hedges",
    "invariance",
    "neutral_facts",
)
INVARIANCE_VARIANTS: tuple[str, ...] = (
    "company",
    "ticker",
    "number",
    "upper",
    "lower",
    "title",
    "punctuation",
)

NEG, NEU, POS = LABELS

# A list of headlines -> probabilities [n, 3], columns in LABELS order.
Predict = Callable[[list[str]], Any]


@dataclass(frozen=True)
class Case:
    text: str
    label: str
    category: str
    # Invariance cases only: "base" for the unperturbed headline, else the perturbation.
    variant: str | None = None
    # Invariance copies only: the text of the base headline they were made from.
    base: str | None = None


# ---------------------------------------------------------------------------------------
# Lexicons. Companies are grouped by sector so that sector-specific events stay plausible;
# names ending in "s" get a bare apostrophe in the possessive (see possessive).

COMPANIES: dict[str, tuple[str, ...]] = {
    "bank": (
        "HDFC Bank",
        "Barclays",
        "Santander",
        "ING",
        "Commonwealth Bank",
        "Itau Unibanco",
        "Mizuho",
        "Standard Bank",
        "DBS",
        "BNP Paribas",
        "Axis Bank",
        "UniCredit",
    ),
    "tech": (
        "Infosys",
        "SAP",
        "Samsung Electronics",
        "Sony",
        "Nokia",
        "Ericsson",
        "Tencent",
        "Wipro",
        "Capgemini",
        "HCLTech",
    ),
    "auto": (
        "Toyota",
        "Volkswagen",
        "Maruti Suzuki",
        "Hyundai Motor",
        "Renault",
        "Tata Motors",
        "BYD",
        "Stellantis",
        "Mahindra & Mahindra",
    ),
    "pharma": (
        "Sun Pharma",
        "Bayer",
        "Novartis",
        "Roche",
        "Takeda",
        "Sanofi",
        "Cipla",
        "Lupin",
        "AstraZeneca",
    ),
    "resources": (
        "BHP",
        "Rio Tinto",
        "Vale",
        "Petrobras",
        "Shell",
        "Coal India",
        "Glencore",
        "Equinor",
        "Sasol",
        "Anglo American",
    ),
    "consumer": (
        "Nestle",
        "Unilever",
        "Danone",
        "Carrefour",
        "Ambev",
        "Heineken",
        "Hindustan Unilever",
        "Tesco",
        "Dabur",
    ),
    "airline": (
        "Qantas",
        "Lufthansa",
        "IndiGo",
        "Air France-KLM",
        "Ryanair",
        "LATAM Airlines",
        "Singapore Airlines",
        "Turkish Airlines",
    ),
    "realestate": (
        "DLF",
        "Sun Hung Kai",
        "Vonovia",
        "Taylor Wimpey",
        "Persimmon",
        "Godrej Properties",
        "Emaar",
        "Lennar",
    ),
    "industrial": (
        "Siemens",
        "Larsen & Toubro",
        "ABB",
        "Alstom",
        "Hitachi",
        "BHEL",
        "Thales",
        "Schneider Electric",
        "Bharat Electronics",
        "Mitsubishi Heavy",
    ),
    "telecom": (
        "Vodafone",
        "Bharti Airtel",
        "Telefonica",
        "Orange",
        "MTN",
        "Telstra",
        "Reliance Jio",
        "Deutsche Telekom",
        "America Movil",
    ),
}
# Every sector in turn, so that generic templates meet companies from everywhere.
COMPANIES["any"] = tuple(
    name
    for group in itertools.zip_longest(*COMPANIES.values())
    for name in group
    if name is not None
)

# None of these is also in COMPANIES, so no headline has a broker rating itself.
BROKERS = (
    "Goldman Sachs",
    "Morgan Stanley",
    "Jefferies",
    "Nomura",
    "UBS",
    "CLSA",
    "Macquarie",
    "Bernstein",
    "Citi",
    "HSBC",
)
AMOUNTS = (
    "$1.2 billion",
    "€450 million",
    "Rs 2,300 crore",
    "£300 million",
    "¥80 billion",
    "$650 million",
    "A$500 million",
    "€2 billion",
    "Rs 780 crore",
)
PERCENTS = ("8%", "12%", "15%", "21%", "6%", "30%", "4%", "18%", "9%", "25%", "11%")
JOBS = ("2,000", "5,500", "800", "1,200", "10,000", "3,400", "650")
DATES = (
    "May 5",
    "July 22",
    "October 28",
    "January 30",
    "February 14",
    "August 8",
    "November 12",
    "April 24",
    "March 18",
    "September 3",
)
PEOPLE = (
    "Maria Lopez",
    "Rajesh Kumar",
    "Kenji Sato",
    "Anna Schmidt",
    "David Chen",
    "Fatima Khan",
    "Pierre Martin",
    "Olga Ivanova",
    "Thabo Nkosi",
    "Lucas Silva",
)
CITIES = ("Singapore", "Dublin", "Mumbai", "Zurich", "London", "Amsterdam", "Sao Paulo", "Tokyo")
YEARS = ("2024", "2025", "2023")
TIMES = ("09:00", "10:30", "14:00", "15:30", "08:00")
# (index, the provider that reviews it)
INDICES = (
    ("Nifty 50", "NSE Indices"),
    ("FTSE 100", "FTSE Russell"),
    ("S&P 500", "S&P Dow Jones Indices"),
    ("Stoxx Europe 600", "Stoxx"),
    ("Hang Seng Index", "Hang Seng Indexes"),
    ("MSCI Emerging Markets Index", "MSCI"),
    ("Nikkei 225", "Nikkei"),
    ("Sensex", "BSE"),
)
BASIS_POINTS = ("120 basis points", "80 basis points", "150 basis points", "60 basis points")
SHARE_POINTS = ("2 percentage points", "1 percentage point", "3 percentage points")


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _cycle(values: Sequence[Any]) -> Iterator[Any]:
    return itertools.cycle(values)


class _Slots:
    """Fills a template's slots; each lexicon advances on its own, so the suite is fixed."""

    def __init__(self) -> None:
        self._companies = {sector: _cycle(names) for sector, names in COMPANIES.items()}
        self._lists = {
            "broker": _cycle(BROKERS),
            "amount": _cycle(AMOUNTS),
            "pct": _cycle(PERCENTS),
            "jobs": _cycle(JOBS),
            "date": _cycle(DATES),
            "person": _cycle(PEOPLE),
            "city": _cycle(CITIES),
            "year": _cycle(YEARS),
            "time": _cycle(TIMES),
        }
        self._indices = _cycle(INDICES)

    def company(self, sector: str) -> str:
        return next(self._companies[sector])

    def fill(self, template: str, sector: str) -> str:
        company = self.company(sector)
        index, provider = next(self._indices)
        values = {name: next(values) for name, values in self._lists.items()}
        text = template.format(
            co=company, poss=possessive(company), index=index, provider=provider, **values
        )
        return text[0].upper() + text[1:]


# How many companies each template is filled with.
FILLS = 2

# ---------------------------------------------------------------------------------------
# events: (template, label, sector)

EVENTS: tuple[tuple[str, str, str], ...] = (
    ("{co} beats quarterly profit estimates", POS, "any"),
    ("{broker} upgrades {co} to buy", POS, "any"),
    ("{co} raises full-year revenue guidance", POS, "any"),
    ("{broker} raises price target on {co}", POS, "any"),
    ("{co} wins {amount} order for metro rail project", POS, "industrial"),
    ("{co} posts record annual profit", POS, "any"),
    ("{co} raises quarterly dividend by {pct}", POS, "any"),
    ("{co} wins US FDA approval for cancer drug", POS, "pharma"),
    ("{co} returns to profit in second quarter", POS, "any"),
    ("{co} announces {amount} share buyback", POS, "any"),
    ("{co} shares hit record high after strong results", POS, "any"),
    ("{co} gets regulatory approval for merger", POS, "telecom"),
    ("Moody's upgrades {poss} credit rating", POS, "any"),
    ("{co} emerges from bankruptcy protection", POS, "airline"),
    ("{co} signs {amount} supply deal with national grid operator", POS, "industrial"),
    ("{co} misses quarterly revenue estimates", NEG, "any"),
    ("{broker} downgrades {co} to sell", NEG, "any"),
    ("{co} cuts full-year profit guidance", NEG, "any"),
    ("{broker} cuts price target on {co}", NEG, "any"),
    ("{co} to lay off {jobs} workers", NEG, "any"),
    ("{co} fined {amount} by competition regulator", NEG, "any"),
    ("{co} defaults on bond payment", NEG, "realestate"),
    ("{co} files for bankruptcy", NEG, "airline"),
    ("{co} slashes dividend", NEG, "any"),
    ("{co} issues profit warning", NEG, "any"),
    ("{co} shares plunge after weak results", NEG, "any"),
    ("{co} recalls {jobs} vehicles over brake defect", NEG, "auto"),
    ("Moody's downgrades {poss} credit rating to junk", NEG, "any"),
    ("{co} posts surprise quarterly loss", NEG, "any"),
    ("US FDA rejects {poss} application for diabetes drug", NEG, "pharma"),
    ("Strike halts production at {poss} main plant", NEG, "auto"),
    ("{co} loses {amount} contract to rival", NEG, "industrial"),
)

# ---------------------------------------------------------------------------------------
# direction_x_object: what moves (good or bad thing) times which way it moves.

_UP = ("rises", "climbs", "increases", "grows", "jumps")
_DOWN = ("falls", "drops", "declines", "shrinks", "slips")


@dataclass(frozen=True)
class _Quantity:
    noun: str
    plural: bool
    good: bool  # more of it is good news
    sector: str
    up: tuple[str, ...] = _UP
    down: tuple[str, ...] = _DOWN
    by: tuple[str, ...] = PERCENTS


QUANTITIES: tuple[_Quantity, ...] = (
    _Quantity("net profit", False, True, "any"),
    _Quantity("revenue", False, True, "any"),
    _Quantity("sales", True, True, "consumer"),
    _Quantity("operating margin", False, True, "any", ("widens",), ("narrows",), BASIS_POINTS),
    _Quantity("order book", False, True, "industrial"),
    _Quantity("home sales", True, True, "realestate"),
    _Quantity("passenger traffic", False, True, "airline"),
    _Quantity("exports", True, True, "auto"),
    _Quantity("market share", False, True, "telecom", by=SHARE_POINTS),
    _Quantity("deposits", True, True, "bank"),
    _Quantity("net loss", False, False, "any", ("widens",), ("narrows",)),
    _Quantity("net debt", False, False, "any"),
    _Quantity("operating costs", True, False, "any"),
    _Quantity("bad loans", True, False, "bank"),
    _Quantity("fuel costs", True, False, "airline"),
    _Quantity("employee attrition", False, False, "tech"),
    _Quantity("customer churn", False, False, "telecom"),
    _Quantity("loan defaults", True, False, "bank"),
    _Quantity("raw material costs", True, False, "consumer"),
    _Quantity("unsold inventory", False, False, "realestate"),
)

# Sentences the templates above cannot say: other verbs, other word orders, and prices
# that are good for a seller and bad for a buyer.
DIRECTION_EXTRA: tuple[tuple[str, str, str], ...] = (
    ("Houses sold by {co} up {pct} in first half", POS, "realestate"),
    ("Houses sold by {co} down {pct} in first half", NEG, "realestate"),
    ("Costs to run {poss} fleet fall {pct}", POS, "airline"),
    ("Costs to run {poss} data centres rise {pct}", NEG, "tech"),
    ("{co} cuts net debt by {amount}", POS, "any"),
    ("{co} halves net loss", POS, "any"),
    ("{poss} net profit halves", NEG, "any"),
    ("{co} doubles net profit", POS, "any"),
    ("{poss} net loss doubles", NEG, "any"),
    ("Fewer borrowers default on {poss} loans", POS, "bank"),
    ("More borrowers miss payments at {co}", NEG, "bank"),
    ("Lower fuel prices lift {poss} profit", POS, "airline"),
    ("Higher steel prices squeeze {poss} margins", NEG, "auto"),
    ("Higher iron ore prices boost {poss} profit", POS, "resources"),
    ("Falling oil prices drag down {poss} earnings", NEG, "resources"),
)

# ---------------------------------------------------------------------------------------
# negation: (template, label, sector)

NEGATION: tuple[tuple[str, str, str], ...] = (
    ("{co} no longer expects full-year loss", POS, "any"),
    ("{co} no longer expects to meet its profit target", NEG, "any"),
    ("{co} fails to win {amount} defence contract", NEG, "industrial"),
    ("{co} fails to meet annual sales target", NEG, "any"),
    ("{co} fails to repay {amount} loan on time", NEG, "realestate"),
    ("{co} still not profitable after five years", NEG, "any"),
    ("{co} remains unprofitable for fifth straight quarter", NEG, "any"),
    ("{co} denied regulatory approval for merger", NEG, "telecom"),
    ("{co} denies default rumours, says it has ample cash", POS, "any"),
    ("Unlike peers, {co} shares did not fall in Monday's rout", POS, "any"),
    ("{poss} sales did not grow in the quarter", NEG, "consumer"),
    ("{poss} margins did not shrink despite higher costs", POS, "any"),
    ("{co} will not pay a dividend this year", NEG, "any"),
    ("{co} no longer in default after debt restructuring", POS, "realestate"),
    ("{co} avoids default with last-minute deal with lenders", POS, "any"),
    ("Court dismisses fraud case against {co}", POS, "any"),
    ("{co} does not see demand recovering this year", NEG, "any"),
    ("{co} not worried about slowdown, expects strong growth", POS, "any"),
    ("{co} no longer loss-making after cost cuts", POS, "any"),
    ("{co} has not paid its suppliers for three months", NEG, "any"),
    ("{poss} stake sale fails to attract bids", NEG, "any"),
    ("{co} unable to pay staff salaries", NEG, "airline"),
    ("{co} cannot service its debt, auditors warn", NEG, "any"),
    ("{co} no longer sees need for job cuts", POS, "any"),
    ("Not a single analyst rates {co} a sell", POS, "any"),
    ("{co} finds no buyers for its bonds", NEG, "any"),
    ("{co} sees no slowdown in orders", POS, "industrial"),
    ("{poss} loss not as bad as feared", POS, "any"),
)

# ---------------------------------------------------------------------------------------
# contrast: (template, label, sector). The label is the main clause's or the outcome's.

CONTRAST: tuple[tuple[str, str, str], ...] = (
    ("{poss} profit rises despite weak sales", POS, "any"),
    ("{co} beats estimates despite slowdown in China", POS, "any"),
    ("{co} shares fall despite record profit", NEG, "any"),
    ("{co} posts higher revenue but cuts annual outlook", NEG, "any"),
    ("Despite higher costs, {co} grows profit {pct}", POS, "any"),
    ("Despite strong demand, {co} swings to a loss", NEG, "any"),
    ("{poss} loss widens even as sales grow", NEG, "any"),
    ("Weak economy fails to dent {poss} sales growth", POS, "consumer"),
    ("{poss} sales rise, but margins shrink sharply", NEG, "any"),
    ("{co} shares recover from early losses to close higher", POS, "any"),
    ("{co} shares give up early gains to end lower", NEG, "any"),
    ("{poss} revenue falls, but profit beats estimates on cost cuts", POS, "any"),
    ("{co} shares slump even though revenue beats estimates", NEG, "any"),
    ("Although orders rose, {co} cut its full-year outlook", NEG, "any"),
    ("Although sales fell, {co} grew net profit by {pct}", POS, "any"),
    ("{co} raises prices, yet volumes hold up", POS, "consumer"),
    ("Strong quarter overshadowed by {poss} weak outlook", NEG, "any"),
    ("Record orders more than offset weak quarter for {co}", POS, "industrial"),
    ("{poss} profit rises but misses estimates", NEG, "any"),
    ("{poss} profit falls less than feared, shares jump", POS, "any"),
    ("{co} stays profitable despite price war", POS, "telecom"),
    ("Despite cost cuts, {co} slides deeper into the red", NEG, "any"),
    ("{co} shares rally even as profit dips", POS, "any"),
    ("Higher volumes fail to stop {poss} profit decline", NEG, "any"),
)

# ---------------------------------------------------------------------------------------
# hedges: (template, label, sector). The label is the sign of the possible outcome.

HEDGES: tuple[tuple[str, str, str], ...] = (
    ("{co} may cut up to {jobs} jobs", NEG, "any"),
    ("{co} could miss full-year profit target", NEG, "any"),
    ("{co} is expected to beat quarterly estimates", POS, "any"),
    ("{co} weighs job cuts as demand slows", NEG, "any"),
    ("{co} likely to raise dividend, say analysts", POS, "any"),
    ("{co} may face hefty fine in antitrust probe", NEG, "any"),
    ("{co} could win {amount} order", POS, "industrial"),
    ("{co} set to post record profit", POS, "any"),
    ("{co} likely to report weak quarter", NEG, "any"),
    ("{co} at risk of default, warns rating agency", NEG, "realestate"),
    ("{co} may return to profit next year", POS, "any"),
    ("{co} could lose its investment-grade rating", NEG, "any"),
    ("{co} expected to win approval for new drug", POS, "pharma"),
    ("{co} considers closing two plants", NEG, "any"),
    ("{co} might lose its biggest customer", NEG, "any"),
    ("{co} poised to gain market share", POS, "any"),
    ("{co} may slash investment plans as sales slow", NEG, "any"),
    ("{poss} shares could double, says analyst", POS, "any"),
    ("{co} may need fresh capital to stay afloat", NEG, "any"),
    ("{co} likely to see strong demand in festive season", POS, "consumer"),
    ("{co} expected to report higher profit on strong sales", POS, "any"),
    ("{co} may raise full-year guidance", POS, "any"),
    ("{co} could face margin pressure from rising costs", NEG, "any"),
    ("{co} seen posting double-digit profit growth", POS, "any"),
)

# ---------------------------------------------------------------------------------------
# neutral_facts: (template, sector). Index inclusion of a named company is left out on
# purpose: it brings buying by index funds, so readers (and SEntFiN) call it positive.

NEUTRAL_FACTS: tuple[tuple[str, str], ...] = (
    ("{co} board to meet on {date} to consider quarterly results", "any"),
    ("{co} to announce third-quarter earnings on {date}", "any"),
    ("{co} fixes {date} as record date for interim dividend", "any"),
    ("{co} to hold annual general meeting on {date}", "any"),
    ("{co} appoints {person} as chief financial officer", "any"),
    ("{co} names {person} as independent director", "any"),
    ("{index} quarterly rebalancing to take effect on {date}", "any"),
    ("{provider} to announce results of {index} review on {date}", "any"),
    ("Changes to {index} constituents effective after close on {date}", "any"),
    ("{co} to host analyst call at {time} GMT on {date}", "any"),
    ("{co} shares to trade ex-dividend from {date}", "any"),
    ("{co} schedules investor day for {date}", "any"),
    ("{co} files annual report for fiscal {year}", "any"),
    ("{co} to present at {broker} investor conference on {date}", "any"),
    ("{co} sets record date for bond interest payment", "any"),
    ("{co} moves registered office to {city}", "any"),
    ("{co} to release monthly sales data on {date}", "auto"),
    ("{co} annual general meeting to be held by video conference", "any"),
    ("{co} publishes notice of extraordinary general meeting", "any"),
    ("{co} to report first-half results on {date}", "any"),
    ("{co} names {person} head of investor relations", "any"),
    ("{co} to change its financial year end to March", "any"),
)

# ---------------------------------------------------------------------------------------
# invariance: (template, label, company, other company, ticker, number, other number)

INVARIANCE_BASES: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("{co} net profit jumps {n}% on strong demand", POS, "Infosys", "Siemens", "INFY", "18", "27"),
    ("{co} wins ${n} million order from state utility", POS, "ABB", "Alstom", "ABBN", "450", "720"),
    ("Brokers upgrade {co}, see {n}% upside", POS, "Petrobras", "Unilever", "PBR", "20", "35"),
    ("{co} shares tumble {n}% after profit warning", NEG, "Toyota", "Barclays", "TM", "9", "14"),
    ("{co} to cut {n} jobs as sales slump", NEG, "Lufthansa", "Nokia", "LHA", "3,000", "1,200"),
    (
        "{co} fined ${n} million for misleading investors",
        NEG,
        "Tencent",
        "Vale",
        "TCEHY",
        "75",
        "310",
    ),
    ("{co} to announce Q{n} results on Thursday", NEU, "Nestle", "Wipro", "NESN", "3", "2"),
    ("{co} annual general meeting set for June {n}", NEU, "Rio Tinto", "DBS", "RIO", "12", "27"),
    (
        "{co} to hold investor call at {n}:00 GMT",
        NEU,
        "Samsung Electronics",
        "Heineken",
        "SMSN",
        "10",
        "14",
    ),
)


def _title(text: str) -> str:
    # str.title() would also raise letters after digits and apostrophes ("Q3", "Moody's").
    return " ".join(word[:1].upper() + word[1:] for word in text.split(" "))


def _punctuate(text: str) -> str:
    # Commas are the punctuation headlines use most; a full stop is the usual change
    # where there is none.
    return text.replace(", ", "; ") if ", " in text else f"{text}."


def _invariance() -> list[Case]:
    cases: list[Case] = []
    for template, label, company, other, ticker, number, other_number in INVARIANCE_BASES:
        base = template.format(co=company, n=number)
        variants = {
            "company": template.format(co=other, n=number),
            "ticker": template.format(co=ticker, n=number),
            "number": template.format(co=company, n=other_number),
            "upper": base.upper(),
            "lower": base.lower(),
            "title": _title(base),
            "punctuation": _punctuate(base),
        }
        cases.append(Case(base, label, "invariance", "base"))
        cases.extend(
            Case(text, label, "invariance", variant, base) for variant, text in variants.items()
        )
    return cases


def build_cases() -> list[Case]:
    """Every case of the suite, in a fixed order; fails on a duplicate text."""
    slots = _Slots()
    cases: list[Case] = []

    def add(category: str, rows: Sequence[tuple[str, str, str]]) -> None:
        for template, label, sector in rows:
            for _ in range(FILLS):
                cases.append(Case(slots.fill(template, sector), label, category))

    add("events", EVENTS)

    for i, q in enumerate(QUANTITIES):
        for step, (verbs, grows) in enumerate(((q.up, True), (q.down, False))):
            verb = verbs[i % len(verbs)]
            verb = verb[:-1] if q.plural else verb
            company = slots.company(q.sector)
            amount = q.by[(i + step) % len(q.by)]
            # Alternate the two word orders so both directions meet both.
            if (i + step) % 2 == 0:
                text = f"{possessive(company)} {q.noun} {verb} {amount}"
            else:
                text = f"{q.noun[0].upper()}{q.noun[1:]} at {company} {verb} {amount}"
            label = POS if grows == q.good else NEG
            cases.append(Case(text, label, "direction_x_object"))
    add("direction_x_object", DIRECTION_EXTRA)

    add("negation", NEGATION)
    add("contrast", CONTRAST)
    add("hedges", HEDGES)
    cases.extend(_invariance())
    add("neutral_facts", [(template, NEU, sector) for template, sector in NEUTRAL_FACTS])

    seen: set[str] = set()
    for case in cases:
        if case.text in seen:
            raise ValueError(f"duplicate checklist case: {case.text!r}")
        seen.add(case.text)
    return cases


CASES: list[Case] = build_cases()


# ---------------------------------------------------------------------------------------
# Scoring


def pass_rate(passed: int, total: int) -> dict[str, Any]:
    return {"passed": passed, "total": total, "rate": passed / total if total else 0.0}


def evaluate(predict: Predict, cases: Sequence[Case] = CASES) -> dict[str, Any]:
    """Pass rates per category and overall, the failing cases, and invariance consistency.

    ``predict`` maps a list of headlines to probabilities [n, 3] (columns negative,
    neutral, positive); it is called once with every text, so batching is its business.
    """
    texts = [case.text for case in cases]
    probs = np.asarray(predict(texts), dtype=np.float64)
    if probs.shape != (len(cases), len(LABELS)):
        raise ValueError(
            f"predict returned shape {probs.shape}, expected {(len(cases), len(LABELS))}"
        )
    if not np.isfinite(probs).all():
        raise ValueError("predict returned non-finite probabilities")
    got = [LABELS[i] for i in probs.argmax(axis=1)]
    scored = list(zip(cases, got, strict=True))

    categories: dict[str, dict[str, Any]] = {}
    failures: dict[str, list[dict[str, Any]]] = {}
    for category in CATEGORIES:
        rows = [(case, label) for case, label in scored if case.category == category]
        if not rows:
            continue
        categories[category] = pass_rate(
            sum(case.label == label for case, label in rows), len(rows)
        )
        failures[category] = [
            {"text": case.text, "expected": case.label, "got": label}
            | ({"variant": case.variant} if case.variant else {})
            for case, label in rows
            if case.label != label
        ]
    overall = sum(case.label == label for case, label in scored)

    # CheckList's invariance test proper: a copy should get its base's answer, right or
    # wrong. The pass rate alone cannot tell a wrong base from a model a typo can flip.
    by_text = dict(zip(texts, got, strict=True))
    pairs = [(case, label) for case, label in scored if case.base in by_text]
    consistent = sum(label == by_text[case.base] for case, label in pairs if case.base)

    return {
        "categories": categories,
        "overall": pass_rate(overall, len(cases)),
        "failures": failures,
        "invariance_consistency": pass_rate(consistent, len(pairs)),
    }


def format_report(result: dict[str, Any], failures: int) -> str:
    lines = [f"{'category':<20} {'passed':>7} {'total':>6} {'rate':>7}"]
    rows = [*result["categories"].items(), ("overall", result["overall"])]
    for name, score in rows:
        lines.append(f"{name:<20} {score['passed']:>7} {score['total']:>6} {score['rate']:>7.1%}")
    same = result["invariance_consistency"]
    if same["total"]:
        lines.append(
            f"invariance copies labelled as their base: {same['passed']}/{same['total']} "
            f"({same['rate']:.1%})"
        )
    if failures > 0:
        for name, failed in result["failures"].items():
            if not failed:
                continue
            lines.append(f"\n{name}: {len(failed)} failing, first {min(failures, len(failed))}")
            for row in failed[:failures]:
                tag = f" [{row['variant']}]" if "variant" in row else ""
                lines.append(
                    f"  expected {row['expected']:<8} got {row['got']:<8} {row['text']}{tag}"
                )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Command line


def load_predict(model: Path, batch_size: int) -> Predict:
    """The model's serving signature as a Predict, loaded as the service loads it."""
    meta_path = model / "assets.extra" / "metadata.json"
    if meta_path.is_file():
        labels = json.loads(meta_path.read_text()).get("labels")
        if labels is not None and tuple(labels) != LABELS:
            raise ValueError(f"{model}: labels {labels}, the suite expects {list(LABELS)}")
    loaded = load(model.parent.parent, model.parent.name, int(model.name))

    def predict(texts: list[str]) -> np.ndarray:
        parts = [
            loaded.predict(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, len(LABELS)), np.float32)

    return predict


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m training.sentiment.checklist",
        description="Behavioural (CheckList) test suite for an exported sentiment model.",
    )
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="SavedModel directory")
    parser.add_argument("--out", type=Path, help="write the full result as JSON here")
    parser.add_argument(
        "--failures", type=int, default=10, help="failing cases to print per category"
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--min-overall",
        type=float,
        help="exit 1 when the overall pass rate (0-1) is below this, for use as a gate",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, load: Callable[[Path, int], Predict] = load_predict) -> int:
    args = parse_args(argv)
    if args.batch_size < 1:
        print("error: --batch-size must be at least 1", file=sys.stderr)
        return 2
    try:
        predict = load(args.model, args.batch_size)
    except Exception as exc:  # TensorFlow raises many types for a missing or damaged model
        print(f"error: cannot load {args.model}: {exc}", file=sys.stderr)
        return 2
    result = evaluate(predict)
    print(f"CheckList suite: {len(CASES)} cases, model {args.model}")
    print(format_report(result, args.failures))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        payload = {"model": str(args.model), **result}
        args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    if args.min_overall is not None and result["overall"]["rate"] < args.min_overall:
        print(
            f"overall pass rate {result['overall']['rate']:.1%} is below {args.min_overall:.1%}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
