"""Per-entity answers on the test sets as other sources encode their characters.

A company's name arrives as the feed writes it: "Johnson &amp; Johnson" from an
HTML-escaped one, "Dr Reddy&#39;s" likewise, with zero-width spaces from a CMS, in
full-width letters from an East Asian outlet. A caller names it plainly. Each rewrite
(`training.sentiment.source_encodings.REWRITES`) is applied to every title of a test
set, the annotated mentions moved with it, and each pair asked about as a request that
lists its company alone, by the name the title writes as written: how many the service
answers (the rest get a 422: the name is not in the text) and how right the answers are.
`evaluate.auto_answers` on the same rewritten pairs gives `"auto"`'s side. The labels
are the test sets' own, and nothing is chosen on these figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from app.sentiment.entities import Gazetteer
from app.sentiment.schemas import EntityHeadline
from app.sentiment.service import EntityItem, HeadlineError, best_labels, check_limits
from app.settings import Settings
from training.entity_sentiment.behaviour import Predict
from training.entity_sentiment.pairs import Pair
from training.metrics import classification_report
from training.sentiment.sentfin import LABELS


def rewritten(q: Pair, rewrite: Callable[[str], str]) -> Pair:
    """`q` with its title rewritten character by character and its mentions moved with it."""

    def at(i: int) -> int:
        return len(rewrite(q.title[:i]))

    span = None if q.span is None else (at(q.span[0]), at(q.span[1]))
    others = tuple((at(a), at(b)) for a, b in q.others)
    return replace(q, title=rewrite(q.title), span=span, others=others)


def listed_alone(
    entity: Predict, part: list[Pair], rewrite: Callable[[str], str], known: Gazetteer
) -> dict[str, Any]:
    """Each pair whose mention is found, its title rewritten, asked about with its
    company listed alone by its plain name: the share answered, and the accuracy of the
    answers over every pair asked (an unanswered pair counts as wrong) and over those
    answered."""
    asked = [q for q in part if q.span is not None]
    answered, labels = answered_alone(
        entity,
        [(q, rewrite(q.title), q.title[q.span[0] : q.span[1]]) for q in asked],  # type: ignore[index]
        known,
    )
    right = sum(a == q.label for a, q in zip(labels, answered, strict=True))
    f1 = float("nan")
    if answered:
        truth = [LABELS.index(q.label) for q in answered]
        f1 = classification_report(truth, [LABELS.index(a) for a in labels], LABELS)["macro_f1"]
    return {
        "asked": len(asked),
        "answered": len(answered),
        "accuracy_of_asked": round(right / len(asked), 4),
        "accuracy_of_answered": round(right / len(answered), 4) if answered else float("nan"),
        "macro_f1_of_answered": f1,
    }


def answered_alone(
    entity: Predict, asked: list[tuple[Pair, str, str]], known: Gazetteer
) -> tuple[list[Pair], list[str]]:
    """Each (pair, text, name) asked about as a request listing the name alone: the
    pairs the service answers (the rest get a 422) and the label it gives each."""
    # Passages of FinEntity run past a headline's length limit; the reading is the same.
    settings = Settings(max_headline_chars=1_000_000)
    answered: list[Pair] = []
    texts: list[str] = []
    for q, text, name in asked:
        try:
            (item,) = check_limits([EntityHeadline(text=text, entities=[name])], settings, known)
        except HeadlineError:
            continue
        assert isinstance(item, EntityItem)
        answered.append(q)
        texts.append(item.mentions[0].marked)
    labels = [LABELS[i] for i in best_labels(entity(texts), list(LABELS))] if texts else []
    return answered, labels
