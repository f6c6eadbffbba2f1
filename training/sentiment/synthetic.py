"""Rule-labelled headlines that teach the network how financial words combine.

    python -m training.sentiment.synthetic [--sample N]   # print some, with labels

SEntFiN and TFNS hold few headlines of the shapes that decide a sign by composition:
what moves and which way ("operating loss narrows" is good, "gross margin narrows" is
bad), a negated event ("rules out layoffs"), two clauses of opposite sign ("revenue
rises but the outlook is cut"), a possible outcome ("may breach covenants"). Pretrained
word vectors say that "deficit" is like "loss"; they cannot say what "narrows" does to
either. This module writes such headlines from small grammars whose labels follow from
the rule that generates them, the way a careful reader would label them:

- ``direction``: a quantity that is good or bad to have more of, times a direction,
  in several surface forms (verb, "reports a 12% fall in", "posts narrower", "cuts ...
  by"), plus swings between profit and loss;
- ``events``: an event with a clear sign;
- ``negation``: an event or outlook negated, which reverses its sign ("rules out job
  cuts", "fails to secure funding", "no longer expects growth");
- ``contrast``: two clauses of opposite sign; the label is the one after "but"/"yet",
  or of the main clause beside "despite"/"even as";
- ``hedges``: a possible event, labelled by the event's sign;
- ``neutral``: scheduled or administrative facts.

They are training data only, never test data. Their companies, quantities and sentence
frames are written apart from the behavioural suite's (training/sentiment/checklist.py):
a test checks that no generated headline has the skeleton of a suite case (companies
and numbers blanked), so the suite measures whether the composition carries over to
other words and frames rather than whether its sentences were seen. The output is the
same on every run (a fixed seed picks the sample).
"""

from __future__ import annotations

import argparse
import itertools
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from app.sentiment.entities import find
from training.sentiment.checklist import possessive
from training.sentiment.sentfin import LABELS

NEG, NEU, POS = LABELS
SIGN = {True: POS, False: NEG}

# Names kept apart from the behavioural suite's lists (a test checks it).
COMPANIES = (
    "Reliance Industries",
    "ICICI Bank",
    "Adani Ports",
    "Bajaj Finance",
    "Walmart",
    "Ford",
    "Boeing",
    "Intel",
    "Pfizer",
    "Exxon Mobil",
    "JPMorgan",
    "Delta Air Lines",
    "Zomato",
    "Vedanta",
    "Asian Paints",
    "Titan",
    "Hero MotoCorp",
    "ONGC",
    "NTPC",
    "Tata Steel",
    "JSW Steel",
    "Kotak Mahindra Bank",
    "Yes Bank",
    "BP",
    "TotalEnergies",
    "Airbus",
    "Rolls-Royce",
    "Honda",
    "Nissan",
    "Alibaba",
    "Xiaomi",
    "Amazon",
    "Netflix",
    "Starbucks",
    "Nike",
    "Adidas",
    "Diageo",
    "Coca-Cola",
    "Merck",
    "Caterpillar",
    "Bharat Forge",
    "Ultratech Cement",
    "Marico",
    "Britannia",
    "Zee Entertainment",
    "Canara Bank",
    "Oil India",
    "Suzlon",
    "the company",
    "the lender",
    "the carmaker",
    "the chipmaker",
    "the retailer",
    "the miner",
    "the drugmaker",
    "the airline",
    "the steelmaker",
    "the insurer",
    "$AMD",
    "$KO",
    "$GM",
    "$BAC",
    "$XOM",
)
# The companies named by name (not "the lender", not a cashtag), for headlines naming two.
NAMED = tuple(c for c in COMPANIES if c[0].isupper() and not c.startswith("$"))
PERCENTS = ("3%", "7%", "10%", "13%", "16%", "19%", "22%", "27%", "35%", "40%", "2.5%", "48%")
AMOUNTS = ("$420 million", "Rs 1,150 crore", "€90 million", "$3.1 billion", "£75 million")
PERIODS = (
    "in Q1",
    "in Q2",
    "in Q3",
    "in Q4",
    "in the June quarter",
    "in the December quarter",
    "in fiscal 2022",
    "year on year",
    "in the first nine months",
    "from a year earlier",
)
DATES = ("June 4", "Aug 19", "Oct 2", "Dec 11", "Feb 27", "Apr 8", "Sept 15")
PEOPLE = ("Neha Gupta", "John Carter", "Li Wei", "Sofia Rossi", "Ahmed Hassan", "Emma Brown")


@dataclass(frozen=True)
class Verb:
    s: str  # third person singular: "rises"
    base: str  # "rise"
    past: str  # "rose"
    noun: str | None = None  # "rise", for "reports a 12% rise in ..."


def _verbs(rows: str) -> tuple[Verb, ...]:
    out = []
    for row in rows.split(";"):
        parts = row.split()
        out.append(Verb(parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else None))
    return tuple(out)


# Levels (profit, revenue) and gaps (loss, deficit, margin) move with different verbs.
LEVEL_UP = _verbs(
    "rises rise rose rise;surges surge surged surge;soars soar soared;climbs climb climbed;"
    "jumps jump jumped jump;increases increase increased increase;grows grow grew;"
    "improves improve improved improvement;advances advance advanced;"
    "doubles double doubled;rebounds rebound rebounded rebound"
)
LEVEL_DOWN = _verbs(
    "falls fall fell fall;declines decline declined decline;drops drop dropped drop;"
    "plunges plunge plunged plunge;slumps slump slumped slump;tumbles tumble tumbled;"
    "dips dip dipped dip;slides slide slid slide;sinks sink sank;halves halve halved;"
    "decreases decrease decreased decrease;contracts contract contracted"
)
GAP_UP = _verbs(
    "widens widen widened;deepens deepen deepened;balloons balloon ballooned;"
    "swells swell swelled;grows grow grew;expands expand expanded"
)
GAP_DOWN = _verbs(
    "narrows narrow narrowed;shrinks shrink shrank;eases ease eased;contracts contract "
    "contracted;halves halve halved;is trimmed be trimmed was trimmed"
)
MARGIN_UP = _verbs("expands expand expanded;improves improve improved;widens widen widened")
MARGIN_DOWN = _verbs("contracts contract contracted;erodes erode eroded;narrows narrow narrowed")


@dataclass(frozen=True)
class Quantity:
    noun: str
    good: bool  # more of it is good news
    kind: str = "level"  # level | gap | margin: which verbs move it
    plural: bool = False
    # "cuts/raises <noun>": something the company itself decides.
    controllable: bool = False


QUANTITIES: tuple[Quantity, ...] = (
    Quantity("quarterly profit", True),
    Quantity("operating profit", True),
    Quantity("pre-tax profit", True),
    Quantity("EBITDA", True),
    Quantity("earnings", True, plural=True),
    Quantity("turnover", True),
    Quantity("total income", True),
    Quantity("net interest income", True),
    Quantity("same-store sales", True, plural=True),
    Quantity("bookings", True, plural=True),
    Quantity("order inflow", True),
    Quantity("shipments", True, plural=True),
    Quantity("volumes", True, plural=True),
    Quantity("subscriber base", True),
    Quantity("free cash flow", True),
    Quantity("production", True),
    Quantity("premium income", True),
    Quantity("loan book", True),
    Quantity("assets under management", True, plural=True),
    Quantity("dividend", True, controllable=True),
    Quantity("payout", True, controllable=True),
    Quantity("capacity", True, controllable=True),
    Quantity("gross margin", True, "margin"),
    Quantity("EBITDA margin", True, "margin"),
    Quantity("profit margins", True, "margin", plural=True),
    Quantity("operating loss", False, "gap"),
    Quantity("quarterly loss", False, "gap"),
    Quantity("pre-tax loss", False, "gap"),
    Quantity("losses", False, "gap", plural=True),
    Quantity("fiscal deficit", False, "gap"),
    Quantity("trade deficit", False, "gap"),
    Quantity("cash burn", False, "gap"),
    Quantity("borrowings", False, plural=True, controllable=True),
    Quantity("total debt", False, controllable=True),
    Quantity("liabilities", False, plural=True),
    Quantity("expenses", False, plural=True, controllable=True),
    Quantity("interest costs", False, plural=True),
    Quantity("staff costs", False, plural=True, controllable=True),
    Quantity("input costs", False, plural=True),
    Quantity("energy bills", False, plural=True),
    Quantity("provisions", False, plural=True),
    Quantity("impairment charges", False, plural=True),
    Quantity("write-offs", False, plural=True),
    Quantity("gross NPAs", False, plural=True),
    Quantity("delinquencies", False, plural=True),
    Quantity("leverage", False, controllable=True),
    Quantity("vacancy rate", False),
    Quantity("warranty claims", False, plural=True),
    Quantity("customer complaints", False, plural=True),
    Quantity("net income", True),
    Quantity("core profit", True),
    Quantity("adjusted earnings", True, plural=True),
    Quantity("net sales", True, plural=True),
    Quantity("domestic sales", True, plural=True),
    Quantity("car sales", True, plural=True),
    Quantity("new orders", True, plural=True),
    Quantity("order backlog", True),
    Quantity("passenger numbers", True, plural=True),
    Quantity("active users", True, plural=True),
    Quantity("cash reserves", True, plural=True),
    Quantity("net worth", True),
    Quantity("occupancy", True),
    Quantity("load factor", True),
    Quantity("steel output", True),
    Quantity("net inflows", True, plural=True),
    Quantity("deposit base", True),
    Quantity("recurring revenue", True),
    Quantity("average realisations", True, plural=True),
    Quantity("net interest margin", True, "margin"),
    Quantity("loss per share", False, "gap"),
    Quantity("budget deficit", False, "gap"),
    Quantity("funding gap", False, "gap"),
    Quantity("debt pile", False),
    Quantity("net borrowing", False, controllable=True),
    Quantity("bad debts", False, plural=True),
    Quantity("overdue loans", False, plural=True),
    Quantity("stressed assets", False, plural=True),
    Quantity("slippages", False, plural=True),
    Quantity("credit costs", False, plural=True),
    Quantity("operating expenses", False, plural=True, controllable=True),
    Quantity("overheads", False, plural=True, controllable=True),
    Quantity("freight costs", False, plural=True),
    Quantity("wage bill", False, controllable=True),
    Quantity("restructuring charges", False, plural=True),
    Quantity("inventory levels", False, plural=True),
    Quantity("unsold homes", False, plural=True),
    Quantity("cancellations", False, plural=True),
    Quantity("staff turnover", False),
    Quantity("net outflows", False, plural=True),
    Quantity("redemptions", False, plural=True),
    Quantity("debt-to-equity ratio", False, controllable=True),
    Quantity("net revenue", True),
    Quantity("gross profit", True),
    Quantity("operating income", True),
    Quantity("profit after tax", True),
    Quantity("quarterly sales", True, plural=True),
    Quantity("online sales", True, plural=True),
    Quantity("retail sales", True, plural=True),
    Quantity("unit sales", True, plural=True),
    Quantity("vehicle deliveries", True, plural=True),
    Quantity("smartphone shipments", True, plural=True),
    Quantity("new bookings", True, plural=True),
    Quantity("contract wins", True, plural=True),
    Quantity("order intake", True),
    Quantity("footfall", True),
    Quantity("ridership", True),
    Quantity("paying subscribers", True, plural=True),
    Quantity("monthly users", True, plural=True),
    Quantity("cash flow", True),
    Quantity("cash pile", True),
    Quantity("liquidity", True),
    Quantity("capital buffer", True),
    Quantity("book value", True),
    Quantity("return on equity", True),
    Quantity("fee income", True),
    Quantity("advances", True, plural=True),
    Quantity("gold output", True),
    Quantity("crude production", True),
    Quantity("refining margins", True, "margin", plural=True),
    Quantity("ebit margin", True, "margin"),
    Quantity("operating loss per share", False, "gap"),
    Quantity("current account deficit", False, "gap"),
    Quantity("shortfall", False, "gap"),
    Quantity("net debt-to-EBITDA", False, controllable=True),
    Quantity("debt burden", False),
    Quantity("outstanding debt", False, controllable=True),
    Quantity("loan losses", False, plural=True),
    Quantity("non-performing loans", False, plural=True),
    Quantity("bad loan ratio", False),
    Quantity("defaults", False, plural=True),
    Quantity("arrears", False, plural=True),
    Quantity("credit card delinquencies", False, plural=True),
    Quantity("cost of sales", False),
    Quantity("production costs", False, plural=True),
    Quantity("power costs", False, plural=True),
    Quantity("logistics costs", False, plural=True),
    Quantity("marketing spend", False, controllable=True),
    Quantity("employee costs", False, plural=True, controllable=True),
    Quantity("headcount costs", False, plural=True),
    Quantity("litigation costs", False, plural=True),
    Quantity("one-off charges", False, plural=True),
    Quantity("inventories", False, plural=True),
    Quantity("stockpiles", False, plural=True),
    Quantity("empty offices", False, plural=True),
    Quantity("product returns", False, plural=True),
    Quantity("subscriber losses", False, plural=True),
    Quantity("user churn", False),
    Quantity("staff exits", False, plural=True),
    Quantity("fund outflows", False, plural=True),
    Quantity("short interest", False),
    Quantity("downtime", False),
)

MOVES = {
    "level": (LEVEL_UP, LEVEL_DOWN),
    "gap": (GAP_UP, GAP_DOWN),
    "margin": (MARGIN_UP, MARGIN_DOWN),
}
# "posts <comparative> <noun>"
COMPARATIVES = {
    "good": (("higher", "stronger", "record"), ("lower", "weaker")),
    "level": (("higher", "increased"), ("lower", "reduced")),
    "gap": (("wider", "bigger", "deeper", "larger"), ("narrower", "smaller", "reduced")),
    "margin": (("higher", "wider", "better"), ("lower", "thinner", "narrower")),
}
RAISE = ("raises", "boosts", "lifts", "increases", "hikes")
CUT = ("cuts", "reduces", "trims", "slashes", "lowers", "pares")

SWINGS = (
    ("{co} swings to profit from a year-ago loss", POS),
    ("{co} swings to a loss {period}", NEG),
    ("{co} turns profitable {period}", POS),
    ("{co} slips into the red {period}", NEG),
    ("{co} back in the black after two years of losses", POS),
    ("{co} turns loss-making as costs mount", NEG),
    ("{co} breaks even for the first time", POS),
    ("{co} swings to net loss on one-off charges", NEG),
)


@dataclass(frozen=True)
class Act:
    """An event as a verb phrase, with its sign and whether "not" reads naturally."""

    s: str  # "tops estimates"
    base: str  # "top estimates"
    good: bool
    negatable: bool = True


def _acts(good: bool, rows: str) -> tuple[Act, ...]:
    out = []
    for row in rows.split(";"):
        s, base = row.split("|")
        out.append(Act(s.strip(), base.strip(), good))
    return tuple(out)


ACTS = _acts(
    True,
    "tops estimates|top estimates;bags large export order|bag a large export order;"
    "secures funding for expansion|secure funding for expansion;"
    "lifts annual forecast|lift its annual forecast;gains market share|gain market share;"
    "clinches takeover deal|clinch the takeover deal;"
    "wins EU nod for new vaccine|win EU nod for its new vaccine;"
    "resumes dividend payments|resume dividend payments;"
    "reports strong demand|report strong demand;"
    "lands multi-year supply contract|land a multi-year supply contract;"
    "repays loans ahead of schedule|repay its loans ahead of schedule;"
    "hits sales target|hit its sales target;"
    "gets rating upgrade from Fitch|get a rating upgrade from Fitch;"
    "settles dispute with regulator|settle its dispute with the regulator;"
    "expands into new markets|expand into new markets;"
    "adds record number of customers|add a record number of customers",
) + _acts(
    False,
    "trails estimates|trail estimates;lowers annual forecast|lower its annual forecast;"
    "defaults on interest payment|default on an interest payment;"
    "breaches loan covenants|breach its loan covenants;shuts two factories|shut two factories;"
    "loses key client|lose a key client;faces penalty from regulator|face a penalty from "
    "the regulator;scraps dividend|scrap its dividend;writes down assets|write down assets;"
    "delays debt repayment|delay debt repayment;cuts workforce|cut its workforce;"
    "loses market share|lose market share;warns of weaker demand|warn of weaker demand;"
    "gets rating downgrade from S&P|get a rating downgrade from S&P;"
    "halts production|halt production;"
    "faces fraud probe|face a fraud probe",
)
# Noun phrases for "no longer expects", "rules out", "sees no" and "despite".
GOOD_THINGS = (
    "a recovery in demand",
    "growth this year",
    "higher margins",
    "a special dividend",
    "an upturn in orders",
    "strong sales",
    "a rebound in volumes",
)
BAD_THINGS = (
    "job cuts",
    "layoffs",
    "a rating downgrade",
    "plant closures",
    "a cash crunch",
    "losses this year",
    "margin pressure",
    "a hit from tariffs",
    "further write-downs",
)
# A company's condition, for "is not", "no longer", "not yet" and "stays".
STATES = (
    ("profitable", True),
    ("in the black", True),
    ("debt-free", True),
    ("cash-positive", True),
    ("loss-making", False),
    ("in the red", False),
    ("insolvent", False),
    ("in breach of its covenants", False),
)
HEDGES = (
    "{co} may",
    "{co} could",
    "{co} might",
    "{co} is likely to",
    "{co} is expected to",
    "{co} is set to",
    "{co} is poised to",
    "{co} seen likely to",
    "Analysts say {co} may",
)
NEUTRAL = (
    "{co} sets {date} for second-quarter earnings release",
    "{co} board meeting on {date} to approve accounts",
    "{co} to webcast results presentation on {date}",
    "{co} names new company secretary",
    "{co} reappoints {person} as managing director",
    "{co} releases annual sustainability report",
    "{co} updates shareholding pattern for the quarter",
    "{co} submits compliance certificate to stock exchanges",
    "{co} reschedules board meeting to {date}",
    "{co} to publish trading update on {date}",
    "{co} confirms date of annual shareholder meeting",
    "{co} chief executive to speak at industry conference",
    "{co} changes its ticker symbol",
    "{co} clarifies on news report about stake sale",
    "{co} shareholders to vote on board nominees on {date}",
    "{co} appoints {person} to audit committee",
    "{co} announces record date for stock split",
    "{co} to release production figures on {date}",
    "{co} registrar changes address",
    "{co} informs exchanges of investor meeting schedule",
)

# How many headlines of each kind the training run adds (about a third of the fit part).
COUNTS = {
    "direction": 3600,
    "events": 600,
    "negation": 1600,
    "contrast": 1600,
    "hedges": 600,
    "neutral": 500,
}


@dataclass(frozen=True)
class Headline:
    text: str
    label: str
    kind: str


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def _moves(q: Quantity) -> Iterator[tuple[Verb, bool]]:
    up, down = MOVES[q.kind]
    yield from ((v, True) for v in up)
    yield from ((v, False) for v in down)


def _verb(q: Quantity, v: Verb) -> str:
    if q.plural and v.s.startswith("is "):
        return "are " + v.s[3:]
    return v.base if q.plural else v.s


def _clauses() -> Iterator[tuple[str, bool, Quantity]]:
    """ "<noun> <moves> <by>" clauses and their sign, for direction and contrast."""
    for q in QUANTITIES:
        for v, up in _moves(q):
            yield f"{q.noun} {_verb(q, v)}", up == q.good, q


def _direction() -> Iterator[tuple[str, bool]]:
    for q in QUANTITIES:
        comparatives = COMPARATIVES["good" if q.kind == "level" and q.good else q.kind]
        posts = "posts" if q.good or q.kind == "gap" else "reports"
        for v, up in _moves(q):
            sign = up == q.good
            yield f"{{poss}} {q.noun} {_verb(q, v)} {{pct}}", sign
            yield f"{{poss}} {q.noun} {_verb(q, v)} {{period}}", sign
            yield f"{{co}} {q.noun} {v.past} {{pct}} {{period}}", sign
            yield f"{_cap(q.noun)} at {{co}} {v.past} to {{amount}}", sign
            yield f"{_cap(q.noun)} {_verb(q, v)} {{pct}} at {{co}}", sign
            yield f"{{co}}: {q.noun} {_verb(q, v)} {{pct}} {{period}}", sign
            if v.noun:
                yield f"{{co}} reports {{pct}} {v.noun} in {q.noun}", sign
                yield f"{{pct}} {v.noun} in {q.noun} for {{co}}", sign
            for word in comparatives[0 if up else 1]:
                yield f"{{co}} {posts} {word} {q.noun} {{period}}", sign
        if q.controllable:
            for word in RAISE:
                yield f"{{co}} {word} {q.noun} by {{pct}}", q.good
            for word in CUT:
                yield f"{{co}} {word} {q.noun} by {{pct}}", not q.good
    for template, label in SWINGS:
        yield template, label == POS


def _events() -> Iterator[tuple[str, bool]]:
    for act in ACTS:
        for when in ("", " in Q2", " in the December quarter", " this year"):
            yield f"{{co}} {act.s}{when}", act.good


def _negation() -> Iterator[tuple[str, bool]]:
    for act in ACTS:
        if act.good:
            for frame in ("fails to", "unable to", "yet to", "did not", "could not"):
                yield f"{{co}} {frame} {act.base}", False
        else:
            for frame in ("rules out plans to", "will not", "has no plans to", "did not"):
                yield f"{{co}} {frame} {act.base}", True
        for frame in ("denies plans to", "says it won't", "is not about to"):
            yield f"{{co}} {frame} {act.base}", not act.good
    for state, good in STATES:
        yield f"{{co}} is not {state}", not good
        yield f"{{co}} no longer {state}", not good
        yield f"{{co}} not yet {state} {{period}}", not good
        yield f"{{co}} stays {state} {{period}}", good
    for things, good in ((GOOD_THINGS, True), (BAD_THINGS, False)):
        for thing in things:
            for frame in ("no longer expects", "does not expect", "sees no", "rules out"):
                yield f"{{co}} {frame} {thing}", not good
    for q in QUANTITIES:
        for v, up in _moves(q):
            if v.s.startswith("is "):
                continue
            sign = up == q.good
            yield f"{{poss}} {q.noun} did not {v.base} {{period}}", not sign


def _contrast(rng: random.Random) -> Iterator[tuple[str, bool]]:
    clauses = list(_clauses())
    good = [c for c in clauses if c[1]]
    bad = [c for c in clauses if not c[1]]
    acts = {True: [a for a in ACTS if a.good], False: [a for a in ACTS if not a.good]}
    things = {True: GOOD_THINGS, False: BAD_THINGS}
    while True:
        sign = rng.random() < 0.5
        first, second = rng.choice(bad if sign else good), rng.choice(good if sign else bad)
        if first[2] == second[2]:
            continue
        c1, c2 = first[0], second[0]
        a1, a2 = rng.choice(acts[not sign]), rng.choice(acts[sign])
        frames = (
            # label: the clause after "but"/"yet"
            (f"{{poss}} {c1} but {c2}", sign),
            (f"{{poss}} {c1}, yet {c2}", sign),
            (f"{{co}} {a1.s} but {a2.s}", sign),
            # label: the main clause beside "despite"/"even as"/"although"
            (f"{{poss}} {c2} even as {c1}", sign),
            (f"{{poss}} {c2} despite {rng.choice(things[not sign])}", sign),
            (f"Despite {rng.choice(things[not sign])}, {{co}} {a2.s}", sign),
            (f"Although {c1}, {{co}} {a2.s}", sign),
            (f"{{co}} {a2.s} even though {c1}", sign),
        )
        yield rng.choice(frames)


def _hedges() -> Iterator[tuple[str, bool]]:
    for act in ACTS:
        for hedge in HEDGES:
            yield f"{hedge} {act.base}", act.good


def templates(rng: random.Random, contrasts: int) -> dict[str, list[tuple[str, bool]]]:
    """Each kind's templates with their sign (True: positive; neutral: always True).

    Slots: {co}, {poss} (its possessive), {pct}, {amount}, {period}, {date}, {person}.
    Contrast templates pair clauses at random, so `contrasts` of them are drawn.
    """
    return {
        "direction": list(_direction()),
        "events": list(_events()),
        "negation": list(_negation()),
        "contrast": list(itertools.islice(_contrast(rng), contrasts)),
        "hedges": list(_hedges()),
        "neutral": [(t, True) for t in NEUTRAL],
    }


def _fill(template: str, rng: random.Random) -> str:
    co = rng.choice(COMPANIES)
    text = template.format(
        co=co,
        poss=possessive(co),
        pct=rng.choice(PERCENTS),
        amount=rng.choice(AMOUNTS),
        period=rng.choice(PERIODS),
        date=rng.choice(DATES),
        person=rng.choice(PEOPLE),
    )
    return _cap(text)


def _sample(rows: Sequence[tuple[str, bool]], n: int, rng: random.Random) -> list[tuple[str, bool]]:
    # Every template at least once when n allows, then random repeats (with new fillers).
    picked = list(rows) if n >= len(rows) else rng.sample(list(rows), n)
    picked += [rng.choice(rows) for _ in range(n - len(picked))]
    return picked


def generate(counts: dict[str, int] | None = None, seed: int = 0) -> list[Headline]:
    """The synthetic training headlines, the same for the same counts and seed."""
    counts = COUNTS if counts is None else counts
    rng = random.Random(seed)
    grammars = templates(rng, counts.get("contrast", 0))
    out: list[Headline] = []
    seen: set[str] = set()
    for kind, n in counts.items():
        for template, good in _sample(grammars[kind], n, rng):
            text = _fill(template, rng)
            if text in seen:
                continue
            seen.add(text)
            out.append(Headline(text, NEU if kind == "neutral" else SIGN[good], kind))
    return out


# Two companies in one headline, for the entity model: (template, how {b}'s label follows
# from {a}'s clause sign). "own": {b} has a clause of its own; "neutral": {b} only stands
# beside {a}'s news. Frames kept apart from training/entity_sentiment/behaviour.py's.
PAIR_FRAMES = (
    ("{a} {x}, {b} {y}", "own"),
    ("{a} {x} while {b} {y}", "own"),
    ("{a} {x}; {b} {y}", "own"),
    ("{a} {x} even as rival {b} {y}", "own"),
    ("{pa} {cx}, {pb} {cy}", "own"),
    ("{pa} {cx} as {pb} {cy}", "own"),
    ("{pa} {cx}; {pb} {cy}", "own"),
    ("{b}-backed {a} {x}", "neutral"),
    ("{a} {x}, according to {b} analysts", "neutral"),
    ("{a}, in which {b} holds a stake, {x}", "neutral"),
    ("{a} {x} at event organised by {b}", "neutral"),
)


@dataclass(frozen=True)
class PairHeadline:
    text: str
    # (name, its [start, end) in text, its label), for each of the two companies
    entities: tuple[tuple[str, tuple[int, int], str], ...]

    @classmethod
    def found(cls, text: str, labels: tuple[tuple[str, str], ...]) -> PairHeadline:
        """`text` with each (name, label) at the name's first mention."""
        spans = []
        for name, label in labels:
            span = find(name, text)
            assert span is not None, (name, text)
            spans.append((name, span, label))
        return cls(text, tuple(spans))


def pair_headlines(n: int, seed: int = 0) -> list[PairHeadline]:
    """`n` headlines naming two companies, each with its own label: the sign of its own
    clause, or neutral when it only stands beside the other's news. Two thirds of the
    two-clause headlines have clauses of opposite sign."""
    rng = random.Random(seed)
    clauses = list(_clauses())
    out: list[PairHeadline] = []
    seen: set[str] = set()
    while len(out) < n:
        frame, kind = rng.choice(PAIR_FRAMES)
        a, b = rng.sample(NAMED, 2)
        sign_a = rng.random() < 0.5
        sign_b = (not sign_a) if rng.random() < 2 / 3 else sign_a
        x = rng.choice([act for act in ACTS if act.good == sign_a])
        y = rng.choice([act for act in ACTS if act.good == sign_b])
        cx = rng.choice([c for c in clauses if c[1] == sign_a])
        cy = rng.choice([c for c in clauses if c[1] == sign_b and c[2] != cx[2]])
        pct = rng.choice(PERCENTS)
        text = frame.format(
            a=a,
            b=b,
            pa=possessive(a),
            pb=possessive(b),
            x=x.s,
            y=y.s,
            cx=f"{cx[0]} {pct}",
            cy=cy[0],
        )
        if text in seen:
            continue
        seen.add(text)
        label_b = NEU if kind == "neutral" else SIGN[sign_b]
        out.append(PairHeadline.found(text, ((a, SIGN[sign_a]), (b, label_b))))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.sentiment.synthetic", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--sample", type=int, default=5, help="headlines to print per kind")
    args = parser.parse_args(argv)
    rows = generate()
    print(f"{len(rows)} headlines; labels {dict(Counter(r.label for r in rows))}")
    for kind in COUNTS:
        some = [r for r in rows if r.kind == kind]
        print(f"\n{kind} ({len(some)})")
        for r in some[: args.sample]:
            print(f"  {r.label:<8} {r.text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
