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

The list often gives a company only with its legal form ("Wipro Ltd., WIPRO") while
headlines write "Wipro", or a regulator only in capitals ("SEBI") while headlines write
"Sebi". So each name also brings, under the same filter:

- its form without a trailing legal form or "(India)": "Cipla Ltd." -> "Cipla",
  "Financial Technologies (India) Ltd." -> "Financial Technologies";
- for a word in capitals of four letters or more, its Title-case form: "SEBI" -> "Sebi"
  (shorter ones, "TCS", "SC", stay capitals only: as words, "Sc" or "Tcs" are typos).

A name's distinctive first word ("Hindalco" of "Hindalco Industries") is not added:
across the list those are as often a person's first name or a city ("Deepak",
"Chennai"), which headlines use for other things.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from app.sentiment.entities import Gazetteer
from training.entity_sentiment.pairs import Pair
from training.sentiment.word_vectors import Pretrained, inflections

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "data" / "sentfin" / "entity_list_comprehensive.csv"
FILE = "gazetteer.json"
SOURCE = "SEntFiN's entity_list_comprehensive.csv (MIT), filtered as gazetteer.py says"
# "Ltd.", ", Inc", "Corp Ltd.", "(India) Ltd.", "Ltd.- Old" at the end of a name.
_LEGAL_FORM = re.compile(
    r"(?:[\s,.-]+(?:\(India\)|Ltd|Limited|Inc|Corp|Corpn|Co|Plc|PLC|Pvt|Old)\.?)+$"
)


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


def variants(name: str) -> set[str]:
    """The name and the forms headlines write it in (see the module's docstring)."""
    out = {name, _LEGAL_FORM.sub("", name).strip()}
    if name.isalpha() and name.isupper() and len(name) >= 4:
        out.add(name.capitalize())
    return out


def names(path: Path = COMMITTED, english: set[str] | None = None) -> list[str]:
    """The kept names, sorted. `english`: lower-case ordinary words (default:
    `english_words` of the pretrained tokenizer)."""
    if english is None:
        english = english_words(Pretrained())
    kept = set()
    for name in {v for alias in aliases(path) for v in variants(alias)}:
        if len(name) < 2 or not (name[0].isupper() or name[0].isdigit()):
            continue
        if name.isalpha() and name == name.capitalize() and name.lower() in english:
            continue
        kept.add(name)
    return sorted(kept)


def reach(names: list[str], test: list[Pair]) -> dict[str, float | int]:
    """How much of SEntFiN's annotation `"auto"` finds on the test titles.

    `found`: the share of annotated mentions that a gazetteer match overlaps;
    `not_annotated`: the share of gazetteer matches that overlap no annotated mention
    (a name SEntFiN did not label in that headline, or a word read as a name).
    """
    find_all = Gazetteer(names).find_all
    mentions: dict[str, list[tuple[int, int]]] = {}
    for q in test:
        mentions.setdefault(q.title, []).extend([q.span] if q.span else [])

    def overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
        return any(a[0] < b[1] and b[0] < a[1] for b in spans)

    total = found = matches = stray = 0
    for title, spans in mentions.items():
        got = [span for _, span in find_all(title)]
        total += len(spans)
        found += sum(overlaps(s, got) for s in spans)
        matches += len(got)
        stray += sum(not overlaps(g, spans) for g in got)
    return {
        "mentions": total,
        "found": round(found / max(total, 1), 4),
        "matches": matches,
        "not_annotated": round(stray / max(matches, 1), 4),
    }


def said(reach: dict[str, float | int]) -> str:
    """`reach` in a sentence, as the training run and `make evaluate-entities` print it."""
    return (
        f"finds {reach['found']:.1%} of the {reach['mentions']} annotated test mentions; "
        f"{reach['not_annotated']:.1%} of its {reach['matches']} matches are not annotated"
    )
