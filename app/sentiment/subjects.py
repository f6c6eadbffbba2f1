"""A company no list holds, found where a headline names it as its subject: "Krones wins
record order", "Kion Cuts 2025 Outlook As Orders Stall", "Ypsomed shares hit record".

Market news opens with the company it is about, followed by what the company did or
what its shares, profit or quarter did. So the capitalised words that open a headline,
followed by one of the words that follow a company there (`NEWS_WORDS`), are read as a
company's name where their first word is no ordinary word (the export's
`ordinary_words`: a word of the training headlines or of the word vectors'
vocabulary), no given name and no market body (`MARKET_BODIES`: "DAX falls",
"Riksbank lowers"). Such an entity has no company key: the lists do not know it.

The verbs are the third person singular ("cuts", "wins"), which a plural subject ("Bank
stocks rally", "Chipmakers jump") does not take; "stocks" is no news word for the same
reason ("Homebuilder stocks fall" is a sector).
"""

from __future__ import annotations

import re
from itertools import islice

from app.sentiment.given_names import GIVEN_NAMES

Span = tuple[int, int]

# The words that follow a company opening a headline: what it did, and what its shares,
# profit or quarter did. Written for the project from the words that follow the names
# the lists find at the start of the training headlines, less those that also follow
# persons and bodies ("to", "says", "is", "may", "names", "appoints").
NEWS_WORDS = frozenset(
    {"shares", "stock", "profit", "profits", "net", "revenue", "revenues", "sales",
     "earnings", "eps", "q1", "q2", "q3", "q4", "h1", "h2", "ipo", "posts", "reports",
     "beats", "misses", "cuts", "raises", "lifts", "trims", "wins", "warns", "sees",
     "hikes", "slashes", "tops", "lowers", "boosts", "rallies", "jumps", "surges",
     "slips", "falls", "drops", "plunges", "gains", "sinks", "soars", "tumbles",
     "slumps", "rises", "climbs", "declares", "launches", "unveils", "swings", "sells",
     "buys", "acquires", "agrees", "completes", "signs", "secures", "expands", "delays",
     "scraps", "narrows", "widens", "keeps", "reaffirms", "reiterates", "backs",
     "rejects", "halts", "resumes", "shuts", "bets", "rebounds", "extends", "upgraded",
     "downgraded"}
)  # fmt: skip
# After a possessive ("Kion's"), only what a company has: "Kion's shares", not
# "Powell's remarks".
_OWNED = frozenset(
    {"shares", "stock", "profit", "profits", "net", "revenue", "revenues", "sales",
     "earnings", "eps", "q1", "q2", "q3", "q4", "h1", "h2", "ipo"}
)  # fmt: skip
# Indices, central banks, exchanges and cartels that open market news as companies do.
MARKET_BODIES = frozenset(
    {"DAX", "MDAX", "SDAX", "TecDAX", "CAC", "FTSE", "Stoxx", "STOXX", "Euro", "Nikkei",
     "Topix", "TOPIX", "Kospi", "KOSPI", "Kosdaq", "KOSDAQ", "Hang", "Sensex", "Nifty",
     "ASX", "TSX", "OMX", "OMXS30", "IBEX", "Ibex", "MIB", "AEX", "SMI", "ATX", "BEL",
     "PSI", "KLCI", "Bovespa", "Ibovespa", "Merval", "IPC", "JSE", "NZX", "STI", "SET",
     "PSEi", "Jakarta", "Taiex", "TAIEX", "CSI", "Shanghai", "Shenzhen", "Nasdaq", "NYSE",
     "S&P", "Dow", "Russell", "VIX", "Riksbank", "Norges", "Bundesbank", "ECB", "BoE",
     "BOE", "BoJ", "BOJ", "Fed", "FOMC", "RBI", "RBA", "RBNZ", "SNB", "PBOC", "PBoC",
     "BoC", "BOC", "BoK", "BOK", "SEBI", "Sebi", "SEC", "FCA", "OPEC", "OPEC+", "IMF",
     "NSE", "BSE", "LSE", "HKEX", "SGX", "Ifo", "ZEW", "ISM", "PMI", "GDP", "CPI",
     # Regulators, governments' bodies and lenders of governments.
     "FDA", "FTC", "DOJ", "CFTC", "FINRA", "EU", "EC", "UN", "WTO", "OECD", "ADB", "IFC",
     "AIIB", "WHO", "CCI", "CAG", "CBI", "TRAI", "IRDA", "IRDAI", "PFRDA", "NABARD",
     "EGoM", "GoM", "RPT",
     # Markets named by their city: "Seoul shares rise", "HK shares end higher".
     "HK", "Seoul", "Taipei", "Tokyo", "Mumbai", "Manila", "Bangkok", "Karachi", "Dhaka",
     "Colombo", "Istanbul", "Riyadh", "Dubai", "Doha", "Cairo", "Lagos", "Nairobi",
     "Johannesburg", "Moscow", "Warsaw", "Budapest", "Prague", "Athens", "Lisbon",
     "Madrid", "Milan", "Zurich", "Stockholm", "Oslo", "Copenhagen", "Helsinki",
     "Amsterdam", "Brussels", "Vienna", "Wellington", "Sydney", "Toronto", "London",
     "Paris", "Frankfurt", "Singapore", "Wall"}
)  # fmt: skip
# Words that carry a Title Case headline on past its subject ("Abiomed Announces Q3
# Revenue", "JAB Weighs IPO"): a run that reaches one names no company.
_ONWARD = frozenset(
    {"announces", "announced", "further", "weighs", "plans", "says", "said", "to", "may",
     "will", "could", "also", "now", "again", "files", "reveals", "confirms", "expects",
     "eyes", "mulls", "considers", "seeks", "receives", "gets", "sets", "names",
     "appoints", "is", "are", "was", "has", "have"}
)  # fmt: skip
# The words a name opening a headline may run to, besides the first: more capitalised
# words, an acronym or a brand in camel case ("Suss MicroTec", "CTS Eventim").
_NAME_WORD = re.compile(r"(?:[A-Z0-9\u00c0-\u00de][\w.&+'\u2019-]*|[a-z]+[A-Z][\w.-]*)")
_TOKEN = re.compile(r"\S+")
# What a name opening a text starts with: a capital or a brand in camel case ("iRobot").
_NAME_START = re.compile(r"[A-Z\u00c0-\u00de]|[a-z]+[A-Z]")
# A reporting period: "Q3", "H1", "FY11", "9M", "Fourth" (of "Fourth Quarter").
_PERIOD = re.compile(r"(?i:q[1-4]|h[12]|fy\d{0,4}|9m|first|second|third|fourth|full-year)")
_POSSESSIVE = re.compile(r"['\u2019]s$")
# A name's words before the news word: at most this many.
MOST_WORDS = 4


def subject(text: str, ordinary: frozenset[str]) -> Span | None:
    """The span of a company's name that opens `text` as its subject (the module's
    docstring), or None: none there, or a text all in capitals or lower case (whose case
    says nothing)."""
    if not ordinary or not _NAME_START.match(text) or text.isupper() or text.islower():
        return None
    tokens = [m.span() for m in islice(_TOKEN.finditer(text), MOST_WORDS + 1)]
    words = [text[a:b] for a, b in tokens]
    # Most texts have no news word among their first words: look for one first, and read
    # the words before it only where there is.
    for k in range(1, len(words)):
        after = words[k].strip(".,:;!?\"'").lower()
        if after in NEWS_WORDS or _PERIOD.fullmatch(after):
            return _opening(text, words[:k], tokens[k - 1][1], after, ordinary)
    return None


def _opening(
    text: str, run: list[str], end: int, after: str, ordinary: frozenset[str]
) -> Span | None:
    """`subject`'s answer where the words `run`, ending at `end`, stand before the news
    word `after`."""
    for i, word in enumerate(run):
        if not _NAME_WORD.fullmatch(word) or word[-1] in ",:;'\u2019" or word.lower() in _ONWARD:
            return None
        if i and word.lower().endswith("ly") and word.lower() in ordinary:
            return None  # "Nodal Exchange Successfully Completes": an adverb ends no name
        if _PERIOD.fullmatch(word):
            return None  # "Q3 earnings: ...": a period is no name's word
        if i < len(run) - 1 and _POSSESSIVE.search(word):
            return None  # "Fed's Kaplan Sees", "Britain's FTSE falls": someone's, not a name
    owned = bool(_POSSESSIVE.search(run[-1]))
    if owned and not (after in _OWNED or _PERIOD.fullmatch(after)):
        return None
    span = (0, end - (2 if owned else 0))
    return span if _a_company(text[: span[1]], ordinary) else None


def _a_company(name: str, ordinary: frozenset[str]) -> bool:
    """Whether `name`, opening a headline before a news word, may be a company's: its
    first word starts with a letter and is no ordinary word, no given name and no market
    body."""
    first = name.split()[0]
    if not first[:1].isalpha() or first in GIVEN_NAMES or first in MARKET_BODIES:
        return False
    bare = first.rstrip(".").lower()
    # "S.Korean", "U.S.": a place's word after an initial (not "Kakaku.com").
    initial, dot, rest = bare.partition(".")
    after_initial = rest if dot and len(initial) == 1 else bare
    if {bare, bare.replace(".", ""), after_initial} & ordinary:
        return False
    # "Small-cap", "Multi-year": a part in lower case that is a word, or a first part
    # that is one; not "Sino-Ocean".
    head, *rest = first.split("-")
    return head.lower() not in ordinary and not any(p.islower() and p in ordinary for p in rest)
