"""FinEntity (data/finentity/, ODC-By 1.0): a held-out entity-level test set from
another source than SEntFiN.

Nothing trains on it, stops early on it or selects a model by it. Each annotated
mention is one pair, read as the service reads it (the mention marked as the target,
the passage's other annotated mentions as others).
"""

from __future__ import annotations

import json
from pathlib import Path

from app.sentiment.entities import SENTENCE_END, Span
from training.entity_sentiment.pairs import Pair

PATH = Path(__file__).resolve().parents[2] / "data" / "finentity" / "FinEntity.json"


def _span(text: str, value: str, start: int) -> Span | None:
    """Where `value` is: at `start` as annotated, else its occurrence nearest `start`
    (70 mentions were counted on other bytes than the text holds)."""
    if text[start : start + len(value)] == value:
        return start, start + len(value)
    found = [i for i in range(len(text)) if text.startswith(value, i)]
    if not found:
        return None
    i = min(found, key=lambda i: abs(i - start))
    return i, i + len(value)


def passages(path: Path = PATH) -> list[tuple[str, list[tuple[str, str, Span | None]]]]:
    """(text, [(mention, label, span)]) per passage, labels in lower case."""
    out = []
    for passage in json.loads(path.read_text(encoding="utf-8")):
        text = passage["content"]
        mentions = [
            (a["value"], a["tag"].lower(), _span(text, a["value"], a["start"]))
            for a in passage["annotations"]
        ]
        out.append((text, mentions))
    return out


def load(path: Path = PATH) -> list[Pair]:
    out = []
    for text, mentions in passages(path):
        disagree = len({label for _, label, _ in mentions}) > 1
        for j, (value, label, span) in enumerate(mentions):
            others = tuple(s for k, (_, _, s) in enumerate(mentions) if k != j and s is not None)
            out.append(Pair(text, value, label, span, others, disagree, is_test=True))
    return out


def sentences(path: Path = PATH) -> list[tuple[str, str]]:
    """(sentence, label) for each sentence whose annotated mentions all carry one label:
    a sentence-level held-out set from another source than the training data, for the
    headline model. The label is the entities' own, so a sentence about a company's good
    news is positive even where the market reading could differ; an approximation.
    Sentences end where the service's `focus` ends them (not inside "U.S. shares")."""
    out = []
    for text, mentions in passages(path):
        start = 0
        for part in SENTENCE_END.split(text):
            begin = text.index(part, start)
            end = start = begin + len(part)
            labels = {label for _, label, span in mentions if span and begin <= span[0] < end}
            if len(labels) == 1:
                out.append((part.strip(), labels.pop()))
    return out
