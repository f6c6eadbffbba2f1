"""The names `"entities": "auto"` looks for, from SEntFiN's entity list.

`entity_list_comprehensive.csv` (data/sentfin/, MIT) lists 1,010 entities, each with
the names headlines use for it ("Infosys Ltd., Infosys, INFY"). The export keeps the
names the service can match without firing on ordinary words:

- a name that starts with a lower-case letter is left out: those are sectors and
  commodities ("gold", "steel", "banks"), which would match every headline about them;
- so is a one-word name in Title case that is also an ordinary English word (a
  whole-word token of the pretrained tokenizer or its -s/-ed/-ing form: "Oracle",
  "Century", "Textiles"): at the
  start of a headline, or in a Title Case one, it cannot be told from the word;
- and names of one character.

Names in capitals (tickers such as "INFY", "TCS") stay: matching is case-sensitive,
so they match only in capitals.
"""

from __future__ import annotations

import csv
from pathlib import Path

from training.sentiment.word_vectors import Pretrained, inflections

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "data" / "sentfin" / "entity_list_comprehensive.csv"
FILE = "gazetteer.json"
SOURCE = "SEntFiN's entity_list_comprehensive.csv (MIT), filtered as gazetteer.py says"


def aliases(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            name.strip()
            for row in csv.DictReader(fh)
            for name in row["Entity"].split(",")
            if name.strip()
        ]


def english_words(pretrained: Pretrained) -> set[str]:
    """The pretrained tokenizer's whole words and their -s/-ed/-ing forms."""
    words = pretrained.words()
    return words.union(*(inflections(w) for w in words))


def names(path: Path = COMMITTED, english: set[str] | None = None) -> list[str]:
    """The kept names, sorted. `english`: lower-case ordinary words (default:
    `english_words` of the pretrained tokenizer)."""
    if english is None:
        english = english_words(Pretrained())
    kept = set()
    for name in aliases(path):
        if len(name) < 2 or not (name[0].isupper() or name[0].isdigit()):
            continue
        if name.isalpha() and name == name.capitalize() and name.lower() in english:
            continue
        kept.add(name)
    return sorted(kept)
