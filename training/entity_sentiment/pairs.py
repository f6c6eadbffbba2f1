"""SEntFiN as (headline, entity, label) pairs, with the mention each label is about.

Every entity of a headline is one pair; the split is the headline's (the fixed sha256
rule), so every entity of a test headline is a test pair. The mention is the entity's
first whole-word occurrence in the title, case-sensitive first, then ignoring case;
an entity that occurs in neither way has no span (counted, never guessed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from training.sentiment.sentfin import Headline

TARGET_MARK = "xtargetx"
OTHER_MARK = "xotherx"


@dataclass(frozen=True)
class Pair:
    title: str
    entity: str
    label: str
    span: tuple[int, int] | None  # the mention's [start, end) in the title
    others: tuple[tuple[int, int], ...]  # the other entities' mentions
    disagree: bool  # the headline's entities do not all share one label
    is_test: bool


def find(entity: str, text: str) -> tuple[int, int] | None:
    """The first whole-word occurrence of `entity`, exact case first."""
    pattern = r"(?<!\w)" + re.escape(entity) + r"(?!\w)"
    for flags in (0, re.IGNORECASE):
        found = re.search(pattern, text, flags)
        if found:
            return found.span()
    return None


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
    """The title with the target mention and the other mentions replaced by markers,
    for models that read plain text; a pair without a span is the bare title."""
    if p.span is None:
        return p.title
    edits = sorted([(p.span, TARGET_MARK), *((s, OTHER_MARK) for s in p.others)], reverse=True)
    text, last_start = p.title, len(p.title) + 1
    for (start, end), mark in edits:
        if end > last_start:  # overlapping mentions ("Tata" in "Tata Motors"): keep the first
            continue
        text = f"{text[:start]} {mark} {text[end:]}"
        last_start = start
    return text
