"""The headlines from anywhere written for the project: the file as SOURCES.md states it."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

import pytest

from training.entity_sentiment import written


def test_the_file_holds_the_pairs_sources_states() -> None:
    with written.PATH.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 338 and len({r["text"] for r in rows}) == 249
    digest = hashlib.sha256(written.PATH.read_bytes()).hexdigest()
    assert digest in (written.PATH.parent / "SOURCES.md").read_text()
    pairs = written.load()
    assert Counter(q.label for q in pairs) == {"positive": 136, "negative": 133, "neutral": 20}
    assert sum(q.disagree for q in pairs) == 94
    # Each pair's mention is where it says, and its headline's other mentions beside it.
    for q in pairs:
        assert q.span is not None and q.title[q.span[0] : q.span[1]] == q.entity
        assert q.span not in q.others and q.is_test


def test_the_patterns_file_holds_what_sources_states() -> None:
    digest = hashlib.sha256(written.PATTERNS.read_bytes()).hexdigest()
    assert digest in (written.PATTERNS.parent / "SOURCES.md").read_text()
    pairs, kinds = written.patterns()
    assert Counter(q.label for q in pairs) == {"negative": 171, "positive": 161, "neutral": 45}
    assert len({q.title for q in pairs}) == 232 and sum(q.disagree for q in pairs) == 278
    assert Counter(kinds) == {
        "contrast": 94,
        "clause_order": 72,
        "action": 52,
        "neutral_role": 42,
        "single": 42,
        "comparison": 28,
        "named_twice": 25,
        "word_or_person": 22,
    }


def test_a_mention_not_where_the_file_says_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "pairs.csv"
    bad.write_text("text,mention,start,end,label,company\nApple rises,Apple,1,6,positive,AAPL\n")
    with pytest.raises(ValueError, match="is not at"):
        written.load(bad)


@pytest.mark.parametrize(
    ("path", "headlines", "none", "named"),
    [
        (written.US_COMPANIES, 420, 120, 325),
        (written.US_LISTED, 420, 120, 316),
        (written.WORLD_MIDCAPS, 360, 60, 372),
        (written.ANYWHERE_MIDCAPS, 300, 60, 270),
        (written.MIDCAPS_BY_SHAPE, 300, 30, 360),
        (written.MIDCAPS_BY_SHAPE_2, 300, 30, 345),
        (written.MIDCAPS_BY_SHAPE_3, 300, 30, 333),
        (written.MIDCAPS_BY_SHAPE_4, 300, 30, 355),
        (written.MIDCAPS_AS_WRITTEN, 300, 30, 354),
        (written.MIDCAPS_AS_WRITTEN_2, 300, 30, 351),
        (written.MIDCAPS_AS_WRITTEN_3, 300, 30, 355),
        (written.MIDCAPS_AS_WRITTEN_4, 300, 31, 348),
        (written.MIDCAPS_AS_WRITTEN_5, 300, 31, 356),
        (written.MIDCAPS_AS_WRITTEN_6, 300, 30, 350),
        (written.LARGE_CAPS_AS_WRITTEN, 300, 40, 394),
        (written.MIDCAPS_AS_WRITTEN_7, 300, 30, 390),
        (written.MIDCAPS_AS_WRITTEN_8, 300, 30, 320),
        (written.MIDCAPS_AS_WRITTEN_9, 300, 30, 326),
        (written.MIDCAPS_AS_WRITTEN_10, 300, 30, 325),
    ],
)
def test_the_named_sets_hold_what_sources_states(
    path: Path, headlines: int, none: int, named: int
) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest in (path.parent / "SOURCES.md").read_text()
    read = written.named(path)
    assert len(read) == headlines and sum(not h.names for h in read) == none
    assert sum(len(h.names) for h in read) == named


def test_finding_counts_named_companies_and_other_finds(tmp_path: Path) -> None:
    path = tmp_path / "us_companies.csv"
    path.write_text(
        "text,named\n"
        '"Symbotic and Louisiana-Pacific slide, Fed holds",Symbotic|Louisiana-Pacific\n'
        "Regional Banks Slide As Yields Climb,\n"
    )
    headlines = written.named(path)
    assert headlines[0].names == ((0, 8), (13, 30)) and headlines[1].names == ()
    # "Louisiana" found inside the named "Louisiana-Pacific" counts it; "Fed" is another
    # find; "Regional Banks" one where none is named.
    found = [[(0, 8), (13, 22), (38, 41)], [(0, 14)]]
    assert written.finding(headlines, found) == {
        "named": 2,
        "found": 2,
        "other_finds": 1,
        "finds_where_none_named": 1,
    }


def test_a_named_company_must_be_in_its_headline(tmp_path: Path) -> None:
    path = tmp_path / "us_companies.csv"
    path.write_text("text,named\nSymbotic slides,Coterra\n")
    with pytest.raises(ValueError, match="Coterra"):
        written.named(path)
