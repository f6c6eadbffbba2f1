"""The SEC's list of US-listed companies: which names of a filing headlines write, which
are left out as words, vehicles or other lists' companies, and the committed files as
their SOURCES.md describe them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.sentiment.entities import Gazetteer
from training.entity_sentiment import gazetteer, us_listed

# A few of the dictionary's entries, with its flags: "pay/A" is also "repay".
DIC = "8\naffirm/S\npay/AS\nlumen\nHamilton/M\norange/S\ncounty/S\nfive\nstar/S\n"
AFF = "SET UTF-8\n\nPFX A Y 1\nPFX A   0   re   .\n\nSFX S Y 1\nSFX S   0   s   .\n"
# Stand-ins for the training titles' lower-case words and the tokenizer's.
WORDS = frozenset({"group", "holdings", "bank", "new"})
ENGLISH = {"fast", "track", "national", "first", "financial"}


def _filed(tmp_path: Path, rows: list[list[object]]) -> Path:
    path = tmp_path / "company_tickers_exchange.json"
    path.write_text(json.dumps({"fields": ["cik", "name", "ticker", "exchange"], "data": rows}))
    return path


def _dictionary(tmp_path: Path) -> Path:
    (tmp_path / "index.aff").write_text(AFF)
    path = tmp_path / "index.dic"
    path.write_text(DIC)
    return path


@pytest.mark.parametrize(
    ("filed", "name", "without_grouping"),
    [
        ("TEXAS CAPITAL BANCSHARES INC/TX", "Texas Capital Bancshares", "Texas Capital"),
        ("OWENS & MINOR INC/VA/", "Owens & Minor", "Owens & Minor"),
        ("Rush Enterprises Inc \\TX\\", "Rush Enterprises", "Rush Enterprises"),
        ("HUTCHMED (China) Ltd", "HUTCHMED", "HUTCHMED"),
        ("Alight, Inc. / Delaware", "Alight", "Alight"),
        ("Triumph Group Inc.", "Triumph Group", "Triumph"),
        ("NOVO NORDISK A/S", "Novo Nordisk", "Novo Nordisk"),
        ("SAPIENS INTERNATIONAL CORP N V", "Sapiens International", "Sapiens International"),
        ("AMAZON COM INC", "Amazon", "Amazon"),
        # Short words in capitals stay so unless headlines write them as words.
        ("KBR, INC.", "KBR", "KBR"),
        ("BWX Technologies, Inc.", "BWX Technologies", "BWX Technologies"),
        ("COCA-COLA EUROPACIFIC PARTNERS plc", "Coca-Cola Europacific Partners", None),
        ("BANK OF NEW YORK MELLON CORP", "Bank of New York Mellon", None),
    ],
)
def test_a_filed_name_is_read_as_headlines_write_it(
    filed: str, name: str, without_grouping: str | None
) -> None:
    assert us_listed.bare(filed, WORDS) == name
    if without_grouping is not None:
        assert us_listed.bare(filed, WORDS, grouping=True) == without_grouping


def test_a_short_word_that_is_also_a_name_comes_in_both_cases() -> None:
    names = frozenset({"lee"})
    assert us_listed.bare("LEE ENTERPRISES INC", WORDS, short=names) == "Lee Enterprises"
    assert us_listed.bare("LEE ENTERPRISES INC", WORDS) == "LEE Enterprises"


def test_a_word_the_texts_write_one_way_with_a_capital_inside_is_written_so() -> None:
    texts = frozenset({"MasTec raises outlook; eBay and FactSet slip", "Star rises, StAR falls"})
    camel = us_listed._camel_case(texts)
    assert camel == {"mastec": "MasTec", "ebay": "eBay", "factset": "FactSet"}
    assert us_listed._cased("Mastec Energy", camel) == "MasTec Energy"


def test_the_dictionary_holds_its_words_with_their_affixes(tmp_path: Path) -> None:
    words = us_listed.dictionary_words(_dictionary(tmp_path))
    assert {"affirm", "affirms", "pay", "repay", "pays", "hamilton", "lumen"} <= words
    assert not {"kratos", "reaffirm", "lumens"} & words


def test_the_rows_are_companies_on_the_exchanges_once_each(tmp_path: Path) -> None:
    path = _filed(
        tmp_path,
        [
            [1, "COTERRA ENERGY INC.", "CTRA", "NYSE"],
            [1, "COTERRA ENERGY INC.", "CTRA-PA", "NYSE"],  # the same company's other share
            [2, "CONSUMERS ENERGY CO", "CMS-PB", "NYSE"],  # listed for its preferred only
            [3, "Moog Inc.", "MOG-A", "NYSE"],  # a share class is the company's listing
            [4, "SPDR GOLD TRUST", "GLD", "NYSE"],
            [5, "Nuveen Churchill Direct Lending Corp.", "NCDL", "NYSE"],
            [6, "Origin Investment Corp I", "OICI", "Nasdaq"],
            [7, "Pink Sheet Minerals Inc", "PSMI", "OTC"],
        ],
    )
    assert us_listed.rows(path) == [("CTRA", "COTERRA ENERGY INC."), ("MOG.A", "Moog Inc.")]


def test_the_names_taken_are_the_companies_and_no_words(tmp_path: Path) -> None:
    path = _filed(
        tmp_path,
        [
            [1, "COTERRA ENERGY INC.", "CTRA", "NYSE"],
            [2, "Symbotic Inc.", "SYM", "Nasdaq"],
            [3, "Affirm Holdings, Inc.", "AFRM", "Nasdaq"],
            [4, "Peloton Interactive, Inc.", "PTON", "Nasdaq"],
            [5, "Hamilton Lane INC", "HLNE", "Nasdaq"],
            [6, "ORANGE COUNTY BANCORP, INC. /DE/", "OBT", "Nasdaq"],
            [7, "Fast Track Group", "FTRK", "Nasdaq"],
            [8, "Acme Widgets Holdings Inc", "ACWA", "NYSE"],
            [9, "Acme Widgets Group Inc", "ACWB", "NYSE"],
            [10, "LiveWire Group, Inc.", "LVWR", "NYSE"],
            [11, "Louisiana-Pacific Corp", "LPX", "NYSE"],
            [12, "Q2 Holdings, Inc.", "QTWO", "NYSE"],
            [13, "Apple Inc.", "AAPL", "Nasdaq"],
            [14, "Pony AI Inc.", "PONY", "Nasdaq"],
            [15, "MakeMyTrip Ltd", "MMYT", "Nasdaq"],
        ],
    )
    # An earlier list's name written otherwise is its company's in the filing's way too,
    # but not SEntFiN's, whose keys beyond India may be another company's.
    taken = {
        "Peloton": "W:PELOTON",
        "Apple": "AAPL",
        "Pony.ai": "W:PONYAI",
        "MakemyTrip": "NSE:MMTC",
    }
    titles = frozenset({"A fast track to growth for exporters"})
    indian = frozenset({"LiveWire sales rise in the festive season"})
    found = us_listed.listed_entities(
        ENGLISH, set(WORDS), taken, titles, indian, path, _dictionary(tmp_path)
    )
    assert found == {
        "Coterra Energy": "CTRA",
        "Coterra": "CTRA",
        "Symbotic": "SYM",
        "Affirm Holdings": "AFRM",  # "Affirm" alone is a word
        "Hamilton Lane": "HLNE",  # "Hamilton" alone is a name of many
        "Orange County Bancorp": "OBT",  # "Orange County" alone is a place
        "Fast Track Group": "FTRK",  # "fast track" is a phrase in the titles
        # Two companies' "Acme Widgets" names neither.
        "Acme Widgets Holdings": "ACWA",
        "Acme Widgets Group": "ACWB",
        "LiveWire Group": "LVWR",  # "LiveWire" alone is something else in India's news
        "Louisiana-Pacific": "LPX",
        "Q2 Holdings": "QTWO",  # "Q2" alone is a quarter
        "Pony AI": "W:PONYAI",
    }


def test_the_earlier_lists_keep_their_names_and_entities() -> None:
    keys = gazetteer.shipped(english=ENGLISH)
    earlier = gazetteer.shipped(english=ENGLISH, us_companies=None)
    assert all(keys[name] == key for name, key in earlier.items())
    found = Gazetteer(keys, keys).find_all(
        "Symbotic and Louisiana-Pacific slide; Infosys, Apple and Peloton Interactive rise"
    )
    assert [(name, keys[name]) for name, _ in found] == [
        ("Symbotic", "SYM"),
        ("Louisiana-Pacific", "LPX"),
        ("Infosys", "NSE:INFY"),
        ("Apple", "AAPL"),
        ("Peloton", "W:PELOTON"),
    ]


def test_the_committed_files_are_the_ones_their_sources_describe() -> None:
    for path in (us_listed.LISTED, us_listed.DICTIONARY, us_listed.DICTIONARY.with_suffix(".aff")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest in (path.parent / "SOURCES.md").read_text(), path.name
    assert len(json.loads(us_listed.LISTED.read_text())["data"]) == 10_069
