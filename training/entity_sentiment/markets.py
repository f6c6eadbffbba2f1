"""The commodities and currencies `"auto"` can find beside companies, chosen on SEntFiN's
training titles (tried and not served: `make regazetteer ARGS="--markets"` ships them).

SEntFiN's annotators mark a commodity or a currency a headline is about as they mark a
company ("Gold rises as dollar weakens"), and the entity model learns from those pairs.
Its list writes few of them, in lower case ("gold", "rupee"), which the gazetteer
leaves out: in lower case most of them are also the topic of a phrase ("gold loan",
"rupee bonds"). The candidates below are written for this project from general
knowledge: the metals, energy and farm goods traded on commodity exchanges (India's
among them) and the currencies markets quote, each in lower case and with a capital
first letter. A form is kept when, found as `"auto"` finds it (beside the shipped
names and the other candidates, longest name first), it occurs `MIN_FINDS` times or
more in SEntFiN's training titles and the annotators marked at least `MIN_SHARE` of
those finds: mostly the forms that open a headline ("Gold", "Rupee"), seldom the lower
case ones ("gold" is marked in 80 % of its finds).

    python -m training.entity_sentiment.choose_markets   # writes data/markets/names.csv

Each kept form, when shipped, is its own entity with no company, as SEntFiN's sectors
are.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILE = ROOT / "data" / "markets" / "names.csv"
KEY = "MKT:"  # the key prefix of a shipped form: no company's
MIN_FINDS = 5
MIN_SHARE = 0.85
CANDIDATES = {
    "commodity": (
        "gold", "silver", "platinum", "palladium", "copper", "aluminium", "aluminum",
        "zinc", "nickel", "lead", "tin", "iron ore", "steel", "oil", "crude", "crude oil",
        "Brent", "WTI", "natural gas", "coal", "sugar", "wheat", "corn", "soybean",
        "soybeans", "soyabean", "cotton", "coffee", "cocoa", "rubber", "palm oil",
        "crude palm oil", "jeera", "turmeric", "chana", "guar seed", "guarseed", "cardamom",
        "coriander", "mentha oil", "castor seed", "castorseed", "pepper", "chilli", "barley",
        "mustard seed", "refined soya oil", "potato", "gur",
    ),
    "currency": (
        "rupee", "dollar", "US dollar", "euro", "yen", "yuan", "renminbi", "sterling",
        "pound", "rouble", "ruble", "won", "franc", "Swiss franc", "rupiah", "ringgit",
        "peso", "lira", "rand", "real", "Aussie", "Australian dollar", "Canadian dollar",
        "loonie", "baht", "bitcoin",
    ),
}  # fmt: skip
FIELDS = ("name", "kind", "training_finds", "annotated")


def forms(name: str) -> list[str]:
    """A candidate as headlines write it: as listed, and with a capital first letter."""
    return sorted({name, name[0].upper() + name[1:]})


def key(form: str) -> str:
    """A form's entity key: `KEY` and the form in lower case."""
    return f"{KEY}{form.lower()}"


def candidates() -> dict[str, str]:
    """Each candidate form -> its key."""
    names = [n for group in CANDIDATES.values() for n in group]
    return {f: key(f) for n in names for f in forms(n)}


def as_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def entities(path: Path = FILE) -> dict[str, str]:
    """The kept forms (`path`, as choose_markets.py wrote it) -> their keys."""
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["name"]: key(row["name"]) for row in csv.DictReader(fh)}
