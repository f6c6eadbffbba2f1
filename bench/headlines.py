"""Real headlines for the benchmarks: the first 1,024 titles of SEntFiN 1.0's test split.

A batch's cost depends on its headlines: the BiLSTM runs to the longest one and the
n-gram branch grows with their length, so a few short, repeated made-up headlines made
large batches look cheaper than real traffic (batch 64: 6.1 against 10.4 ms). SEntFiN
1.0 is MIT-licensed (bench/headlines-LICENSE). Regenerate with

    python -m bench.headlines [path to SEntFiN.csv]
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

PATH = Path(__file__).with_name("headlines.txt")
COUNT = 1024
HEADLINES: list[str] = PATH.read_text(encoding="utf-8").splitlines()


def batch(size: int, start: int = 0) -> list[str]:
    """`size` consecutive headlines from `start`, wrapping around the list."""
    return [HEADLINES[(start + i) % len(HEADLINES)] for i in range(size)]


def multi_entity_batch(size: int, start: int = 0) -> list[str]:
    """`size` consecutive titles of those `entity_items` asks about, wrapping around.

    Headlines that name two or more entities run longer than the test split's titles as
    a whole (11 words against 8), and a batch costs more the longer its headlines, so a
    cost per entity is set beside a cost per headline of these same titles as well."""
    titles = _multi_entity_titles()
    return [titles[(start + i) % len(titles)][0] for i in range(size)]


def entity_items(entities: int, start: int = 0) -> list[dict[str, object]]:
    """Headlines naming `entities` entities in all: SEntFiN test titles that name two or
    more (the case per-entity answers are for), each with the names its annotators
    gave, one per mention, consecutive from the `start`-th title, the last one cut to
    make the count."""
    titles = _multi_entity_titles()
    items: list[dict[str, object]] = []
    left, k = entities, start
    while left > 0:
        text, names = titles[k % len(titles)]
        items.append({"text": text, "entities": names[:left]})
        left -= len(names[:left])
        k += 1
    return items


@cache
def _multi_entity_titles() -> list[tuple[str, list[str]]]:
    from training.entity_sentiment.pairs import pairs
    from training.sentiment import sentfin

    by_title: dict[str, list[str]] = {}
    named: set[tuple[str, tuple[int, int]]] = set()
    for p in pairs(sentfin.load(sentfin.COMMITTED)):
        # Annotators sometimes give one mention two names ("Symantec", "symantec"); a
        # request naming a mention twice is a 422, so only the first name is asked.
        if p.is_test and p.span is not None and (p.title, p.span) not in named:
            named.add((p.title, p.span))
            by_title.setdefault(p.title, []).append(p.entity)
    return [(t, names) for t, names in by_title.items() if len(names) >= 2]


def write(source: Path | None = None) -> None:
    from app.atomic_file import write_atomic
    from training.sentiment import sentfin

    _, test = sentfin.split(sentfin.load(sentfin.locate(source)))
    # One headline per line: titles that would break a line are left out, not altered.
    one_line = (row.title for row in test if row.title.splitlines() == [row.title])
    titles = list(dict.fromkeys(one_line))[:COUNT]
    write_atomic(PATH, ("\n".join(titles) + "\n").encode())


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
