"""The marks a news outlet puts on a headline, which say nothing about the news.

A feed writes its outlet's credit after the headline ("Apple beats estimates - Reuters",
"... | Economic Times", "... (Bloomberg)"; every title of a news aggregator's feed ends so,
and a post its attribution: "(via @Reuters)")
and a wire's slug or flag before it ("UPDATE 1-", "RPT-", "BREAKING: "). Read as words,
one of them changed the headline model's label for one headline in thirteen
(docs/models/sentiment.md, "News sources' tags"), and the gazetteer found the outlets
that are listed companies themselves ("- Nasdaq", "- S&P Global") as companies in the
news. `without_outlet_marks` takes them out of what the models read; `credit_start`
says where a credit begins, so that no company is found in it.

Only the outlets named here are credits: a dash before other words ("Apple beats
estimates - shares jump") is the headline's own. A headline all in capitals or all in
lower case writes its marks in that case ("... - REUTERS", "breaking: ..."), and they
are its outlet's all the same.
"""

from __future__ import annotations

import re

# News outlets and wires as their feeds credit them.
OUTLETS = frozenset(
    {
        "AP", "AP News", "Associated Press", "AFP", "Reuters", "Reuters.com", "Thomson Reuters",
        "Bloomberg", "Bloomberg.com", "Bloomberg News", "BNN Bloomberg", "BBG",
        "Dow Jones", "Dow Jones Newswires", "MT Newswires", "The Wall Street Journal",
        "Wall Street Journal", "WSJ", "Barron's", "MarketWatch", "MW", "Financial Times",
        "FT", "FT.com", "The Economist", "CNBC", "CNBC.com", "CNN", "CNN Business", "BBC",
        "BBC News", "Fox Business", "Yahoo Finance", "Yahoo! Finance", "Yahoo News",
        "Nasdaq", "Nasdaq.com", "Seeking Alpha", "SA", "Benzinga", "Investing.com",
        "The Motley Fool", "Motley Fool", "Fool.com", "TheStreet", "TheStreet.com",
        "Zacks", "Zacks.com", "Morningstar", "Kiplinger", "Forbes", "Fortune",
        "Business Insider", "Insider", "Markets Insider", "Investor's Business Daily",
        "InvestorPlace", "Investorplace.com", "Zero Hedge", "ZeroHedge", "Axios",
        "The New York Times", "New York Times", "NYT", "The Washington Post",
        "The Guardian", "The Telegraph", "Sky News", "Evening Standard", "This is Money",
        "City A.M.", "The Globe and Mail", "Financial Post", "Nikkei Asia", "Nikkei",
        "South China Morning Post", "SCMP", "Caixin", "Xinhua", "Yonhap", "Kyodo News",
        "Al Jazeera", "S&P Global", "S&P Global Market Intelligence", "FX Empire",
        "Kitco", "Kitco News", "TipRanks", "MarketBeat", "Barchart", "GuruFocus",
        "Simply Wall St", "Proactive Investors", "PR Newswire", "Business Wire",
        "GlobeNewswire", "Globe Newswire", "Accesswire", "CoinDesk", "Cointelegraph",
        "Economic Times", "The Economic Times", "ET", "ET Markets", "Moneycontrol",
        "Moneycontrol.com", "Business Standard", "Mint", "Livemint", "LiveMint",
        "The Hindu BusinessLine", "BusinessLine", "The Hindu", "Business Today",
        "NDTV Profit", "NDTV", "Financial Express", "The Financial Express",
        "Times of India", "The Times of India", "Hindustan Times", "CNBC-TV18",
        "CNBCTV18", "Zee Business", "BQ Prime", "Press Trust of India", "PTI", "IANS",
    }
)  # fmt: skip
# A headline all in capitals or all in lower case credits its outlet in that case too
# ("... - REUTERS"), as it writes its companies' names.
_OUTLETS_IN_CAPITALS = frozenset(outlet.upper() for outlet in OUTLETS)
_OUTLETS_IN_LOWER_CASE = frozenset(outlet.lower() for outlet in OUTLETS)
# A credit after the headline: " - Reuters", " | Reuters", " — Reuters", "(Reuters)".
_SEPARATOR = re.compile(r"\s+[-|\u2013\u2014]\s+")
_BRACKETED = re.compile(r"\s*\(([^()]+)\)\s*$")
# A wire's slugs and flags before the headline: Reuters' "UPDATE 1-", "RPT-", "CORRECTED-",
# "EXCLUSIVE-", "WRAPUP 2-" (one or more, "RPT-UPDATE 2-"), and "BREAKING: ", "JUST IN: ".
_SLUGS = re.compile(
    r"^(?:(?:UPDATE|RPT|REFILE|CORRECTED|CORRECTION|EXCLUSIVE|BRIEF|WRAPUP|FACTBOX|"
    r"ANALYSIS|INSIGHT|BREAKINGVIEWS|COLUMN|PREVIEW|EXPLAINER|TIMELINE)(?: \d{1,2})?-)+"
    r"|^(?:BREAKING NEWS|BREAKING|JUST IN|UPDATE|EXCLUSIVE|FLASH|WATCH|LISTEN NOW|LISTEN|"
    r"LIVE|VIDEO|PODCAST|ICYMI)\s*:\s+"
)
# A post's attribution at its end: "(via @CNBCMakeIt)", "Insights via @CMEGroup", "(via
# Reuters)"; read as words, " (via @Reuters)" after a headline changed v9's label for
# one in eleven of SEntFiN's test titles. Unbracketed, only a handle is one ("raises
# $5bn via bond sale" is the news); a post cut short there ends in an ellipsis after it.
_VIA = re.compile(
    r"\s*(?:\(\s*via\s+(?P<source>[^()]+?)\s*\)|\bvia\s+(?P<handle>@\w+))(?:\u2026|\.\.\.)?\s*$",
    re.IGNORECASE,
)
# The same in text all in lower case (the pattern's escapes are all lower case already).
_SLUGS_IN_LOWER_CASE = re.compile(_SLUGS.pattern.lower())


def _is_outlet(tail: str, text: str) -> bool:
    """Whether `tail`, the words after a credit's separator in `text`, is an outlet."""
    if tail in OUTLETS:
        return True
    if text.isupper():
        return tail in _OUTLETS_IN_CAPITALS
    return text.islower() and tail in _OUTLETS_IN_LOWER_CASE


def credit_start(text: str) -> int | None:
    """Where the outlet's credit at the end of `text` begins (its separator included),
    or None when the text ends in none. An attribution ("(via @Reuters)") is a credit,
    and one before it is the credit's start ("... - Reuters (via @Yahoo)")."""
    if "via" in text or "Via" in text or "VIA" in text:
        via = _VIA.search(text)
        source = None if via is None else via.group("source")
        if via is not None and (source is None or source[0] == "@" or _is_outlet(source, text)):
            before = credit_start(text[: via.start()])
            return via.start() if before is None else before
    if text.endswith(")"):
        m = _BRACKETED.search(text)
        return m.start() if m is not None and _is_outlet(m.group(1).strip(), text) else None
    if not (" - " in text or "|" in text or "\u2013" in text or "\u2014" in text):
        return None
    separators = list(_SEPARATOR.finditer(text))
    last = separators[-1] if separators else None
    if last is None or not _is_outlet(text[last.end() :].strip(), text):
        return None
    return last.start()


def slugs_end(text: str) -> int:
    """Where the headline of `text` starts after its wire's slugs and flags ("UPDATE
    1-", "RPT-", "BREAKING: "), 0 where it has none."""
    slugs = _SLUGS.match(text) if text[:1].isupper() else None
    if slugs is None and text.islower():
        slugs = _SLUGS_IN_LOWER_CASE.match(text)
    return 0 if slugs is None else slugs.end()


def without_outlet_marks(text: str) -> str:
    """`text` without its outlet's credit and its wire's slugs ("UPDATE 1-Apple beats
    estimates - Reuters" -> "Apple beats estimates"); a headline that would be left
    empty stays as it is."""
    end = credit_start(text)
    out = text if end is None else text[:end]
    out = out[slugs_end(out) :]
    return out if out.strip() else text
