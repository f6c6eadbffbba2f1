"""Headlines from anywhere, written for this project with the sentiment a reader gives
each company they name (`data/written_headlines/`): a held-out set for the per-entity
model that no training, stopping or choice has seen.

SEntFiN's test pairs are Indian market headlines and FinEntity's are passages of US and
European news; these are headlines as wires and business sites write them about
companies of every market (the US, India, Europe, Japan, Korea, China, Canada,
Australia), several naming two companies with opposite news, some naming a bank or
broker for its call on another company. A mention a careful reader could label two ways
keeps no label and is left out of the scores.
"""

from __future__ import annotations

import csv
from pathlib import Path

from training.entity_sentiment.pairs import Pair
from training.sentiment.sentfin import refuse_unknown_labels

PATH = Path(__file__).resolve().parents[2] / "data" / "written_headlines" / "pairs.csv"
# Headlines written to try the readings two companies ask for: contrasts and their
# clauses in the other order, one company acting on another, a company named for
# context, comparisons, a company named twice, and one company's news alone.
PATTERNS = PATH.with_name("patterns.csv")


def load(path: Path = PATH) -> list[Pair]:
    """Each labelled mention as a test pair, the headline's other mentions beside it."""
    return [pair for pair, _ in _labelled(path)]


def patterns(path: Path = PATTERNS) -> tuple[list[Pair], list[str]]:
    """`load`'s pairs, and each one's pattern (the file's `pattern` column)."""
    labelled = _labelled(path)
    return [pair for pair, _ in labelled], [row["pattern"] for _, row in labelled]


def _labelled(path: Path) -> list[tuple[Pair, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    refuse_unknown_labels(path, (r["label"] for r in rows))
    by_text: dict[str, list[tuple[dict[str, str], tuple[int, int]]]] = {}
    for row in rows:
        span = (int(row["start"]), int(row["end"]))
        if row["text"][span[0] : span[1]] != row["mention"]:
            raise ValueError(f"{path}: {row['mention']!r} is not at {span} of {row['text']!r}")
        by_text.setdefault(row["text"], []).append((row, span))
    out = []
    for text, mentions in by_text.items():
        disagree = len({m["label"] for m, _ in mentions if m["label"]}) > 1
        for j, (m, span) in enumerate(mentions):
            if m["label"]:
                others = tuple(s for k, (_, s) in enumerate(mentions) if k != j)
                pair = Pair(text, m["mention"], m["label"], span, others, disagree, True)
                out.append((pair, m))
    return out
