"""SEntFiN as (headline, entity, label) pairs, with the mention each label is about.

Every entity of a headline is one pair; the split is the headline's (the fixed sha256
rule), so every entity of a test headline is a test pair. The mention is the entity's
first whole-word occurrence in the title, case-sensitive first, then ignoring case;
an entity that occurs in neither way has no span (counted, never guessed).
"""

from __future__ import annotations

import argparse
import functools
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from app.sentiment.entities import Gazetteer, find, mark
from training.entity_sentiment import analyst_calls
from training.sentiment import synthetic, tfns
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
    analyst: bool = False  # a TFNS bank or broker named for its call on the subject


def pairs(headlines: Iterable[Headline]) -> list[Pair]:
    out = []
    for h in headlines:
        spans = {e: find(e, h.title) for e in h.entities}
        disagree = len(set(h.entities.values())) > 1
        for entity, label in h.entities.items():
            others = tuple(s for e, s in spans.items() if e != entity and s is not None)
            out.append(Pair(h.title, entity, label, spans[entity], others, disagree, h.is_test))
    return out


# TFNS's posts are marked for training as the committed teachers' answers were made
# (data/entity_teacher*/): with the cashtag pattern of that time, which read a ticker out
# of a longer "$" word ("$XB" of "$XB1:COM", in 4 training posts and 1 validation post).
# The service reads cashtags with CASHTAG (app/sentiment/entities.py), which does not.
TEACHERS_CASHTAG = re.compile(r"(?<![\w$])\$[A-Za-z]{1,6}(?:\.[A-Za-z]{1,2})?(?![\w.]\w)")

# The banks, brokers and rating agencies the export's gazetteer finds (by entity key)
# that headlines name for their call on another company: "Goldman Sachs upgrades Apple"
# is Apple's news, and Goldman's part in it is neutral.
ANALYSTS = frozenset(
    {
        "BAC", "C", "FDS", "GS", "JPM", "MCO", "MS", "SPGI", "WFC",
        "NSE:CRISIL", "NSE:EDELWEISS", "NSE:ICRA", "NSE:IIFL", "NSE:MOTILALOFS",
        # The project's list (data/world_companies/), found only in what the export ships.
        "W:BARCLAYS", "W:BERENBERG", "W:BMO", "W:BNPPARIBAS", "W:CANACCORD", "W:CIBC",
        "W:CREDITSUISSE", "W:DBS", "W:DEUTSCHEBANK", "W:EVERCORE", "W:HSBC",
        "W:JEFFERIES", "W:MACQUARIE", "W:MITSUBISHIUFJ", "W:MIZUHO", "W:NOMURA",
        "W:PIPERSANDLER", "W:RBC", "W:SCOTIABANK", "W:SMFG", "W:SOCGEN", "W:STANCHART",
        "W:STIFEL", "W:TDBANK", "W:UBS", "W:WEDBUSH",
    }
)  # fmt: skip


def tfns_pairs(
    rows: list[tfns.Headline], found: Gazetteer | None = None, analysts: frozenset[str] = ANALYSTS
) -> list[Pair]:
    """TFNS headlines as training pairs. The headline's label goes to its subject: the
    first entity found that is not an analyst (ANALYSTS), or the first entity when all
    are; each analyst named beside a subject is a pair of its own, neutral ("Goldman
    Sachs cuts Apple to sell": Apple negative, Goldman Sachs neutral). Entities are the
    cashtags, or with `found`, the entities that gazetteer finds ("Apple", "Goldman
    Sachs" as well). A headline without one is read bare, as SEntFiN's pairs whose
    entity is not in the title are. With `analysts` empty, every label goes to the first
    entity, as the committed teacher's answers were made (data/entity_teacher/)."""
    out = []
    for h in rows:
        if found is None:
            tags = [(m.group()[1:].upper(), m.span()) for m in TEACHERS_CASHTAG.finditer(h.text)]
        else:
            tags = found.find_entities(h.text)
        if not tags:
            out.append(Pair(h.text, "", h.label, None, (), False, is_test=False))
            continue
        subject = next((t for t in tags if t[0] not in analysts), tags[0])
        # Banks named alone ("JPMorgan, Wells Fargo beat estimates") are the news itself.
        called = [] if subject[0] in analysts else [t for t in tags if t[0] in analysts]
        disagree = bool(called) and h.label != "neutral"
        for (_, span), label, analyst in [
            (subject, h.label, False),
            *((t, "neutral", True) for t in called),
        ]:
            others = tuple(s for _, s in tags if s != span)
            entity = h.text[span[0] : span[1]]
            out.append(Pair(h.text, entity, label, span, others, disagree, False, analyst))
    return out


def add_tfns_arguments(p: argparse.ArgumentParser) -> None:
    """`--tfns`, `--no-tfns` and `--tfns-targets`: the per-entity trainer's and its
    teacher's, which must read the same pairs."""
    p.add_argument(
        "--tfns",
        type=Path,
        default=tfns.TRAIN,
        help="a TFNS training file whose US headlines join the training pairs with their "
        "label (default: data/tfns/sent_train.csv, as served)",
    )
    p.add_argument(
        "--no-tfns", dest="tfns", action="store_const", const=None, help="SEntFiN's pairs alone"
    )
    p.add_argument(
        "--tfns-targets",
        choices=("cashtag", "gazetteer"),
        default="gazetteer",
        help="the entities of each TFNS headline: those the export's gazetteer finds "
        "(default, as served), or its cashtags; the first that is not an analyst gets the "
        "label, analysts beside it are neutral",
    )


def marked(p: Pair) -> str:
    """The title as the entity model reads it (app.sentiment.entities.mark); a pair
    without a span is the bare title."""
    return p.title if p.span is None else mark(p.title, p.span, p.others)


def training_texts(
    headlines: Iterable[Headline], extra: Iterable[Pair] = ()
) -> tuple[list[tuple[str, int]], list[tuple[str, int]], dict[str, list[tuple[str, int]]]]:
    """(fit, validation, tests) as (marked text, label index), the parts
    `training.entity_sentiment.train` fits and scores on: SEntFiN's pairs, then `extra`
    (its `--tfns` pairs) joining the training pairs by the same validation rule. `tests`
    holds the test pairs ("entity_test") and, as the student's metrics do, those of them
    in headlines whose entities disagree ("entity_test_disagree")."""
    every = pairs(headlines)
    fit, val = fit_and_validation([*(q for q in every if not q.is_test), *extra])
    test = [q for q in every if q.is_test]

    def texts(part: list[Pair]) -> list[tuple[str, int]]:
        return [(marked(q), LABELS.index(q.label)) for q in part]

    return (
        texts(fit),
        texts(val),
        {
            "entity_test": texts(test),
            "entity_test_disagree": texts([q for q in test if q.disagree]),
        },
    )


def synthetic_pairs(n: int, seed: int = 0, analyst: int = 0) -> list[Pair]:
    """`n` two-company synthetic headlines and `analyst` broker calls as training pairs,
    one per company."""
    out = []
    for h in synthetic.pair_headlines(n, seed) + analyst_calls.headlines(analyst, seed):
        disagree = len({label for _, _, label in h.entities}) > 1
        for name, span, label in h.entities:
            others = tuple(s for other, s, _ in h.entities if other != name)
            out.append(Pair(h.text, name, label, span, others, disagree, is_test=False))
    return out


# How two headlines become one: the ways real headlines join two companies' news.
JOINS = ("; ", ", ", " - ", " | ")


def joined_pairs(
    part: list[Pair],
    n: int,
    seed: int,
    length: Callable[[list[str]], list[int]],
    limit: int,
    differ: bool = True,
) -> list[tuple[Pair, Pair]]:
    """`n` texts made of two of `part`'s one-company headlines whose labels differ, joined
    as one headline ("Infosys gains 3%; TCS slips"); each text gives two pairs, each
    company keeping its own headline's label. Returned as (joined pair, the pair whose
    label it keeps), both companies' in turn. A headline's label is the sign of its own
    clause, so these are labelled right by construction, unlike rule-written text; they
    show the network two companies with opposite news in one headline, which 902 of the
    7,661 headlines of SEntFiN's fit part do. `length` counts the tokens the model reads
    of each marked text: a joined text must fit in `limit` of them, so the second
    company is never cut off. Without `differ` the two labels may also agree, as in most
    real headlines that name several companies."""
    alone = [q for q in part if q.span is not None and not q.others and not q.analyst]
    sizes = dict(zip(alone, length([marked(q) for q in alone]), strict=True))
    rng = random.Random(seed)
    out: list[tuple[Pair, Pair]] = []
    seen: set[str] = set()
    for _ in range(50 * n):
        if len(out) >= 2 * n or len(alone) < 2:
            break
        a, b = rng.sample(alone, 2)
        if (
            (differ and a.label == b.label)
            or a.entity.casefold() == b.entity.casefold()
            or sizes[a] + sizes[b] + 1 > limit
        ):
            continue
        join = rng.choice(JOINS)
        text = a.title + join + b.title
        if text in seen:
            continue
        seen.add(text)
        shift = len(a.title) + len(join)
        assert a.span is not None and b.span is not None
        span_b = (b.span[0] + shift, b.span[1] + shift)
        out += [
            (Pair(text, a.entity, a.label, a.span, (span_b,), a.label != b.label, False), a),
            (Pair(text, b.entity, b.label, span_b, (a.span,), a.label != b.label, False), b),
        ]
    return out


# Where two clauses of a headline meet, most telling first, and how the headline turned
# round reads: the same joint between them, or the second clause fronted by its
# conjunction ("Nikkei rises as yen plumbs lows": "As yen plumbs lows, Nikkei rises").
TURNS = (
    ("; ", None),
    (" while ", None),
    (" whereas ", None),
    (" but ", None),
    (" as ", "As"),
    (" after ", "After"),
    (", ", None),
)


def turned_pairs(part: list[Pair]) -> list[tuple[Pair, Pair]]:
    """`part`'s headlines whose entities stand in two clauses, each clause naming one or
    more of them, again with the clauses the other way round; each entity keeps its
    label. Returned as (turned pair, the pair whose label it keeps), as `joined_pairs`
    returns them. A network reading its last states can take which clause comes first
    for a cue; the turned copies show the same news in the other order."""
    by_title: dict[str, list[Pair]] = {}
    for q in part:
        by_title.setdefault(q.title, []).append(q)
    out: list[tuple[Pair, Pair]] = []
    for title, qs in by_title.items():
        spans = [q.span for q in qs if q.span is not None and not q.analyst]
        if len(qs) < 2 or len(spans) < len(qs):
            continue
        turned = _turned(title, spans)
        if turned is None:
            continue
        text, moved = turned
        for q in qs:
            assert q.span is not None
            out.append(
                (
                    Pair(
                        text,
                        q.entity,
                        q.label,
                        moved(q.span),
                        tuple(map(moved, q.others)),
                        q.disagree,
                        False,
                    ),
                    q,
                )
            )
    return out


def _turned(
    title: str, spans: list[tuple[int, int]]
) -> tuple[str, Callable[[tuple[int, int]], tuple[int, int]]] | None:
    """The title with its two clauses the other way round, and where each span lands
    there; None where it stays as it is. It is turned at the first joint of TURNS it
    holds exactly once, where each side names one or more entities and holds a word
    besides their names ("Euro, stocks recover" lists two names), the second side starts
    a clause (a name, a capital or a figure: not "..., says Citigroup", "...; to be the
    biggest"), and no attribution follows the joint ("...: Pankaj Pandey"). A comma
    is no joint where a name ends the clause before it ("Euro slips against dollar, yen
    in Asian trade" lists the dollar and the yen) or where a colon stands anywhere; "as"
    and "after" none where a comma stands ("X to strengthen role in Y, takes over as
    Chairman of Z" is one clause)."""
    for joint, front in TURNS:
        at = title.find(joint)
        if at < 0 or title.find(joint, at + 1) >= 0:
            continue
        cut = at + len(joint)
        left, right = title[:at], title[cut:]
        before = [s for s in spans if s[1] <= at]
        after = [(a - cut, b - cut) for a, b in spans if a >= cut]
        if (
            len(before) + len(after) < len(spans)
            or not (before and after)
            or not (_word_besides(left, before) and _word_besides(right, after))
            or ":" in right
            or (
                front is None
                and not (right[0].isupper() or right[0].isdigit() or min(after)[0] == 0)
            )
            or (joint == ", " and (":" in title or any(b == at for _, b in before)))
            or (front is not None and ", " in title)
        ):
            return None
        if front is None:
            text, right_at, left_at = right + joint + left, 0, len(right) + len(joint)
        else:
            text = f"{front} {right}, {left}"
            right_at, left_at = len(front) + 1, len(front) + len(right) + 3
        return text, functools.partial(_moved, cut=cut, right_at=right_at, left_at=left_at)
    return None


def _moved(span: tuple[int, int], cut: int, right_at: int, left_at: int) -> tuple[int, int]:
    """Where a span of a title cut at `cut` lands with the part after the cut moved to
    `right_at` and the part before it to `left_at`."""
    shift = right_at - cut if span[0] >= cut else left_at
    return (span[0] + shift, span[1] + shift)


def _word_besides(side: str, spans: list[tuple[int, int]]) -> bool:
    """Whether `side` holds a word outside its names' spans."""
    kept = list(side)
    for start, end in spans:
        kept[start:end] = " " * (end - start)
    return re.search(r"[A-Za-z]{2,}", "".join(kept)) is not None
