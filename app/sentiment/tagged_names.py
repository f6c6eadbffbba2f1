"""The name an exchange tag follows when no list holds it: "Douglas" of "Douglas (DOU.DE)
shares slump", "Orchid Island Capital, Inc." of "Do Directors Own Orchid Island Capital,
Inc. (NYSE:ORC) Shares?".

A tag says which company, and the words right before it that read as a name are that
company's mention: what the answer's span shows, and what the entity model reads as
the target, as it reads a name the lists hold. Where those words cannot be told from
the headline's own (a headline in Title Case with more words than a name takes), the
tag's ticker stays the mention.
"""

from __future__ import annotations

import re

from app.sentiment.spans import Span

# A word a name is made of: it starts with a capital or a digit ("Kion", "3M", "N.V."), or
# is a brand in camel case ("doValue", "iRobot"); "&" joins two such words.
_NAME_WORD = re.compile(r"(?:[A-Z0-9\u00c0-\u00de][\w.'\u2019&/-]*|[a-z]+[A-Z][\w.-]*|&)")
# Words of European names that stand between two capitalised ones ("Solaria Energía y
# Medio Ambiente", "Banca Monte dei Paschi di Siena", "Van de Velde").
_PARTICLES = frozenset(
    {"de", "del", "della", "dei", "di", "du", "des", "da", "do", "dos", "van", "von", "der",
     "den", "la", "le", "y", "e", "og", "och"}
)  # fmt: skip
# Words that open a headline in Title Case before the name, or stand between its words,
# and name no company: "Is", "Why", "Do Directors Own", "If You Had Bought", "The".
_NOT_NAMES = frozenset(
    {"a", "an", "the", "is", "are", "was", "were", "be", "been", "do", "does", "did", "why",
     "what", "how", "when", "where", "who", "which", "should", "can", "could", "will",
     "would", "may", "might", "must", "has", "have", "had", "if", "you", "your", "we", "our",
     "i", "it", "its", "in", "on", "at", "of", "for", "with", "by", "to", "from", "and", "or",
     "as", "after", "before", "about", "into", "over", "under", "than", "vs", "own", "owns",
     "owning", "buy", "buys", "buying", "bought", "sell", "sells", "selling", "sold", "hold",
     "holds", "holding", "imagine", "like", "worry", "look", "looks", "note", "check",
     "consider", "introducing", "investigate", "investing", "undervaluing", "loving", "think",
     "miss", "some", "out", "see", "meet", "inside", "behind", "shareholders", "insiders",
     "institutions",
     "directors", "shares", "share", "stock", "stocks", "breaking", "exclusive", "update",
     "report", "watch", "says", "said", "new", "this", "that", "these", "those", "there",
     "here", "now", "today", "just", "still", "also", "not", "no", "yes", "all", "more", "most"}
)  # fmt: skip
# Lower-case words inside names: "Kin and Carta", "Bank of Ireland".
_JOINING_WORDS = frozenset({"and", "for", "of"})
# Of a headline in Title Case, a name of at most this many words is read before a tag;
# in sentence case, where the words of a name are the capitalised ones, this many.
TITLE_CASE_WORDS = 3
SENTENCE_CASE_WORDS = 6
# Of a name found in the lists right before more capitalised words and the tag, the words
# between may be at most this many in Title Case, where they may be the headline's own
# ("CyberArk Software (NASDAQ:CYBR)", not "Apple Supplier Largan (3008.TW)").
TITLE_CASE_GAP = 1
SENTENCE_CASE_GAP = 3


def name_words(text: str, end: int, most: int, title_case: bool = False) -> list[Span]:
    """The words right before `end` that may be a name's, first to last: capitalised
    words, "&" and particles between them, back to a word that is no name's ("Is",
    "Own", "Bought", "The"), a word ending in "," ":" ";" or a quote, or anything else.
    None (an empty list) if more than `most` of them besides particles, nor, in Title
    Case, where "and", "for" or "of" joins the run to a capitalised word before it: that
    may be a longer name's end ("Maya Gold and Silver", "Hingham Institution for
    Savings")."""
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[:end])]
    run: list[Span] = []
    for i in range(len(tokens) - 1, -1, -1):
        start, stop = tokens[i]
        word = text[start:stop]
        if run and word[-1:] in ",:;\"'\u201d\u2019":
            break
        if word in _PARTICLES and run:
            run.append((start, stop))
            continue
        if not _NAME_WORD.fullmatch(word) or _not_a_name(word):
            joined = title_case and run and word in _JOINING_WORDS and i > 0
            if joined and text[tokens[i - 1][0]].isupper():
                return []
            break
        run.append((start, stop))
        if sum(text[a:b] not in _PARTICLES for a, b in run) > most:
            return []
    run.reverse()
    # A particle or "&" neither starts nor ends a name.
    while run and (text[run[0][0] : run[0][1]] in _PARTICLES or text[run[0][0]] == "&"):
        run.pop(0)
    return run


def name_before(text: str, end: int, title_case: bool) -> Span | None:
    """The span of the name a tag follows whose name ends at `end` (before the spaces,
    "'s" and legal forms), where the words before it read as one (`name_words`): at
    most TITLE_CASE_WORDS words in a headline in Title Case, SENTENCE_CASE_WORDS
    otherwise. None if there is none."""
    run = name_words(text, end, TITLE_CASE_WORDS if title_case else SENTENCE_CASE_WORDS, title_case)
    return (run[0][0], run[-1][1]) if run else None


def gap_words(text: str, start: int, end: int) -> int | None:
    """How many name words stand between a name found ending at `start` and the end of
    the name a tag follows (`end`): None when anything else stands there."""
    between = text[start:end]
    if not between.strip(" .,"):
        return 0
    if not between[:1].isspace():
        return None
    words = between.split()
    if not all(_NAME_WORD.fullmatch(w) or w in _PARTICLES for w in words):
        return None
    if any(_not_a_name(w) for w in words):
        return None
    return sum(w not in _PARTICLES for w in words)


def _not_a_name(word: str) -> bool:
    """Whether `word` is one of `_NOT_NAMES` as written: not a particle ("do" of "Banco do
    Brasil"), nor an acronym ("BE" of "BE Semiconductor", "ON" of "ON Semiconductor")."""
    if word in _PARTICLES or (len(word) > 1 and word.isupper()):
        return False
    return word.lower() in _NOT_NAMES
