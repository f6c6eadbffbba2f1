"""Choose the commodities and currencies `"auto"` can ship (markets.py) on SEntFiN's
training titles, and write them to data/markets/names.csv.

    python -m training.entity_sentiment.choose_markets
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from training.entity_sentiment import markets, pairs
from training.entity_sentiment.gazetteer import served, shipped
from training.sentiment import sentfin

ROOT = Path(__file__).resolve().parents[2]


def chosen(keys: Mapping[str, str], path: Path = sentfin.COMMITTED) -> list[dict[str, str]]:
    """The candidate forms the rule ships, with their counts: each found by the gazetteer
    an export would serve with `keys` (the shipped names without these) and every
    candidate, in SEntFiN's training titles (`path`), and how many of those finds
    overlap a mention the annotators marked."""
    known = markets.candidates()
    found = served({**known, **keys})
    training = [h for h in sentfin.load(path) if not h.is_test]
    spans: dict[str, list[tuple[int, int]]] = {}
    for pair in pairs.pairs(training):
        if pair.span is not None:
            spans.setdefault(pair.title, []).append(pair.span)
    finds, marked = Counter[str](), Counter[str]()
    for title in {h.title for h in training}:
        for name, (start, end) in found.find_all(title):
            if name in known and name not in keys:
                finds[name] += 1
                marked[name] += any(s < end and start < e for s, e in spans.get(title, ()))
    kinds = markets.CANDIDATES.items()
    kind = {f: k for k, names in kinds for n in names for f in markets.forms(n)}
    return [
        {"name": name, "kind": kind[name], "training_finds": str(n),
         "annotated": str(marked[name])}
        for name, n in sorted(finds.items())
        if n >= markets.MIN_FINDS and marked[name] >= markets.MIN_SHARE * n
    ]  # fmt: skip


def main() -> int:
    markets.FILE.parent.mkdir(parents=True, exist_ok=True)
    markets.FILE.write_text(markets.as_csv(chosen(shipped(markets=None))))
    print(f"wrote {markets.FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
