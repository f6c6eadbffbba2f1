"""Counterfactual headlines: a training headline with its one polar word turned into its
opposite, learnt with the teacher's answer on the headline, negative and positive swapped.

The labelled headlines and the teacher's edits show most words with one sign, so a
network learns "loss" as bad whatever happens to it. A headline and its counterfactual
differ in one word and read the other way: the difference that makes the difference
(Kaushik et al., 2020, "Learning the Difference that Makes a Difference with
Counterfactually-Augmented Data"), made here by swapping antonyms from a small lexicon,
as Wang and Culotta (2021) generate them. Unlike the rule-labelled headlines
(training/sentiment/synthetic.py) they keep the real headline's frame, names and numbers.

Two kinds of word, because their signs multiply ("loss narrowed" is good news):

- operators (rises / falls, beats / misses, upgrade / downgrade, strong / weak, ...);
- objects (profit / loss, surplus / deficit).

A headline is flipped only where one word decides: it holds exactly one operator, which
is swapped, or no operator and exactly one object. With two operators ("profit rises but
revenue misses", "Sensex falls; Infosys up 2%") a swap changes which clause counts, not
the sign, so such headlines are left alone.

Object swaps (`object_swaps`) turn the thing that moves instead: "profit rises 16%"
gives "costs rise 16%" (the sign turns) and "costs fall 16%" (both words turn, so it
stays). A counterfactual of "net debt drops" keeps the object and teaches that the verb
decides; the swaps show the same move read both ways by what moves.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Collection, Sequence

import numpy as np

from training.sentiment.sentfin import LABELS

# Moves of a quantity, whose sign the thing that moves multiplies ("costs rise" is bad
# news); the operators after them ("beats", "upgrade") carry their own.
MOVES: tuple[tuple[str, str], ...] = (
    ("rise", "fall"),
    ("rises", "falls"),
    ("rose", "fell"),
    ("rising", "falling"),
    ("risen", "fallen"),
    ("jump", "slump"),
    ("jumps", "slumps"),
    ("jumped", "slumped"),
    ("surge", "plunge"),
    ("surges", "plunges"),
    ("surged", "plunged"),
    ("surging", "plunging"),
    ("soars", "tumbles"),
    ("soared", "tumbled"),
    ("climbs", "drops"),
    ("climbed", "dropped"),
    ("up", "down"),
    ("higher", "lower"),
    ("increase", "decrease"),
    ("increases", "decreases"),
    ("increased", "decreased"),
    ("expands", "shrinks"),
)
OPERATORS: tuple[tuple[str, str], ...] = (
    *MOVES,
    ("rallies", "slides"),
    ("rallied", "slid"),
    ("advances", "declines"),
    ("advanced", "declined"),
    ("adds", "sheds"),
    ("gainers", "losers"),
    ("high", "low"),
    ("highs", "lows"),
    ("above", "below"),
    ("widens", "narrows"),
    ("widened", "narrowed"),
    ("widen", "narrow"),
    ("widening", "narrowing"),
    ("expansion", "contraction"),
    ("raises", "cuts"),
    ("raise", "cut"),
    ("raising", "cutting"),
    ("beats", "misses"),
    ("beat", "miss"),
    ("upgrade", "downgrade"),
    ("upgrades", "downgrades"),
    ("upgraded", "downgraded"),
    ("outperform", "underperform"),
    ("outperforms", "underperforms"),
    ("outperformed", "underperformed"),
    ("strong", "weak"),
    ("stronger", "weaker"),
    ("strongest", "weakest"),
    ("strength", "weakness"),
    ("strengthens", "weakens"),
    ("improves", "worsens"),
    ("improved", "worsened"),
    ("improve", "worsen"),
    ("improving", "worsening"),
    ("boosts", "hurts"),
    ("boost", "hurt"),
    ("wins", "loses"),
    ("win", "lose"),
    ("approves", "rejects"),
    ("approved", "rejected"),
    ("approval", "rejection"),
    ("succeeds", "fails"),
    ("success", "failure"),
    ("good", "bad"),
    ("better", "worse"),
    ("best", "worst"),
    ("positive", "negative"),
    ("bullish", "bearish"),
    ("optimistic", "pessimistic"),
    ("optimism", "pessimism"),
    ("upbeat", "downbeat"),
)
OBJECTS: tuple[tuple[str, str], ...] = (
    ("profit", "loss"),
    ("profits", "losses"),
    ("surplus", "deficit"),
)
# Object swaps: things whose move decides the news, each good or bad to have more of.
# Each goes into a headline in place of one of the other kind ("net profit rises" ->
# "net debt rises"), which teaches the sign of the object as well as of the move.
GOOD_OBJECTS = ("profit", "sales", "revenue", "margins", "cash")
BAD_OBJECTS = ("loss", "costs", "debt", "expenses", "bad loans")
# The economy's indicators, put in beside the companies' things by the "economy" pool:
# "net profit rises" -> "unemployment rises" (turned), "jobless claims fall" (kept). The
# headlines SEntFiN and TFNS hold are mostly about companies, so without these a model
# reads an indicator by its verb ("unemployment rises" as good news). Only put in, never
# matched, so the headlines that make swaps are the same in every pool.
ECONOMY_GOOD = ("GDP", "jobs", "exports", "output")
ECONOMY_BAD = ("unemployment", "jobless claims", "layoffs", "inflation")
# The "wide" pool: those and many more things of each sign, WIDE_DRAWN of them drawn a
# headline (by its text), to see whether a network shown many things learns an object's
# sign from its word vector rather than word by word. None is a noun of the behavioural
# suite's direction cases or shares a word with training/sentiment/economy.py's unseen
# indicators.
WIDE_GOOD = (
    *GOOD_OBJECTS,
    *ECONOMY_GOOD,
    *("dividends", "bookings", "wages", "productivity", "footfall", "subscribers"),
    *("ridership", "occupancy", "shipments", "hiring", "reserves", "savings"),
    *("liquidity", "tourism", "growth"),
)
WIDE_BAD = (
    *BAD_OBJECTS,
    *ECONOMY_BAD,
    *("write-offs", "impairments", "provisions", "borrowings", "liabilities", "arrears"),
    *("insolvencies", "complaints", "outages", "recalls", "evictions", "fines"),
    *("lawsuits", "poverty"),
)
WIDE_DRAWN = len(BAD_OBJECTS) + len(ECONOMY_BAD)
POOLS = ("companies", "economy", "wide")
# Things a headline may name that no swap puts in, by their kind.
_ALSO_GOOD = {"profits", "earnings", "income", "revenues"}
_ALSO_BAD = {"losses"}
# A headline's words are matched one by one, so "bad loans" is only ever put in.
MOVED = frozenset({*GOOD_OBJECTS, *BAD_OBJECTS, *_ALSO_GOOD, *_ALSO_BAD} - {"bad loans"})
_MOVE_WORDS = frozenset(word for pair in MOVES for word in pair)
# Objects that take "rise" rather than "rises".
_PLURAL = frozenset(
    {"sales", "margins", "costs", "expenses", "bad loans"}
    | {"jobs", "exports", "jobless claims", "layoffs"}
    | {"dividends", "bookings", "wages", "subscribers", "shipments", "reserves", "savings"}
    | {"write-offs", "impairments", "provisions", "borrowings", "liabilities", "arrears"}
    | {"insolvencies", "complaints", "outages", "recalls", "evictions", "fines", "lawsuits"}
    | {"profits", "losses", "earnings", "revenues"}
)
_MAX_BETWEEN = 2
# Words that turn a headline one way but have no opposite above: a headline holding one
# is left alone, since the lexicon's word is then not the only one that decides ("dips
# on worries over likely Q3 loss").
_UNPAIRED_FAMILIES = (
    ("dip", "dips", "dipped", "decline", "slip", "slips", "slipped"),
    ("gain", "gains", "gained", "rebound", "rebounds", "rebounded"),
    ("tank", "tanks", "tanked", "crash", "crashes", "crashed", "tumble"),
    ("sink", "sinks", "sank", "plummet", "plummets", "plummeted", "skid", "skids"),
    ("recover", "recovers", "recovered", "spurt", "spurts", "zoom", "zooms", "soar"),
    ("drag", "drags", "dragged", "lift", "lifts", "lifted"),
    ("hike", "hikes", "hiked", "slash", "slashes", "slashed", "trim", "trims", "trimmed"),
    ("worry", "worries", "concern", "concerns", "fear", "fears", "warn", "warns", "warning"),
    ("extend", "extends", "extended", "mount", "mounts", "mounting", "slide"),
    ("slow", "slows", "slowed", "slowing"),
)
UNPAIRED = frozenset(word for family in _UNPAIRED_FAMILIES for word in family)
# "Profit booking" and "profit taking" are selling, not profit: swapping the word to
# "loss" would not turn the news around.
_NOT_AN_OBJECT = re.compile(r"\bprofit[\s-]*(booking|taking)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+")
# "Up" and "down" are a move only before its size ("up 4%", "down by 9 per cent"), not
# in "sets up" or "weighed down"; "raises" is a move only when it is not fundraising
# ("raises Rs 500 crore via bonds").
_MOVE_SIZE = re.compile(
    r"\s+(by\s+)?((over|nearly|about|almost|around|more than)\s+)?[-+]?[\d$₹]", re.IGNORECASE
)
_FUNDS = re.compile(r"\s+(rs\b|\$|₹|\d|funds|capital|money|up\b|upto)", re.IGNORECASE)
# "Cuts 500 jobs" has no opposite in the lexicon: "raises 500 jobs" is not one.
_JOBS = re.compile(r"\s+([\d,]+\s+)?(jobs|staff|workers|employees|workforce)\b", re.IGNORECASE)
_NEEDS_SIZE = {"up", "down"}
_NOT_FUNDS = {"raises", "raise", "raising"}
_CUTS = {"cuts", "cut", "cutting"}


def _both_ways(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    return {a: b for pair in pairs for a, b in (pair, pair[::-1])}


OPPOSITE_OPERATOR = _both_ways(OPERATORS)
OPPOSITE_OBJECT = _both_ways(OBJECTS)


def _cased_like(word: str, model: str) -> str:
    if len(model) > 1 and model.isupper():
        return word.upper()
    if not word.islower():  # "GDP" keeps its capitals
        return word
    return word.capitalize() if model[0].isupper() else word


def _counts(m: re.Match[str], text: str) -> bool:
    word = m.group().lower()
    if word in _NEEDS_SIZE:
        return bool(_MOVE_SIZE.match(text, m.end()))
    return not (word in _NOT_FUNDS and _FUNDS.match(text, m.end()))


def _title_case(words: list[re.Match[str]]) -> bool:
    return sum(m.group()[0].isupper() for m in words) >= 0.7 * len(words)


def _words(text: str) -> list[re.Match[str]] | None:
    """The words of a headline the lexicon may turn, or None if a guard above rules it
    out."""
    if _NOT_AN_OBJECT.search(text):
        return None
    words = list(_WORD.finditer(text))
    if any(m.group().lower() in UNPAIRED for m in words):
        return None
    if any(m.group().lower() in _CUTS and _JOBS.match(text, m.end()) for m in words):
        return None
    return words


def _one_hit(
    text: str, words: list[re.Match[str]], lexicon: Collection[str]
) -> re.Match[str] | bool | None:
    """The one word of `lexicon` that counts in `text`; None if there is none, False if
    there are several or the one is a name."""
    hits = [m for m in words if m.group().lower() in lexicon and _counts(m, text)]
    if not hits:
        return None
    if len(hits) > 1:
        return False
    (m,) = hits
    # A capital inside a sentence-case headline starts a name ("Sun Pharma Advanced
    # Research", "UP" for Uttar Pradesh), not a move.
    if m.start() > 0 and m.group()[0].isupper() and not _title_case(words):
        return False
    return m


def _replaced(text: str, swaps: Sequence[tuple[re.Match[str], str]]) -> str:
    for m, word in sorted(swaps, key=lambda swap: -swap[0].start()):
        text = text[: m.start()] + _cased_like(word, m.group()) + text[m.end() :]
    return text


def flip(text: str) -> str | None:
    """`text` with its one deciding word swapped for its opposite, or None if no single
    word decides (none, or several)."""
    words = _words(text)
    if words is None:
        return None
    for lexicon in (OPPOSITE_OPERATOR, OPPOSITE_OBJECT):
        m = _one_hit(text, words, lexicon)
        if m is None:
            continue
        if m is False:
            return None
        assert isinstance(m, re.Match)
        return _replaced(text, [(m, lexicon[m.group().lower()])])
    return None


def object_swaps(text: str, pool: str = "companies") -> list[tuple[str, bool]]:
    """`text` with the thing that moves turned from good to bad or back, each as
    (headline, whether its sign turns): "profit rises 16%" gives "costs rise 16%"
    (turned) and "costs fall 16%" (kept), for each object of the other kind in `pool`
    (POOLS; "wide" draws WIDE_DRAWN of them). Only where one move and one object
    decide, next to each other ("Q3 net profit up 12%", "higher revenue"), with no
    punctuation between."""
    if pool not in POOLS:
        raise ValueError(f"pool must be one of {POOLS}, got {pool!r}")
    words = _words(text)
    if words is None:
        return []
    move, thing = _one_hit(text, words, _MOVE_WORDS), _one_hit(text, words, MOVED)
    if not isinstance(move, re.Match) or not isinstance(thing, re.Match):
        return []
    if _one_hit(text, words, OPPOSITE_OPERATOR) is not move:
        return []
    first, last = sorted((move, thing), key=lambda m: m.start())
    between = text[first.end() : last.start()]
    if len(_WORD.findall(between)) > _MAX_BETWEEN or re.search(r"[^\w\s]", between):
        return []
    # "Loss-making", "profit-booking": the object is part of another word.
    if text[thing.end() : thing.end() + 1] == "-" or text[thing.start() - 1 : thing.start()] == "-":
        return []
    good = thing.group().lower() in {*GOOD_OBJECTS, *_ALSO_GOOD}
    others = BAD_OBJECTS if good else GOOD_OBJECTS
    if pool == "economy":
        others += ECONOMY_BAD if good else ECONOMY_GOOD
    elif pool == "wide":
        # Drawn by the text, so a headline makes the same swaps in every run.
        pick = random.Random(zlib.crc32(text.encode()))
        others = tuple(pick.sample(WIDE_BAD if good else WIDE_GOOD, WIDE_DRAWN))
    verb = move.group().lower()
    out = []
    for other in others:
        plural = other in _PLURAL
        for turned, moved in ((True, verb), (False, OPPOSITE_OPERATOR[verb])):
            swaps = [(thing, other), (move, _agreeing(moved, plural))]
            out.append((_replaced(text, swaps), turned))
    return out


def _agreeing(verb: str, plural: bool) -> str:
    """`verb` ("rises", "rise") as its new subject takes it; other words as they are."""
    if plural and verb.endswith("s") and verb in OPPOSITE_OPERATOR:
        return verb[:-1]
    if not plural and verb + "s" in OPPOSITE_OPERATOR:
        return verb + "s"
    return verb


_OPPOSITE_LABEL = {"negative": "positive", "positive": "negative"}
# The columns of a probability row, each label's at its opposite's place.
_SWAP = [LABELS.index(_OPPOSITE_LABEL.get(name, name)) for name in LABELS]


def counterfactuals(
    texts: Sequence[str],
    probabilities: np.ndarray,
    exclude: Collection[str],
    objects: bool = False,
    pool: str = "companies",
) -> tuple[list[str], np.ndarray]:
    """The counterfactual of each text the teacher reads as news (negative or positive
    above neutral), with its probabilities negative and positive swapped; with `objects`,
    also its object swaps from `pool`, swapped where their sign turns. A neutral headline
    is left out: a swapped word need not make a fact news. So is any counterfactual that
    is already in `texts` or in `exclude` (validation and test headlines: none is
    learnt, even as a counterfactual), and any repeat."""
    neutral = LABELS.index("neutral")
    seen = set(texts) | set(exclude)
    out: list[str] = []
    rows: list[np.ndarray] = []
    for text, p in zip(texts, probabilities, strict=True):
        if int(np.argmax(p)) == neutral:
            continue
        other = flip(text)
        made = [] if other is None else [(other, True)]
        made += object_swaps(text, pool) if objects else []
        for new, turned in made:
            if new not in seen:
                seen.add(new)
                out.append(new)
                rows.append(p[_SWAP] if turned else p)
    return out, np.asarray(rows, dtype=np.asarray(probabilities).dtype).reshape(-1, len(LABELS))


def contrast_set(texts: Sequence[str], labels: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """(headline, label, counterfactual, its label) for each news headline (negative or
    positive) that has a counterfactual: a contrast set (Gardner et al., 2020, "Evaluating
    Models' Local Decision Boundaries via Contrast Sets"), made by the lexicon rather than
    by hand, so some of its swapped labels are wrong."""
    out = []
    for text, label in zip(texts, labels, strict=True):
        other = flip(text) if label in _OPPOSITE_LABEL else None
        if other is not None:
            out.append((text, label, other, _OPPOSITE_LABEL[label]))
    return out
