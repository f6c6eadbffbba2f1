"""A company no list holds, found where a headline names it as its subject: "Krones wins
record order", "Kion Cuts 2025 Outlook As Orders Stall", "Ypsomed shares hit record".

Market news opens with the company it is about, followed by what the company did or
what its shares, profit or quarter did. So the capitalised words that open a headline,
followed by one of the words that follow a company there (`NEWS_WORDS`, among them what
a company counts: "Alimak order intake rises"), are read as a company's name where
their first word is no ordinary word (the export's `ordinary_words`: a word of the
training headlines or of the word vectors' vocabulary), no given name and no market
body (`MARKET_BODIES`: "DAX falls", "Riksbank lowers"). An ordinary first word will do
where the name's last word says it is a company's ("Renew Holdings lifts", "Tri
Chemical shares jump"; `FORMS`, `TRADES`), or, in sentence case, where a later word is
none ("Air Busan posts"). Such an entity has no company key: the lists do not know it.

The verbs are the third person singular ("cuts", "wins"), which a plural subject ("Bank
stocks rally", "Chipmakers jump") does not take; "stocks" is no news word for the same
reason ("Homebuilder stocks fall" is a sector). Two names joined by "and" take the
plural ("Palfinger and Rosenbauer fall", "Bossard & SFS slip", `pair`), and a company's
plans follow "to" ("Tietoevry to split", `TO_VERBS`). A later clause opens the same way
("... while Quadient trims forecast", `clause_subjects`), as does what follows a
country's possessive ("Chile's Hites swings"), and some phrases name the
company something happened to ("stake in Tsumura", "Brokers upgrade Genuit", "Peso
strength weighs on Gruma", "offer from CVC", "strikes at Leoni", `objects`) or a person
leads ("chairman of NBHC"); so, in sentence case, does a clause after "as" or "after"
("... as Calfrac misses", `cause_subjects`). States, regions, fuels and currencies
(`REGIONS`, `GOODS`) are none of these.
"""

from __future__ import annotations

import re
from itertools import islice

from app.sentiment.given_names import GIVEN_NAMES
from app.sentiment.spans import Span, overlap
from app.sentiment.subject_words import (
    AND,
    BANK_BODIES,
    BODIES,
    FORMS,
    FUNCTION_WORDS,
    GOODS,
    MARKET_BODIES,
    NEWS_WORDS,
    NOT_FIRST,
    ONWARD,
    OWNED,
    PAIR_VERBS,
    PAIR_WORDS,
    PERIODS,
    PERSONS_AND_EVENTS,
    PLACES,
    PUBLIC_BANKS,
    REGIONS,
    ROLES,
    TO_VERBS,
    TRADES,
)

# The words a name opening a headline may run to, besides the first: more capitalised
# words, an acronym or a brand in camel case ("Suss MicroTec", "CTS Eventim").
_NAME_WORD = re.compile(r"(?:[A-Z0-9\u00c0-\u00de][\w.&+'\u2019-]*|[a-z]+[A-Z][\w.-]*)")
_TOKEN = re.compile(r"\S+")
# What a name opening a text starts with: a capital or a brand in camel case ("iRobot").
_NAME_START = re.compile(r"[A-Z\u00c0-\u00de]|[a-z]+[A-Z]")
# Where a later clause starts, before a capital: "..., X slips", "...; X slips",
# "... while X slips", "... but X slips".
_CLAUSE = re.compile(
    r"(?:[,;:]\s+|\s+(?:while|but|whereas|While|But|Whereas)\s+)(?=[A-Z\u00c0-\u00de]|[a-z]+[A-Z])"
)
_CLAUSE_WORDS = re.compile(r"[,;:] *[A-Z]|(?:while|but|whereas|While|But|Whereas) [A-Z]")
# Where a clause says what else happened, before a capital: "... as Calfrac misses",
# "... after Northcoast upgrades" (`cause_subjects`).
_AS_CLAUSE = re.compile(r" (?:as|after) (?=[A-Z\u00c0-\u00de])")
# What a company does there, as a verb right after its name: not what it counts ("as
# Cabometyx sales top", a drug's), nor what persons do as often ("as Jhunjhunwala buys
# stake", "as Powell warns").
_ACTS = frozenset(w for w in NEWS_WORDS if w.endswith("s") and w not in OWNED) - {
    "buys", "warns", "sees", "expects", "agrees", "signs", "keeps", "reaffirms",
    "reiterates", "backs", "rejects", "bets",
}  # fmt: skip
# A place's possessive that opens a headline before a name, as wires say where a company
# is ("Chile's Hites swings to loss", "Argentina's Transener, IRSA lead Merval rally").
_PLACE_OWNS = re.compile(
    r"([A-Z][\w.]*(?: [A-Z][\w.]*)?)['\u2019]s (?=[A-Z\u00c0-\u00de]|[a-z]+[A-Z])"
)
# Phrases after which market news names the company something happened to: a stake in
# it, its shares, a bid for it, a broker's call on it, its output, what weighs on, fines
# or lifts it ("Activist fund builds stake in Tsumura", "Brokers upgrade Genuit", "Fire
# halts production at Agrana", "Peso strength weighs on Gruma"), and the company a
# person leads or speaks for ("appointed chairman of NBHC", "economist at Pantheon").
_OBJECT = re.compile(
    r"\b(?i:stakes? in|holdings? in|position in|shares (?:of|in)|stock of|takeover of|"
    r"buyout of|bids? for|offers? for|approach for|upgrades?|downgrades?|targets? on|"
    r"upside for|coverage (?:of|on)|(?:output|production|operations|shipments|occupancy) at|"
    r"weighs? on|weighed on|drags? down|fines|fined|lifts?|boosts?|hits|"
    r"(?:orders?|contracts?) from|(?:deal|pact|agreement|contract|lease|partnership|tie-up|"
    r"alliance) with|(?:offers?|bids?|approach|proposals?|assets|units?|business|division) "
    r"from|(?:strikes?|fire|explosion|blast|accident|outage|workers|dispute) at|"
    r"(?:chief executive|ceo|cfo|coo|cto|chairman|chairwoman|founder|boss|executives?|"
    r"economists?|strategists?|analysts?) (?:of|at))"
    r"\s+(?=[A-Z\u00c0-\u00de]|[a-z]+[A-Z])"
)
# A broker's call on a company, whose name the call's terms follow ("Carnegie raises
# Hufvudstaden to buy", "Equita cuts Piovan target", "Bell Potter initiates Lycopodium
# with buy rating"): the name is read only before one of `_CALL_TERMS`.
_CALL = re.compile(
    r"\b(?:raises|cuts|lifts|trims|starts|initiates|resumes|reiterates)\s+"
    r"(?=[A-Z\u00c0-\u00de]|[a-z]+[A-Z])"
)
_CALL_TERMS = frozenset({"to", "at", "with", "target", "targets", "price"})
# What has a name of its own, after "at" and a name: the site's, not a company's.
_SITES = frozenset({"mine", "mines", "field", "oilfield", "gasfield", "project", "port"})
# What each of `_OBJECT`'s phrases holds, in lower case (its words one space apart, as
# nearly every headline writes them): most texts hold none, and testing for these costs
# a fifth of the pattern's search.
_OBJECT_KEYS = (
    "stake", "holding", "position", "shares of", "shares in", "stock of", "takeover",
    "buyout", "bid", "offer", "approach", "grade", "target", "upside", "coverage", "output",
    "production", "operations", "shipments", "occupancy", "weigh", "drag", "fine", "lift",
    "boost", "hits", "executive", "ceo", "cfo", "coo", "cto", "chairman", "chairwoman",
    "founder", "boss", "economist", "strategist", "analyst", "order", "contract", "deal with",
    "pact with", "agreement with", "lease with", "partnership with", "tie-up with",
    "alliance with", "proposal", "assets from", "unit from", "units from", "business from",
    "division from", "strike", "fire at", "explosion at", "blast at", "accident at",
    "outage at", "workers at", "dispute at",
)  # fmt: skip
_POSSESSIVE = re.compile(r"['\u2019]s$")
# An acronym in the plural, a kind of firm: "BPOs", "NBFCs", "PSUs".
_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s")
# What a hyphen joins to another word that names no company with it ("Post-Brexit",
# "Non-OPEC", "Ex-Goldman").
_PREFIXES = frozenset({"post", "pre", "anti", "non", "ex", "pro", "mid", "multi", "co", "re"})
# What a company prices, after its name ("Pepper Money prices A$1 billion RMBS deal",
# "Ratio Energies prices $400m notes"; not "Steel prices rise").
_PRICED = frozenset({"ipo", "offering", "notes", "bonds", "bond", "sukuk", "shares", "its"})
_AMOUNT = re.compile(r"(?:[$€£¥₹\d]|[A-Z]{1,3}\$|(?:RM|Rs|SAR|AED|NIS)\d)")
# A name's words before the news word: at most this many.
MOST_WORDS = 4


def subject(
    text: str, ordinary: frozenset[str], later: bool = False, known: frozenset[str] = frozenset()
) -> Span | None:
    """The span of a company's name that opens `text` as its subject (the module's
    docstring), or None: none there, or a text all in capitals or lower case (whose case
    says nothing). `later`: `text` is a later clause of a headline, where capitals in
    sentence case mark a name (`_a_company`). `known`: companies' names that are words,
    each read as its company's here (`_a_company`)."""
    if not ordinary or not _NAME_START.match(text) or text.isupper() or text.islower():
        return None
    words = text.split(None, MOST_WORDS + 2)
    # Most texts have no news word among their first words: look for one first, and read
    # the words before it only where there is.
    for k in range(1, min(len(words), MOST_WORDS + 1)):
        after = _bare(words[k])
        if (
            after in NEWS_WORDS
            or _period(after)
            or (after in _BEFORE_WHAT and _before(words, k, after))
        ):
            tokens = [m.span() for m in islice(_TOKEN.finditer(text), k)]
            run = [text[a:b] for a, b in tokens]
            if after in _COUNTED and k + 1 < len(words) and _bare(words[k + 1]) in _MOVES:
                # What a company sells or runs before what it counts of it, and how that
                # moved ("Vranken-Pommery champagne sales fall", "Luka Koper container
                # throughput falls"; not "Amar Ujala files IPO papers").
                while len(run) > 1 and k - len(run) < 2 and _a_thing(run[-1]):
                    run.pop()
                    tokens.pop()
            # At a headline's start, sentence case capitalises a name's first word and
            # the headline's alike, so a later word that is none must mark the name
            # ("Air Busan posts", "KWS Saat trims"); an initial opens a person's name.
            opens = not later and k > 1 and len(words[0]) > 1 and _sentence_case(text)
            cased = (later or opens) and words[k][:1].islower()
            return _opening(text, run, tokens[-1][1], after, ordinary, cased, known)
    return None


# What a company counts of what it sells or runs, and the words of how that moved.
_COUNTED = frozenset(
    {"sales", "revenue", "revenues", "profit", "profits", "earnings", "output",
     "production", "orders", "traffic", "throughput", "occupancy"}
)  # fmt: skip
_MOVES = NEWS_WORDS | PAIR_VERBS | {"up", "down", "grows", "grow", "slow", "slows"}


# The words after a name that are news only before what follows them: "to" before a
# deal's verb (`TO_VERBS`), "prices" before what a company prices (`_PRICED`, `_AMOUNT`).
_BEFORE_WHAT = frozenset({"to", "prices"})


def _before(words: list[str], k: int, word: str) -> bool:
    """Whether `words[k]` (`word` in lower case: "to", "prices") is news for the name
    before it, as the word after it says."""
    then = words[k + 1] if k + 1 < len(words) else ""
    if word == "to":
        return _bare(then) in TO_VERBS
    return _bare(then) in _PRICED or _AMOUNT.match(then) is not None


def _a_thing(word: str) -> bool:
    """Whether `word` may be a word of what a company sells or runs: in lower case, no
    function word, and no verb's or plural's "-s" ("registers", "files")."""
    return (
        word.islower()
        and word.replace("-", "").isalpha()
        and word not in FUNCTION_WORDS
        and not word.endswith("s")
    )


def clause_starts(text: str, ordinary: frozenset[str]) -> list[int]:
    """Where the later clauses of `text` start that may open with a name: after a comma,
    a semicolon, a colon, "while" or "but", before a capital ("..., Mindtree slips",
    "Vienna bourse: Amag slips"), and after a place's possessive that opens it
    ("Chile's Hites swings")."""
    if not ordinary or text.isupper() or text.islower():
        return []
    owner = _PLACE_OWNS.match(text)
    starts = [owner.end()] if owner and owner.group(1) in PLACES else []
    if _CLAUSE_WORDS.search(text):
        starts += [m.end() for m in _CLAUSE.finditer(text)]
    return starts


def clause_subjects(
    text: str, ordinary: frozenset[str], starts: list[int], known: frozenset[str] = frozenset()
) -> list[Span]:
    """The spans of companies no list holds that open a later clause of `text` (at
    `starts`, `clause_starts`) as its subject ("Lectra wins orders while Quadient trims
    its forecast", "Infosys gains 3%, Mindtree slips", "Swiss small caps: Medartis
    rises"), and of the `known` names that are words there ("Barclays rises, Lloyds
    falls")."""
    out = []
    for start in starts:
        found = subject(text[start:], ordinary, later=True, known=known)
        if found is not None:
            out.append((start + found[0], start + found[1]))
    return out


def cause_subjects(
    text: str, ordinary: frozenset[str], known: frozenset[str] = frozenset()
) -> list[Span]:
    """The spans of companies no list holds that open a clause after "as" or "after",
    right before what they did (`_ACTS`): "Enerflex beats estimates as Calfrac misses",
    "Lyft stock gains after Northcoast upgrades". Only in sentence case, where capitals
    mark names: in Title Case such a clause as often opens with what a company makes or
    sells ("After Sauna Maker Beats", "As Macau Gaming Revenue Jumps"). Not an acronym
    alone, a regulator's as often ("as USFDA halts"); `known` as `subject`'s."""
    if not ordinary or not _AS_CLAUSE.search(text) or not _sentence_case(text):
        return []
    out = []
    for m in _AS_CLAUSE.finditer(text):
        tokens = [t.span() for t in islice(_TOKEN.finditer(text, m.end()), MOST_WORDS + 1)]
        words = [text[a:b] for a, b in tokens]
        k = next((i for i in range(1, len(words)) if words[i].rstrip(",;:") in _ACTS), None)
        if k is None or (k == 1 and words[0].isupper() and words[0] not in known):
            continue
        run = words[:k]
        if not _name_run(run, ordinary) or _POSSESSIVE.search(run[-1]):
            continue
        span = (tokens[0][0], tokens[k - 1][1])
        if _a_company(text[span[0] : span[1]], ordinary, cased=True, known=known):
            out.append(span)
    return out


def objects(text: str, ordinary: frozenset[str], known: frozenset[str] = frozenset()) -> list[Span]:
    """The spans of companies no list holds named after a phrase of `_OBJECT`: the
    capitalised words that follow it (at most `MOST_WORDS`), read as `subject` reads an
    opening name, in sentence case as a later clause's; `known` as `subject`'s."""
    if not ordinary or text.isupper() or text.islower():
        return []
    low = text.lower()
    phrases = any(key in low for key in _OBJECT_KEYS)
    calls = _CALL.search(text) is not None
    if not (phrases or calls):
        return []
    out = []
    sentence_case = _sentence_case(text)
    found = [(m, False) for m in _OBJECT.finditer(text)] if phrases else []
    # A call's terms tell its company from other words only where case marks names.
    found += [(m, True) for m in _CALL.finditer(text)] if calls and sentence_case else []
    for m, call in found:
        run: list[str] = []
        end = m.end()
        for token in islice(_TOKEN.finditer(text, m.end()), MOST_WORDS + 1):
            word = token.group().rstrip(".,:;!?\"'")
            owned = _POSSESSIVE.search(word)
            word = word[: owned.start()] if owned else word
            if not word or not _NAME_WORD.fullmatch(word) or word.lower() in FUNCTION_WORDS:
                break
            run.append(word)
            end = token.start() + len(word)
            if word != token.group() or len(run) > MOST_WORDS:
                break  # punctuation or "'s" ends the name
        if not run or len(run) > MOST_WORDS or not _name_run(run, ordinary):
            continue
        if not sentence_case:
            # In Title Case the words after a name are capitalised too ("Shares Of
            # Usiminas Slump On ..."): the name ends at its last word that is no word.
            while len(run) > 1 and run[-1].lower() in ordinary:
                end = text.rindex(run.pop(), m.end(), end)
                end = len(text[:end].rstrip())
        after = text[end:].split(None, 1)
        if call and (not after or after[0].lower() not in _CALL_TERMS):
            continue
        if m.group().rstrip().endswith(" at") and after and after[0].lower() in _SITES:
            continue  # "Workers at Grasberg mine": a mine's or a field's own name
        cased = sentence_case and (not after or not after[0][:1].isupper())
        span = (m.end(), end)
        if _a_company(text[m.end() : end], ordinary, cased, known=known) and span not in out:
            out.append(span)
    return out


_CAPITALISED_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")


def title_cased(text: str) -> bool:
    """Whether `text` capitalises its words as a rule ("Target Cuts Outlook As Sales
    Slow"): of its words of four letters or more that are not all capitals, at least
    three, and one in six at most starts in lower case ("iPhone")."""
    words = [w for w in _CAPITALISED_WORD.findall(text) if len(w) >= 4 and not w.isupper()]
    return len(words) >= 3 and sum(w[0].islower() for w in words) <= len(words) // 6


def _sentence_case(text: str) -> bool:
    """Whether `text` is in sentence case: it writes a word of four letters or more after
    its first in lower case, which Title Case never does."""
    return any(len(w) >= 4 and w.isalpha() and w.islower() for w in text.split()[1:])


def pair(
    text: str,
    ordinary: frozenset[str],
    taken: list[Span],
    start: int = 0,
    later: bool | None = None,
    known: frozenset[str] = frozenset(),
) -> list[Span]:
    """The spans of companies no list holds among two names joined by "and", by "&"
    before a plural verb, or by a comma, as wires join them (`AND`), that open `text`
    (or its clause at `start`) before what they did (`PAIR_WORDS`: "Palfinger and
    Rosenbauer fall", "Holmen And Billerud Hit By Weak Prices", "Bossard & SFS slip",
    "Meidensha, Daihen raise forecasts"). Each of the two must be a name found otherwise
    (`taken`: the spans found) or read as `subject` reads one, else neither is a
    company's: "Gold and silver rally", "Oil And Gas Stocks Fall". A name that stands
    mid-sentence (the second, and the first of a later clause) may start with an ordinary
    word where a later word is none; the second, beside a company, in sentence case
    whatever follows ("Sodick and Towa slide"). `later`: whether `start` opens a later
    clause, by default where it is past 0 (not after a wire's slugs: "UPDATE 1-").
    `known` as `subject`'s ("Shell and BP fall")."""
    clause = text[start:]
    in_clause = start > 0 if later is None else later
    if (
        not ordinary
        or not _NAME_START.match(clause)
        or text.isupper()
        or text.islower()
        or not _early_join(clause)
    ):
        return []
    tokens = [(a + start, b + start) for a, b in _first_tokens(clause)]
    words = [text[a:b] for a, b in tokens]
    first = range(1, min(len(words), MOST_WORDS + 1))
    # j: the second name's first word; the first name's words are those before `join`.
    j = next((i + 1 for i in first if words[i] in AND), None)
    after = PAIR_WORDS
    if j is None:
        j = next((i + 1 for i in first if words[i] == "&"), None)
        after = PAIR_VERBS  # "Marks & Spencer shares fall" is one company
    comma = False
    if j is None:
        j = next((i for i in first if words[i - 1].endswith(",")), None)
        comma = True
    if j is None:
        return []
    join = j if comma else j - 1
    ends = range(j + 1, min(len(words), j + 1 + MOST_WORDS))
    k = next((i for i in ends if _bare(words[i]) in after), None)
    if k is None:
        return []
    first_end = tokens[join - 1][1] - (1 if comma else 0)
    opening = words[:join]
    opening[-1] = opening[-1][:-1] if comma else opening[-1]
    out = []
    # A name mid-sentence (the second; the first of a later clause): an ordinary first
    # word will do where a later word is none ("Veidekke And AF Gruppen Win"); the second,
    # beside a company, in sentence case, where its capitals mark a name, alone.
    in_sentence = words[k][:1].islower()
    for run, span, beside, cased, vouched in (
        (opening, (tokens[0][0], first_end), first_end, in_clause, False),
        (words[j:k], (tokens[j][0], tokens[k - 1][1]), tokens[j][0], True, in_sentence),
    ):
        near = [other for other in taken if overlap(span, other)]
        inside = all(span[0] <= a and b <= span[1] for a, b in near)
        if near and inside and any(beside in (a, b) for a, b in near):
            continue  # a name found right beside the join is one of the two
        # "&" may join the words of either name ("Adairs and Temple & Webster slide"), as
        # `_name_run` reads it.
        if near or not _name_run(run, ordinary):
            return []
        if _POSSESSIVE.search(run[-1]):
            return []
        if not _a_company(text[span[0] : span[1]], ordinary, cased, vouched, known):
            return []
        out.append(span)
    return out


# What joins two names, as `pair` reads them; most texts hold none within a name's length
# of their start, and testing for that spares them the tokens.
_JOIN = re.compile(r" (?:and|And|AND|&) |, ")


def _early_join(clause: str) -> bool:
    """Whether a join (`_JOIN`) first stands in `clause` after at most `MOST_WORDS` words."""
    found = _JOIN.search(clause)
    return found is not None and len(clause[: found.start()].split()) <= MOST_WORDS


def _first_tokens(text: str) -> list[Span]:
    return [m.span() for m in islice(_TOKEN.finditer(text), 2 * MOST_WORDS + 2)]


def _bare(word: str) -> str:
    return word.strip(".,:;!?\"'").lower()


def _period(word: str) -> bool:
    """Whether `word`, in lower case, is a reporting period (`PERIODS`, "fy11")."""
    return word in PERIODS or (word[:2] == "fy" and len(word) <= 6 and word[2:].isdecimal())


def _opening(
    text: str,
    run: list[str],
    end: int,
    after: str,
    ordinary: frozenset[str],
    cased: bool,
    known: frozenset[str],
) -> Span | None:
    """`subject`'s answer where the words `run`, ending at `end`, stand before the news
    word `after`; `cased` and `known` as `_a_company`'s."""
    if not _name_run(run, ordinary):
        return None
    if "&" in run and run[-1].lower() in PAIR_VERBS:
        return None  # "Olvi & Puuilo Lift Sales Forecasts": two names, `pair`'s
    if (
        after == "to"
        and any(w.lower() in ordinary for w in run[1:])
        and not _sentence_case(text)
        and not _company_word_last(" ".join(run))
    ):
        return None  # "Powell Signals No Rush To Cut": Title Case runs on to "to"
    owned = bool(_POSSESSIVE.search(run[-1]))
    if owned and not (after in OWNED or _period(after)):
        return None
    span = (0, end - (2 if owned else 0))
    return span if _a_company(text[: span[1]], ordinary, cased, known=known) else None


# The last words of a name that its first word, a person's role, cannot make a person's:
# "Premier Foods", "Premier Energy", "President Securities".
ROLE_NAME_ENDS = TRADES | FORMS | {"Energy", "Oil", "Gas", "Mining", "Minerals", "Securities"}


def _name_run(run: list[str], ordinary: frozenset[str]) -> bool:
    """Whether the words `run` may be a name's, each capitalised (`_NAME_WORD`)."""
    for i, word in enumerate(run):
        if word == "&" and 0 < i < len(run) - 1:
            continue  # "Keefe Bruyette & Woods", "Maanshan Iron & Steel"
        if not _NAME_WORD.fullmatch(word) or word[-1] in ",:;'\u2019":
            return False
        if word.lower() in ONWARD:
            return False
        if word.lower() in ROLES and not (i == 0 and run[-1] in ROLE_NAME_ENDS):
            return False  # "Premier Li says", but "Premier Foods", "Boss Energy"
        if i and word.lower().endswith("ly") and word.lower() in ordinary:
            return False  # "Nodal Exchange Successfully Completes": an adverb ends no name
        if _period(word.lower()):
            return False  # "Q3 earnings: ...": a period is no name's word
        if word.lower().endswith("-based"):
            return False  # "Ho Chi Minh City-based": where a company is, not its name
        if i == len(run) - 1 and word in ("Index", "Indices"):
            return False  # "Straits Times Index edges up": a market's, not a company's
        if i < len(run) - 1 and _POSSESSIVE.search(word):
            return False  # "Fed's Kaplan Sees", "Britain's FTSE falls": someone's, not a name
    return True


def _no_word(word: str, ordinary: frozenset[str]) -> bool:
    """Whether `word`, a later word of a name, is no ordinary word, place or role."""
    bare = word.rstrip(".,")
    return (
        len(bare) >= 3
        and bare.isalpha()
        and bare[0].isupper()
        and bare.lower() not in ordinary
        and bare not in PLACES
        and bare not in MARKET_BODIES
        and bare.lower() not in ROLES
    )


def _a_company(
    name: str,
    ordinary: frozenset[str],
    cased: bool = False,
    vouched: bool = False,
    known: frozenset[str] = frozenset(),
) -> bool:
    """Whether `name`, opening a headline before a news word, may be a company's: its
    first word starts with a letter and is no ordinary word, no given name and no market
    body. `cased`: `name` stands in sentence case where its capitals mark a name
    (mid-sentence, or at the start before a word in lower case, `subject`), so an
    ordinary first word will do if a later word is none ("... while Star Micronics cuts
    outlook", "Air Busan posts"; not "Federal Reserve", nor "Upbeat China PMI lifts",
    whose later words are a place's and a market body's).
    `vouched`: the words around say it is a name (a company's beside it in a pair), so an
    ordinary first word will do alone. So it will where the name's last word says it is
    a company's (`_company_word_last`), and where a place's name comes before one word
    that is none ("Korea Kolmar"). A name of `known` is its company's whole, as the
    gazetteer's list of companies whose names are words says ("Lloyds", "Shell")."""
    if name in known:
        return True
    first, *later = name.split()
    if not first[:1].isalpha() or first in GIVEN_NAMES:
        return False
    if first in MARKET_BODIES and not (len(later) > 1 and later[-1] in FORMS):
        return False  # not "Shenzhen shares", but "Shenzhen International Holdings"
    if first in PERSONS_AND_EVENTS:
        return False
    if not later and _PLURAL_ACRONYM.fullmatch(first):
        return False  # "bids from BPOs", "NBFCs rally": a kind of firm, not one
    if name in PLACES or first.rstrip(".,") in NOT_FIRST:
        return False
    if name in REGIONS or first in GOODS:
        return False
    bare = first.rstrip(".").lower()
    # "S.Korean", "U.S.": a place's word after an initial (not "Kakaku.com").
    initial, dot, rest = bare.partition(".")
    after_initial = rest if dot and len(initial) == 1 else bare
    if {bare, bare.replace(".", ""), after_initial} & ordinary:
        return (
            vouched
            or _company_word_last(name)
            or (cased and any(_no_word(w, ordinary) for w in later))
            # A place's name before one word that is none ("Korea Kolmar", "Taiwan
            # Paiho"), not a verb's or a common noun's ("Iran Defuses", "Chinese
            # Excavator Maker").
            or (
                first in PLACES
                and len(later) == 1
                and _no_word(later[0], ordinary)
                and later[0] not in FORMS
                and not later[0].endswith(("s", "er", "or", "ion", "ing", "ment"))
            )
        )
    # "Small-cap", "Multi-year", "Post-Brexit", "G-7": a part in lower case that is a
    # word, a prefix, or no part that is a name's; not "Sino-Ocean", "Fox-Wizel".
    head, *rest = first.split("-")
    if any(p.islower() and p in ordinary for p in rest) or head.lower() in _PREFIXES:
        return False
    return head.lower() not in ordinary or any(
        len(p) > 2 and p.isalpha() and p.lower() not in ordinary for p in rest
    )


def _company_word_last(name: str) -> bool:
    """Whether `name`, of two words or more, ends with a word that says it is a
    company's (`FORMS`; `TRADES` after no place's word and in no body's name)."""
    words = name.split()
    if len(words) < 2:
        return False
    last = words[-1]
    if last in FORMS:
        return len(words) > 2 or words[0] not in PLACES  # "India Inc": a country's firms
    return last in TRADES and words[0] not in PLACES and " ".join(words[-2:]) not in BODIES


def tagged_name(text: str, span: Span, ordinary: frozenset[str]) -> Span | None:
    """The span by which a mention a tagger found (`span`) names a company, as these
    readings check a name (a possessive taken off: "Spain's" is Spain), or None: no
    place, market body, currency or ordinary word alone, no word in lower case, and
    nothing written in capitals alone: an acronym is a body or a trade's term as often as
    a company ("CSO figures show", "higher CPO prices"), a ticker in a tag or a cashtag
    is the company's named beside it, and a headline in capitals gives no name away.
    In Title Case (`title_cased`) capitals mark no name, so `_capitalised_run` is not
    asked."""
    start, end = span
    if owned := _POSSESSIVE.search(text[start:end]):
        end = start + owned.start()
    name = text[start:end]
    words = name.split()
    if not name[:1].isupper() or name.isupper() or not _name_run(words, ordinary):
        return None
    # A government's bank, or the tagger's part of its name ("National Bank" of "Swiss
    # National Bank"), whatever the checks below would read in its words.
    before = text[:start].rsplit(None, 1)[-1:]
    if _public_bank(name) or _public_bank(" ".join([*before, name])):
        return None
    if _a_company(name, ordinary, cased=True):
        return (start, end)
    if title_cased(text) or not _capitalised_run(words, ordinary):
        return None
    return (start, end)


def _capitalised_run(words: list[str], ordinary: frozenset[str]) -> bool:
    """Whether `words`, two or more capitalised words the tagger reads as one mention in
    a headline whose capitals mark names, name a company whatever words they are
    ("Salmon Evolution harvests record volumes", "merger with Bank Islam", "Japan Airport
    Terminal swings"): the tagger has read where a name stands, and the capitals say
    where it ends. Not a market or its city's ("Wall Street", "Tel Aviv", "Oslo Børs",
    "Hang Seng"), a place ("Bank Indonesia", "Southern California"), a place's people or
    goods ("American Consumers"), a body, a person or an event. (A government's bank,
    "Swiss National Bank" but not "Doha Bank", `tagged_name` refuses before.)"""
    if len(words) < 2:
        return False
    first, last, name = words[0], words[-1], " ".join(words)
    if name in PLACES or name in REGIONS or name in BODIES or name in MARKET_BODIES:
        return False
    if first in GIVEN_NAMES or first in PERSONS_AND_EVENTS:
        return False
    if len(words) == 2 and first in MARKET_BODIES and last not in TRADES | FORMS:
        return False
    if any(w in MARKET_BODIES for w in words[1:]) or last in PLACES or last in REGIONS:
        return False
    return not (len(words) == 2 and first in PLACES and last.lower() in ordinary)


def _public_bank(name: str) -> bool:
    """Whether `name` is a government's bank's (`PUBLIC_BANKS`, `BANK_BODIES`)."""
    return name in PUBLIC_BANKS or any(f" {body} " in f" {name} " for body in BANK_BODIES)
