"""SEntFiN as (headline, entity, label) pairs, with the mention each label is about.

Every entity of a headline is one pair; the split is the headline's (the fixed sha256
rule), so every entity of a test headline is a test pair. The mention is the entity's
first whole-word occurrence in the title, case-sensitive first, then ignoring case;
an entity that occurs in neither way has no span (counted, never guessed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.sentiment.entities import find, mark
from training.sentiment.parts import fit_and_validation
from training.sentiment.sentfin import LABELS, Headline


@dataclass(frozen=True)
class Pair:
    title: str
    entity: str
    label: str
    span: tuple[int, int] | None  # the mention's [start, end) in the title
    others: tuple[tuple[int, int], ...]  # the other entities' mentions
    disagree: bool  # the headline's entities do not all share one label
    is_test: bool


def pairs(headlines: Iterable[Headline]) -> list[Pair]:
    out = []
    for h in headlines:
        spans = {e: find(e, h.title) for e in h.entities}
        disagree = len(set(h.entities.values())) > 1
        for entity, label in h.entities.items():
            others = tuple(s for e, s in spans.items() if e != entity and s is not None)
            out.append(Pair(h.title, entity, label, spans[entity], others, disagree, h.is_test))
    return out


def marked(p: Pair) -> str:
    """The title as the entity model reads it (app.sentiment.entities.mark); a pair
    without a span is the bare title."""
    return p.title if p.span is None else mark(p.title, p.span, p.others)


def training_texts(
    headlines: Iterable[Headline],
) -> tuple[list[tuple[str, int]], list[tuple[str, int]], dict[str, list[tuple[str, int]]]]:
    """(fit, validation, {"entity_test": ...}) as (marked text, label index), the parts
    `training.entity_sentiment.train` fits and scores on SEntFiN alone (its default)."""
    every = pairs(headlines)
    fit, val = fit_and_validation(q for q in every if not q.is_test)

    def texts(part: list[Pair]) -> list[tuple[str, int]]:
        return [(marked(q), LABELS.index(q.label)) for q in part]

    return texts(fit), texts(val), {"entity_test": texts([q for q in every if q.is_test])}
