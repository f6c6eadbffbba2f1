"""How often a model's label changes when a headline carries a news source's tag.

Headlines from other places arrive with their outlet's marks: " - Reuters", "(Bloomberg)",
"UPDATE 1-", a link. None of them says anything about the news, so a label that changes
with one is a label the formatting decided (the CheckList method's invariance test, with
edits that real feeds make). Labels are not needed: each headline is compared with
itself, so any text can be read, the fixed test sets included, without choosing anything
on them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

# (where, tag): each joined to the headline as a feed would write it.
TAGS: tuple[tuple[str, str], ...] = (
    ("suffix", " - Reuters"),
    ("suffix", " | Economic Times"),
    ("suffix", " (Bloomberg)"),
    ("suffix", " - MarketWatch"),
    ("suffix", ": report"),
    ("suffix", " https://t.co/AbC123xyz"),
    ("prefix", "BREAKING: "),
    ("prefix", "UPDATE 1-"),
    ("prefix", "Markets: "),
)


def tagged(text: str, where: str, tag: str) -> str:
    return tag + text if where == "prefix" else text + tag


def label_changes(
    predict: Callable[[Sequence[str]], np.ndarray], texts: Sequence[str]
) -> dict[str, float]:
    """Per tag, the share of `texts` whose label under `predict` changes when tagged, and
    their mean over the tags ("mean"). One call for the texts and all their copies."""
    batch = list(texts) + [tagged(t, where, tag) for where, tag in TAGS for t in texts]
    labels = np.asarray(predict(batch)).argmax(1)
    base, copies = labels[: len(texts)], labels[len(texts) :].reshape(len(TAGS), len(texts))
    rates = {
        tag.strip(): round(float((row != base).mean()), 4)
        for (_, tag), row in zip(TAGS, copies, strict=True)
    }
    rates["mean"] = round(float(np.mean(list(rates.values()))), 4)
    return rates
