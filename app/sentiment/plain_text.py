"""A headline as a reader sees it, whatever the habits of the source it was copied from.

Text copied from web pages, PDFs and wire feeds carries characters that look like the
plain ones but are others to the models, whose tokens were learnt from plain headlines:
no-break and other Unicode spaces (a web page's `&nbsp;`), the full-width forms of Latin
letters, digits and punctuation (U+FF01 to U+FF5E), invisible characters (zero-width
spaces, soft hyphens, byte order marks) and HTML character references ("Moody&#39;s",
"S&amp;P 500"). Read as they come, they cost the models accuracy: with every space a
no-break space, SEntFiN's test titles score 0.737 instead of 0.833 with the headline
model v9, in full-width characters 0.320 (`make evaluate-sentiment`; docs/models/
sentiment.md, "Characters as other sources encode them").

`searchable` folds the look-alikes one character for one, so a span found in its result
indexes the text as sent; `readable` is what the models read. `without_links` takes out
what no reader reads as words: a news account's post ends in a link more often than not,
and a link added to a test headline changed 6.7 % of the headline model's labels
(docs/models/sentiment.md, "Links").
"""

from __future__ import annotations

import html
import re

# Unicode's space separators other than the ASCII space, and the line and paragraph
# separators: each reads as a space.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
_SPACES += "\u2028\u2029\u202f\u205f\u3000"
# Full-width forms of the printable ASCII characters, U+FF01 to U+FF5E.
_FULL_WIDTH = {0xFF01 + i: 0x21 + i for i in range(0x7E - 0x21 + 1)}
# Characters with no width: soft hyphen, Mongolian vowel separator, zero-width space,
# non-joiner and joiner, word joiner, byte order mark.
_INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"

_FOLD = str.maketrans({**dict.fromkeys(_SPACES, " "), **_FULL_WIDTH})
_READ = str.maketrans({**dict.fromkeys(_SPACES, " "), **_FULL_WIDTH, **dict.fromkeys(_INVISIBLE)})
# A character reference ends in a semicolon: without one, "AT&T", "S&P" and "M&A" stay
# as written ("&copy" alone would otherwise become a sign).
# A web address with the spaces before it; the per-entity model's graph drops the same.
_LINK = re.compile(r"\s*https?://\S+")
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def searchable(text: str) -> str:
    """`text` with each look-alike space and full-width character folded to its plain
    form: the same length, character for character."""
    return text if text.isascii() else text.translate(_FOLD)


def readable(text: str) -> str:
    """What the models read of `text`: character references decoded, look-alikes folded,
    invisible characters dropped."""
    if "&" in text:
        # html.unescape turns references to surrogates or to nothing into U+FFFD, so no
        # lone surrogate reaches the model this way.
        text = _REFERENCE.sub(lambda m: html.unescape(m.group()), text)
    return text if text.isascii() else text.translate(_READ)


def without_links(text: str) -> str:
    """`text` without its web addresses ("... beats estimates https://t.co/x1" -> "...
    beats estimates")."""
    return _LINK.sub("", text) if "://" in text else text
