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
from dataclasses import dataclass
from pathlib import Path

from app.sentiment.entities import overlap
from training.entity_sentiment.pairs import Pair
from training.sentiment.sentfin import refuse_unknown_labels

PATH = Path(__file__).resolve().parents[2] / "data" / "written_headlines" / "pairs.csv"
# Headlines written to try the readings two companies ask for: contrasts and their
# clauses in the other order, one company acting on another, a company named for
# context, comparisons, a company named twice, and one company's news alone.
PATTERNS = PATH.with_name("patterns.csv")
# Headlines about US companies outside the S&P 500, and headlines that name none, with
# the companies each names: what `"auto"` should find. The second set adds foreign
# companies listed in the US and recent listings.
US_COMPANIES = PATH.with_name("us_companies.csv")
US_LISTED = PATH.with_name("us_listed.csv")
# Mid-caps of Europe, Japan, Canada, Australia and East Asia: a yardstick kept blind,
# which no row of the project's list was written from.
WORLD_MIDCAPS = PATH.with_name("world_midcaps.csv")
# Mid- and small-caps of eleven regions, and 60 headlines that name none but open with a
# banker, a country, an index or a commodity: written blind to v37's readings.
ANYWHERE_MIDCAPS = PATH.with_name("anywhere_midcaps.csv")
# Mid- and small-caps of sixteen regions in six shapes of headline (opening it, two
# joined by "and", later in it, two with opposite news, names that are words) and 30
# traps: written blind to v38's readings.
MIDCAPS_BY_SHAPE = PATH.with_name("midcaps_by_shape.csv")
# A second such set by another reader, none of whose companies the first names: written
# blind to v38 as committed.
MIDCAPS_BY_SHAPE_2 = PATH.with_name("midcaps_by_shape_2.csv")
# A third, more of whose companies stand later in the headline, as what happened to
# them: written blind to v39's readings.
MIDCAPS_BY_SHAPE_3 = PATH.with_name("midcaps_by_shape_3.csv")
# A fourth, by two more readers (Europe and Japan and Korea; the rest of the world), with
# more pairs and more companies as what happened to them: written blind to v40's readings.
MIDCAPS_BY_SHAPE_4 = PATH.with_name("midcaps_by_shape_4.csv")
# Headlines as the business press writes them, in no planned shape, by two more readers:
# written blind to v40's first round of readings.
MIDCAPS_AS_WRITTEN = PATH.with_name("midcaps_as_written.csv")
# A second such set, written blind to v40's second round of readings.
MIDCAPS_AS_WRITTEN_2 = PATH.with_name("midcaps_as_written_2.csv")
# A third, written blind to v40 as served.
MIDCAPS_AS_WRITTEN_3 = PATH.with_name("midcaps_as_written_3.csv")
# A fourth, written blind to v41's first round of readings.
MIDCAPS_AS_WRITTEN_4 = PATH.with_name("midcaps_as_written_4.csv")
# A fifth, written blind to v41's second round of readings.
MIDCAPS_AS_WRITTEN_5 = PATH.with_name("midcaps_as_written_5.csv")
# A sixth, written blind to v41's third round of readings.
MIDCAPS_AS_WRITTEN_6 = PATH.with_name("midcaps_as_written_6.csv")
# Large caps as the press writes them, many named by a word, written blind to v42.
LARGE_CAPS_AS_WRITTEN = PATH.with_name("large_caps_as_written.csv")
# A seventh set of mid- and small-caps as the press writes them, blind to v42's second round.
MIDCAPS_AS_WRITTEN_7 = PATH.with_name("midcaps_as_written_7.csv")
# A ninth, written with no shapes named, blind to v42's third round.
MIDCAPS_AS_WRITTEN_8 = PATH.with_name("midcaps_as_written_8.csv")
# A tenth, a second day's feed with no shapes named, blind to v43 and its mention tagger.
MIDCAPS_AS_WRITTEN_9 = PATH.with_name("midcaps_as_written_9.csv")
# An eleventh, a third day's feed, blind to v44's checks of the tagger's names.
MIDCAPS_AS_WRITTEN_10 = PATH.with_name("midcaps_as_written_10.csv")
NAMED_SETS = {
    "US companies outside the S&P 500": US_COMPANIES,
    "companies listed in the US, foreign ones among them": US_LISTED,
    "mid-caps of Europe, Japan, Canada, Australia and East Asia": WORLD_MIDCAPS,
    "mid- and small-caps of eleven regions, and traps": ANYWHERE_MIDCAPS,
    "mid- and small-caps of sixteen regions in six shapes, and traps": MIDCAPS_BY_SHAPE,
    "more mid- and small-caps of sixteen regions in six shapes, and traps": MIDCAPS_BY_SHAPE_2,
    "a third set of mid- and small-caps of sixteen regions, and traps": MIDCAPS_BY_SHAPE_3,
    "a fourth set of mid- and small-caps of sixteen regions, and traps": MIDCAPS_BY_SHAPE_4,
    "mid- and small-caps of eighteen regions as the business press writes them": MIDCAPS_AS_WRITTEN,
    "more mid- and small-caps as the business press writes them": MIDCAPS_AS_WRITTEN_2,
    "a third set as the business press writes them": MIDCAPS_AS_WRITTEN_3,
    "a fourth set as the business press writes them": MIDCAPS_AS_WRITTEN_4,
    "a fifth set as the business press writes them": MIDCAPS_AS_WRITTEN_5,
    "a sixth set as the business press writes them": MIDCAPS_AS_WRITTEN_6,
    "large caps as the business press writes them, many named by a word": LARGE_CAPS_AS_WRITTEN,
    "a seventh set as the business press writes them": MIDCAPS_AS_WRITTEN_7,
    "an eighth set as the business press writes them, no shapes named": MIDCAPS_AS_WRITTEN_8,
    "a second day's feed, no shapes named": MIDCAPS_AS_WRITTEN_9,
    "a third day's feed, no shapes named": MIDCAPS_AS_WRITTEN_10,
}


@dataclass(frozen=True)
class Named:
    """A headline and the spans of the companies it names (its first mention of each)."""

    text: str
    names: tuple[tuple[int, int], ...]


def named(path: Path = US_COMPANIES) -> list[Named]:
    """A set's headlines (of `NAMED_SETS`), each with the companies its `named` column
    gives."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        text, spans = row["text"], []
        for name in filter(None, row["named"].split("|")):
            start = text.find(name)
            if start < 0:
                raise ValueError(f"{path}: {name!r} is not in {text!r}")
            spans.append((start, start + len(name)))
        out.append(Named(text, tuple(spans)))
    return out


def finding(headlines: list[Named], found: list[list[tuple[int, int]]]) -> dict[str, int]:
    """How the spans `"auto"` found in each headline (`found`, in order) meet the named
    companies: named companies a found span overlaps, found spans that overlap none, in
    the headlines that name companies and, apart, in those that name none."""
    out = {"named": 0, "found": 0, "other_finds": 0, "finds_where_none_named": 0}
    for headline, spans in zip(headlines, found, strict=True):
        hit = [any(overlap(name, span) for span in spans) for name in headline.names]
        other = sum(not any(overlap(span, name) for name in headline.names) for span in spans)
        out["named"] += len(headline.names)
        out["found"] += sum(hit)
        out["other_finds" if headline.names else "finds_where_none_named"] += other
    return out


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
