"""US-listed companies beyond the earlier lists, from the SEC's list of tickers.

`company_tickers_exchange.json` (data/us_listed/, public domain) gives each company that
files with the SEC and trades on an exchange its ticker and its name as its filings
write it ("LOUISIANA-PACIFIC CORP", "Symbotic Inc.", "Triumph Group Inc."). A US headline
names such a company by that name without its legal form, often without "Holdings" or
"Group" too, or by a first word no other name has ("Symbotic", "Coterra"). For each
company on the NYSE or Nasdaq (`rows`: its first listing, not a fund, trust of a
commodity, blank-cheque company or other vehicle, whose asset the headline names), the
gazetteer takes:

- its name without the legal form, the state or country of incorporation ("INC/TX",
  "(Cayman)"), a name in capitals written in Title case word by word ("EXACT SCIENCES"
  -> "Exact Sciences"), short words that are neither a word headlines write in lower
  case nor a dictionary word left in capitals ("BWX", "KBR"), short words the
  dictionary holds as names in both cases ("Lee Enterprises", "LEE Enterprises"), and
  a word the training titles write one way only, with a capital inside, as they write
  it too ("FormFactor", `_camel_case`);
- that name without its grouping word ("Triumph", "Old National" of Old National
  Bancorp), unless a bank's name is then only ordinary words ("Orange County", "Five
  Star", "National Bank");
- its first word alone, where that word can name nothing else (`distinct`);
- a name of one word only where it can name nothing else but the company: four letters
  or more, and the company's own parts ("Louisiana-Pacific") or held by at most one
  other company's name ("Rayonier").

A word "can name nothing else" when it starts with a capital, is in no other company's
filed name, in no name the earlier lists give, and is no word or name of an English
spelling dictionary (SCOWL's, data/english_words/, with its affixes: "affirm",
"lumen", "Hamilton", "Oshkosh"), of the pretrained tokenizer (`english`), of the
training titles' lower case (`words`) or of the given names. The tokenizer's 10,822
words alone would let "Affirm" and "Immersion" through, which a Title-case headline
writes as words.

A company an earlier list holds by the same name written otherwise ("Pony.ai", "Ke
Holdings") gains the filing's way of writing it, where the filing writes its own case,
under the earlier list's key; not for SEntFiN's names, whose keys for companies beyond
India may be another company's ("MakemyTrip" is MMTC's).

And none of these names is taken where:

- an earlier list holds it, or holds the start of the company's name: "Peloton
  Interactive" is the project's Peloton, "Reliance Global" no company of India's
  Reliance group, "Axis Capital Holdings" no unit of Axis Bank;
- the training titles write it in lower case, as a phrase ("fast track", "new gold");
- SEntFiN's training titles write it as it is outside the entities their annotators
  labelled, for something else ("LiveWire");
- two companies' rules give it, and it is neither's whole name ("First Financial").

Each company's key is its ticker, as for the S&P 500, so that an exchange tag ("(NYSE:
LPX)") and a cashtag name the same entity.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

from app.sentiment.entities import WORD
from app.sentiment.given_names import GIVEN_NAMES

ROOT = Path(__file__).resolve().parents[2]
LISTED = ROOT / "data" / "us_listed" / "company_tickers_exchange.json"
DICTIONARY = ROOT / "data" / "english_words" / "index.dic"
EXCHANGES = frozenset({"NYSE", "Nasdaq"})
# Listed vehicles rather than companies: headlines name what they hold.
_VEHICLE = re.compile(
    r"\b(?:Fund|Funds|ETF|ETN|Acquisition|Municipal|Portfolio|Index|Income|Opportunities|"
    r"Strategic|Bond|Treasury|Merger|SPAC|ProShares|iShares|Direxion|Grayscale|Bitcoin|"
    r"Ether|Ethereum|Royalty Trust|Physical|Closed|Term|Dividend|Yield|Shares|Lending|BDC|"
    r"Specialty Finance|Gold|Silver|Platinum|Palladium|Commodity|Currency|CurrencyShares|"
    r"SPDR|WisdomTree|VanEck|Teucrium|Invesco|Series|Holdings Trust)\b"
    # A blank-cheque company's number ("Origin Investment Corp I", "... Corp. II").
    r"|\b(?:Corp|Inc|Ltd)\.? [IVX]+$",
    re.IGNORECASE,
)
# A legal form, a state or country of incorporation ("INC/TX", "/DE/", "(Cayman)"), at
# the end of a filed name.
_FORM = re.compile(
    r"(?:[\s,]+(?:Inc\.?|Incorporated|Corporation|Corp\.?|Company|Co\.?|Cos\.?|Ltd\.?|"
    r"Limited|L\.?P\.?|LLC|L\.L\.C\.|plc|N\.? ?V\.?|S\.?A\.?|S\.?A\.?B\.? de C\.?V\.?|"
    r"de C\.?V\.?|SAB|S\.?p\.?A\.?|SE|AG|ASA|A/S|AB|Oyj|Com|New|Del|The)(?!\w)\.?"
    r"|\s*/[A-Z]{2,4}/?|\s*\\[A-Z]{2,4}\\|\s*\([^)]*\))+$",
    re.IGNORECASE,
)
# What groups a company's businesses, which headlines leave out as often as they write
# it ("Triumph Group" and "Uniti", "Old National" of Old National Bancorp).
_GROUPING = re.compile(
    r"(?:[\s,]+(?:Holdings?|Group|Companies|Trust|Bancorp|Bancorporation|Bancshares|"
    r"Bankshares)(?!\w)\.?)+$",
    re.IGNORECASE,
)
_BANK = re.compile(r"\bBanc(?:orp|orporation|shares)\b|\bBank(?:shares)?\b", re.IGNORECASE)
_OTHER_SECURITY = re.compile(r"-(?:[A-Z]{2,}|P)$")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]|^[a-z]+[A-Z]")
_VOWEL = re.compile(r"[AEIOUY]", re.IGNORECASE)
_SMALL = frozenset({"of", "and", "the", "for", "in", "on", "de"})


def recased(name: str, common: frozenset[str], short: frozenset[str] = frozenset()) -> str:
    """A name its filings write in capitals as headlines write it: each word (and each
    part of a hyphenated one) in Title case, short ones that headlines do not write as
    words (`common`) or that are no word (`short`) left in capitals ("BWX", "KBR"),
    small linking words in lower case."""

    def part(word: str) -> str:
        if not word.isupper() or len(word) == 1:
            return word
        if word.lower() in _SMALL:
            return word.lower()
        core = word.strip(",.()&")
        low = core.lower()
        if core.isalpha() and (
            (len(core) <= 3 and low not in common and low not in short) or not _VOWEL.search(core)
        ):
            return word
        return word.capitalize()

    return " ".join("-".join(part(p) for p in w.split("-")) for w in name.split())


def _in_capitals(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > 0.7 * len(letters)


def bare(
    name: str, common: frozenset[str], grouping: bool = False, short: frozenset[str] = frozenset()
) -> str:
    """A filed name without its legal form, share class or country in parentheses, in
    the case headlines write it; with `grouping`, without "Holdings", "Group",
    "Bancorp" and the like as well."""
    written = recased(name, common, short) if _in_capitals(name) else name
    # "Alight, Inc. / Delaware": the state of incorporation after a slash.
    written = _FORM.sub("", written.split(" / ")[0]).strip(" ,.&-")
    while grouping and _GROUPING.search(written):
        written = _FORM.sub("", _GROUPING.sub("", written)).strip(" ,.&-")
    return written


def _filed(path: Path) -> list[tuple[int, str, str, str | None]]:
    """(cik, name, ticker, exchange) of each row of the SEC's file, in its order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    at = [data["fields"].index(f) for f in ("cik", "name", "ticker", "exchange")]
    return [tuple(row[a] for a in at) for row in data["data"]]  # type: ignore[misc]


def rows(path: Path = LISTED) -> list[tuple[str, str]]:
    """(ticker, filed name) of each company on the NYSE or Nasdaq, once a company (its
    first ticker in the file, which lists its main share class first), vehicles left out."""
    seen: set[int] = set()
    out = []
    for cik, name, ticker, exchange in _filed(path):
        if exchange not in EXCHANGES or not ticker or cik in seen:
            continue
        seen.add(cik)
        # A company whose first listing is a preferred share, a unit or a warrant
        # ("CMS-PB", "GRP-UN") is listed for those and named by its common stock's issuer.
        if _OTHER_SECURITY.search(ticker) or _VEHICLE.search(name):
            continue
        out.append((ticker.replace("-", "."), name))
    return out


@cache
def dictionary_words(path: Path = DICTIONARY) -> frozenset[str]:
    """A Hunspell dictionary's words and names in lower case, each with the forms its
    flags' prefix and suffix rules make ("pay/A" is "repay" too, "predict/V"
    "predictive")."""
    rules: dict[str, list[tuple[str, str, str, re.Pattern[str]]]] = {}
    for line in path.with_suffix(".aff").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        # "SFX V   e     ive        e": flag V strips "e" and adds "ive" after an "e".
        if len(parts) >= 5 and parts[0] in ("PFX", "SFX"):
            kind, flag, strip, add, condition = parts[:5]
            at = f"{condition}$" if kind == "SFX" else f"^{condition}"
            rules.setdefault(flag, []).append(
                (kind, "" if strip == "0" else strip, add.split("/")[0].replace("0", ""),
                 re.compile(at))
            )  # fmt: skip
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:  # the first: a count
        stem, _, flags = line.partition("/")
        word = stem.lower()
        if not word:
            continue
        out.add(word)
        for kind, strip, add, condition in (r for f in flags for r in rules.get(f, ())):
            if not condition.search(word):
                continue
            if kind == "SFX" and word.endswith(strip):
                out.add(word[: len(word) - len(strip)] + add)
            elif kind == "PFX" and word.startswith(strip):
                out.add(add + word[len(strip) :])
    return frozenset(out)


def _a_word(word: str, ordinary: set[str]) -> bool:
    return word.lower() in ordinary or word in GIVEN_NAMES


class _Written:
    """Which runs of words some texts write, as written: `in` answers for a name by its
    words ("Fast Track"), looking only at the texts that hold its first word."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._texts: list[str] = []
        self._holding: dict[str, list[int]] = {}
        for text in texts:
            words = WORD.findall(text)
            for word in set(words):
                self._holding.setdefault(word, []).append(len(self._texts))
            self._texts.append(f" {' '.join(words)} ")

    def __contains__(self, words: object) -> bool:
        if not isinstance(words, str) or not words:
            return False
        run = f" {words} "
        first = words.split(" ", 1)[0]
        return any(run in self._texts[i] for i in self._holding.get(first, ()))


@cache
def _written(texts: frozenset[str]) -> _Written:
    return _Written(texts)


@cache
def _camel_case(texts: frozenset[str]) -> dict[str, str]:
    """Words `texts` write only one way, and that with a capital inside ("MasTec",
    "FactSet", "eBay"), by their lower case: a name read from a filing in capitals is
    written so where a text writes it."""
    ways: dict[str, set[str]] = {}
    for word in {w for text in texts for w in WORD.findall(text)}:
        ways.setdefault(word.lower(), set()).add(word)
    return {
        low: next(iter(forms))
        for low, forms in ways.items()
        if len(forms) == 1 and _INNER_CAPITAL.search(next(iter(forms)))
    }


def _cased(name: str, camel: Mapping[str, str]) -> str:
    """`name` with each word `camel` knows written as the texts write it."""
    return WORD.sub(lambda m: camel.get(m.group().lower(), m.group()), name)


@cache
def _companies(
    path: Path, common: frozenset[str], dictionary: Path
) -> tuple[Counter[str], list[tuple[str, str, str, str, str]]]:
    """How many companies' filed names (over the whole file, vehicles too) hold each
    word; and each company of `rows`: its ticker, filed name, `bare` name, `bare` name
    without its grouping word, and `bare` name with its short words in capitals."""
    filed = {cik: name for cik, name, _, _ in _filed(path)}
    # A short word that is a name as well as a word ("LEE", "DEL", "REX") is written in
    # Title case; the name in capitals too is a second form ("REX American Resources").
    names = dictionary_words(dictionary)
    bared = {name: bare(name, common, short=names) for name in set(filed.values())}
    per_word = Counter(w for name in filed.values() for w in set(WORD.findall(bared[name])))
    companies = [
        (ticker, name, bared[name], bare(name, common, grouping=True, short=names),
         bare(name, common))
        for ticker, name in rows(path)
    ]  # fmt: skip
    return per_word, companies


def listed_entities(
    english: set[str],
    words: set[str],
    taken: Mapping[str, str],
    titles: frozenset[str],
    indian_titles: frozenset[str],
    path: Path = LISTED,
    dictionary: Path = DICTIONARY,
) -> dict[str, str]:
    """The names of the US-listed companies the earlier lists (`taken`: name -> key)
    lack -> their tickers (see the module's docstring). `english`: lower-case ordinary
    words; `words`: the words the training titles write in lower case; `titles`: the
    training titles, in which a name written in lower case is a phrase ("fast track",
    "new gold"); `indian_titles`: SEntFiN's training titles without their annotated
    entities, in which a name written as it is names something else."""
    ordinary = english | words | dictionary_words(dictionary)
    written = _written(titles)
    indian = _written(indian_titles)
    keys = set(taken.values())
    key_of = {" ".join(WORD.findall(name)).lower(): key for name, key in taken.items()}
    known = set(key_of)
    # A word of a name the earlier lists hold ("Koninklijke" of Koninklijke KPN) names no
    # one company alone.
    known_words = {w.lower() for name in taken for w in WORD.findall(name)}
    # How many companies' filed names hold each word, over the whole file: "Nuveen",
    # "Oaktree" and "Bancorp" each name many.
    per_word, companies = _companies(path, frozenset(words), dictionary)
    camel = _camel_case(titles)

    def distinct(word: str, most: int = 1) -> bool:
        """Whether a name of one word ("Coterra", "Patterson-UTI") can name only the
        company: no word, no other company's (`most`: how many companies' filed names
        may hold each of its parts)."""
        parts = WORD.findall(word)
        return (
            sum(map(len, parts)) >= 4
            and word[0].isupper()
            and all(per_word[p] <= most and p.lower() not in known_words for p in parts)
            and not _a_word(word, ordinary)
        )

    def whole_word(word: str) -> bool:
        """Whether a company's whole name of one word is the company's: one of parts
        ("Louisiana-Pacific", "BigBear.ai") whatever other names hold them, else a
        `distinct` word that at most one other company's name holds ("Rayonier")."""
        if len(WORD.findall(word)) == 1:
            return distinct(word, most=2)
        return word[0].isupper() and word.lower() not in known_words

    proposed: dict[str, set[str]] = {}
    whole: dict[str, str] = {}  # each company's name without its legal form
    for ticker, filed_as, name, short, in_capitals in companies:
        parts = WORD.findall(name)
        # A company whose name starts with one the earlier lists hold is most often that
        # company ("Peloton Interactive", "Rivian Automotive") or one of its group's
        # ("Reliance Global"): the earlier lists' entity stands.
        held = any(" ".join(parts[:n]).lower() in known for n in range(1, len(parts) + 1))
        spaced = " ".join(parts)
        earlier = key_of.get(spaced.lower(), "NSE:")
        own_case = not _in_capitals(filed_as) and not name.isupper()
        if own_case and name not in taken and not earlier.startswith("NSE:"):
            # An earlier list holds the name written otherwise ("Ke Holdings", "Pony.ai",
            # "Archer Daniels Midland"): the filing's way, where the filing writes it
            # in its own case, is that company's too. Not SEntFiN's, whose names are
            # written for Indian news and whose keys for companies beyond India may be
            # another's ("MakemyTrip" is MMTC's there).
            whole.setdefault(name, earlier)
            proposed.setdefault(name, set()).add(earlier)
        if ticker in keys or not parts or held:
            continue
        # A bank's name without "Bancorp" is most often a place or a phrase where its
        # words are all ordinary ("Orange County" of Orange County Bancorp, "Five Star"
        # of Five Star Bancorp).
        banks = _BANK.search(name)
        if banks and all(_a_word(w, ordinary) for w in WORD.findall(short)):
            short = name
        forms = {name, short}
        if _in_capitals(filed_as):
            # "FORMFACTOR" is read "Formfactor"; headlines write "FormFactor".
            forms |= {_cased(f, camel) for f in forms}
        forms = {f for f in {*forms, in_capitals} if " " in f or whole_word(f)}
        first = short.split()[0]
        if " " in short and distinct(first):
            forms.add(first)
        filed_first = filed_as.split()[0].strip(",.")
        capitals = _in_capitals(filed_as) and filed_first.isalpha() and filed_first != first
        if capitals and len(filed_first) <= 5 and first in forms:
            # "CACI", "HEICO": a short first word a filing writes in capitals may be the
            # company's own capitals, which headlines keep.
            forms.add(filed_first)
        for form in forms:
            spaced = " ".join(WORD.findall(form))
            if spaced.lower() in known or spaced.lower() in written or spaced in indian:
                continue
            proposed.setdefault(form, set()).add(ticker)
        whole.setdefault(name, ticker)
    # A name two companies' rules both give ("First Financial" of several banks) names
    # neither, unless it is one company's whole name.
    return {
        form: tickers.pop() if len(tickers) == 1 else whole[form]
        for form, tickers in proposed.items()
        if len(tickers) == 1 or form in whole
    }
