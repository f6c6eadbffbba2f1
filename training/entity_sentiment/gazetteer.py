"""The names `"entities": "auto"` looks for, from SEntFiN's entity list.

`entity_list_comprehensive.csv` (data/sentfin/, MIT) lists 1,010 entities, each with
the names headlines use for it ("Infosys Ltd., Infosys, INFY"). The export keeps the
names the service can match without firing on ordinary words:

- a name that starts with a lower-case letter is left out: those are sectors and
  commodities ("gold", "steel", "banks"), which would match every headline about them;
- so is a one-word name in Title case that is also an ordinary English word (a
  whole-word token of the pretrained tokenizer or its -s/-ed/-ing form: "Oracle",
  "Century", "Textiles"): at the
  start of a headline, or in a Title Case one, it cannot be told from the word;
- and names of one character.

Names in capitals (tickers such as "INFY", "TCS") stay: matching is case-sensitive,
so they match only in capitals.

The list often gives a company only with its legal form ("Wipro Ltd., WIPRO") while
headlines write "Wipro", or a regulator only in capitals ("SEBI") while headlines write
"Sebi". So each name also brings, under the same filter:

- its form without a trailing legal form or "(India)": "Cipla Ltd." -> "Cipla",
  "Financial Technologies (India) Ltd." -> "Financial Technologies";
- for a word in capitals of four letters or more, its Title-case form: "SEBI" -> "Sebi"
  (shorter ones, "TCS", "SC", stay capitals only: as words, "Sc" or "Tcs" are typos).

A name's distinctive first word ("Hindalco" of "Hindalco Industries") is not added:
across the list those are as often a person's first name or a city ("Deepak",
"Chennai"), which headlines use for other things.

Beside them, the S&P 500's companies (data/sp500/, ODC-PDDL), so that US headlines find
theirs too (`sp500_entities`): each company's name without its legal form, "(The)" or share
class ("Home Depot (The)" -> "Home Depot", "Lilly (Eli)" -> "Eli Lilly"), under the same
word filter, and its ticker where a headline in capitals can hardly mean anything else
(four letters or more, not an ordinary word: "NVDA", "AAPL"; not "COST"). Shorter ones
are acronyms as often ("STT", "CCI" and "ECL" are a tax, a regulator and an accounting
term in Indian headlines), and are found as cashtags ("$JPM"). `SHORT_NAMES`
adds the names headlines use that the list does not write ("Google", "Exxon") or that
the filter drops as words ("Apple", "Amazon"), each tied to a listed ticker.

The export also ships a third list, written for this project (data/world_companies/):
companies listed outside India and the S&P 500 (Toyota, Siemens, HSBC, Tencent), US
ones outside the index, unlisted ones in the news, Indian ones SEntFiN's list lacks or
names otherwise, and names headlines give S&P 500 companies that the rules above leave
out ("AMD", "NVIDIA", "Micron" of "Micron Technology"), each name as headlines write it
(`world_entities`). Written by hand, its names are not put through the word filter
(which would drop "Sony" and "Bayer", both tokenizer words); names that are words
("Shell", "Orange", "Canon") were left out or written in a longer form ("Shell plc").
It is not read when TFNS's training headlines are marked (`for_pairs`): the committed
teachers answered the texts the first two lists mark, so the pairs stay those texts.

A fourth list, since v35: the US-listed companies of the SEC's list of tickers
(data/us_listed/) that the three above lack, by the names `us_listed.py` reads from
their filed names, with rules of its own for names of one word.

What the export ships (`shipped`) also leaves out the one-word Title-case names that
headlines write as words (`headline_words`), which the tokenizer's word list misses
when it holds a word only in pieces ("Investment", from the sector "INVESTMENT"), and
says that tickers in exchange tags are found too (`export_file`).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path

from app.sentiment.entities import GAZETTEER_FILE, WORD, Gazetteer, tag_owner
from training.entity_sentiment import us_listed
from training.entity_sentiment.markets import FILE as MARKETS
from training.entity_sentiment.markets import KEY as MARKET_KEY
from training.entity_sentiment.markets import entities as market_entities
from training.entity_sentiment.pairs import ANALYSTS, TEACHERS_CASHTAG, Pair, marked, tfns_pairs
from training.sentiment import sentfin, tfns
from training.sentiment.word_vectors import Pretrained, inflections

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "data" / "sentfin" / "entity_list_comprehensive.csv"
SP500 = ROOT / "data" / "sp500" / "constituents.csv"
WORLD = ROOT / "data" / "world_companies" / "companies.csv"
# The US tickers of the list's companies keyed by a name of their own (SOURCES.md there).
US_TICKERS = WORLD.with_name("us_tickers.csv")
WORD_NAMES = WORLD.with_name("word_names.csv")
FILE = GAZETTEER_FILE
SOURCE = (
    "SEntFiN's entity_list_comprehensive.csv (MIT), the S&P 500 constituents (ODC-PDDL), "
    "this project's list of companies beyond them (MIT) and the SEC's list of US-listed "
    "companies (public domain), filtered as gazetteer.py and us_listed.py say"
)
# What headlines call a listed company where the list's name differs, or where the word
# filter would drop the name as an ordinary word; read off TFNS's training headlines.
SHORT_NAMES = {
    "AAPL": ("Apple",),
    "AMZN": ("Amazon",),
    "BAC": ("BofA",),
    "BRK.B": ("Berkshire",),
    "C": ("Citi",),
    "DIS": ("Disney",),
    "F": ("Ford",),
    "GE": ("GE",),
    "GM": ("GM",),
    "GOOGL": ("Google", "Alphabet"),
    "GS": ("Goldman",),
    "INTC": ("Intel",),
    "INTU": ("Intuit",),
    "JPM": ("JPMorgan",),
    "META": ("Meta", "Facebook"),
    "MSFT": ("Microsoft",),
    "ORCL": ("Oracle",),
    "UPS": ("UPS",),
    "XOM": ("Exxon",),
}
_SHORT = frozenset(name for names in SHORT_NAMES.values() for name in names)
# Names that name their company less often than something else, shipped as `ambiguous`
# (Gazetteer): found as their own entity, with no company, yet found for a caller who
# asks for the company by its ticker. "Nasdaq" is Nasdaq, Inc.'s short name; of its 77
# mentions in TFNS's training headlines outside an outlet's credit, 59 are the index
# ("Nasdaq up 0.2%"), 7 the exchange ("non-compliance letter from Nasdaq") and 11 the
# company ("Nasdaq prices 600M of senior notes"), and most of SEntFiN's are not it.
AMBIGUOUS = ("Nasdaq",)
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
# A word in lower case or in Title case; a name's words (as the gazetteer splits them).
_OTHERWISE = re.compile(r"\b[A-Z]?[a-z]+\b")
# Four-letter tickers that headlines write in capitals for something else: the
# FAANG-style group of stocks, the sector.
NOT_TICKERS = frozenset({"FANG", "TECH"})
_SP500_FORM = re.compile(
    r"(?:,?\s+(?:Inc\.?|Incorporated|Corporation|Corp\.?|Company|Companies|plc|Ltd\.?|"
    r"Limited|Group|Holdings|& Co\.?|& Company))+$"
)
# "Ltd.", ", Inc", "Corp Ltd.", "(India) Ltd.", "Ltd.- Old" at the end of a name.
_LEGAL_FORM = re.compile(
    r"(?:[\s,.-]+(?:\(India\)|Ltd|Limited|Inc|Corp|Corpn|Co|Plc|PLC|Pvt|Old)\.?)+$"
)
# A name in camel case ("eBay", "iGATE", "eClerx") is no word, though it starts with a
# small letter, as the sectors that the word filter leaves out do ("gold", "banks").
_CAMEL_CASE = re.compile(r"[a-z]+[A-Z]")
# A legal form that names a company listed outside India ("Pfizer Inc.", "Siemens AG").
_FORM_ABROAD = re.compile(r",?\s+(?:Inc\.?|Corp\.?|Corporation|Company|AG|KGaA|SE|SA|NV|plc|PLC)$")


def aliases(path: Path) -> dict[str, str]:
    """Each name the list gives -> its entity's key: "NSE:" and the company's symbol (the
    first entity listing a name keeps it)."""
    out: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for name in row["Entity"].split(","):
                if name.strip():
                    out.setdefault(name.strip(), f"NSE:{row['Symbol']}")
    return out


def english_words(pretrained: Pretrained) -> set[str]:
    """The pretrained tokenizer's whole words and their -s/-ed/-ing forms."""
    words = pretrained.words()
    return words.union(*(inflections(w) for w in words))


def variants(name: str) -> set[str]:
    """The name and the forms headlines write it in (see the module's docstring)."""
    out = {name, _LEGAL_FORM.sub("", name).strip()}
    if name.isalpha() and name.isupper() and len(name) >= 4:
        out.add(name.capitalize())
    return out


def entities(path: Path = COMMITTED, english: set[str] | None = None) -> dict[str, str]:
    """The kept names of SEntFiN's list -> their entity's key. `english`: lower-case
    ordinary words (default: `english_words` of the pretrained tokenizer)."""
    if english is None:
        english = english_words(Pretrained())
    out: dict[str, str] = {}
    for alias, key in aliases(path).items():
        for name in sorted(variants(alias)):
            if _kept(name, english):
                out.setdefault(name, key)
    return dict(sorted(out.items()))


def for_pairs(path: Path = COMMITTED, english: set[str] | None = None) -> dict[str, str]:
    """The names that mark TFNS's training headlines and the posts the teacher answers:
    SEntFiN's list's (`path`) and the S&P 500's, each with its entity's key, so that two
    names of one company make one entity ("Apple (AAPL)"). A name both lists give keeps
    SEntFiN's entity."""
    if english is None:
        english = english_words(Pretrained())
    return dict(sorted({**sp500_entities(english), **entities(path, english)}.items()))


def shipped(
    path: Path = COMMITTED,
    english: set[str] | None = None,
    world: Path = WORLD,
    words: set[str] | None = None,
    markets: Path | None = None,
    us_companies: Path | None = us_listed.LISTED,
) -> dict[str, str]:
    """The names an export ships, what `"auto"` finds: `for_pairs`'s but the ordinary
    words among them (`words`, default `headline_words()`), the project's list of
    companies beyond them (`world`), the US-listed companies none of them holds
    (`us_companies`, us_listed.py; None: none), and the commodities and currencies of
    `markets` (markets.py; None, as served: none); a name an earlier list gives keeps
    its entity, unless the project's list gives it a company listed in India."""
    if english is None:
        english = english_words(Pretrained())
    if words is None:
        words = headline_words()
    listed = {n: k for n, k in for_pairs(path, english).items() if not _a_word(n, words)}
    ours = world_entities(world)
    # The project's rows for companies listed in India mend SEntFiN's list where it gives
    # a name to another company: "LIC" alone is Life Insurance Corporation in 16 of the
    # 17 training titles that write it, and the list files it under LIC Housing Finance.
    keys = {**ours, **listed, **{n: k for n, k in ours.items() if k.startswith("NSE:")}}
    for name, companies_of in _listed_forms(path).items():
        if len(companies_of) == 1 and _CAMEL_CASE.match(name):
            keys.setdefault(name, next(iter(companies_of)))
    # A ticker of another share class written in capitals ("GOOG") is the company's.
    classes = share_classes()
    keys = {name: classes.get(key, key) for name, key in keys.items()}
    # SEntFiN's list files a parent's legal name under its Indian unit ("Pfizer Inc."
    # under Pfizer Ltd): that name is the parent's.
    abroad = _abroad(world)
    for name, key in keys.items():
        if key.startswith("NSE:") and _FORM_ABROAD.search(name):
            bare = _FORM_ABROAD.sub("", name)
            keys[name] = abroad.get(_words(name), abroad.get(_words(bare), key))
    if us_companies is not None:
        keys.update(
            us_listed.listed_entities(
                english, words, keys, _training_titles(), _sentfin_unannotated(), us_companies
            )
        )
    if markets is not None:
        for name, key in market_entities(markets).items():
            keys.setdefault(name, key)
    return dict(sorted(keys.items()))


def by_ticker_only(keys: Mapping[str, str], path: Path = COMMITTED) -> dict[str, list[str]]:
    """The names of a company that `"auto"` leaves out as ordinary words, by the key a
    caller's ticker names it by: "TGT" -> "Target", "GLW" -> "Corning", "NSE:VOLTAS" ->
    "Voltas". A caller who asks for the company by its ticker says the word is the
    company, so `Gazetteer.mention_of` looks for these too, in their own case; asked by
    the word itself ("Target", "Dow"), a caller may mean the word ("Dow" is as often the
    index), and it keeps no company. Of the S&P 500's forms and the names SEntFiN's
    list writes for its companies (`_listed_forms`), those not in `keys` (the shipped
    names) that start with a capital and are not all capitals, each of one company; and
    the project's list's names that are words (`word_names`: "Shell" for SHEL or "Shell
    plc", "Arm" for ARM)."""
    out: dict[str, list[str]] = {}
    for name, companies_of in _listed_forms(path).items():
        if len(companies_of) == 1 and name not in keys and name[0].isupper() and not name.isupper():
            out.setdefault(next(iter(companies_of)), []).append(name)
    for key, names in word_names(keys).items():
        out.setdefault(key, []).extend(names)
    return dict(sorted(out.items()))


def word_names(keys: Mapping[str, str], path: Path = WORD_NAMES) -> dict[str, list[str]]:
    """The names headlines write for companies of the project's list that are also words
    ("Shell", "Arm", "Orange"), which the list leaves out of what `"auto"` finds: key ->
    names, of the companies `keys` (a name -> its company) finds. A row's names must
    start with a capital; a name `keys` holds is found by `"auto"` already and is left
    out here."""
    companies = set(keys.values())
    out: dict[str, list[str]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key, names = row["key"], row["names"].split("|")
            if key not in companies:
                continue
            if not all(name[:1].isupper() for name in names):
                raise ValueError(f"{path.name}: {names} are not all names")
            if words := [name for name in names if name not in keys]:
                out[key] = words
    return out


def _listed_forms(path: Path = COMMITTED, sp500: Path = SP500) -> dict[str, set[str]]:
    """Each name the S&P 500 writes for its companies (`sp500_forms`, `SHORT_NAMES`) and
    SEntFiN's list for its companies (those with a name in a legal form: its sectors and
    markets have none), as listed and without the legal form, -> the companies it names.
    SEntFiN's Title-case forms of its symbols ("Star" of "STAR") are no names written."""
    out: dict[str, set[str]] = {}
    names = aliases(path)
    firms = {key for name, key in names.items() if _LEGAL_FORM.search(name)} - CATEGORIES
    for alias, key in names.items():
        if key in firms:
            for name in {alias, _LEGAL_FORM.sub("", alias).strip()}:
                out.setdefault(name, set()).add(key)
    with sp500.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for name in sp500_forms(row["Security"]) | set(SHORT_NAMES.get(row["Symbol"], ())):
                out.setdefault(name, set()).add(row["Symbol"])
    return out


def us_tickers(path: Path = US_TICKERS, world: Path = WORLD, sp500: Path = SP500) -> dict[str, str]:
    """The US ticker of each company of the project's list that is listed in the US under
    a key of the list's own ("W:TOYOTA"), its own shares or depositary shares -> that key.
    A ticker the S&P 500 or the list already uses as a key or a name is refused, so that
    no ticker names two companies."""
    with world.open(newline="", encoding="utf-8") as fh:
        names_of = {row["key"]: set(row["names"].split("|")) for row in csv.DictReader(fh)}
    names = set().union(*names_of.values())
    with sp500.open(newline="", encoding="utf-8") as fh:
        taken = {row["Symbol"] for row in csv.DictReader(fh)}
    taken |= {key for key in names_of if ":" not in key}
    out: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            ticker, key = row["ticker"], row["key"]
            if key not in names_of or not key.startswith("W:"):
                raise ValueError(f"{path.name}: {key} is no W: key of {world.name}")
            if (
                ticker in taken
                or ticker in out
                or (ticker in names and ticker not in names_of[key])
            ):
                raise ValueError(f"{path.name}: {ticker} is already another company's")
            out[ticker] = key
    return dict(sorted(out.items()))


# Listed share classes the S&P 500 does not hold beside the one it does: Berkshire
# Hathaway's A shares, Brown-Forman's A shares, Lennar's B shares. "$BRK.A" and "(BRK.A)"
# name the company "$BRK.B" does.
OTHER_CLASSES = {"BRK.A": "BRK.B", "BF.A": "BF.B", "LEN.B": "LEN"}


def share_classes(sp500: Path = SP500) -> dict[str, str]:
    """The tickers of a company's other share classes (rows of the S&P 500 with one CIK,
    and OTHER_CLASSES) -> the first row's, which its names are keyed by (`sp500_entities`
    gives a name to the first row that writes it): "GOOG" -> "GOOGL", "FOX" -> "FOXA",
    "NWS" -> "NWSA", "BRK.A" -> "BRK.B". A portfolio holds either class, and "$GOOG
    $GOOGL - Google ..." names one company."""
    first: dict[str, str] = {}
    out = dict(OTHER_CLASSES)
    with sp500.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            ticker = first.setdefault(row["CIK"], row["Symbol"])
            if ticker != row["Symbol"]:
                out[row["Symbol"]] = ticker
    return dict(sorted(out.items()))


def elsewhere(keys: Mapping[str, str], world: Path = WORLD) -> dict[str, str]:
    """The names `keys` gives a company listed in India that the S&P 500 or the project's
    list give another company: name -> that company ("Pfizer": Pfizer Ltd in Mumbai,
    Pfizer Inc. in New York; "PTC": PTC India and PTC Inc.). An export ships them as
    `elsewhere` (Gazetteer): which of the two a headline means, its words say, if any."""
    abroad = _abroad(world)
    return {
        name: abroad[_words(name)]
        for name, key in sorted(keys.items())
        if key.startswith("NSE:") and key not in CATEGORIES and abroad.get(_words(name), key) != key
    }


@cache
def _abroad(world: Path = WORLD) -> dict[tuple[str, ...], str]:
    """Each name the S&P 500 (`sp500_entities` with no word left out: a name asked about
    is already one) or the project's list gives, by its words as the gazetteer matches
    them ("Colgate Palmolive" is "Colgate-Palmolive"), -> its company; the S&P 500's
    first, as `shipped` has it."""
    names = {**world_entities(world), **sp500_entities(english=set())}
    return {_words(name): key for name, key in names.items()}


def _words(name: str) -> tuple[str, ...]:
    return tuple(WORD.findall(name))


def headline_words(min_count: int = 3) -> set[str]:
    """The words SEntFiN's training titles and TFNS's training headlines write in lower
    case at least `min_count` times: ordinary words, whether or not the tokenizer holds
    them whole ("investment" and "finance" are two tokens each, so the word filter let
    "Investment", from SEntFiN's sector "INVESTMENT", through as a name)."""
    counts = Counter(w for t in _training_titles() for w in _LOWER_WORD.findall(t))
    return {w for w, n in counts.items() if n >= min_count}


def acronyms(names: Iterable[str], min_count: int = 3) -> set[str]:
    """The names written in capitals that headlines never write otherwise: no word of
    the name is written in lower case or in Title case `min_count` times or more in the
    training titles and headlines that are not all in capitals ("OIL" is written "oil",
    "INDIA" "India", "IT SPACE" "It"). A headline all in capitals names these companies
    as any other does ("TCS", "SBI", "AMD"), so the service searches it for them too."""
    titles = [t for t in _training_titles() if not t.isupper()]
    counts = Counter(w for t in titles for w in _OTHERWISE.findall(t))
    written = {w for w, n in counts.items() if n >= min_count}
    out = set()
    for name in names:
        words = WORD.findall(name)
        # A letter alone says nothing ("L&T", "P&G"; "t" is in "don't"), but a name of
        # one letter is as often an initial.
        seen = any({w.lower(), w.capitalize()} & written for w in words if len(w) > 1)
        if name.isupper() and sum(map(len, words)) > 1 and not seen:
            out.add(name)
    return out


def lower_case(names: Iterable[str]) -> set[str]:
    """The names to look for in a text all in lower case, as someone types a headline or
    a post is written: those with a word that the training titles and headlines never
    write in lower case ("tata motors", "infosys", "tcs", "sony"; not "target", "best
    buy", "it space"). The tokenizer's words are no test here: it holds "sony" and
    "nvidia" whole, as names are typed."""
    ordinary = headline_words(min_count=1)
    return {
        name for name in names if not all(word.lower() in ordinary for word in WORD.findall(name))
    }


@cache
def _training_titles() -> frozenset[str]:
    """SEntFiN's training titles and TFNS's training headlines, read once a process: the
    word filter, `acronyms` and `lower_case` each ask, and an export asks for all three."""
    return _sentfin_titles() | {h.text for h in tfns.load(tfns.TRAIN)}


@cache
def _sentfin_titles() -> frozenset[str]:
    """SEntFiN's training titles, read once a process."""
    return frozenset(h.title for h in _sentfin_training())


@cache
def _sentfin_unannotated() -> frozenset[str]:
    """SEntFiN's training titles without the entities its annotators labelled in them:
    what they write that names no company of theirs ("AGM", "HNI")."""
    out = set()
    for h in _sentfin_training():
        title = h.title
        for name in sorted(h.entities, key=len, reverse=True):
            title = title.replace(name, " | ")
        out.add(title)
    return frozenset(out)


@cache
def _sentfin_training() -> tuple[sentfin.Headline, ...]:
    return tuple(h for h in sentfin.load(sentfin.COMMITTED) if not h.is_test)


def _a_word(name: str, words: set[str]) -> bool:
    """A one-word name in Title case that headlines write as a word, unless headlines
    were seen to use it as a name (SHORT_NAMES)."""
    short = name in _SHORT
    return name.isalpha() and name == name.capitalize() and name.lower() in words and not short


def world_entities(path: Path = WORLD, sp500: Path = SP500) -> dict[str, str]:
    """The project's list of companies beyond SEntFiN's and the S&P 500's: each name ->
    its key, "W:" and a name for the company, the ticker of the S&P 500 company the name
    is another name of ("AMD"), or for a company listed in India "NSE:" and its symbol,
    SEntFiN's key for it where the list has it ("Vodafone Idea", Idea Cellular renamed)."""
    with sp500.open(newline="", encoding="utf-8") as fh:
        tickers = {row["Symbol"] for row in csv.DictReader(fh)}
    out: dict[str, str] = {}
    keyed: set[str] = set()
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = row["key"]
            if key in keyed:
                raise ValueError(f"{path.name}: {key} has two rows")
            keyed.add(key)
            indian = key.startswith("NSE:") and row["country"] == "IN"
            if not key.startswith("W:") and key not in tickers and not indian:
                raise ValueError(
                    f"{path.name}: {key} is neither W:<name>, an S&P 500 ticker nor the NSE: "
                    "symbol of a company in India"
                )
            names = row["names"].split("|")
            for name in names:
                if len(name) < 2 or not _starts_a_name(name, names):
                    raise ValueError(f"{path.name}: {name!r} does not start a name")
                if name in out:
                    twice = "names two companies" if out[name] != key else "is written twice"
                    raise ValueError(f"{path.name}: {name!r} {twice}")
                out[name] = key
    return dict(sorted(out.items()))


def _starts_a_name(name: str, row: list[str]) -> bool:
    """Whether a name of the project's list is written as a name: it starts with a capital
    or a digit, is in camel case ("easyJet", "iRobot", "xAI"), or is a brand written all in
    lower case whose row gives its Title-case form too ("onsemi" beside "Onsemi"), which
    says the lower case is the company's own and no slip."""
    if name[0].isupper() or name[0].isdigit() or _CAMEL_CASE.match(name):
        return True
    return name.islower() and name.capitalize() in row


def sp500_forms(security: str) -> set[str]:
    """The forms headlines write an S&P 500 company's listed name in."""
    name = re.sub(r"\s*\(Class [A-Z]\)$", "", security)
    name = re.sub(r"\s*\(The\)$", "", name)
    swapped = re.fullmatch(r"(\w+) \((\w+)\)", name)  # "Lilly (Eli)"
    if swapped:
        name = f"{swapped.group(2)} {swapped.group(1)}"
    return {n for n in (name, _SP500_FORM.sub("", name).strip()) if n}


def sp500_entities(english: set[str], path: Path = SP500) -> dict[str, str]:
    """The S&P 500's names, tickers and short names `"auto"` looks for (see the module's
    docstring) -> the company's ticker, which a cashtag of it also names."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    unknown = set(SHORT_NAMES) - {row["Symbol"] for row in rows}
    if unknown:
        raise ValueError(f"short names for tickers not in {path.name}: {sorted(unknown)}")
    out = {short: ticker for ticker, shorts in SHORT_NAMES.items() for short in shorts}
    for row in rows:
        ticker = row["Symbol"]
        for name in sorted(sp500_forms(row["Security"])):
            if _kept(name, english):
                out.setdefault(name, ticker)
        if (
            len(ticker) >= 4
            and ticker.isalpha()
            and ticker.lower() not in english
            and ticker not in NOT_TICKERS
        ):
            out.setdefault(ticker, ticker)
    return dict(sorted(out.items()))


def _kept(name: str, english: set[str]) -> bool:
    """Whether a listed name can be matched without firing on ordinary words."""
    if len(name) < 2 or not (name[0].isupper() or name[0].isdigit()):
        return False
    return not (name.isalpha() and name == name.capitalize() and name.lower() in english)


def reach(known: Gazetteer, test: list[Pair]) -> dict[str, float | int]:
    """How much of a test set's annotation `"auto"` finds in its texts (SEntFiN's test
    titles, FinEntity's passages) with the gazetteer `known`, as an export ships it.

    `found`: the share of annotated mentions that a gazetteer match overlaps;
    `not_annotated`: the share of gazetteer matches that overlap no annotated mention
    (a name SEntFiN did not label in that headline, or a word read as a name).
    """
    find_all = known.find_all
    mentions: dict[str, list[tuple[int, int]]] = {}
    for q in test:
        mentions.setdefault(q.title, []).extend([q.span] if q.span else [])

    def overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
        return any(a[0] < b[1] and b[0] < a[1] for b in spans)

    total = found = matches = stray = 0
    for title, spans in mentions.items():
        # A ticker found in the exchange tag right after an annotated name stands for
        # that name's company ("Schlumberger <SLB.N>"): it counts as found there.
        got = [named_by_tag(span, title, spans) for _, span in find_all(title)]
        total += len(spans)
        found += sum(overlaps(s, got) for s in spans)
        matches += len(got)
        stray += sum(not overlaps(g, spans) for g in got)
    return {
        "mentions": total,
        "found": round(found / max(total, 1), 4),
        "matches": matches,
        "not_annotated": round(stray / max(matches, 1), 4),
    }


def reaches(known: Gazetteer, test: list[Pair], held_out: list[Pair]) -> dict[str, dict]:
    """`reach` on SEntFiN's test pairs and FinEntity's, as written, all in capitals and
    all in lower case, as an export's metadata records them."""
    return {
        "test": reach(known, test),
        "finentity": reach(known, held_out),
        "test_in_capitals": reach(known, in_capitals(test)),
        "finentity_in_capitals": reach(known, in_capitals(held_out)),
        "test_in_lower_case": reach(known, in_lower_case(test)),
        "finentity_in_lower_case": reach(known, in_lower_case(held_out)),
    }


def named_by_tag(span: tuple[int, int], text: str, names: list[tuple[int, int]]) -> tuple[int, int]:
    """The annotated name (of `names`) whose exchange tag holds `span`, else `span`."""
    return tag_owner(text, span, names) or span


def in_capitals(test: list[Pair]) -> list[Pair]:
    """`test`'s pairs with their titles written all in capitals, as some wires write
    headlines."""
    return _in_one_case(test, str.upper)


def in_lower_case(test: list[Pair]) -> list[Pair]:
    """`test`'s pairs with their titles written all in lower case, as a headline is
    typed."""
    return _in_one_case(test, str.lower)


def _in_one_case(test: list[Pair], change: Callable[[str], str]) -> list[Pair]:
    """`test`'s pairs with `change` applied to their titles; a title whose length it
    would change ("ß" in capitals) is left out, so that the annotated spans still hold."""
    return [
        dataclasses.replace(q, title=change(q.title))
        for q in test
        if len(change(q.title)) == len(q.title)
    ]


def said(reach: dict[str, float | int], where: str = "test") -> str:
    """`reach` in a sentence, as the training run and `make evaluate-entities` print it."""
    return (
        f"finds {reach['found']:.1%} of the {reach['mentions']} annotated {where} mentions; "
        f"{reach['not_annotated']:.1%} of its {reach['matches']} matches are not annotated"
    )


def tfns_pairs_for(
    path: Path,
    targets: str,
    keys: Mapping[str, str],
    analysts: frozenset[str] = ANALYSTS,
) -> list[Pair]:
    """The pairs of a TFNS file with `targets` "cashtag" or "gazetteer": the names that
    mark them (`keys`, name -> entity, as `for_pairs` builds them once a run), as the
    per-entity trainer's and its teacher's `--tfns` read them (`analysts`: as
    `tfns_pairs`)."""
    found = marking(keys) if targets == "gazetteer" else None
    return tfns_pairs(tfns.load(path), found, analysts)


def marking(keys: Mapping[str, str]) -> Gazetteer:
    """The gazetteer that marks TFNS's posts for training (`keys`, as `for_pairs` builds
    them), as the committed teachers' answers were made: no exchange tags, no search in
    one case, and the cashtags of TEACHERS_CASHTAG."""
    return Gazetteer(list(keys), keys, capitals=False, cashtags=TEACHERS_CASHTAG)


# SEntFiN's list groups sectors, markets and regulators under symbols of its own, each a
# category and no company: "Sensex", "Nifty" and "NCDEX" are all STOCKEXCHNG, "SEBI" and
# "Supreme Court" REGORG, "IT stocks" and "IT sector" ITSPACE. Its annotators answer for
# each name on its own (both the Sensex and the Nifty in 78 of the 81 training titles that
# name both), so an export keeps each such name its own entity, with no company.
CATEGORIES = frozenset(
    f"NSE:{symbol}"
    for symbol in (
        "2WHLRSPACE", "4WHLRSPACE", "AGRISPACE", "AUTOANCSPACE", "AUTOCOMPSPACE", "AUTOSPACE",
        "BFSISPACE", "BROKERAGECOS", "CAPGOODSPACE", "CHEMSPACE", "CONSMRSPACE",
        "CONSTRSPACE", "ENERGYSPACE", "FERTSPACE", "INDIASEC", "INDSTOCKS", "ITSPACE",
        "MANFSPACE", "MCAPSPACE", "MEDIASPACE", "METALSPACE", "MININGSPACE", "MNCSEC",
        "ONGSPACE", "PACKAGINGCOS", "PAPERSEC", "PHARMSPACE", "PLYWOODCOS", "PRIVATEBANKS",
        "PSUBANKS", "PSUCOS", "PWRSPACE", "RAILSECTOR", "REGORG", "RETAILSECTOR",
        "RSTATESECTOR", "SNMCAPSPACE", "STKSPACE", "STOCKEXCHNG", "TECHSPACE",
        "TEXTILESECTOR", "TLCOMSPACE", "TYRECOS",
        # Indices and kinds of stock and bond its list keys like companies.
        "BANKNIFTY", "INFLATIONBND", "LARGECAPS", "MIDCAP", "MIDCAPBANK", "MIDCAPCONST",
        "MIDCAPIT", "MIDCAPPHARMA", "SMALLCAPIT",
        # Since v30: the sectors, bonds, metals and markets left under company-like keys
        # ("PSU stocks", "Cement companies", "10-year bond", "Base metals").
        "10YRBOND", "AVIATION", "BANK", "BASEMETALS", "BLUECHIPS", "BSMETAL", "CEMENT",
        "CYCLICALS", "DEFENCE", "EMERGINGMKT", "EQUITYMKT", "EXPORT", "FINMKT", "GVTBNDSPC",
        "HOTEL", "INDBONDS", "INDIA", "INSURANCE", "INVESTMENT", "JEWELSPC", "LGSTCSPC",
        "LOGISTIC", "NICKEL", "PERIPHERALBND", "PHARMA", "PLATINUM", "PSU", "STEELSPC",
        "SUGARSPC", "TEASPC", "TIN", "TOBACCO",
    )
)  # fmt: skip


def companies(keys: Mapping[str, str]) -> dict[str, str]:
    """`keys` without the names of SEntFiN's categories (CATEGORIES) and the commodities
    and currencies (markets.py): what an export ships as `entities`, each name left out
    being its own entity."""
    return {
        name: key
        for name, key in keys.items()
        if key not in CATEGORIES and not key.startswith(MARKET_KEY)
    }


def served(keys: Mapping[str, str], path: Path = COMMITTED) -> Gazetteer:
    """The gazetteer `"auto"` uses with an export's names (`keys`, as `shipped` builds
    them): tickers in exchange tags (app.sentiment.entities.EXCHANGE_TAG) found too, in
    text all in capitals the names in capitals that are `acronyms`, in text all in
    lower case the names `lower_case` keeps, the AMBIGUOUS names no company's, and the
    names listed in India and `elsewhere` the company the headline's words say; for a
    caller who asks by ticker, the company's names `by_ticker_only` (of SEntFiN's list at
    `path`, as `shipped` read it); and a company's other tickers its own: its other
    `share_classes` and, for a company of the project's list, its US ticker
    (`us_tickers`: "TM" is Toyota's, as the caller's name or a cashtag); and the
    `ordinary_words`, with which a company no list holds is found as a headline's
    subject."""
    return Gazetteer(
        sorted(keys),
        companies(keys),
        exchange_tags=True,
        acronyms=acronyms(keys),
        lower_case=lower_case(keys),
        ambiguous=[name for name in AMBIGUOUS if name in keys],
        elsewhere=elsewhere(keys),
        by_ticker=by_ticker_only(keys, path),
        share_classes={**share_classes(), **us_tickers()},
        ordinary_words=ordinary_words(),
    )


@cache
def ordinary_words() -> frozenset[str]:
    """The words a company's name opening a headline is not (`app.sentiment.subjects`):
    those the training titles and headlines write in lower case, the word vectors' whole
    words with their -s/-ed/-ing forms, and the commodities' and currencies' names of
    `data/markets/` ("Menthol rises", "Rouble drops"), all in lower case."""
    market = {w.lower() for name in market_entities(MARKETS) for w in WORD.findall(name)}
    return frozenset(headline_words(min_count=1) | english_words(Pretrained()) | market)


def export_file(keys: Mapping[str, str], path: Path = COMMITTED) -> str:
    """gazetteer.json as an export ships it, what `Gazetteer.load` reads back as
    `served(keys, path)`."""
    found = served(keys, path)
    return json.dumps(
        {"source": SOURCE, "names": list(found.names),
         "entities": dict(sorted(companies(keys).items())),
         "exchange_tags": found.exchange_tags, "acronyms": sorted(found.acronyms),
         "lower_case": sorted(found.lower_case),
         "ambiguous": sorted(found.ambiguous),
         "elsewhere": dict(sorted(found.elsewhere.items())),
         "by_ticker": dict(sorted(found.by_ticker.items())),
         "share_classes": dict(sorted(found.share_classes.items())),
         "ordinary_words": " ".join(sorted(found.ordinary_words))},
        indent=0,
    )  # fmt: skip


def marked_posts(posts: Iterable[str], keys: Mapping[str, str]) -> list[str]:
    """Unlabelled posts as the per-entity model reads them, for its teacher to answer:
    each post in which the names that mark TFNS's pairs (`keys`, as `for_pairs` builds
    them) find a company, with its subject marked as a TFNS headline's is (`tfns_pairs`:
    the first company that is not an analyst); a post that names none asks about no one
    and is left out."""
    # tfns_pairs wants a label; none is read back.
    rows = [tfns.Headline(text, "neutral") for text in posts]
    found = tfns_pairs(rows, marking(keys))
    return [marked(q) for q in found if q.span is not None and not q.analyst]
