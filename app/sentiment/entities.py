"""Entities in a headline: where a named one is mentioned, which ones a gazetteer finds,
and the marked text the entity model reads.

The entity model does not see the entity's name: the mention it is asked about becomes
TARGET_MARK and every other entity's mention OTHER_MARK, so "Infosys gains, TCS slips"
is read as "xtargetx gains, xotherx slips" for Infosys and the other way round for TCS.
Training (training/entity_sentiment/) builds its inputs with the same `mark`.

The model reads at most 32 tokens of a text (about 24 words), so in a longer one, a
passage of news rather than a headline, the target could fall outside what it reads
and every entity would get the same answer. `mark` therefore keeps, of a marked text
longer than MAX_WORDS, the sentence holding the target, and of a longer sentence the
MAX_WORDS words around it. No SEntFiN headline is that long, so the served model was trained
on exactly what it is asked.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from app.sentiment import subjects, tagged_names
from app.sentiment.given_names import GIVEN_NAMES
from app.sentiment.outlet_marks import slugs_end
from app.sentiment.spans import Span, overlap
from app.sentiment.subject_words import DEEDS, MARKET_BODIES, TO_VERBS
from app.sentiment.subjects import title_cased

# The key of a company no list holds, found as a headline's subject (`subjects`), before
# its name: an entity of its own, with no company.
UNLISTED = "unlisted:"
TARGET_MARK = "xtargetx"
OTHER_MARK = "xotherx"
# $AAPL, $BRK.B, $BRK-B: a dollar sign, 1 to 6 letters, an optional class suffix (after
# "-" in capitals only: "$TSLA-related" is Tesla's), and no letter, digit or ".x" right
# after it: "$XB1:COM", "$NGLSprA" and "$AAPL.com" are no tickers.
_CASHTAG = r"\$[A-Za-z]{1,6}(?:\.[A-Za-z]{1,2}|-[A-Z]{1,2})?(?!\w|\.\w)"
CASHTAG = re.compile(rf"(?<![\w$]){_CASHTAG}")


def cashtag_ticker(cashtag: str) -> str:
    """The ticker a cashtag writes, its share class after "." as the lists key it:
    "$brk-b" is BRK.B."""
    return cashtag[1:].upper().replace("-", ".")


# The legal forms a company's name may end in, in a release or a portfolio's list.
_LEGAL_FORMS = (
    r"Inc|Incorporated|Corp|Corporation|Co|Company|plc|Ltd|Limited|LLC|AG|SA|SE|NV|N\.V|S\.A|"
    r"KGaA|Oyj|ASA|AB|A/S|SpA|S\.p\.A"
)


# A listed company's ticker in an exchange's tag, as US market news writes it beside the
# name ("Knoll (NYSE:KNL)", "Crocs (NASDAQ: $CROX)"), or a Reuters instrument code
# ("(VOD.L)", and in Reuters' own text "Tesla Inc <TSLA.O>"): the name before it may be
# in no list, the tag says a company stands there.
# A ticker runs to 12 characters with digits, "&" and "-", as NSE's symbols do ("(NSE:
# M&M)", "(NSE: BAJAJ-AUTO)", "(NSE: 63MOONS)"), and BSE's codes are digits.
# Markets elsewhere write their codes in digits ("(KRX: 005930)", "(6758.T)", "(0700.HK)",
# "(PETR4.SA)"), and Google's finance pages "LON:", "SHA:" and "SHE:".
# Europe's releases name the market in full ("(Nasdaq Stockholm: ERIC B)", "(Euronext
# Amsterdam: ASML)") and write a Nordic share class after a space; Reuters writes it in
# lower case or after a hyphen ("NOVOb.CO", "NOVO-B.CO"), marks registered and preferred
# shares ("SIEGn.DE", "VOWG_p.DE"), and writes Zurich's codes ".S".
EXCHANGE_TAG = re.compile(
    r"[(<](?:(?P<exchange>NYSE|NASDAQ|Nasdaq|NYSEAMERICAN|NYSEARCA|NYSE American|NYSE Arca|"
    r"AMEX|OTC|OTCQX|OTCQB|OTCMKTS|NSE|BSE|LSE|LON|TSX|TSXV|ASX|HKEX|HKG|SGX|TYO|TSE|ETR|"
    r"XETRA|FRA|EPA|AMS|EBR|BIT|BME|SWX|SIX|STO|HEL|CPH|OSL|VIE|KRX|KOSDAQ|SHA|SHE|SSE|SZSE|"
    r"TWSE|TPE|BVMF|B3|BMV|JSE|NZX|TADAWUL|TASE|IDX|KLSE|BKK|"
    r"Nasdaq (?:Stockholm|Helsinki|Copenhagen|Iceland)|"
    r"Euronext (?:Amsterdam|Paris|Brussels|Lisbon|Dublin|Milan|Oslo)|Oslo B\u00f8rs)"
    r"\s*:\s*(?P<ticker>\$?[A-Z0-9][A-Z0-9&-]{0,11}(?:\.[A-Z]{1,2}| [A-D])?)"
    r"|(?P<ric>[A-Z][A-Z0-9]{0,5}(?:[a-dnp]|_p|-[A-D])?|[0-9]{3,6})\.(?P<venue>OQ|O|N|L|T|HK|PA|DE|AS|"
    r"MI|TO|AX|NS|BO|SW|MC|ST|KS|KQ|SA|SR|SS|SZ|TW|TWO|BR|CO|HE|OL|VI|WA|JO|MX|NZ|SI|IR|LS|BK|KL|"
    r"JK|TA|IS|S(?<=[A-Z0-9]{3}\.S)))[)>]"
)
# Exchanges and Reuters venues whose tickers are the S&P 500's and SEntFiN's own keys, so
# that "Apple Inc (AAPL.O)" or "Infosys (NSE: INFY)" stays one entity.
_US_TAGS = frozenset(
    {"NYSE", "NASDAQ", "Nasdaq", "NYSEAMERICAN", "NYSEARCA", "NYSE American", "NYSE Arca",
     "AMEX", "OTC", "OTCQX", "OTCQB", "OTCMKTS", "OQ", "O", "N"}
)  # fmt: skip
_INDIAN_TAGS = frozenset({"NSE", "BSE", "NS", "BO"})
# What may stand between a name and its tag: "Knoll's (NYSE:KNL)", and up to two legal
# forms or a group a release writes only there ("Toyota Motor Corp (7203.T)", "Nokia Oyj
# (HEL: NOKIA)", "Barclays PLC (LSE: BARC)", "Hexagon AB (publ) (STO:HEXA B)",
# "Manulife Financial (TSX: MFC)").
_TAG_FORM = (
    rf",?\s+(?:(?i:{_LEGAL_FORMS}|Group|Holdings?|Financial)\.?"
    r"|\(publ\))"
)
_POSSESSIVE_SPACES = re.compile(r"(?:['\u2019]s)?\s*$")
_FORM_AT_END = re.compile(rf"{_TAG_FORM}$")
_BEFORE_TAG = re.compile(rf"(?:{_TAG_FORM}){{0,2}}(?:['\u2019]s)?\s*$")
# A tag with the spaces before it, as `without_exchange_tags` takes it out.
_SPACED_TAG = re.compile(r"\s*" + EXCHANGE_TAG.pattern)
# A ticker written beside a name, on the same line (a post's lists put "$NVDA - Daiwa"
# and "$CAAP - Oppenheimer" on lines of their own): after it, a cashtag ("Pfizer $PFE",
# "Pfizer's ($PFE)") or a ticker in parentheses ("Pfizer (PFE)", as US market news
# writes it); before it, a cashtag ("$PFE Pfizer"). `tag` is what the entity model does
# not read.
_TICKER_AFTER = re.compile(
    r"(?:['\u2019]s)?(?P<tag>[^\S\n]*(?:\((?P<inner>\$?[A-Za-z]{1,6}(?:\.[A-Za-z]{1,2})?)\)"
    rf"|(?<![\w$])(?P<cashtag>{_CASHTAG})))"
)
_CASHTAG_BEFORE = re.compile(rf"(?P<cashtag>{_CASHTAG})[^\S\n]+")
# A ticker in parentheses with no "$" is read only where the gazetteer knows it, since
# "(CEO)" or "(IPO)" stand there as well.
_BARE_TICKER = re.compile(r"[A-Z]{1,5}(?:\.[A-Z])?")
# A legal form at the end of a caller's name, which a portfolio writes where headlines
# do not ("Microsoft Corp", "Infosys Limited", "Siemens AG"), in any case: holdings files
# write names in capitals ("MICROSOFT CORP") as often.
_CALLERS_LEGAL_FORM = re.compile(rf"(?:,?\s+(?:{_LEGAL_FORMS})\.?)+$", re.IGNORECASE)


# An Indian symbol with its exchange, as portfolios and data vendors write it.
_INDIAN_SYMBOL = re.compile(
    r"(?:NSE|BSE)[^\S\n]*:[^\S\n]*(?P<prefixed>[A-Z0-9][A-Z0-9&-]*)"
    r"|(?P<suffixed>[A-Z0-9][A-Z0-9&-]*)\.(?:NS|BO)"
)


# A Reuters instrument code of a US listing, as some portfolios write tickers ("AAPL.O",
# "KO.N"); one-letter suffixes that are share classes ("BRK.A", "BF.B") are not among them.
_US_INSTRUMENT_CODE = re.compile(r"([A-Z]{1,5})\.(?:OQ|O|N|K)")
# How many callers' names `Gazetteer.entity` remembers before it starts afresh.
_ENTITY_MEMO_SIZE = 65_536
# A share class written after "-" or "/", as some sources write "BRK.B".
_CLASS_SUFFIX = re.compile(r"^([A-Z]{1,5})[-/]([A-Z])$")
# What joins the parts of a name written as one ("AT&T", "Coca-Cola").
_JOINERS = frozenset("&-/")
# Names are compared word by word; words are runs of letters and digits.
WORD = re.compile(r"\w+")
MAX_WORDS = 24
# Words that say a headline is Indian market news: rupee amounts, the Indian exchanges,
# indices and regulator, "India", and "Ltd", the legal form of the companies listed there
# ("Siemens Ltd"; Siemens AG is the parent).
INDIAN_MARKET = re.compile(
    r"₹|\bRs\.?\s?\d|\b(?:INR|crores?|lakhs?|Sensex|Nifty|BSE|NSE|Sebi|Dalal Street|India|"
    r"Indian|Ltd)\b",
    re.IGNORECASE,
)
# A sentence ends at . ! or ? followed by space and a capital, an opening quote or a
# marker (which stands for a name).
SENTENCE_END = re.compile(rf"(?<=[.!?])\s+(?=[\"'\u201cA-Z]|{TARGET_MARK}|{OTHER_MARK})")

# The trie key that holds the name ending at a node: no word is empty.
_END = ""


def find(entity: str, text: str, *, asked: bool = False) -> Span | None:
    r"""The first whole-word mention of `entity` in `text`: exact case first, then any case.

    Plain substring search with a word-boundary check on either side, as the pattern
    (?<!\w)entity(?!\w) would match: compiling a pattern per name cost more than the
    rest of an entity request's checks, and `re`'s cache holds too few names to help.
    `asked`: `entity` is a caller's name, not an annotator's of this text, and may be
    written there as something else (`_mentions`).
    """
    return next(_mentions(entity, text, asked), None)


def find_every(entity: str, text: str, *, asked: bool = False) -> list[Span]:
    """Every whole-word mention of `entity` in `text`, in order, in the case `find`
    takes its first from: the exact case's if any, else any case's."""
    return list(_mentions(entity, text, asked))


def _mentions(entity: str, text: str, asked: bool) -> Iterator[Span]:
    """The whole-word mentions of `entity` in `text` in its exact case, or if there are
    none in any case; lazily, so that `find` stops at the first. Of a caller's name
    (`asked`), neither is a mention that stands inside a phrase naming something else
    (`in_other_phrase`: "Dow" of "Dow Jones"), nor, of a name in capitals (a ticker:
    "RUN"), a word the text writes in lower case while it writes other words with
    capitals ("run" in "Stocks run higher")."""
    if not entity.strip():
        return
    exact = False
    for span in _whole_words(entity, text):
        if not (asked and in_other_phrase(text, span)):
            exact = True
            yield span
    if exact:
        return
    if text.isascii() and entity.isascii():
        spans: Iterable[Span] = _whole_words(entity.lower(), text.lower())
    else:
        # Beyond ASCII, `re`'s case-insensitive matching has rules of its own ("\u017f"
        # matches "s"): the pattern itself, for the rare name the exact case misses.
        pattern = rf"(?<!\w){re.escape(entity)}(?!\w)"
        spans = (m.span() for m in re.finditer(pattern, text, re.IGNORECASE))
    if not asked:
        yield from spans
        return
    word_case = entity.isupper() and not text.islower()
    for start, end in spans:
        as_word = word_case and text[start:end].islower()
        # A ticker ("DOW"), not the index's own name, is passed over where "Dow" is the index.
        index = entity.isupper() and the_index(text, (start, end)) is not None
        if not (as_word or index or in_other_phrase(text, (start, end))):
            yield start, end


# Phrases in which a company's name that is a word (`Gazetteer.by_ticker`) names
# something else: Dow Inc's "Dow" in the index's names, Target's "Target" in a broker's
# price target or in another company's name, Williams's in a Fed official's. In TFNS's
# US headlines "Dow" is the index's in most of its 119 matches ("Dow Jones", "Dow
# futures", "Dow Industrials"), "price target" is written 137 times, and "Williams" is
# the New York Fed's president's in 3 of 10.
_OTHER_PHRASES_OF = {
    "Dow": r"Dow (?:Jones|[Ii]ndustrials|[Tt]ransports|futures)",
    "Target": r"Target (?:[Pp]rices?|Hospitality)|[Pp]rice Targets?",
    "Williams": r"Fed['\u2019]s Williams",
    "Amazon": r"Amazon (?:[Rr]ainforest|[Rr]iver|[Bb]asin|[Jj]ungle)",
    # Central Bank of India's short name, in another country's central bank: "European
    # Central Bank", "Central Bank of Egypt", "the Central Bank"; a broker's call or a
    # preposition before it ("Buy Central Bank") leaves it the lender's.
    "Central Bank": (
        r"(?:[Tt]he|(?!(?:Buy|Sell|Hold|Add|Reduce|Accumulate|Of|In|On|At|For|To|From|And|As"
        r"|By|With|Why|How|What|Is|Are)\b)[A-Z][a-z]+) Central Bank"
        r"|Central Bank of (?!India)[A-Z]\w*"
    ),
    # Bank of India's name inside India's central bank's.
    "Bank of India": r"Reserve Bank of India",
    "Antofagasta": r"Antofagasta (?:[Rr]egion|[Pp]rovince|[Cc]ity|[Pp]ort)|[Pp]ort of Antofagasta",
    "Titan": r"Titans? of (?!India)\w+",
    # The painter, a cricket ground, a telescope, a stadium, a socialite, a film, a team.
    "Kraken": r"Seattle Kraken",
    "Vinci": r"(?:Leonardo )?[Dd]a Vinci",
    "Trent": r"Trent Bridge|River Trent",
    "Subaru": r"Subaru [Tt]elescope",
    "Aviva": r"Aviva Stadium",
    "Hilton": r"Paris Hilton",
    "Helsing": r"Van Helsing",
}
_OTHER_PHRASES = re.compile(rf"(?<!\w)(?:{'|'.join(_OTHER_PHRASES_OF.values())})(?!\w)")
_OTHER_PHRASE_WORDS = re.compile("|".join(map(re.escape, _OTHER_PHRASES_OF)))
_OTHER_PHRASE_WORDS_LOWER = re.compile("|".join(re.escape(w.lower()) for w in _OTHER_PHRASES_OF))
# In text all in lower case ("price target raised"), whose case says nothing, the same
# phrases in any case.
_OTHER_PHRASES_LOWER = re.compile(_OTHER_PHRASES.pattern, re.IGNORECASE)
# Where "Dow" alone is the index, as market news writes it: "the Dow", "Dow, S&P 500"
# (13 of TFNS's training posts), "Nasdaq, Dow", "Dow up 86.38 points". The index asked
# for by its name ("Dow") is found there; a ticker is not (DOW: Dow Inc), nor is Dow
# Inc's word name looked for there (`Gazetteer.mention_of`).
_DOW_THE_INDEX = re.compile(
    r"(?<!\w)(?:[Tt]he (?P<the>Dow)|(?P<before>Dow),? (?:and )?(?:the )?(?:S&P|Nasdaq)"
    r"|(?:S&P(?: 500)?|Nasdaq),? (?:and )?(?P<after>Dow)"
    r"|(?P<moves>Dow) (?:\w+ ){0,3}\d[\d,.]*(?:-point| [Pp]oints| pts))(?!\w)"
)
_DOW_THE_INDEX_LOWER = re.compile(_DOW_THE_INDEX.pattern, re.IGNORECASE)
# Company names that are words which market news writes alone for an index far more
# often than for the company: "Dow" is the index in most of its 119 matches in TFNS's
# training headlines. Asked for by that name, it names no company.
_INDEX_WORDS = frozenset({"Dow"})


def the_index(text: str, span: Span) -> str | None:
    """The words that make "Dow" at `span` the index ("Dow, S&P"), or None."""
    lower = text.islower()
    if ("dow" if lower else "Dow") not in text:
        return None
    for m in (_DOW_THE_INDEX_LOWER if lower else _DOW_THE_INDEX).finditer(text):
        if span in (m.span(g) for g in ("the", "before", "after", "moves")):
            return m.group()
    return None


# The word right before a name, and what right after one goes on with a name: a word in
# Title case or "&", not a quarter ("Q3"), an acronym ("CEO") or a number.
_WORD_ENDING = re.compile(r"(\w[\w'\u2019-]*) $")
_NAME_GOES_ON = re.compile(r" (?:&|[A-Z][a-z])")
# Words before a name that make it a person's, at the start of a text too.
_HONORIFICS = frozenset({"Mr", "Ms", "Mrs", "Dr", "Sir", "Dame", "Lord", "Lady"})


def after_given_name(text: str, span: Span) -> bool:
    """Whether a given name stands right before `span`, making it a person's ("Bill
    Ford says tariffs will cost Ford", "Harrison Ford to star in new Disney film")."""
    # The word before, by the space before it: a pattern search would scan the text.
    at = span[0] - 1
    if at < 1 or text[at] != " ":
        return False
    return text[text.rfind(" ", 0, at) + 1 : at].lstrip("([\"'\u201c\u2018") in GIVEN_NAMES


def listing_venue(text: str, span: Span) -> bool:
    """Whether `span` names where a company's shares trade, not a party to the news:
    "Nasdaq-listed Grab", "NSE-listed firms", "Hong Kong-quoted"."""
    return _LISTED.match(text, span[1]) is not None


_LISTED = re.compile(r"[-\u2010\u2013](?:listed|quoted|traded)(?!\w)", re.IGNORECASE)


def in_longer_name(text: str, span: Span, *, first_words: bool = False) -> bool:
    """Whether the words written right beside `span` make it part of a longer name, a
    person's, a place's or another company's ("Ms Shell", "Novo Banco", "Orange County",
    "Arm & Hammer"): a word in Title case or "&" right after it, or a word in Title case
    right before it that is no possessive ("Japan's Nissan") and does not start the text
    or a sentence ("Chipmaker Nvidia"). Never in a text that capitalises its words as a
    rule (a headline in Title Case), where capitals say nothing. `first_words`: a word
    that starts the text or a sentence counts too ("Anand Mahindra says ..."), where
    taking a descriptor for a name costs little."""
    if _NAME_GOES_ON.match(text, span[1]):
        return not title_cased(text)
    before = _WORD_ENDING.search(text, 0, span[0])
    if before is None or not before.group(1)[:2].istitle():
        return False
    word, at = before.group(1), before.start(1)
    if word in _HONORIFICS:
        return True
    if word.endswith(("'s", "\u2019s")):
        return False
    if not first_words and (at == 0 or text[:at].rstrip()[-1:] in ".:;!?|"):
        return False
    return not title_cased(text)


def passed_over(entity: str, text: str) -> str | None:
    """Why a caller's `entity` is found nowhere (`find(..., asked=True)`) though `text`
    writes it as a whole word, for a refusal to say, where each place it is written is
    passed over for that reason: a phrase naming something else holds it, it stands
    for the Dow index (`the_index`), or it is a word in lower case and the name is in
    capitals. None otherwise (not written, or
    written inside another company's name, which the refusal says already)."""
    if not entity.strip() or not (text.isascii() and entity.isascii()):
        return None
    spans = list(_whole_words(entity.lower(), text.lower()))
    if not spans:
        return None
    if all(in_other_phrase(text, span) or the_index(text, span) for span in spans):
        (a, b), phrases = spans[0], _other_phrases(text).finditer(text)
        phrase = next((m for m in phrases if m.start() <= a and b <= m.end()), None)
        if phrase is not None:
            return f"it stands only in {phrase.group()!r}, which names something else"
        return f"it stands for the index there, in {the_index(text, (a, b))!r}"
    words = entity.isupper() and not text.islower()
    if words and all(text[a:b].islower() for a, b in spans):
        return f"{text[spans[0][0] : spans[0][1]]!r} is a word there, not the name in capitals"
    return None


def in_other_phrase(text: str, span: Span) -> bool:
    """Whether `span` stands inside, and is shorter than, a phrase of `_OTHER_PHRASES`:
    "Dow" in "Dow Jones falls" is no mention of Dow Inc, though "Dow Jones" asked for
    itself is."""
    start, end = span
    return any(a <= start and end <= b and end - start < b - a for a, b in _phrases_in(text))


@functools.lru_cache(maxsize=1024)
def _phrases_in(text: str) -> tuple[Span, ...]:
    """Where `text` writes a phrase of `_OTHER_PHRASES`: once a text, since each mention
    found in it asks (a 64-entity request's texts hold some 300 mentions)."""
    # One scan for the phrases' words spares most texts the phrases' own pattern.
    words = _OTHER_PHRASE_WORDS_LOWER if text.islower() else _OTHER_PHRASE_WORDS
    if words.search(text) is None:
        return ()
    return tuple(m.span() for m in _other_phrases(text).finditer(text))


def _other_phrases(text: str) -> re.Pattern[str]:
    return _OTHER_PHRASES_LOWER if text.islower() else _OTHER_PHRASES


def _whole_word(needle: str, haystack: str) -> Span | None:
    return next(_whole_words(needle, haystack), None)


def _whole_words(needle: str, haystack: str) -> Iterator[Span]:
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        if not (_word_char(haystack[start - 1 : start]) or _word_char(haystack[end : end + 1])):
            yield start, end
        start = haystack.find(needle, start + 1)


def may_be_inside(text: str, span: Span) -> bool:
    """Whether a mention at `span` may be part of a longer name around it: a name may run
    on past it into a word that starts with a capital or a digit, or across "&", "-" or
    "/" ("Reliance Power", "Adani Ports", "L&T Finance"), and start before it at such a
    word ("Kotak Mahindra"). String slices, not a pattern: it runs for every name asked."""
    start, end = span
    if text[end : end + 1] in _NEXT_TO:
        after = text[end : end + 4].lstrip(_JOINING)[:1]
        if after.isupper() or after.isdigit():
            return True
    if start and text[start - 1] in _NEXT_TO:
        head = text[max(0, start - 40) : start].rstrip(_JOINING).rsplit(None, 1)
        before = head[-1][:1] if head else ""
        return before.isupper() or before.isdigit()
    return False


_JOINING = " \t&/-"
_NEXT_TO = frozenset(_JOINING)


def _tag_free(text: str) -> bool:
    """Whether `text` holds no character a tag or cashtag starts with."""
    return "$" not in text and "(" not in text and "<" not in text


def _word_char(char: str) -> bool:
    r"""Whether `char` (one character, or "" at either end of the text) is what \w
    matches in a str pattern: str.isalnum() or "_"."""
    return char.isalnum() or char == "_"


def without_exchange_tags(text: str) -> str:
    """`text` without its exchange tags ("Apple (NASDAQ:AAPL) beats" -> "Apple beats"),
    as the models read it: a tag says which company, never how it fares, yet read as
    words one after a company changed 8 % of the headline model's labels and 9 % of
    the entity model's on SEntFiN's test titles (docs/models/entity_sentiment.md,
    "Exchange tags"). A tag whose ticker is itself the marked mention
    ("(NYSE: xtargetx )") is no tag any more and stays. A tag with a word right after it
    ("Apple (NYSE:AAPL)beats") leaves a space, so that the words stay two."""
    return _SPACED_TAG.sub(_cut, text) if "(" in text or "<" in text else text


def _cut(tag: re.Match[str]) -> str:
    return " " if _word_char(tag.string[tag.end() : tag.end() + 1]) else ""


def tag_after(text: str, end: int) -> re.Match[str] | None:
    """The exchange tag right after a mention ending at `end` ("(NYSE:KNL)" after "Knoll"
    or "Knoll's"), or None."""
    tag = EXCHANGE_TAG.search(text, end) if "(" in text or "<" in text else None
    return tag if tag is not None and _BEFORE_TAG.fullmatch(text[end : tag.start()]) else None


def tag_owner(text: str, span: Span, mentions: Iterable[Span]) -> Span | None:
    """The mention (of `mentions`) whose exchange tag, written right after it, holds
    `span` ("AstraZeneca" for "AZN" of "AstraZeneca (AZN.L)"), or None."""
    for mention in mentions:
        tag = tag_after(text, mention[1])
        if tag is not None and tag.start() <= span[0] and span[1] <= tag.end():
            return mention
    return None


def tagged_as(text: str, end: int) -> str | None:
    """The company an exchange tag right after a mention ending at `end` names ("KNL" for
    "Knoll" in "Knoll (NYSE:KNL) rises"), keyed as the gazetteer keys it; None if none."""
    tag = tag_after(text, end)
    return None if tag is None else _tag_key(tag)


def cashtag_of(text: str, span: Span) -> Span:
    """The cashtag whose ticker `span` is ("PFE" of "$PFE"), else `span`: a caller who
    names a ticker the text writes as a cashtag is answered about the cashtag."""
    start, end = span
    if start > 0 and text[start - 1] == "$" and CASHTAG.fullmatch(text, start - 1, end):
        return start - 1, end
    return span


def in_exchange_tag(text: str, span: Span) -> bool:
    """Whether `span` lies inside an exchange tag of `text` ("MSFT" of "Microsoft Corp
    <MSFT.O>"): the tag says which company, the news is told of its name."""
    return _tag_holding(text, span) is not None


def _tag_holding(text: str, span: Span) -> re.Match[str] | None:
    if "(" not in text and "<" not in text:
        return None
    return next(
        (t for t in EXCHANGE_TAG.finditer(text) if t.start() <= span[0] and span[1] <= t.end()),
        None,
    )


def mark(
    text: str,
    target: Span,
    others: list[Span] | tuple[Span, ...] = (),
    left_out: list[Span] | tuple[Span, ...] = (),
    also: list[Span] | tuple[Span, ...] = (),
) -> str:
    """`text` with the target mention replaced by TARGET_MARK and the others by OTHER_MARK,
    and the spans `left_out` (tickers beside them, `Gazetteer.tickers_beside`) taken out.
    `also`: the target's entity's other mentions, marked as the target is.

    The target is always marked; another mention that overlaps it or an earlier kept one
    ("Tata" inside "Tata Motors") is left as text.
    """
    # The spans left out never overlap a mention (`tickers_beside` sees to it).
    kept = [(target, TARGET_MARK), *((span, "") for span in left_out)]
    for spans, marker in ((also, TARGET_MARK), (others, OTHER_MARK)):
        for span in sorted(set(spans), key=lambda s: (s[0], -s[1])):
            if not any(overlap(span, s) for s, _ in kept):
                kept.append((span, marker))
    out = text
    # Right to left, so the offsets still to apply stay valid.
    for (start, end), marker in sorted(kept, reverse=True):
        out = f"{out[:start]} {marker} {out[end:]}" if marker else out[:start] + out[end:]
    return focus(out)


def focus(marked: str) -> str:
    """What the model is given of a marked text: all of it up to MAX_WORDS words, else
    the target's sentence, else the MAX_WORDS words around the target."""
    if len(marked.split()) <= MAX_WORDS:
        return marked
    sentence = next((s for s in SENTENCE_END.split(marked) if TARGET_MARK in s), marked)
    words = sentence.split()
    if len(words) <= MAX_WORDS:
        return sentence
    at = next(i for i, w in enumerate(words) if TARGET_MARK in w)
    start = max(0, min(at - MAX_WORDS // 2, len(words) - MAX_WORDS))
    return " ".join(words[start : start + MAX_WORDS])


# The gazetteer an entity model was exported with travels in its export, beside the
# metadata, so that a version pins the names `"auto"` finds as well as its weights.
GAZETTEER_FILE = "gazetteer.json"


def gazetteer_path(export: Path) -> Path:
    """The gazetteer file of an entity model's export (a version's folder)."""
    return export / "assets.extra" / GAZETTEER_FILE


class Gazetteer:
    """Known names, matched whole-word and case-sensitive, longest name first, plus cashtags.

    A name is a sequence of words: "Tata Motors Ltd." matches "Tata Motors Ltd" and
    "Tata Motors Ltd.", never "tata motors" or "Tata Motorsport"; in text all in
    capitals, also "TATA MOTORS LTD" (`capitals`), and of the names written in capitals,
    the `acronyms` ("TCS", not "OIL"); in text all in lower case, the names that are
    no words there (`lower_case`: "tata motors", "tcs", not "target"). `keys` says which
    entity a name belongs to (a ticker), so that two names of one company ("Apple",
    "AAPL") are found as one entity; a name without a key is its own entity, and a
    cashtag is its ticker's. An `ambiguous` name names its company as often as something
    else ("Nasdaq", the index as well as Nasdaq, Inc.): it is found as its own entity, with
    no company, yet it stands for its company when a caller asks for that by another name
    ("NDAQ"). A name listed in India and `elsewhere` ("Pfizer": Pfizer Ltd in Mumbai, and
    Pfizer Inc. in New York) is found the same way and stands for both; of the two, a
    headline that reads as Indian market news (INDIAN_MARKET) names the one in India.
    """

    def __init__(
        self,
        names: Iterable[str],
        keys: Mapping[str, str] | None = None,
        exchange_tags: bool = False,
        capitals: bool = True,
        acronyms: Iterable[str] = (),
        lower_case: Iterable[str] = (),
        ambiguous: Iterable[str] = (),
        elsewhere: Mapping[str, str] | None = None,
        by_ticker: Mapping[str, Iterable[str]] | None = None,
        share_classes: Mapping[str, str] | None = None,
        cashtags: re.Pattern[str] = CASHTAG,
        ordinary_words: Iterable[str] = (),
    ) -> None:
        self.names = tuple(names)
        # Ordinary words in lower case: with them, a company no list holds is found where
        # a headline opens with it as its subject (`subjects`); without, as in exports
        # before v37 and in training's marks, it is not.
        self.ordinary_words = frozenset(ordinary_words)
        # How a cashtag is found: CASHTAG, or for training's marks the pattern the
        # committed teachers' answers were made with (training/entity_sentiment/pairs.py).
        self.cashtags = cashtags
        # A company's other share classes' tickers -> its key ("GOOG" -> "GOOGL").
        self.share_classes = dict(share_classes or {})
        self._entity_memo: dict[str, str | None] = {}
        # A company's names that are also words ("Target"), looked for only when a
        # caller asks for the company by a ticker ("TGT") or the text writes its ticker
        # right after one ("Target (TGT)"): either says the word is the company.
        self.by_ticker = {key: tuple(words) for key, words in (by_ticker or {}).items()}
        self._word_names = {name: key for key, names in self.by_ticker.items() for name in names}
        self._word_names_at = re.compile(
            rf"(?<!\w)(?:{'|'.join(map(re.escape, sorted(self._word_names, key=len)[::-1]))})(?!\w)"
        )
        # Market news about the word itself says so too: "Shell shares rise", "Target's
        # stock soars", "Target Q3 revenue". Not an Indian symbol's words ("Transport",
        # "Container", "Delta"), which headlines write for sectors and other companies.
        in_news = sorted(
            (n for n, k in self._word_names.items() if not k.startswith("NSE:")), key=len
        )
        self._word_names_in_news = re.compile(
            rf"(?<![\w$])(?:{'|'.join(map(re.escape, in_news[::-1]))})"
            r"(?=(?:['\u2019]s)? (?:shares|stock|Q[1-4])(?!\w))"
            if in_news
            else "(?!)"  # no such word: a pattern that matches nothing
        )
        # And opening a headline before what a company does or is to do ("Target beats
        # estimates", "Sharp returns to profit", "Block to cut jobs"); not "Dow" (the
        # index: "Dow tops 11,000").
        opening = [n for n in in_news if n not in MARKET_BODIES]
        self._word_names_opening = re.compile(
            rf"(?:{'|'.join(map(re.escape, opening[::-1]))})"
            rf"(?= (?i:{'|'.join(sorted(DEEDS))}|to (?:{'|'.join(sorted(TO_VERBS))}))(?!\w))"
            if opening
            else "(?!)"
        )
        # Where the readings of companies no list holds place a company past the opening
        # (a later clause's subject, one of two joined, what something happened to), such
        # a word is its company's: "Barclays rises, Lloyds falls", "Shares of Shell and BP
        # fall". At the opening, only before `DEEDS`: "Sharp falls" may be the adjective's.
        self._known_words = frozenset(opening)
        # The names written in capitals that are searched in text all in capitals too:
        # the export's, those headlines never write otherwise ("TCS", "SBI", "AMD"; not
        # "OIL", which they write "oil", nor "INDIA", written "India").
        self.acronyms = frozenset(acronyms)
        self.ambiguous = frozenset(ambiguous)
        self.elsewhere = dict(elsewhere or {})
        self._keys = dict(keys or {})
        # The companies of a name that is found as its own entity (ambiguous, or listed
        # elsewhere too), which `mention_of` and `company_in` read.
        self._stands_for = {
            n: tuple(k for k in (self._keys.pop(n, None), self.elsewhere.get(n)) if k)
            for n in sorted(self.ambiguous | self.elsewhere.keys())
        }
        self._entity_keys = frozenset(self._keys.values()).union(
            *self._stands_for.values(), self.by_ticker
        )
        # Names no company key is given for: each its own entity, keyed by itself, and no
        # company. Where a company's key is the same string (SEntFiN's sector "IT" and
        # Gartner's ticker IT, "OMC" and Omnicom's), the name's key is set apart, so that
        # the two are two entities and the company keeps its key; a name that stands for
        # companies (`_stands_for`: "PNC") is keyed by itself on purpose.
        unkeyed = [name for name in self.names if name not in self._keys]
        for name in unkeyed:
            if name in self._entity_keys and name not in self._stands_for:
                self._keys[name] = f"{name} (no company)"
        self._unkeyed = frozenset(self._keys.get(name, name) for name in unkeyed)
        # Whether a ticker in an exchange's tag is found too (EXCHANGE_TAG), and a cashtag
        # beside a name is read as its ticker: exports ship it on, training marks TFNS's
        # pairs without it, as their teachers' answers were.
        self.exchange_tags = exchange_tags
        # Whether a text written all in capitals ("TOYOTA PROFIT FALLS"), or all in lower
        # case, is searched for the names in that case: its case says nothing of what is
        # a name. Training marks TFNS's pairs without it, as their teachers' answers were.
        self.capitals = capitals
        # A name's words -> the name (the first of names with the same words).
        self._index: dict[tuple[str, ...], str] = {}
        for name in self.names:
            words = tuple(WORD.findall(name))
            if words:
                self._index.setdefault(words, name)
            # A company named for its web address is written in the casing of the news
            # that names it ("JD.Com Inc" in Reuters' copy, "TRIP.COM"); read as words,
            # the address's "Com" would leave "JD", another company's name, on its own.
            if name.endswith(".com"):
                capitals = tuple(word.upper() for word in words)
                for variant in ((*words[:-1], "Com"), (*words[:-1], "COM"), capitals):
                    self._index.setdefault(variant, name)
        # The names' words as a trie (a word -> the node after it; _END -> the name that
        # ends there): the longest name at a word is found in one walk, and a word that
        # starts no name, as most of a headline's do, costs one lookup.
        self._trie: dict[str, dict] = {}
        # The same in capitals, for text in capitals: of names alike in capitals, the
        # first, as for `_index`.
        self._caps_index: dict[tuple[str, ...], str] = {}
        self._caps_trie: dict[str, dict] = {}
        for words, name in self._index.items():
            _insert(self._trie, words, name)
            caps = tuple(word.upper() for word in words)
            # A name the lists write in capitals ("OIL", "IT SPACE", "UPS") is as often
            # a word in text all in capitals, unless it is an acronym; one written with
            # a small letter is not.
            if (name.isupper() or name.isdigit()) and name not in self.acronyms:
                continue
            if caps not in self._caps_index:
                self._caps_index[caps] = name
                _insert(self._caps_trie, caps, name)
        # The same in lower case, for text all in lower case (typed, or a post's): the
        # export's names that are no ordinary words in lower case.
        self.lower_case = frozenset(lower_case)
        self._lower_index: dict[tuple[str, ...], str] = {}
        self._lower_trie: dict[str, dict] = {}
        for name in sorted(self.lower_case):
            lower = tuple(word.lower() for word in WORD.findall(name))
            if lower and lower not in self._lower_index:
                self._lower_index[lower] = name
                _insert(self._lower_trie, lower, name)

    @classmethod
    def load(cls, path: Path, capitals: bool = True) -> Gazetteer:
        data = json.loads(path.read_text())
        return cls(
            tuple(data["names"]),
            data.get("entities"),
            data.get("exchange_tags", False),
            capitals,
            data.get("acronyms", ()),
            data.get("lower_case", ()),
            data.get("ambiguous", ()),
            data.get("elsewhere"),
            data.get("by_ticker"),
            data.get("share_classes"),
            ordinary_words=data.get("ordinary_words", "").split(),
        )

    def find_all(self, text: str) -> list[tuple[str, Span]]:
        """Each entity found, once, with its first mention, in the order they occur: the
        mention as the text writes it (so `text[start:end]` is the name), taking a
        trailing full stop the listed name ends with ("Cipla Ltd.")."""
        return [(text[start:end], (start, end)) for _, (start, end) in self.find_entities(text)]

    def others(
        self,
        text: str,
        listed: Iterable[Span],
        keys: Iterable[str | None] | None = None,
        found: list[tuple[str, Span]] | None = None,
    ) -> list[Span]:
        """The first mention of each entity found in `text` that is none of the `listed`
        mentions' entities (`keys`, when the caller has them: each mention's `key`):
        "Apple" is not another entity beside a listed "AAPL", nor "KNL" beside a listed
        "Knoll" in "Knoll (NYSE:KNL)". `found`: `find_entities(text)` if already made,
        which is the same where `text` holds no tag or cashtag a listed mention could own."""
        listed = list(listed)
        if keys is None:
            keys = [self.key(text[start:end]) for start, end in listed]
        known = set(keys)
        if found is None or not _tag_free(text):
            found = self.find_entities(text, listed)
        return [span for key, span in found if key not in known and span not in listed]

    def company(self, key: str | None) -> str | None:
        """The company an entity's key (`key`, `find_entities`) says, or None when the key
        is a name the lists give no company ("Sensex", a sector), a company no list holds
        (UNLISTED), or there is no key."""
        if key is None or key in self._unkeyed or key.startswith(UNLISTED):
            return None
        return key

    def company_in(self, key: str | None, text: str) -> str | None:
        """The company an entity's key names in `text`: `company`'s; for an ambiguous name,
        the one it stands for in India where `text` reads as Indian market news, else
        None."""
        stands_for = self._stands_for.get(key) if key is not None else None
        if stands_for is None:
            return self.company(key)
        indian = [k for k in stands_for if k.startswith("NSE:")]
        return indian[0] if len(indian) == 1 and INDIAN_MARKET.search(text) else None

    def tag_at(self, text: str, span: Span) -> str | None:
        """The company the exchange tag holding `span` names ("KNL" of "Knoll
        (NYSE:KNL)"), or None outside a tag."""
        tag = _tag_holding(text, span)
        return None if tag is None else self._one_class(_tag_key(tag))

    def ticker_beside(self, text: str, span: Span, key: str | None) -> str | None:
        """The company the ticker written beside a mention (of the entity `key`) names:
        its exchange tag ("Knoll (NYSE:KNL)"), else `_ticker_beside`'s; None if none."""
        tagged = tagged_as(text, span[1])
        if tagged is not None:
            return self._tag_company(tagged, key)
        beside = self._ticker_beside(text, span, key)
        return None if beside is None else self._one_class(beside[0])

    def _tag_company(self, tagged: str, key: str | None) -> str:
        """The company an exchange tag beside a mention of the entity `key` names: the
        tag's own key, or, where the tag is another market's ("L:SHEL", "L:AZN") and
        its ticker the US ticker the lists give the company the mention names ("Shell
        (LSE: SHEL)", "AstraZeneca (AZN.L)"), that company's key: one company, one key;
        for a name two companies share, the one of the tag's market ("Siemens (ETR:SIE)"
        is Siemens AG, not Siemens Ltd in Mumbai)."""
        own = self._one_class(tagged)
        market, _, ticker = tagged.rpartition(":")
        if not market or key is None:
            return own
        # A name listed in India and elsewhere ("Siemens", "Sanofi") is the one of the
        # tag's market: the Indian company in an Indian tag, the other in any other.
        fits = [
            k for k in self._stands_for.get(key, ()) if k.startswith("NSE:") == (market == "NSE")
        ]
        if len(fits) == 1:
            return fits[0]
        company = self._one_class(ticker)
        return company if company != ticker and self._same(key, company) else own

    def tickers_beside(self, text: str, spans: Iterable[Span]) -> list[Span]:
        """What the entity model leaves out of `text` for the mentions `spans`: each
        ticker written beside a name among them (`_ticker_beside`), as `without_exchange_tags`
        leaves out exchange tags; one that is, or runs into, one of the mentions stays. No
        two overlap, nor one a mention, as `mark` needs."""
        spans = list(dict.fromkeys(spans))
        out = []
        for start, end in spans:
            if text[start] == "$":
                continue
            beside = self._ticker_beside(text, (start, end), self.key(text[start:end]))
            # A ticker between two names is left out once.
            if beside is not None and not any(overlap(beside[1], s) for s in spans + out):
                out.append(beside[1])
        return sorted(out)

    def _ticker_beside(
        self, text: str, span: Span, key: str | None
    ) -> tuple[str, Span, Span | None] | None:
        """The ticker written beside a mention of the entity `key` (`_TICKER_AFTER`,
        `_CASHTAG_BEFORE`), if it may be the entity's own (`_may_be_its`): (the ticker,
        the span the entity model leaves out, the cashtag's span or None for a ticker
        without "$"); None if none."""
        after = _TICKER_AFTER.match(text, span[1]) if "$" in text or "(" in text else None
        if after is not None:
            inner, cashtag = after.group("inner"), after.group("cashtag")
            found: tuple[str, Span | None] | None = None
            if cashtag is not None:
                found = cashtag_ticker(cashtag), after.span("cashtag")
            elif inner.startswith("$"):
                found = cashtag_ticker(inner), after.span("inner")
            elif _BARE_TICKER.fullmatch(inner):
                # Another of the entity's names ("Infosys (INFY)"), or a ticker the
                # gazetteer keys a company by ("Pfizer (PFE)").
                if key is not None and self.key(inner) == key:
                    found = key, None
                elif inner in self._entity_keys:
                    found = inner, None
                elif key is not None and self._one_class(inner) == key:
                    # The entity's own US ticker kept as a share class ("Shell (SHEL)");
                    # another's is read no further ("Widget (TM)" is a trademark).
                    found = key, None
            if found is not None and self._may_be_its(key, found[0]):
                return found[0], after.span("tag"), found[1]
        # The last "$" before the name starts the only cashtag that can end right there.
        at = text.rfind("$", 0, span[0])
        before = _CASHTAG_BEFORE.fullmatch(text, at, span[0]) if at >= 0 else None
        if before is not None and not (_word_char(text[at - 1 : at]) or text[at - 1 : at] == "$"):
            ticker = cashtag_ticker(before.group("cashtag"))
            if self._may_be_its(key, ticker):
                return ticker, before.span(), before.span("cashtag")
        return None

    def _one_class(self, ticker: str) -> str:
        """The ticker a company's names are keyed by, for any of its share classes'."""
        return self.share_classes.get(ticker, ticker)

    def _may_be_its(self, key: str | None, ticker: str) -> bool:
        """Whether `ticker`, written beside a mention of the entity `key`, may be its
        own: any ticker of a name no list holds (None; the writer says which company),
        one of the companies an ambiguous or twice-listed name stands for ("Nasdaq
        $NDAQ", not "now on Nasdaq $VIAC"), never a name's that is no company
        ("Sensex"), and a company's own ticker or one the lists know for no other
        company ("Facebook $FB", not "Apple $MSFT")."""
        if key is None:
            return True
        stands_for = self._stands_for.get(key)
        if stands_for is not None:
            return ticker in stands_for
        if key in self._unkeyed:
            return False
        return ticker == key or ticker not in self._entity_keys

    def entity(self, name: str) -> str | None:
        """`_entity`'s answer, remembered: portfolios ask for the same names request
        after request, and each answer costs a handful of lookups and patterns."""
        memo = self._entity_memo
        if name in memo:
            return memo[name]
        key = self._entity(name)
        if len(memo) >= _ENTITY_MEMO_SIZE:
            memo.clear()
        memo[name] = key
        return key

    def _entity(self, name: str) -> str | None:
        """The entity a caller's `name` names: its key, or a ticker the gazetteer keys its
        company by but finds in no text (three letters or fewer: "GM", "TCS", "PFE"), or
        an NSE symbol: the caller says it is one; a name in a legal form the lists do not
        write is its name without it ("Microsoft Corp", "Infosys Limited"), or the
        company whose name that is a word it is ("Target Corp"); another share class's
        ticker is its company's ("GOOG", "BRK-B"); an Indian symbol may carry its
        exchange ("NSE:TCS", "BSE: TCS", "TCS.NS", "$TCS"), a US ticker its Reuters venue
        ("AAPL.O"); a company's name that is a word is that company ("Shell", "Arm"),
        and "and" may stand for "&" ("Johnson and Johnson"). None if unknown."""
        us_code = _US_INSTRUMENT_CODE.fullmatch(name)
        if us_code is not None:
            return self.entity(us_code.group(1))
        indian = _INDIAN_SYMBOL.fullmatch(name)
        if indian is not None:
            symbol = indian.group("prefixed") or indian.group("suffixed")
            listed = f"NSE:{symbol}"
            return listed if listed in self._entity_keys else self.entity(symbol)
        # "BRK-B" and "BRK/B" are how some sources write "BRK.B".
        if "-" in name or "/" in name:
            name = _CLASS_SUFFIX.sub(r"\1.\2", name)
        name = self._one_class(name)
        key = self.key(name)
        if key in self._unkeyed and name in self._entity_keys:
            # A name that is no company's and a company's ticker ("IT", SEntFiN's sector
            # and Gartner's): asked for, it is the company.
            key = name
        if key is None and _CALLERS_LEGAL_FORM.search(name):
            bare = _CALLERS_LEGAL_FORM.sub("", name)
            # "Target Corp" (or "TARGET CORP"): the legal form says the word is the company.
            key = self.key(bare) or self._word_names.get(bare, self._word_names.get(bare.title()))
        if key is None:
            key = next((k for k in (name, f"NSE:{name}") if k in self._entity_keys), None)
        if key is None:
            # A company's name that is a word ("Shell", "Arm"), which the caller says is
            # the company; in capitals or lower case, as holdings files write names.
            word = name.title() if name.isupper() or name.islower() else name
            key = self._word_names.get(name) or self._word_names.get(word)
            if word in _INDEX_WORDS:
                key = None
        if key is None and " and " in name:
            return self.entity(name.replace(" and ", " & "))  # "Johnson and Johnson"
        if key is not None and key not in self._entity_keys and f"NSE:{key}" in self._entity_keys:
            # A cashtag of an Indian symbol ("$INFY"): its ticker is no key of its own.
            key = f"NSE:{key}"
        return key

    def name_around(self, text: str, span: Span, name: str) -> Span:
        """Where a caller's `name`, found at `span` as part of a name written as one
        ("T" of "AT&T" or of "T-Mobile": joined by "&", "-" or "/"), names its company:
        the mention found that holds it, if of the company `name` names (AT&T's ticker
        "T" in "AT&T"), else that company's first mention found elsewhere ("T" in
        "T-Mobile beats; AT&T slips"), else `span`; for a name the lists do not know,
        the one name found that holds it ("Mercedes" of "Mercedes-Benz"), else `span`."""
        start, end = span
        if not (text[start - 1 : start] in _JOINERS or text[end : end + 1] in _JOINERS):
            return span
        key = self.entity(name)
        found = self.find_entities(text)
        if key is None:
            # A name the lists do not know, written as part of one found name only
            # ("Mercedes" of "Mercedes-Benz"), is that name's company.
            holders = {s for _, s in found if s[0] <= start and end <= s[1] and s != span}
            return holders.pop() if len(holders) == 1 else span
        own = [(a, b) for k, (a, b) in found if self._same(k, key)]
        holding = [(a, b) for a, b in own if a <= start and end <= b]
        return (holding or own or [span])[0]

    def standalone(
        self,
        text: str,
        spans: Sequence[Span],
        name: str,
        found: list[tuple[str, Span]] | None = None,
    ) -> Span | None:
        """Where a caller's `name`, written at `spans` (`find_every`), names its entity:
        the first of them that is no part of a longer name of another entity found in
        `text` ("HDFC" in "HDFC Bank slumps while HDFC surges" is the second), as the
        mention of its own entity that holds it ("DOW" is "Dow Inc" in "Dow Jones rises;
        Dow Inc falls"). None when the gazetteer knows `name` and each of them is part
        of another entity's name ("Reliance" in "Reliance Power falls" is no mention of
        Reliance Industries); the first when it does not know `name`. `found`:
        `find_entities(text)` if already made."""
        if not any(may_be_inside(text, span) for span in spans):
            return spans[0]
        if found is None:
            found = self.find_entities(text)
        key: str | None = None
        for i, (start, end) in enumerate(spans):
            longer = [(k, (a, b)) for k, (a, b) in found if a <= start and end <= b]
            longer = [(k, (a, b)) for k, (a, b) in longer if b - a > end - start]
            if not longer:
                return start, end
            if i == 0:  # what the name names, asked only where a longer name holds it
                key = self.entity(name)
            own = [span for k, span in longer if key is not None and self._same(k, key)]
            if own:
                return own[0]
        return None if key is not None else spans[0]

    def word_name(self, name: str) -> str | None:
        """The company whose name that is also a word `name` is, as the lists write it
        ("Target": TGT, "Shell"); None for any other name."""
        return self._word_names.get(name)

    def mention_of(self, name: str, text: str) -> Span | None:
        """The first mention in `text` of the entity `name` stands for, written as another
        of its names: "AAPL" or "$AAPL" finds "Apple" in "Apple beats estimates", "INFY"
        finds "Infosys", "PFE" and "PFIZER" "Pfizer"; a ticker or another of its names
        finds its company's names that `"auto"` leaves out as words, in their own case
        ("TGT" finds "Target" in "Target cuts guidance", not "target"). None when the
        gazetteer does not know `name` or `text` names its entity nowhere."""
        key = self.entity(name)
        if key is None:
            return None
        # Every mention: the first may stand in a phrase that names something else
        # ("Amazon rainforest ...; Amazon shares rise").
        mentions = self.find_entities(text, every=True)
        found = next(
            (
                span
                for k, span in mentions
                if self._same(k, key) and not in_other_phrase(text, span)
            ),
            None,
        )
        if found is None and key in self.by_ticker:
            # The word is no mention inside another company's name ("Southern" of
            # "Southern Copper" for SO, Southern Company's ticker); in text all in lower
            # case it is written so too ("target cuts outlook").
            lower = text.islower()
            words = [
                span
                for w in self.by_ticker[key]
                if (span := _whole_word(w.lower() if lower else w, text))
                and not (in_other_phrase(text, span) or the_index(text, span))
                and not in_longer_name(text, span)
                and not any(a <= span[0] and span[1] <= b for _, (a, b) in mentions)
            ]
            found = min(words, default=None)
        return found

    def _same(self, found: str, key: str) -> bool:
        """Whether the entity `found` in a text may be the one a caller's `key` names.
        Either may stand for the other's company: "PFE" finds "Pfizer", and "P&G" (P&G's
        Indian unit or the parent) finds "Procter & Gamble"."""
        return (
            found == key
            or key in self._stands_for.get(found, ())
            or found in self._stands_for.get(key, ())
        )

    def key(self, mention: str) -> str | None:
        """The entity a mention, as the text writes it, names; None if not a known name."""
        if CASHTAG.fullmatch(mention):
            return self._one_class(cashtag_ticker(mention))
        words = tuple(WORD.findall(mention))
        name = self._index.get(words)
        if name is None and self.capitals and mention.isupper():
            name = self._caps_index.get(words)
        elif name is None and self.capitals and mention.islower():
            name = self._lower_index.get(words)
        return None if name is None else self._keys.get(name, name)

    def find_entities(
        self,
        text: str,
        named: Iterable[Span] = (),
        every: bool = False,
        from_tagger: Sequence[Span] = (),
    ) -> list[tuple[str, Span]]:
        """As `find_all`, with each entity's key (its ticker, or the name itself when the
        list gives it none) in place of the mention. `named`: mentions found otherwise (a
        caller's), whose exchange tags and cashtags beside are theirs, as a found name's
        are. `every`: each entity's every mention, not its first alone. `from_tagger`:
        the names a mention tagger found (`mention_tagger`), each taken where nothing found
        or read stands."""
        # (the entity, for "once"; the span). A cashtag is its ticker's entity, and the
        # listed ticker inside a cashtag ("AAPL" of "$AAPL") no second one.
        found: list[tuple[str, Span]] = (
            [
                (self._one_class(cashtag_ticker(m.group())), m.span())
                for m in self.cashtags.finditer(text)
            ]
            if "$" in text
            else []
        )
        cashtags = {span for _, span in found}
        tagged = {i for start, end in cashtags for i in range(start, end)}
        tags = (
            self._exchange_tags(text, tagged)
            if self.exchange_tags and ("(" in text or "<" in text)
            else []
        )
        matches = list(WORD.finditer(text))
        words = [m.group() for m in matches]
        trie = self._trie
        if self.capitals and text.isupper():
            trie = self._caps_trie
        elif self.capitals and self._lower_trie and text.islower():
            trie = self._lower_trie
        i = 0
        while i < len(words):
            node = trie.get(words[i])
            if node is None:
                i += 1
                continue
            # The longest name from word i: walk on while the words stay on a name's path.
            name, after, j = node.get(_END), i + 1, i + 1
            while j < len(words) and (node := node.get(words[j])) is not None:
                j += 1
                if _END in node:
                    name, after = node[_END], j
            if name is None:
                i += 1
                continue
            start, end = matches[i].start(), matches[after - 1].end()
            if name.endswith(".") and text[end : end + 1] == ".":
                end += 1
            if start not in tagged:
                found.append((self._keys.get(name, name), (start, end)))
            i = after
        if self._word_names and self.exchange_tags and ("(" in text or "$" in text):
            found += self._words_with_their_tickers(text)
        if self.exchange_tags and (
            _market_news(text) or (bool(words) and words[0] in self._word_names)
        ):
            found += self._words_in_their_news(text, found)
        # A tag right after a name found is that company's ("Vodafone (VOD.L)"), whatever
        # its key; one after a name no list holds names it (`_tagged_name`).
        named = set(named)
        ends = {end for _, (_, end) in found} | {end for _, end in named}
        # Of two tags after a name no list holds ("Acme (NYSE: ACM) (TSX: ACM)"), the first.
        after: set[frozenset[int]] = set()
        for key, span, before in tags:
            if not before & ends and before not in after:
                after.add(before)
                found = self._tagged_name(text, self._one_class(key), span, before, found, named)
        if self.exchange_tags and cashtags and len(found) + len(named) > 1:
            found = self._cashtags_joined(text, found, cashtags, named)
        if "(" in text and len(found) > 1:
            found = self._without_names_as_tickers(text, found)
        # A company that opens the text, unless a name found otherwise stands there, as
        # it does in most market news (then nothing is left to look for).
        if self.ordinary_words:
            found += self._unlisted(text, [span for _, span in found] + list(named))
        if from_tagger:
            # Last, what the tagger found: the lists and the readings place a name more
            # surely.
            taken = [span for _, span in found] + list(named)
            found += self._keyed(
                text, [s for s in from_tagger if not any(overlap(s, t) for t in taken)]
            )
        found.sort(key=lambda f: f[1])
        return found if every else first_of_each(found)

    def _unlisted(self, text: str, taken: list[Span]) -> list[tuple[str, Span]]:
        """The companies no list holds that `subjects` reads in `text`, each where no
        mention found (`taken`) or read before it stands: a company that opens the text,
        unless a name found stands there, as in most market news; those that open a
        later clause ("... while Quadient trims forecast"), those something happened to
        or a person leads ("Brokers upgrade Genuit", "chairman of NBHC"); and two that
        open it together ("Palfinger and Rosenbauer fall", "Bossard & SFS slip"), where
        a name found may be one of the two."""
        words = self.ordinary_words
        # The headline opens after a wire's slugs ("UPDATE 1-HollyFrontier to build").
        head = slugs_end(text)
        opening = None
        if not any(start == head for start, _ in taken):
            found = subjects.subject(text[head:], words)
            opening = None if found is None else (found[0] + head, found[1] + head)
        clauses = subjects.clause_starts(text, words)
        known = self._known_words
        read = [
            *([] if opening is None else [opening]),
            *subjects.clause_subjects(text, words, clauses, known),
            *subjects.cause_subjects(text, words, known),
            *subjects.objects(text, words, known),
        ]
        spans: list[Span] = []
        for span in read:
            if not any(overlap(span, other) for other in taken):
                spans.append(span)
                taken.append(span)
        for start in [head, *clauses]:
            # Two names where a clause opens ("Vienna bourse: Amag and Porr slip").
            found = subjects.pair(text, words, taken, start, later=start != head, known=known)
            spans += found
            taken += found
        return self._keyed(text, spans)

    def _keyed(self, text: str, spans: list[Span]) -> list[tuple[str, Span]]:
        """Names no list holds, found at `spans`, with their keys: a company's name that
        is a word, read as a company there, is that company ("..., BP misses")."""
        return [(self._word_names.get(text[a:b]) or UNLISTED + text[a:b], (a, b)) for a, b in spans]

    def _tagged_name(
        self,
        text: str,
        key: str,
        ticker: Span,
        before: frozenset[int],
        found: list[tuple[str, Span]],
        named: set[Span],
    ) -> list[tuple[str, Span]]:
        """`found` with the company of a tag written after no name found (its `key`, its
        `ticker`'s span, where a name it follows may end: `before`). Its mention is
        the name the tag follows (`tagged_names.name_before`: "Douglas (DOU.DE)"), or a
        name found that more capitalised words lead to the tag, with them ("Koninklijke
        DSM N.V. (AMS:DSM)", "CyberArk Software (NASDAQ:CYBR)"), which is then one
        entity, the tag's company, unless only legal forms stand between ("Metro Inc.'s
        (TSE:MRU)"); else the ticker, as where the words cannot be told from the
        headline's."""
        if text.isupper():
            return [*found, (key, ticker)]
        title_case = title_cased(text)
        end, name_end = min(before), max(before)
        most = tagged_names.TITLE_CASE_GAP if title_case else tagged_names.SENTENCE_CASE_GAP
        for found_key, (start, stop) in found:
            if not start < end <= name_end or stop > name_end:
                continue
            gap = 0 if stop >= end else tagged_names.gap_words(text, stop, end)
            if gap is None or gap > most or any(overlap(s, (start, name_end)) for s in named):
                continue
            own = found_key if gap == 0 else key
            kept = [(k, s) for k, s in found if not start <= s[0] < name_end]
            return [*kept, (own, (start, name_end))]
        span = tagged_names.name_before(text, end, title_case)
        taken = [*(s for _, s in found), *named]
        if span is None or any(overlap(s, (span[0], name_end)) for s in taken):
            return [*found, (key, ticker)]
        return [*found, (key, (span[0], name_end))]

    def _without_names_as_tickers(
        self, text: str, found: list[tuple[str, Span]]
    ) -> list[tuple[str, Span]]:
        """`found` without a name written as a ticker beside another name of a company it
        may stand for (`_TICKER_AFTER`): "ABB" of "ABB Ltd (ABB)" is W:ABB's ticker,
        though "ABB" alone may be ABB India too."""
        key_at = {span: key for key, span in found}
        dropped = set()
        for key, (_, end) in found:
            after = _TICKER_AFTER.match(text, end)
            inner = None if after is None or after.group("inner") is None else after.span("inner")
            if inner in key_at and key in self._stands_for.get(key_at[inner], ()):
                dropped.add(inner)
        return [(key, span) for key, span in found if span not in dropped]

    def _words_with_their_tickers(self, text: str) -> list[tuple[str, Span]]:
        """The company names that are words (`by_ticker`) written with their own ticker
        beside them (`ticker_beside`), which says the word is the company: "Target
        (TGT)", "Target $TGT", "Target (NYSE:TGT)", "$TGT Target"."""
        return [
            (key, word.span())
            for word in self._word_names_at.finditer(text)
            if self.ticker_beside(text, word.span(), key := self._word_names[word.group()]) == key
        ]

    def _words_in_their_news(
        self, text: str, found: list[tuple[str, Span]]
    ) -> list[tuple[str, Span]]:
        """The company names that are words written as market news writes a company:
        right before its shares, its stock or a quarter ("Shell shares rise"), or opening
        the headline before what a company does ("Target beats estimates", `DEEDS`); none
        inside a name found already ("Royal Dutch Shell shares")."""
        spans = {word.span(): word.group() for word in self._word_names_in_news.finditer(text)}
        if (opening := self._word_names_opening.match(text)) is not None:
            spans.setdefault(opening.span(), opening.group())
        return [
            (self._word_names[name], span)
            for span, name in sorted(spans.items())
            if not any(overlap(span, other) for _, other in found)
        ]

    def _cashtags_joined(
        self, text: str, found: list[tuple[str, Span]], cashtags: set[Span], named: set[Span]
    ) -> list[tuple[str, Span]]:
        """`found` with each name and the cashtag written beside it as its ticker
        (`_ticker_beside`) as one mention: of the two, the caller's (`named`) stays, else
        the first in the text, whose company `ticker_beside` reads from the other. So
        "Pfizer $PFE cuts outlook" names one company, as "Apple $AAPL rises" does by
        their shared key."""
        keys = {span: key for key, span in found}
        mentions = keys.keys() | named
        dropped = set()
        for name in sorted(mentions - cashtags):
            key = keys[name] if name in keys else self.key(text[name[0] : name[1]])
            beside = self._ticker_beside(text, name, key)
            cashtag = None if beside is None else beside[2]
            if cashtag not in mentions or (name in named and cashtag in named):
                continue
            if name in named or (cashtag not in named and name < cashtag):
                dropped.add(cashtag)
            else:
                dropped.add(name)
        return [(key, span) for key, span in found if span not in dropped]

    @staticmethod
    def _exchange_tags(text: str, tagged: set[int]) -> list[tuple[str, Span, frozenset[int]]]:
        """Each exchange tag's ticker (EXCHANGE_TAG) that is not a cashtag, with its key and
        where a name it follows may end (`_ends_before`); every character of a tag joins
        `tagged`, since nothing inside one is a name ("Nasdaq" there is the exchange)."""
        out = []
        # A tag right after another ("(NYSE: SHOP) (TSX: SHOP)") follows what that one does.
        follows: dict[int, frozenset[int]] = {}
        for m in EXCHANGE_TAG.finditer(text):
            start, end = m.span(_ticker_group(m))
            ends = _ends_before(text, m.start())
            # Nothing stands between two tags, so the first's end is the largest of ends.
            ends = follows.get(max(ends), ends)
            follows[m.end()] = ends
            if start not in tagged:
                out.append((_tag_key(m), (start, end), ends))
            tagged.update(range(*m.span()))
        return out


def _ends_before(text: str, at: int) -> frozenset[int]:
    """Where a name the tag at `at` follows may end: before the spaces and "'s", and
    before each of up to two legal forms ("Insurance Australia Group (ASX:IAG)" is
    "Insurance Australia Group" or "Insurance Australia" in the lists)."""
    end = len(_POSSESSIVE_SPACES.sub("", text[:at]))
    ends = {end}
    for _ in range(2):
        form = _FORM_AT_END.search(text, 0, end)
        if form is None:
            break
        end = form.start()
        ends.add(end)
    return frozenset(ends)


def _market_news(text: str) -> bool:
    """Whether `text` may write a company's shares, stock or quarter: a substring test
    that spares most texts `_words_in_their_news`'s pattern."""
    return " shares" in text or " stock" in text or " Q" in text


def first_of_each(found: list[tuple[str, Span]]) -> list[tuple[str, Span]]:
    """Of mentions in text order (`find_entities(..., every=True)`), each entity's first."""
    seen: set[str] = set()
    unique = []
    for entity, span in found:
        if entity not in seen:
            seen.add(entity)
            unique.append((entity, span))
    return unique


def _insert(trie: dict[str, dict], words: tuple[str, ...], name: str) -> None:
    """`name` at the end of the path its `words` take through `trie`."""
    node = trie
    for word in words:
        node = node.setdefault(word, {})
    node[_END] = name


def _ticker_group(match: re.Match[str]) -> str:
    """Which group of an EXCHANGE_TAG match holds its ticker: an exchange's or a RIC's."""
    return "ticker" if match.group("ticker") else "ric"


# A share class at the end of a tag's ticker, as a tag may write it.
_TAG_CLASS = re.compile(r"[ -]([A-D])$|(?<=[A-Z0-9])([a-d])$")


def _tag_key(match: re.Match[str]) -> str:
    """The entity an exchange tag's ticker names: the ticker for a US exchange (the S&P
    500's keys), "NSE:" and it for an Indian one (SEntFiN's), else the market's code
    (`_MARKETS`) and the ticker."""
    at = _ticker_group(match)
    ticker = match.group(at)
    where = match.group("exchange" if at == "ticker" else "venue")
    if where in _US_TAGS:
        return ticker
    if where in _INDIAN_TAGS:
        return f"NSE:{ticker}"
    if where == "TSE":  # Tokyo's codes are digits; Toronto's, as Google writes it, letters
        return f"{'T' if ticker.isdigit() else 'TO'}:{ticker}"
    # One key for a share class however a tag writes it: "ERIC B", "ERICb", "ERIC-B".
    ticker = _TAG_CLASS.sub(lambda c: "." + (c.group(1) or c.group(2)).upper(), ticker)
    return f"{_MARKETS.get(where, where)}:{ticker}"


# Each market by one code, Reuters' ("L", "DE", "T"), whichever way a tag names it: one
# company keeps one key across "(LSE: SHEL)", "(LON:SHEL)" and "(SHEL.L)".
_MARKETS = {
    "LSE": "L", "LON": "L", "TSX": "TO", "TSXV": "V", "ASX": "AX", "HKEX": "HK",
    "HKG": "HK", "SGX": "SI", "TYO": "T", "ETR": "DE", "XETRA": "DE", "FRA": "DE",
    "EPA": "PA", "AMS": "AS", "EBR": "BR", "BIT": "MI", "BME": "MC", "SWX": "SW",
    "SIX": "SW", "STO": "ST", "HEL": "HE", "CPH": "CO", "OSL": "OL", "VIE": "VI",
    "KRX": "KS", "KOSDAQ": "KQ", "SHA": "SS", "SSE": "SS", "SHE": "SZ", "SZSE": "SZ",
    "TWSE": "TW", "TPE": "TW", "BVMF": "SA", "B3": "SA", "BMV": "MX", "JSE": "JO",
    "NZX": "NZ", "TADAWUL": "SR", "TASE": "TA", "IDX": "JK", "KLSE": "KL", "BKK": "BK",
    "S": "SW", "Nasdaq Stockholm": "ST", "Nasdaq Helsinki": "HE", "Nasdaq Copenhagen": "CO",
    "Nasdaq Iceland": "IC", "Euronext Amsterdam": "AS", "Euronext Paris": "PA",
    "Euronext Brussels": "BR", "Euronext Lisbon": "LS", "Euronext Dublin": "IR",
    "Euronext Milan": "MI", "Euronext Oslo": "OL", "Oslo B\u00f8rs": "OL",
}  # fmt: skip
