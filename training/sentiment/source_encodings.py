"""How a model reads the fixed test sets as other sources encode their characters.

The same headline arrives differently from a web page (no-break spaces between words,
HTML character references), from an East Asian outlet (full-width letters and digits),
or from a CMS that leaves zero-width spaces in. A reader sees the same words; a model
that reads the characters as sent does not. Each rewrite here is applied to every
headline of a test set, and the model is scored on the result read as it comes and
read as the service reads it (`app.sentiment.service.model_text`: the plain text, its
links, outlets' marks and exchange tags taken out). The labels are the test sets' own,
and nothing is chosen on these figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from app.sentiment.entities import WORD
from app.sentiment.service import model_text


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _html_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&quot;")


def _first_word_bold(text: str) -> str:
    # A search result's highlight, most often on the company a headline leads with. The
    # rewrite of any prefix of a text that ends where a word does is a prefix of the
    # text's, as the per-entity evaluation's moving of mentions needs.
    word = WORD.match(text)
    return f"<b>{word.group()}</b>{text[word.end() :]}" if word else text


# (name, rewrite): each as a source writes the whole headline.
REWRITES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("no-break spaces", lambda t: t.replace(" ", "\u00a0")),
    ("zero-width spaces", lambda t: t.replace(" ", "\u200b ")),
    ("full-width characters", _full_width),
    ("HTML character references", _html_escaped),
    ("HTML tags: the first word in bold", _first_word_bold),
    # A wire's headline in capitals, or a pipeline's text in lower case: the models read
    # words in lower case, so only what the service finds by its case can change.
    ("all in capitals", str.upper),
    ("all in lower case", str.lower),
)


def accuracies(
    predict: Callable[[Sequence[str]], np.ndarray],
    texts: Sequence[str],
    labels: Sequence[str],
    names: Sequence[str],
) -> dict[str, dict[str, float]]:
    """Per rewrite, accuracy on `texts` rewritten, read as sent ("as sent") and as the
    service reads it ("read"), beside the same for the texts as written. One call."""
    rewrites = (("as written", lambda t: t), *REWRITES)
    batch: list[str] = []
    for _, rewrite in rewrites:
        rewritten = [rewrite(t) for t in texts]
        batch += rewritten + [model_text(t) for t in rewritten]
    predicted = np.asarray(predict(batch)).argmax(axis=1)
    truth = np.array([names.index(label) for label in labels])
    n = len(texts)

    def accuracy(k: int) -> float:
        return round(float(np.mean(predicted[k * n : (k + 1) * n] == truth)), 4)

    return {
        name: {"as sent": accuracy(2 * i), "read": accuracy(2 * i + 1)}
        for i, (name, _) in enumerate(rewrites)
    }
