"""How often an exchange tag after a company's name changes what the models answer.

US market news writes a listed company's ticker beside its name, "Apple (NASDAQ:AAPL)",
Reuters "Vodafone (VOD.L)", Indian news "Infosys (NSE: INFY)". The tag says which
company, never how it fares, so a label that changes with one is a label the formatting
decided (the CheckList method's invariance test, with an edit real feeds make). Each
headline of a test set in which the gazetteer finds a company with a ticker gets that
company's tag after its first mention; the headline model reads the headline, the entity
model the headline with that company marked, each with and without the tag, as sent and
as the service reads them (`app.sentiment.service.model_text`). No label is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from app.sentiment.entities import Gazetteer, Span, mark
from app.sentiment.service import model_text

Predict = Callable[[Sequence[str]], np.ndarray]


def tag_for(key: str) -> str | None:
    """The tag a source writes after a company with the gazetteer's `key`: an S&P 500
    ticker's US exchange, an NSE symbol's own; none for a company keyed by name."""
    if key.startswith("NSE:"):
        return f" (NSE: {key[4:]})"
    if ":" in key or not key.isupper():
        return None
    return f" (NYSE:{key})"


def tagged(text: str, known: Gazetteer) -> tuple[str, str, str, str] | None:
    """(the text, the text tagged, the text marked for its first tagged company, the
    tagged text marked alike), or None when no company found by name has a ticker or
    the text holds a parenthesis already."""
    if "(" in text:
        return None
    found = known.find_entities(text)
    for key, (start, end) in found:
        tag = tag_for(key)
        if tag is None or text[start] == "$":
            continue
        spans = [span for _, span in found]
        shifted = [_shift(span, end, len(tag)) for span in spans]
        with_tag = text[:end] + tag + text[end:]
        return (
            text,
            with_tag,
            mark(text, (start, end), spans),
            mark(with_tag, (start, end), shifted),
        )
    return None


def _shift(span: Span, at: int, by: int) -> Span:
    return (span[0] + by, span[1] + by) if span[0] >= at else span


def label_changes(
    headline: Predict, entity: Predict, texts: Iterable[str], known: Gazetteer
) -> dict[str, float | int]:
    """The share of tagged headlines whose label changes with the tag: the headline
    model's and the entity model's (for the tagged company), each as sent and as the
    service reads the text."""
    cases = [c for c in (tagged(t, known) for t in dict.fromkeys(texts)) if c is not None]
    out: dict[str, float | int] = {"headlines": len(cases)}
    if not cases:
        return out
    for name, predict, (plain, tag) in (
        ("headline model", headline, (0, 1)),
        ("entity model", entity, (2, 3)),
    ):
        for how, read in (("as sent", lambda t: t), ("read", model_text)):
            batch = [read(c[plain]) for c in cases] + [read(c[tag]) for c in cases]
            labels = np.asarray(predict(batch)).argmax(axis=1)
            changed = labels[: len(cases)] != labels[len(cases) :]
            out[f"{name}, {how}"] = round(float(np.mean(changed)), 4)
    return out
