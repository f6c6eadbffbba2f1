"""Which language a headline is written in, so that one the models cannot read is answered
as unread instead of being scored as if it were English.

The models learnt from English headlines alone, yet a French or German headline shares
many of their vocabulary's tokens ("La Bourse de Paris termine en baisse": coverage
0.86), and they read such text as neutral with confidence. `coverage` cannot tell
English from French; a language identifier can: langid.py (Lui and Baldwin, ACL 2012),
a naive Bayes classifier over byte n-grams trained on 97 languages, in its `py3langid`
fork (BSD-3-Clause, its model inside the wheel; nothing is downloaded).

The identifier is pure Python, about 45 µs a headline, and the service's Python runs one
thread at a time: asked about every headline, it made a headline cost 1.31 times as much
(`make bench-language`). So it is asked only about what may not be English: a headline
whose every token the model knows is English (82 % of SEntFiN's test titles, 35 % of
TFNS's validation posts, none of the project's foreign headlines), and so is one holding
a word common in English headlines and rare in the others ("shares", "the", "rises"); 4
% and 9 % of those test sets reach the identifier. It weighs the languages of
`LANGUAGES` only, which keeps short headlines from being read as rare languages (over
all 97, 3 % of SEntFiN's titles read as Nigerian Pidgin); a language other than English
must reach `THRESHOLD`, and text mostly in a script other than Latin is never English.
docs/models/sentiment.md ("Headlines in other languages") has the measurements.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

ENGLISH = "en"
# ISO 639-2 "no linguistic content": numbers, emoji and punctuation only.
NO_TEXT = "zxx"
# Widely written languages, English first; each an ISO 639-1 code langid knows.
# fmt: off
LANGUAGES = (
    "en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "pl", "cs", "tr",
    "id", "ro", "hu", "ru", "uk", "zh", "ja", "ko", "ar", "hi", "el", "he", "vi",
)
THRESHOLD = 0.8
# Words common in English headlines and rare in the other languages': one of them
# settles it. Left out because another language's headlines write them too: "for" and
# "at" (Danish), "to" and "by" (Polish), "will" and "fall" (German), "are" and "deal"
# (Romanian), "profit" and "gains" (French), "sales" (Spanish), "rate" (Italian), and
# "in", "de", "net", "bank", "plan", "record", "over", "is", "a". "of" stays, Dutch's
# "or" though it is: without it, titles of Indian names read as Indonesian.
ENGLISH_WORDS = frozenset((
    "the", "of", "with", "and", "from", "after", "its", "has", "have", "amid", "than", "this",
    "that", "into", "ahead", "against", "says", "said", "shares", "stocks", "quarter",
    "quarterly", "reports", "rises", "rise", "falls", "jumps", "slips", "drops", "surges",
    "beats", "misses", "year", "price", "target", "rates", "up", "down", "buy", "sell",
    "crore", "rs", "cuts", "raises", "higher", "lower", "earnings", "outlook", "growth",
    # The most frequent words of the training headlines, less those written alike in
    # another language ("million", "dividend", "capital", "global", "top", "data", "can")
    # or common in its companies' names ("group": "Iberchem Group verzeichnet ...").
    "market", "markets", "new", "more", "results", "investors", "demand", "prices", "what",
    "here", "week", "trading", "financial", "companies", "business", "about", "could",
    "should", "likely", "loss", "hits", "hit", "how", "why", "now", "you", "day", "month",
    "first", "next", "time", "street", "rally", "stake", "update", "trade", "high", "low",
    "economy", "energy", "oil", "futures", "funds", "call", "good", "get", "out",
    "not", "but", "be", "may", "share",
))
# Words of the other languages' headlines that English headlines do not write: with two
# of them and no English word, the identifier's best guess stands even under THRESHOLD,
# since a short headline ("El Ibex 35 cae", "Der DAX fällt") gives it too little to be
# sure of. One is not enough: English headlines name "Le Chateau" and "Los Angeles".
FOREIGN_WORDS = frozenset((
    # French
    "le", "les", "des", "du", "et", "sur", "dans", "pour", "avec", "au", "aux", "une", "est",
    "recule", "baisse", "hausse", "bourse", "termine",
    # German
    "der", "das", "und", "auf", "für", "nach", "bei", "eine", "fällt", "steigt", "aktie",
    "börse", "gewinn",
    # Spanish
    "el", "los", "las", "del", "por", "para", "cae", "sube", "bolsa",
    # Italian
    "il", "gli", "della", "delle", "cala", "borsa", "utile",
    # Portuguese
    "dos", "com", "uma", "sobe", "cai", "anuncia", "lucro", "ações",
    # Dutch
    "het", "een", "van", "voor", "stijgt", "daalt", "winst",
))
# fmt: on
_LETTERS = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
# Latin letters end at U+024F (Latin Extended-B); IPA and later blocks are other scripts.
_LAST_LATIN = 0x24F


class LanguageCheck:
    """`language(text)`: "en", the ISO 639-1 code of the other language the text is in,
    or "zxx" for text without a letter."""

    def __init__(self, threshold: float = THRESHOLD, languages: Sequence[str] = LANGUAGES) -> None:
        if ENGLISH not in languages:
            raise ValueError("the languages weighed must include English")
        self.threshold = threshold
        self._identifier = _identifier(tuple(languages))

    def language(self, text: str, coverage: float = 0.0) -> str:
        """`coverage`: the model's share of the text's tokens it knows. Text it knows
        whole is read as English unasked: no headline written for the project in another
        language is known whole, and most English ones are."""
        if not has_letter(text):
            return NO_TEXT
        if coverage >= 1.0:
            return ENGLISH
        found = words(text)
        if holds_english_word(found):
            return ENGLISH
        ranked = self._identifier.rank(text)
        best, p = ranked[0]
        if _mostly_other_script(found):
            return best if best != ENGLISH else ranked[1][0]
        sure = p >= self.threshold or len(FOREIGN_WORDS.intersection(found)) >= 2
        return best if best != ENGLISH and sure else ENGLISH

    def languages(self, texts: Sequence[str], coverage: Sequence[float] | None = None) -> list[str]:
        if coverage is None:
            return [self.language(t) for t in texts]
        return [self.language(t, c) for t, c in zip(texts, coverage, strict=True)]


@cache
def _identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    """langid's model restricted to `languages`, read once a process (0.6 s): it is only
    read from after, so every thread and every check may share it."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def has_letter(text: str) -> bool:
    """Whether `text` holds a letter of any script: without one it is no language."""
    return _LETTER.search(text) is not None


def words(text: str) -> list[str]:
    """The text's runs of letters, lower-cased."""
    return _LETTERS.findall(text.lower())


def holds_english_word(found: list[str]) -> bool:
    """Whether one of `found` (from `words`) is English and of no other language weighed."""
    return not ENGLISH_WORDS.isdisjoint(found)


def _mostly_other_script(found: list[str]) -> bool:
    letters = "".join(found)
    other = sum(1 for ch in letters if ord(ch) > _LAST_LATIN)
    return 2 * other > len(letters)
