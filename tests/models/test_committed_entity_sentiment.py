"""The committed entity model: scored on SEntFiN's fixed split as the service loads it,
it gives the figures its metadata records, and they stand where the docs say: ahead of
the marked TF-IDF baseline and far ahead of the floor where a headline's entities
disagree. Its gazetteer finds what the metadata records, on SEntFiN's test titles and
FinEntity's passages.

Of the targets set for it, the 3-point lead over the baseline is asserted; 0.88
accuracy and 0.80 where entities disagree are not: the committed model does not meet
them, and docs/models/entity_sentiment.md says by how much.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.model_store import version_dir
from app.sentiment.entities import Gazetteer, gazetteer_path
from app.sentiment.mention_tagger import MentionTagger, tagger_path
from app.sentiment.schemas import EntityHeadline
from app.sentiment.service import best_labels, check_limits
from app.settings import Settings
from tests.conftest import ROOT
from training.entity_sentiment import finentity, gazetteer, regazetteer, written
from training.entity_sentiment.evaluate import auto_items, auto_spans, report, spans_of
from training.entity_sentiment.pairs import marked, pairs
from training.sentiment import sentfin
from training.sentiment.checklist import load_predict

SERVED = version_dir(ROOT / "models" / "entity_sentiment")


def test_the_recorded_figures_are_what_the_model_does() -> None:
    meta = json.loads((SERVED / "assets.extra" / "metadata.json").read_text())
    test = [p for p in pairs(sentfin.load(sentfin.COMMITTED)) if p.is_test]
    probabilities = load_predict(SERVED, batch_size=256)([marked(p) for p in test])
    labels = [sentfin.LABELS[i] for i in best_labels(probabilities, list(sentfin.LABELS))]
    measured = report(test, labels)
    recorded = meta["metrics"]["entity"]
    for subset in ("all", "disagree"):
        assert measured[subset]["n"] == recorded[subset]["n"]
        # Kernels differ between machines in the last bits; a pair near a tie may flip.
        assert abs(measured[subset]["accuracy"] - recorded[subset]["accuracy"]) <= 2 / len(test)
    assert recorded["all"]["accuracy"] >= meta["baseline"]["all"]["accuracy"] + 0.03
    assert recorded["disagree"]["accuracy"] > meta["baseline"]["disagree"]["accuracy"] + 0.04
    assert recorded["disagree"]["accuracy"] > meta["floor"]["disagree"]["accuracy"] + 0.2


def test_the_shipped_gazetteer_finds_what_its_metadata_records() -> None:
    meta = json.loads((SERVED / "assets.extra" / "metadata.json").read_text())
    shipped = json.loads(gazetteer_path(SERVED).read_text())
    names = shipped["names"]
    assert sorted(names) == names and len(names) == meta["gazetteer"]["names"]
    # Every name is a company's but those of SEntFiN's categories, each its own entity.
    keys = shipped["entities"]
    assert set(keys) <= set(names) and not set(keys.values()) & gazetteer.CATEGORIES
    assert len(names) - len(keys) == 431
    test = [p for p in pairs(sentfin.load(sentfin.COMMITTED)) if p.is_test]
    known = Gazetteer.load(gazetteer_path(SERVED))
    assert gazetteer.reach(known, test) == meta["gazetteer"]["test"]
    held_out = finentity.load()
    assert gazetteer.reach(known, held_out) == meta["gazetteer"]["finentity"]
    # A headline all in capitals, as some wires write them, is searched for the names in
    # capitals, the acronyms among the lists' capitals too ("TCS", "SBI", "AMD"): it
    # finds what the names find as written. (Its case tells no company that opens it
    # from a word, so the companies no list holds, `subjects`, are not looked for.)
    names_only = Gazetteer.load(gazetteer_path(SERVED))
    names_only.ordinary_words = frozenset()
    for part, recorded in ((test, "test"), (held_out, "finentity")):
        in_capitals = gazetteer.reach(known, gazetteer.in_capitals(part))
        assert in_capitals == meta["gazetteer"][f"{recorded}_in_capitals"]
        as_written = meta["gazetteer"][recorded]
        by_names = gazetteer.reach(names_only, part)
        assert in_capitals["found"] >= by_names["found"] - 0.005
        assert as_written["found"] > by_names["found"]
        # All in lower case, as a headline is typed: the names that are no words there.
        in_lower_case = gazetteer.reach(known, gazetteer.in_lower_case(part))
        assert in_lower_case == meta["gazetteer"][f"{recorded}_in_lower_case"]
        assert in_lower_case["found"] >= as_written["found"] / 2
    # US companies as well as Indian ones, most of their matches annotated.
    on_finentity = meta["gazetteer"]["finentity"]
    assert on_finentity["found"] > 0.5 and on_finentity["not_annotated"] < 0.05


def test_a_version_made_for_new_names_holds_its_sources_weights() -> None:
    meta = json.loads((SERVED / "assets.extra" / "metadata.json").read_text())
    made = meta.get("regazetteered_from")
    if made is None:
        pytest.skip("the served version comes from a training run: its weights are its own")
    # The version whose training made the weights stays in models/ while a copy is served.
    source = SERVED.parent / str(regazetteer.weights_of(SERVED))
    assert "regazetteered_from" not in json.loads(
        (source / "assets.extra" / "metadata.json").read_text()
    )
    assert regazetteer.same_weights(SERVED, source)


def test_the_served_names_are_what_the_lists_build_now() -> None:
    # An edit of a list reaches the service only as a new version (make regazetteer).
    shipped = json.loads(gazetteer_path(SERVED).read_text())
    keys = gazetteer.shipped()
    assert shipped["names"] == sorted(keys)
    assert shipped["entities"] == gazetteer.companies(keys)
    assert shipped["acronyms"] == sorted(gazetteer.acronyms(keys))
    assert shipped["lower_case"] == sorted(gazetteer.lower_case(keys))
    assert shipped["by_ticker"] == gazetteer.by_ticker_only(keys)
    assert shipped["share_classes"] == {**gazetteer.share_classes(), **gazetteer.us_tickers()}
    assert shipped["ordinary_words"].split() == sorted(gazetteer.ordinary_words())


@pytest.mark.parametrize(
    ("path", "least", "others", "where_none"),
    [
        # v34 found 170 of the 325 named, v35 first built 270 while the set was blind to
        # it (docs/models/entity_sentiment.md, "v35"), as committed 279; 3 other finds
        # ("Nasdaq" of a listing), 2 in the 120 headlines that name no company; v37, with
        # the companies that open a headline (`subjects`), 292; v41 297, v42 298.
        (written.US_COMPANIES, 298, 3, 2),
        # Blind to both: v34 149 of 316, v35 275 (as committed 279, v36 280, v37 300);
        # other finds (tickers beside names missed) 18, 3 and 1; 11 in the 120, SEntFiN's
        # categories and three words, and with v37 "Wimbledon Prize Money".
        # v41 305.
        (written.US_LISTED, 305, 1, 12),
        # Kept blind to v35: v34 152 of 372, v35 158, v36 169 (the name an exchange tag
        # follows, "v36"), v37 243, v38 326 (two at the opening, "to", later clauses);
        # other finds 15, 3 (11 of v35's were tickers in tags beside names missed; "IT"
        # of IT spending three times), 1 in the 60 ("Brent crude").
        # v40 330 (two at the opening, objects after what weighs on or lifts them), v41
        # 339 (names ending in a legal form or a trade, what a company counts).
        (written.WORLD_MIDCAPS, 339, 3, 1),
        # Written blind to v37's readings: v36 160 of 270, v37 183 (184 once "Kakaku.com"
        # was no longer read as "com"); 3 other finds ("IT", "Jewellers", "Airline
        # stocks"); in the 60 traps 4 and 9 ("Sensex", "Nifty", "Central Bank", "Defence
        # stocks"; with v37 "Lagarde", "Macron", "Saudi Arabia", "Cocoa", "Wimbledon
        # Prize Money"); v38 197, and "Saudi Arabia" a place; v39 209, and "Lagarde" and
        # "Macron" public figures; v40 228, v41 233, v42 234.
        (written.ANYWHERE_MIDCAPS, 234, 3, 6),
        # Written blind to v38's readings: v37 180 of 360, v38 as first written 227; as
        # committed 249, v39 271, v40 287, v41 296, v42 298; 2 other finds ("IT", "US
        # Steel" of "US Steel Service Centres"), 5 in the 30 traps ("Sensex", "Brent
        # crude", "Milei", "Banxico", "Bank of India" of the Reserve Bank of India).
        (written.MIDCAPS_BY_SHAPE, 298, 2, 4),
        # Written blind to v38 as committed: v37 163 of 345, v38 228, v39 259, v40 278, v41
        # 288; 6
        # other finds ("IT" four times, "Typhoon Damage", "Cyclone"; v39 4), 4 in the 30
        # traps ("Sensex", "IT", "SEBI", "Modi"; v39 3).
        (written.MIDCAPS_BY_SHAPE_2, 288, 4, 3),
        # Written blind to v39's readings: v37 149 of 333, v38 189, v39 219 (as committed,
        # the same), v40 227, v41 249; 5 other finds; 7 in the 30 traps, as committed 2 ("Powell
        # Signals No Rush To Cut Rates", "Ueda", "Lagarde", "Sitharaman" and "Blockade" no
        # more).
        (written.MIDCAPS_BY_SHAPE_3, 249, 5, 2),
        # Written blind to v40's readings by two readers: v39 189 of 355, v40 238, v41 252,
        # v42 254;
        # other
        # finds 3 and 5 ("HUF" of "lifts HUF sales", "ARPU"), as committed 3 ("IT" twice,
        # "ABF"); 1 in the 30 traps ("Brent crude").
        (written.MIDCAPS_BY_SHAPE_4, 254, 3, 1),
        # Written blind to v40's first round of readings, in the shapes the business press
        # writes: v39 182 of 354, v40's first round 184; its second (two joined by a
        # comma, a market report's heading before a colon) 223, its third 228; v41 273,
        # v42 274; 2 other finds, 3 in the 30 with none named.
        (written.MIDCAPS_AS_WRITTEN, 274, 2, 3),
        # Written blind to v40's second round, the same way: v39 199 of 351, the first
        # round 205, the second 231, the third (a broker's call, more verbs) 249, v41 287,
        # v42 288;
        # 3 other
        # finds ("IT", "Antofagasta" of "contract in Antofagasta", "Duvernay" of "boosts
        # Duvernay drilling budget"), 5 in the 30 ("WIG20", "Sensex", "Nifty", "SEBI",
        # "Small caps").
        (written.MIDCAPS_AS_WRITTEN_2, 288, 3, 5),
        # Written blind to v40 as served, the same way: v39 205 of 355, v40's rounds 208,
        # 231 and 246, v41 284; 1 other find ("Jujuy", a province, of "drought hits Jujuy cane
        # fields"), 5 in the 30 ("Sensex", "Nifty", "Mid-cap stocks", "VN-Index", "Small
        # caps").
        (written.MIDCAPS_AS_WRITTEN_3, 284, 1, 5),
        # Written blind to v41's first round (names ending in a legal form or a trade,
        # what a company counts, a country's possessive): v40 233 of 348, that round 247,
        # v41 as first committed 253, its second round 271, v41 278, v42 282; 6 other finds
        # ("Irn-Bru", "Accoya", "Séguéla", "Northpoint City", "LPG", and with v42 "Gunsan"
        # of "strike at Gunsan plant", a city), 5 in the 31 with
        # none named ("Sensex", "Nifty", "SEBI", "Selic", "PBOC"; v40 6, with "Tel Aviv
        # 35").
        (written.MIDCAPS_AS_WRITTEN_4, 282, 6, 5),
        # Written blind to v41 as first committed and to its second round (a trade in
        # lower case before what is counted of it, hyphens, brokers' coverage, a month):
        # v40 234 of 356, v41 as first committed 262, its second round 265, v41 278, v42
        # 279, its third round 280; 2
        # other finds ("Kounrad",
        # a mine, "Ford" of "Eagle Ford"), 8 in the 31 with none named ("10-year bond",
        # "Sensex", "Nifty", "PSU banks", "Sebi", "Histadrut", "PBOC", "SARB"), as v40's.
        (written.MIDCAPS_AS_WRITTEN_5, 280, 2, 8),
        # Written blind to all of v41 (its third round: who a company names or appoints,
        # a broker's start, what it prices, whom it wins an order from or signs with, "&"
        # inside one name): v40 219 of 350, v41's first two rounds 243, v41 250, v42 256
        # (its second round read some of this set's misses), its third 261; 4 other
        # finds ("IT" twice, "ABF", "Paraguay River"), 3 in the 30 with none named
        # ("Nifty Midcap", "Sebi", "Small caps"), as v40's.
        (written.MIDCAPS_AS_WRITTEN_6, 261, 4, 3),
        # Large caps, many named by a word, written blind to v42: v41 364 of 394, v42's
        # readings 374 (a word that names a company where the readings place one:
        # "..., Lloyds falls", "Shell to cut", "Next Raises"), v42 378 with four names
        # added after the set was scored (Canon, Olympus, Flutter, "Gol", "Northern
        # Star"); 5 other finds ("NFL", "Port Hedland", "Louisiana LNG", "Platinum" of
        # "Platinum Prices", "Sensex"), 3 in the 40 with none named ("Visa", "Apple",
        # "Ford" of "Ontario's Ford"), as v41's; v42's second round 379, its third 380.
        (written.LARGE_CAPS_AS_WRITTEN, 380, 5, 3),
        # Written blind to v42's second round (whom a bid or an offer is from, where
        # workers strike, a company opening a clause after "as" or "after"): v41 289 of
        # 390, v42's first round 289, its second 299; 3 other finds ("LPG", "Himeji", "IT"),
        # 9 in the 30 with none named (central banks, indices, "Saudi PMI"), as v41's; its
        # third round (fined, receives, a unit's or creditors' news, fires and workers at
        # a company) 310.
        (written.MIDCAPS_AS_WRITTEN_7, 310, 3, 9),
        # Written with no shapes named, blind to v42's third round: v41 236 of 320, v42's
        # second round 237, its third 238; 4 other finds ("Telfer", a mine, "LPG", "Las
        # Bambas", "Suzhou"), 4 in the 30 with none named ("Sensex", "Nifty", "SEBI",
        # "OCR"), as v41's.
        (written.MIDCAPS_AS_WRITTEN_8, 238, 4, 4),
        # A second day's feed, blind to v43: without its tagger 248 of 326; 3 other finds
        # and 3 in the 30 with none named ("Ofgem", "Nasdaq", "LPG", "Sensex", "Nifty",
        # "Banxico").
        (written.MIDCAPS_AS_WRITTEN_9, 248, 3, 3),
        # A third day's feed, blind to v44: without its tagger 293 of 325; 3 other finds
        # and 3 in the 30 with none named.
        (written.MIDCAPS_AS_WRITTEN_10, 293, 3, 3),
    ],
)
def test_the_served_gazetteer_finds_the_companies_written_for_the_project(
    path: Path, least: int, others: int, where_none: int
) -> None:
    headlines = written.named(path)
    known = Gazetteer.load(gazetteer_path(SERVED))
    found = written.finding(headlines, [auto_spans(h.text, known) for h in headlines])
    assert found["found"] >= least
    assert found["other_finds"] <= others and found["finds_where_none_named"] <= where_none


def test_auto_with_the_shipped_tagger_finds_what_its_metadata_records() -> None:
    record = json.loads((SERVED / "assets.extra" / "metadata.json").read_text())["mention_tagger"]
    tagged = tagger_path(SERVED)
    digest = hashlib.sha256((tagged / "saved_model.pb").read_bytes()).hexdigest()
    assert record["saved_model_sha256"] == digest
    tagger = MentionTagger(tagged)
    known = Gazetteer.load(gazetteer_path(SERVED))
    for path in written.NAMED_SETS.values():
        headlines = written.named(path)
        items = auto_items([h.text for h in headlines], known, tagger)
        found = written.finding(headlines, [spans_of(item) for item in items])
        scored = record["scored"]["press_sets"][path.name]
        # Another CPU's rounding may turn a word's tag where two tags score alike.
        for count in ("found", "other_finds", "finds_where_none_named"):
            assert abs(found[count] - scored["auto_with_tagger"][count]) <= 2, (path, count)
        assert scored["auto_with_tagger"]["found"] >= scored["auto"]["found"]
    # The day's feed, blind to the tagger (not to its name checks): 238 of 320 companies
    # found without it.
    ninth = record["scored"]["press_sets"][written.MIDCAPS_AS_WRITTEN_8.name]
    assert ninth["auto_with_tagger"]["found"] >= 270 and ninth["auto"]["found"] == 238
    # A second day's feed, written blind to the tagger and its checks: 288 of 326 with
    # it; 7 other finds and 4 in the 30 that name none, the tagger's "Masa", "Nordic",
    # "Baltic", "Selic" and "Kansai" among them.
    tenth = record["scored"]["press_sets"][written.MIDCAPS_AS_WRITTEN_9.name]
    assert tenth["auto_with_tagger"]["found"] >= 285 and tenth["auto"]["found"] == 248
    # A third day's feed, written blind to v44's checks of the tagger's names: 310 of 325
    # with the tagger (v43's checks: 307), 7 other finds and 6 in the 30 that name none,
    # "Bank Rate" and "South African Reserve Bank" among them.
    eleventh = record["scored"]["press_sets"][written.MIDCAPS_AS_WRITTEN_10.name]
    assert eleventh["auto_with_tagger"]["found"] >= 308 and eleventh["auto"]["found"] == 293


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # Companies a blind probe of world headlines missed (docs/models/entity_sentiment.md,
        # "v31"), each its own company, and names it read as two.
        (
            "Kasikornbank, Akbank and Zenith Bank lift dividends",
            ["W:KASIKORNBANK", "W:AKBANK", "W:ZENITHBANK"],
        ),
        ("Erste Group to buy 49% stake in Santander Bank Polska", ["W:ERSTE", "W:SANTANDERPOLSKA"]),
        (
            "Banco de Chile, Banco Santander-Chile post higher profits",
            ["W:BANCODECHILE", "W:SANTANDERCHILE"],
        ),
        ("Google agrees to buy Wiz for $32 billion", ["GOOGL", "W:WIZ"]),
        ("Amadeus IT Group shares rise as bookings recover", ["W:AMADEUS"]),
        ("GoTo Gojek Tokopedia cuts losses", ["W:GOTO"]),
        ("ABB Ltd beats estimates as electrification orders grow", ["W:ABB"]),
        # A fourth probe's markets (v32): a local unit is its own company, not its parent.
        (
            "Safaricom, KCB Group and Equity Bank lead Nairobi gainers",
            ["W:SAFARICOM", "W:KCB", "W:EQUITYGROUP"],
        ),
        ("OMV Petrom and Romgaz start Neptun Deep drilling", ["W:OMVPETROM", "W:ROMGAZ"]),
        ("Nestle Nigeria swings to profit as naira steadies", ["W:NESTLENIGERIA"]),
        ("Titan Cement and GEK Terna win Attica road deal", ["W:TITANCEMENT", "W:GEKTERNA"]),
        ("JD.Com <JD.O> shares rise 4% on rebound in sales", ["W:JDCOM"]),
        # A fifth probe's (v33): the Gulf, the Nordics, mid-caps; units as their own.
        ("Vodafone Qatar and Ooredoo Oman raise dividends", ["W:VODAFONEQATAR", "W:OOREDOOOMAN"]),
        ("Orkla, Kesko and Demant beat estimates", ["W:ORKLA", "W:KESKO", "W:DEMANT"]),
        ("Lynas Rare Earths (ASX: LYC) posts record output", ["W:LYNAS"]),
        ("Indra Nooyi joins Amazon board", ["AMZN"]),
        # A sixth probe's (v34): UK mid-caps; a longer name is its own company.
        ("Hammerson and Big Yellow lead FTSE 250 gainers", ["W:HAMMERSON", "W:BIGYELLOW"]),
        ("NCC Group and CVS Group shares fall", ["W:NCCGROUP", "W:CVSGROUP"]),
        ("Paris Hilton launches a beauty line with Walmart", ["WMT"]),
        ("Helmut Kohl's widow loses court battle over memoirs", []),
        ("Ireland beat New Zealand at the Aviva Stadium", []),
        ("Seattle Kraken name new head coach; Kraken pauses withdrawals", ["W:KRAKEN"]),
        ("FPT Industrial signs deal with Microvast", ["W:IVECO", "MVST"]),
        ("$EPR EPR Properties sells school portfolio", ["W:EPR"]),
        # US-listed companies of the SEC's list (v35), and what it leaves to the others.
        ("Symbotic and Louisiana-Pacific shares slide", ["SYM", "LPX"]),
        ("REX American Resources posts higher ethanol margins", ["REX"]),
        ("Moody's Affirm Ratings Of Three Regional Banks", ["MCO"]),
        ("Peloton Interactive cuts jobs", ["W:PELOTON"]),
        # What names no party to the news.
        ("Orange County officials approve budget", []),
        ("Amazon rainforest deforestation falls 30% in a year", []),
        ("Central Bank of Egypt holds interest rates steady", []),
        ("Nasdaq-listed CyberArk posts record revenue", ["W:CYBERARK"]),
    ],
)
def test_the_served_gazetteer_reads_world_headlines(text: str, found: list[str]) -> None:
    (item,) = check_limits(
        [EntityHeadline(text=text, entities="auto")],
        Settings(),
        Gazetteer.load(gazetteer_path(SERVED)),
    )
    assert [m.company for m in item.mentions] == found  # type: ignore[union-attr]
