"""A headline as a reader sees it, whatever the habits of the source it was copied from.

Text copied from web pages, PDFs and wire feeds carries characters that look like the
plain ones but are others to the models, whose tokens were learnt from plain headlines:
no-break and other Unicode spaces (a web page's `&nbsp;`), the full-width forms of Latin
letters, digits and punctuation (U+FF01 to U+FF5E), invisible characters (zero-width
spaces, soft hyphens, byte order marks), HTML character references ("Moody&#39;s",
"S&amp;P 500") and letters written as a letter and a combining accent ("e" and U+0301
for "é", as macOS and some PDFs write them). Read as they come, they cost the models
accuracy: with every space a no-break space, SEntFiN's test titles score 0.737 instead
of 0.833 with the headline model v9, in full-width characters 0.320 (`make
evaluate-sentiment`; docs/models/sentiment.md, "Characters as other sources encode
them").

`readable` is what the models read; `reading` is the same with where each character came
from, so a name found in what a reader reads has a span of the text as sent (a caller's
"AT&T" is found in "AT&amp;T rises", characters 0 to 8). Both take out the HTML tags a
page or a search result leaves around words ("<b>Infosys</b> gains", a highlight):
read as words, a bold first word changed 6.9 % of the headline model's labels on
SEntFiN's test titles. `without_links` takes out
what no reader reads as words: a news account's post ends in a link more often than not,
and a link added to a test headline changed 6.7 % of the headline model's labels
(docs/models/sentiment.md, "Links").
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

# Unicode's space separators other than the ASCII space, and the line and paragraph
# separators: each reads as a space.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
_SPACES += "\u2028\u2029\u202f\u205f\u3000"
# Full-width forms of the printable ASCII characters, U+FF01 to U+FF5E.
_FULL_WIDTH = {0xFF01 + i: 0x21 + i for i in range(0x7E - 0x21 + 1)}
# Characters with no width: soft hyphen, Mongolian vowel separator, zero-width space,
# non-joiner and joiner, word joiner, byte order mark.
_INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"

_READ = str.maketrans({**dict.fromkeys(_SPACES, " "), **_FULL_WIDTH, **dict.fromkeys(_INVISIBLE)})
_VISIBLE = re.compile(f"[^{_INVISIBLE}]+")
# A web address with the spaces before it; the per-entity model's graph drops the same.
# Its scheme is any case ("HTTPS://" in a wire's headline all in capitals), or it has
# none and starts "www." ("www.bloomberg.com/news/...").
_LINK = re.compile(r"\s*(?:https?://|(?<![\w.])www\.)\S+", re.IGNORECASE)
# A character reference ends in a semicolon: without one, "AT&T", "S&P" and "M&A" stay
# as written ("&copy" alone would otherwise become a sign).
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# The tags that format words or break lines, by name, rather than anything in angle
# brackets: a headline writes "EPS <$1" and Reuters' instrument codes ("<SLB.N>").
_TAG = (
    r"</?(?P<tag>a|abbr|b|big|br|cite|code|del|div|em|font|h[1-6]|hr|i|ins|li|mark|p|q|s|small"
    r"|span|strike|strong|sub|sup|time|u)(?:\s[^<>]*)?/?>"
)
# A tag that breaks the line parts two words ("Infosys<br>gains"); one that formats
# words sits inside them as often ("<b>Info</b>sys").
_BREAKS = frozenset(("br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "p"))
_TAGS = re.compile(_TAG, re.IGNORECASE)
_MARKUP = re.compile(f"(?P<reference>{_REFERENCE.pattern})|{_TAG}", re.IGNORECASE)


def _tag_text(tag: re.Match[str]) -> str:
    """What a reader reads for an HTML tag: a space for one that breaks the line."""
    return " " if tag.group("tag").lower() in _BREAKS else ""


def readable(text: str) -> str:
    """What the models read of `text`: character references decoded, look-alikes folded,
    invisible characters dropped, letters and their accents composed, HTML tags taken
    out."""
    if "<" in text:
        text = _TAGS.sub(_tag_text, text)
    if "&" in text:
        # html.unescape turns references to surrogates or to nothing into U+FFFD, so no
        # lone surrogate reaches the model this way.
        text = _REFERENCE.sub(lambda m: html.unescape(m.group()), text)
    if text.isascii():
        return text
    text = text.translate(_READ)
    if unicodedata.is_normalized("NFC", text):
        return text
    return "".join(piece for _, _, piece in _composed(text))


# Conjoining Hangul vowels and final consonants, which compose with the syllable before
# them though they are no combining marks.
_JAMO_AFTER = re.compile("[\u1160-\u11ff\ud7b0-\ud7ff]")


def _clusters(text: str) -> Iterator[tuple[int, int]]:
    """The [start, end) of each letter of `text` with the marks that follow it."""
    start = 0
    for i in range(1, len(text)):
        char = text[i]
        if not unicodedata.combining(char) and not _JAMO_AFTER.match(char):
            yield start, i
            start = i
    if text:
        yield start, len(text)


def _composed(text: str) -> Iterator[tuple[int, int, str]]:
    """Each cluster of `text` (its [start, end)) in Unicode's composed form (NFC): "e"
    and a combining acute accent, as macOS and some PDFs write "é", are the one letter
    "é" the vectors know."""
    for start, end in _clusters(text):
        yield start, end, unicodedata.normalize("NFC", text[start:end])


class Reading(NamedTuple):
    """A text as the models read it (`readable`), and where each of its characters came
    from in the text as sent: a span found in `text` is one of the sent text by `sent`."""

    text: str
    # Per character of `text`, the [start, end) of what it was read from in the sent
    # text; None when `text` is the sent text itself.
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def sent(self, span: tuple[int, int]) -> tuple[int, int]:
        """The sent text's span that `span` of `text` was read from: "AT&T" of "AT&T
        rises" is "AT&amp;T" of "AT&amp;T rises", characters 0 to 8."""
        if self.starts is None or self.ends is None:
            return span
        start, end = span
        return self.starts[start], self.ends[end - 1]


def reading(text: str) -> Reading:
    """`readable(text)`, with where each of its characters came from: a name is found
    in what a reader reads (Infosys with a soft hyphen inside is Infosys, "Johnson &amp;
    Johnson" is Johnson & Johnson), and its span still indexes the text as sent."""
    markup = list(_MARKUP.finditer(text)) if "&" in text or "<" in text else []
    if not markup and (
        text.isascii() or (text.translate(_READ) == text and unicodedata.is_normalized("NFC", text))
    ):
        return Reading(text)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def stretch(a: int, b: int) -> None:
        """text[a:b], which holds no reference: its invisible characters read as nothing,
        every other folded one for one, so that each is its own origin."""
        for run in _VISIBLE.finditer(text, a, b):
            pieces.append(run.group().translate(_READ))
            starts.extend(range(run.start(), run.end()))
            ends.extend(range(run.start() + 1, run.end() + 1))

    def read(plain: str, start: int, end: int) -> None:
        plain = plain.translate(_READ)
        pieces.append(plain)
        starts.extend([start] * len(plain))
        ends.extend([end] * len(plain))

    done = 0
    for found in markup:
        stretch(done, found.start())
        is_reference = found.group("reference") is not None
        read(html.unescape(found.group()) if is_reference else _tag_text(found), *found.span())
        done = found.end()
    stretch(done, len(text))
    read_text = "".join(pieces)
    if unicodedata.is_normalized("NFC", read_text):
        return Reading(read_text, tuple(starts), tuple(ends))
    # As `readable` composes: a letter composed with its accents is read from all of them.
    composed: list[str] = []
    composed_starts: list[int] = []
    composed_ends: list[int] = []
    for i, j, piece in _composed(read_text):
        composed.append(piece)
        composed_starts.extend([starts[i]] * len(piece))
        composed_ends.extend([ends[j - 1]] * len(piece))
    return Reading("".join(composed), tuple(composed_starts), tuple(composed_ends))


def links_blanked(text: str) -> str:
    """`text` with each web address's characters read as spaces: no name is found in a
    link ("https://example.com/Apple-rises Apple falls" names Apple once, after it), and
    a span found still indexes `text`."""
    if not _may_link(text):
        return text
    return _LINK.sub(lambda m: " " * len(m.group()), text)


def _may_link(text: str) -> bool:
    return "://" in text or "www." in text or "WWW." in text


def without_links(text: str) -> str:
    """`text` without its web addresses ("... beats estimates https://t.co/x1" -> "...
    beats estimates")."""
    return _LINK.sub("", text) if _may_link(text) else text
