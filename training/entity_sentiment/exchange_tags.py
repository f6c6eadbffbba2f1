"""How often a ticker after a company's name changes what the models answer.

US market news writes a listed company's ticker beside its name, "Apple (NASDAQ:AAPL)",
Reuters "Vodafone (VOD.L)", Indian news "Infosys (NSE: INFY)", and US market sites and
posts "Apple (AAPL)" or "Apple $AAPL". The ticker says which company, never how it
fares, so a label that changes with one is a label the formatting decided (the
CheckList method's invariance test, with an edit real feeds make). Each headline of a
test set in which the gazetteer finds a company with a ticker gets that company's ticker
after its first mention, in one of the FORMS; the headline model reads the headline,
the entity model the headline with that company marked, each with and without the
ticker, as sent and as the service reads them (`app.sentiment.service.model_text`, and
for the entity model the marking without the tickers beside names,
`Gazetteer.tickers_beside`). No label is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from app.sentiment.entities import Gazetteer, Span, mark
from app.sentiment.service import model_text

Predict = Callable[[Sequence[str]], np.ndarray]


# How a source writes the ticker after a name: an exchange's tag (the default), the
# ticker alone in parentheses, a cashtag, a cashtag in parentheses.
FORMS = ("exchange tag", "(AAPL)", "$AAPL", "($AAPL)")


def tag_for(key: str, form: str = "exchange tag") -> str | None:
    """The ticker a source writes after a company with the gazetteer's `key` in `form`:
    as a tag, an S&P 500 ticker's US exchange and an NSE symbol's own; in the other forms
    an S&P 500 ticker only (`tagged` asks the gazetteer that it is a company's); none
    for a company keyed by name."""
    if key.startswith("NSE:"):
        return f" (NSE: {key[4:]})" if form == "exchange tag" else None
    if ":" in key or not key.isupper():
        return None
    return {
        "exchange tag": f" (NYSE:{key})",
        "(AAPL)": f" ({key})",
        "$AAPL": f" ${key}",
        "($AAPL)": f" (${key})",
    }[form]


def tagged(
    text: str, known: Gazetteer, form: str = "exchange tag"
) -> tuple[str, str, str, str, str] | None:
    """(the text, the text tagged, the text marked for its first tagged company, the
    tagged text marked alike, and as the service marks it), or None when no company found
    by name has a ticker or the text holds a parenthesis already."""
    if "(" in text:
        return None
    found = known.find_entities(text)
    for key, (start, end) in found:
        tag = tag_for(key, form)
        # A ticker of its own, other than as a tag, only a listed company has.
        listed = form == "exchange tag" or known.company(key) == key
        if tag is None or text[start] == "$" or not listed:
            continue
        spans = [span for _, span in found]
        shifted = [_shift(span, end, len(tag)) for span in spans]
        with_tag = text[:end] + tag + text[end:]
        return (
            text,
            with_tag,
            mark(text, (start, end), spans),
            mark(with_tag, (start, end), shifted),
            mark(with_tag, (start, end), shifted, known.tickers_beside(with_tag, shifted)),
        )
    return None


def _shift(span: Span, at: int, by: int) -> Span:
    return (span[0] + by, span[1] + by) if span[0] >= at else span


def label_changes(
    headline: Predict,
    entity: Predict,
    texts: Iterable[str],
    known: Gazetteer,
    form: str = "exchange tag",
) -> dict[str, float | int]:
    """The share of tagged headlines whose label changes with the ticker in `form`: the
    headline model's and the entity model's (for the tagged company), each as sent and as
    the service reads the text."""
    cases = [c for c in (tagged(t, known, form) for t in dict.fromkeys(texts)) if c is not None]
    out: dict[str, float | int] = {"headlines": len(cases)}
    if not cases:
        return out
    for name, predict, (plain, tag, served) in (
        ("headline model", headline, (0, 1, 1)),
        ("entity model", entity, (2, 3, 4)),
    ):
        for how, read, at in (("as sent", lambda t: t, tag), ("read", model_text, served)):
            batch = [read(c[plain]) for c in cases] + [read(c[at]) for c in cases]
            labels = np.asarray(predict(batch)).argmax(axis=1)
            changed = labels[: len(cases)] != labels[len(cases) :]
            out[f"{name}, {how}"] = round(float(np.mean(changed)), 4)
    return out
