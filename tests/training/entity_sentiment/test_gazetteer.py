"""The S&P 500's names beside SEntFiN's: the forms kept, the words and acronyms left out,
and the committed list as its SOURCES.md describes it."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from app.sentiment.entities import Gazetteer
from training.entity_sentiment import gazetteer

# Lower-case words standing in for the pretrained tokenizer's, so no vectors are read.
ENGLISH = {"apple", "amazon", "block", "target", "cost", "booking", "intel", "microsoft"}


@pytest.mark.parametrize(
    ("security", "forms"),
    [
        ("Home Depot (The)", {"Home Depot"}),
        ("Lilly (Eli)", {"Eli Lilly"}),
        ("Alphabet Inc. (Class A)", {"Alphabet Inc.", "Alphabet"}),
        ("Arthur J. Gallagher & Co.", {"Arthur J. Gallagher & Co.", "Arthur J. Gallagher"}),
        ("Block, Inc.", {"Block, Inc.", "Block"}),
        ("Expedia Group", {"Expedia Group", "Expedia"}),
        ("Nvidia", {"Nvidia"}),
    ],
)
def test_a_listed_name_comes_in_the_forms_headlines_write(security: str, forms: set[str]) -> None:
    assert gazetteer.sp500_forms(security) == forms


def test_the_sp500_names_leave_out_words_and_short_tickers() -> None:
    kept = set(gazetteer.sp500_entities(ENGLISH))
    assert {"Home Depot", "Eli Lilly", "Nvidia", "Goldman Sachs", "NVDA", "AAPL"} <= kept
    # Ordinary words and acronyms: the word filter, three-letter tickers, the stop list.
    assert not {"Block", "Target", "Booking", "COST", "STT", "JPM", "FANG", "TECH"} & kept
    # Short names come in whatever the filter says of them.
    assert {"Apple", "Amazon", "Intel", "Microsoft", "Google", "Exxon"} <= kept


def test_short_names_must_belong_to_listed_tickers(tmp_path: Path) -> None:
    listed = tmp_path / "constituents.csv"
    listed.write_text("Symbol,Security\nNVDA,Nvidia\n")
    with pytest.raises(ValueError, match="AAPL"):
        gazetteer.sp500_entities(ENGLISH, listed)


def test_the_shipped_names_find_us_and_indian_companies_once_each() -> None:
    keys = gazetteer.shipped(english=ENGLISH)
    assert keys["Apple"] == keys["AAPL"] == "AAPL"
    assert keys["Infosys"] == keys["INFY"] == "NSE:INFY"
    found = Gazetteer(keys, keys).find_all(
        "Apple (AAPL) and Nvidia rise, Infosys slips; $JPM flat; $NVDA; Target cuts costs"
    )
    assert [name for name, _ in found] == ["Apple", "Nvidia", "Infosys", "$JPM"]


def test_the_committed_list_is_the_one_its_sources_describe() -> None:
    digest = hashlib.sha256(gazetteer.SP500.read_bytes()).hexdigest()
    assert digest in (gazetteer.SP500.parent / "SOURCES.md").read_text()
    assert gazetteer.SP500.read_text().count("\n") == 504  # a header and 503 companies
    sources = (gazetteer.WORLD.parent / "SOURCES.md").read_text()
    for listed in (gazetteer.WORLD, gazetteer.WORD_NAMES):
        assert hashlib.sha256(listed.read_bytes()).hexdigest() in sources, listed.name


# SEntFiN's list names these parents under their Indian units: an export gives them the
# parent's entity from the S&P 500 or the project's list.
PARENTS = {
    "Alstom SA": ("NSE:GEPIL", "W:ALSTOM"),
    "Colgate-Palmolive Company": ("NSE:COLPAL", "CL"),
    "Cummins Inc.": ("NSE:CUMMINSIND", "CMI"),
    "Merck KGaA": ("NSE:MERCK", "W:MERCKKGAA"),
    "Pfizer Inc.": ("NSE:PFIZER", "PFE"),
    "Procter & Gamble Company": ("NSE:PGHH", "PG"),
    "Siemens AG": ("NSE:SIEMENS", "W:SIEMENS"),
    "Whirlpool Corporation": ("NSE:WHIRLPOOL", "W:WHIRLPOOL"),
}
# And a ticker of a company's other share class that the word filter keeps as a name (the
# stand-in ENGLISH has no "goog"): the company's first class's; and the names the
# project's list gives a company listed in India that SEntFiN's list files under
# another ("LIC", the insurer, not LIC Housing Finance; Phoenix Mills, not Phoenix
# International; United Breweries, not its holding company; JSW Infrastructure, not
# JSW Energy).
MOVED = {
    **PARENTS,
    "GOOG": ("GOOG", "GOOGL"),
    "LIC": ("NSE:LICHSGFIN", "NSE:LICI"),
    "Phoenix Mills": ("NSE:PHOENXINTL", "NSE:PHOENIXLTD"),
    "The Phoenix Mills": ("NSE:PHOENXINTL", "NSE:PHOENIXLTD"),
    "United Breweries": ("NSE:UBHOLDINGS", "NSE:UBL"),
    "JSW Infrastructure": ("NSE:JSWENERGY", "NSE:JSWINFRA"),
}


def test_the_projects_list_adds_companies_beyond_the_two_lists() -> None:
    keys = gazetteer.shipped(english=ENGLISH, words=set())
    pairs_keys = gazetteer.for_pairs(english=ENGLISH)
    # Names the two lists lack, and one the S&P 500's rules leave out (a short ticker),
    # tied to its company there.
    assert keys["Toyota"] == "W:TOYOTA" and keys["AMD"] == keys["Advanced Micro Devices"] == "AMD"
    assert "Toyota" not in pairs_keys and "AMD" not in pairs_keys
    # An earlier list's entity stays, but for the parents' legal names that SEntFiN's
    # list files under their Indian units, and the names the project's Indian rows mend.
    moved = {
        name: (pairs_keys[name], keys[name])
        for name in pairs_keys
        if keys[name] != pairs_keys[name]
    }
    assert moved == MOVED
    found = Gazetteer(keys, keys).find_all(
        "AMD beats estimates while Intel cuts guidance; Toyota and Siemens Energy rise, $AMD up"
    )
    assert [name for name, _ in found] == ["AMD", "Intel", "Toyota", "Siemens Energy"]
    # Brands written in camel case or in lower case, as their companies write them.
    found = Gazetteer(keys, keys).find_all("onsemi cuts outlook; easyJet and iRobot rise")
    assert [keys[name] for name, _ in found] == ["ON", "W:EASYJET", "W:IROBOT"]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("ZZZZ,US,Zed Corp", "ZZZZ is neither"),
        ("NSE:ZED,US,Zed Corp", "NSE:ZED is neither"),
        ("W:ZED,US,zed", "'zed' does not start a name"),
        # A brand in lower case comes with its Title-case form, which says it is meant.
        ("W:ZED,US,Zed Corp|zed", "'zed' does not start a name"),
        ("W:ZED,US,Nvidia Two|AMD", "'AMD' names two companies"),
        # A company in two rows, or a name written twice, is a row added again.
        ("AMD,US,Advanced Micro Devices", "AMD has two rows"),
        ("W:ZED,US,Zed|Zed", "'Zed' is written twice"),
    ],
)
def test_the_projects_list_refuses_rows_it_cannot_use(
    tmp_path: Path, row: str, problem: str
) -> None:
    listed = tmp_path / "constituents.csv"
    listed.write_text("Symbol,Security\nAMD,Advanced Micro Devices\n")
    world = tmp_path / "companies.csv"
    world.write_text(f"key,country,names\nAMD,US,AMD\n{row}\n")
    with pytest.raises(ValueError, match=problem):
        gazetteer.world_entities(world, listed)


def test_each_word_name_is_of_a_company_the_export_finds() -> None:
    keys = gazetteer.shipped(english=ENGLISH, words=gazetteer.headline_words())
    with gazetteer.WORD_NAMES.open(newline="", encoding="utf-8") as fh:
        rows = {row["key"]: row["names"].split("|") for row in csv.DictReader(fh)}
    assert rows.keys() <= set(keys.values())
    found = gazetteer.word_names(keys)
    assert found["W:SHELL"] == ["Shell"] and found["W:ARM"] == ["Arm"]
    assert gazetteer.by_ticker_only(keys)["W:SHELL"] == ["Shell"]


def test_the_export_leaves_out_names_headlines_write_as_words() -> None:
    # "investment" is two tokens of the tokenizer, so the word filter keeps "Investment",
    # the Title-case form of SEntFiN's sector "INVESTMENT"; headlines write it in lower case.
    words = {"investment", "apple"}
    assert "Investment" in gazetteer.for_pairs(english=ENGLISH)
    keys = gazetteer.shipped(english=ENGLISH, words=words)
    assert "Investment" not in keys and keys["INVESTMENT"] == "NSE:INVESTMENT"
    # A short name headlines were seen to use stays, and so does every other name.
    assert keys["Apple"] == "AAPL"
    kept = {n: k for n, k in gazetteer.for_pairs(english=ENGLISH).items() if n != "Investment"}
    assert {n: k for n, k in kept.items() if n not in MOVED}.items() <= keys.items()
    # The words come from the training titles of both sources.
    assert {"investment", "pharma", "shares"} <= gazetteer.headline_words()
    assert "infosys" not in gazetteer.headline_words()
    found = json.loads(gazetteer.export_file({"Infosys": "NSE:INFY"}))
    assert found["exchange_tags"] is True and found["names"] == ["Infosys"]


def test_pairs_in_capitals_keep_their_spans() -> None:
    from training.entity_sentiment.pairs import Pair

    title = "Toyota gains, Sony slips"
    toyota = Pair(title, "Toyota", "positive", (0, 6), ((14, 18),), True, True)
    kept = Pair(title, "Sony", "negative", (14, 18), ((0, 6),), True, True)
    # "ß" is "SS" in capitals: its title would no longer match the spans.
    dropped = Pair("Straße AG gains", "Straße AG", "positive", (0, 9), (), False, True)
    loud_toyota, loud = gazetteer.in_capitals([toyota, kept, dropped])
    assert loud.title == "TOYOTA GAINS, SONY SLIPS"
    assert loud.title[slice(*loud.span)] == "SONY"
    assert (loud.entity, loud.label, loud.others) == (kept.entity, kept.label, kept.others)
    keys = {"Toyota": "W:TOYOTA", "Sony": "W:SONY"}
    found = gazetteer.reach(Gazetteer(keys, keys), [loud_toyota, loud])
    assert (found["mentions"], found["found"], found["not_annotated"]) == (2, 1.0, 0.0)
    assert gazetteer.reach(Gazetteer(keys, keys, capitals=False), [loud])["found"] == 0.0


def test_a_ticker_in_the_tag_after_an_annotated_name_counts_as_found() -> None:
    from training.entity_sentiment.pairs import Pair

    title = "Schlumberger <SLB.N> gains; Halliburton flat"
    pairs = [
        Pair(title, "Schlumberger", "positive", (0, 12), ((28, 39),), True, True),
        Pair(title, "Halliburton", "neutral", (28, 39), ((0, 12),), True, True),
    ]
    known = Gazetteer((), exchange_tags=True)
    # The name the tag follows is found as its company's mention (`tagged_names`); in
    # capitals, where no name can be told from the words, the ticker is.
    assert known.find_all(title) == [("Schlumberger", (0, 12))]
    assert known.find_all(title.upper()) == [("SLB", (14, 17))]
    assert gazetteer.named_by_tag((14, 17), title, [(0, 12), (28, 39)]) == (0, 12)
    for part in (pairs, gazetteer.in_capitals(pairs)):
        found = gazetteer.reach(known, part)
        assert (found["found"], found["matches"], found["not_annotated"]) == (0.5, 1, 0.0)


def test_acronyms_are_the_names_in_capitals_headlines_never_write_otherwise() -> None:
    names = ["TCS", "SBI", "AMD", "L&T", "M&M", "OIL", "INDIA", "IT SPACE", "BANK", "T"]
    names += ["Infosys", "123456"]
    # The training titles write "oil", "India", "It", "bank"; a letter alone counts for
    # nothing in a longer name, and a one-letter name is no acronym.
    assert gazetteer.acronyms(names) == {"TCS", "SBI", "AMD", "L&T", "M&M"}
    # The export says which: the served gazetteer searches text in capitals for them.
    keys = {name: name for name in names}
    shipped = json.loads(gazetteer.export_file(keys))
    assert shipped["acronyms"] == ["AMD", "L&T", "M&M", "SBI", "TCS"]
    found = gazetteer.served(keys).find_all("SBI AND INFOSYS RISE AS OIL FALLS")
    assert [name for name, _ in found] == ["SBI", "INFOSYS"]


def test_in_lower_case_only_the_names_that_are_no_words_are_looked_for() -> None:
    names = ["Infosys", "Tata Motors", "TCS", "Sony", "Target", "OIL", "IT SPACE", "Best Buy"]
    # Words the training titles write in lower case ("target", "oil", "it", "space",
    # "best", "buy") do not make a name there; one the tokenizer holds ("sony") does.
    assert gazetteer.lower_case(names) == {"Infosys", "Tata Motors", "TCS", "Sony"}
    keys = {name: name for name in names}
    shipped = json.loads(gazetteer.export_file(keys))
    assert shipped["lower_case"] == ["Infosys", "Sony", "TCS", "Tata Motors"]
    found = gazetteer.served(keys).find_all("infosys and sony rise as target falls")
    assert [name for name, _ in found] == ["infosys", "sony"]


def test_the_names_of_sentfins_categories_are_each_their_own_entity() -> None:
    keys = {"Sensex": "NSE:STOCKEXCHNG", "Nifty": "NSE:STOCKEXCHNG", "SEBI": "NSE:REGORG"}
    keys |= {"Infosys": "NSE:INFY", "INFY": "NSE:INFY"}
    found = gazetteer.served(keys)
    text = "Sensex, Nifty end higher as SEBI eases rules; Infosys (INFY) gains"
    entities = found.find_entities(text)
    # Two indices and a regulator, no longer one entity each; one company, once.
    assert [text[a:b] for _, (a, b) in entities] == ["Sensex", "Nifty", "SEBI", "Infosys"]
    assert [found.company(key) for key, _ in entities] == [None, None, None, "NSE:INFY"]
    shipped = json.loads(gazetteer.export_file(keys))
    assert shipped["entities"] == {"INFY": "NSE:INFY", "Infosys": "NSE:INFY"}
    assert shipped["names"] == ["INFY", "Infosys", "Nifty", "SEBI", "Sensex"]


def test_an_export_ships_the_ambiguous_names_it_holds(tmp_path: Path) -> None:
    keys = {"Nasdaq": "NDAQ", "NDAQ": "NDAQ", "Infosys": "NSE:INFY"}
    path = tmp_path / gazetteer.FILE
    path.write_text(gazetteer.export_file(keys))
    assert json.loads(path.read_text())["ambiguous"] == ["Nasdaq"]
    loaded = Gazetteer.load(path)
    # The index is no company's, as `served` finds it; asked for as NDAQ, it is Nasdaq's.
    text = "Nasdaq hits record as Infosys gains"
    assert loaded.find_entities(text) == gazetteer.served(keys).find_entities(text)
    assert [loaded.company(key) for key, _ in loaded.find_entities(text)] == [None, "NSE:INFY"]
    assert loaded.mention_of("NDAQ", text) == (0, 6)
    assert json.loads(gazetteer.export_file({"Infosys": "NSE:INFY"}))["ambiguous"] == []


def test_a_ticker_finds_its_companys_names_that_are_words(tmp_path: Path) -> None:
    keys = gazetteer.shipped(english=ENGLISH, words=set())
    by_ticker = gazetteer.by_ticker_only(keys)
    # The word filter keeps them out of "auto"; a caller's ticker finds them.
    assert "Target" not in keys and by_ticker["TGT"] == ["Target"]
    assert by_ticker["XYZ"] == ["Block"] and by_ticker["BKNG"] == ["Booking"]
    # Names "auto" finds, Title-case forms of SEntFiN's symbols, sectors: none.
    assert "AAPL" not in by_ticker and "Apple" in keys
    named = {name for names in by_ticker.values() for name in names}
    assert not {"Star", "Take", "Cement", "Pharma", "Apple"} & named
    # A name in camel case is no word: "auto" finds it.
    assert keys["eBay"] == "EBAY" and keys["eClerx"] == "NSE:ECLERC"
    path = tmp_path / gazetteer.FILE
    path.write_text(gazetteer.export_file(keys))
    loaded = Gazetteer.load(path)
    text = "Target guidance cut; eBay jumps"
    assert loaded.find_all(text) == [("eBay", (21, 25))]
    assert loaded.mention_of("TGT", text) == (0, 6)
    assert loaded.mention_of("Target Corporation", text) == (0, 6)
    # Opening a headline before what a company does, it is the company.
    assert loaded.find_all("Target cuts guidance; eBay jumps") == [
        ("Target", (0, 6)),
        ("eBay", (22, 26)),
    ]
    # In its own case only: "target" is the word.
    assert loaded.mention_of("TGT", "Infosys beats its target") is None
    assert Gazetteer.load(path).by_ticker == gazetteer.served(keys).by_ticker


def test_a_companys_other_share_classes_are_its_own() -> None:
    keys = gazetteer.shipped(english=ENGLISH, words=set())
    # Rows of the S&P 500 with one CIK: the names are keyed by the first row's ticker;
    # and the classes it does not list beside one it does.
    assert gazetteer.share_classes() == {
        "FOX": "FOXA", "GOOG": "GOOGL", "NWS": "NWSA", "BRK.A": "BRK.B", "BF.A": "BF.B",
        "LEN.B": "LEN",
    }  # fmt: skip
    assert set(gazetteer.OTHER_CLASSES.values()) <= set(keys.values())
    assert keys["Alphabet"] == keys["GOOG"] == "GOOGL" and "GOOG" not in keys.values()
    found = gazetteer.served(keys)
    text = "$GOOG $GOOGL - Google rivals want EU probe"
    assert [key for key, _ in found.find_entities(text)] == ["GOOGL"]
    assert found.entity("GOOG") == found.entity("GOOGL") == "GOOGL"
    assert [key for key, _ in found.find_entities("$BRK.A and $BRK.B hit records")] == ["BRK.B"]
    assert found.mention_of("GOOG", "Alphabet slips") == (0, 8)
    # Short names the project's list gives S&P 500 companies.
    assert (keys["J&J"], keys["T-Mobile"], keys["Occidental"]) == ("JNJ", "TMUS", "OXY")


def test_a_listed_indian_company_is_keyed_and_asked_for_by_its_nse_symbol() -> None:
    keys = gazetteer.shipped(english=ENGLISH, words=set())
    # A company SEntFiN's list lacks is on its symbol; one it lists by an earlier name,
    # on its key for that name, so both names are one entity.
    assert keys["Anupam Rasayan"] == "NSE:ANURAS"
    assert keys["Patanjali Foods"] == keys["Ruchi Soya"] == "NSE:RUCHISOYA"
    found = gazetteer.served(keys)
    text = "Anupam Rasayan and Patanjali Foods rise; Subex slips"
    assert found.mention_of("ANURAS", text) == found.mention_of("NSE:ANURAS", text) == (0, 14)
    assert found.mention_of("RUCHISOYA", text) == (19, 34)
    assert found.mention_of("SUBEXLTD", text) == (41, 46)


def test_the_projects_indian_rows_mend_names_sentfins_list_gives_another_company() -> None:
    keys = gazetteer.shipped(english=ENGLISH, words=set())
    # SEntFiN's list files "LIC" under LIC Housing Finance; alone it is the insurer.
    assert keys["LIC"] == keys["Life Insurance Corporation"] == "NSE:LICI"
    assert keys["LIC Housing Finance"] == "NSE:LICHSGFIN"
    # Rows for companies elsewhere leave SEntFiN's names as they are.
    assert keys["Infosys"] == "NSE:INFY" and keys["Exxon Mobil"] == keys["Exxon"] == "XOM"
    found = gazetteer.served(keys)
    text = "LIC raises stake in Tata Technologies; JLR sales rise"
    assert [key for key, _ in found.find_entities(text)] == ["NSE:LICI", "NSE:TATATECH", "W:JLR"]
    assert found.mention_of("LICHSGFIN", text) is None
    # A broker's name is the broker's, not the bank or lender it starts with.
    call = "Sell Tata Steel, target Rs 100: ICICI Securities; HDFC Securities agrees"
    assert [key for key, _ in found.find_entities(call)] == [
        "NSE:TATASTEEL",
        "W:ICICISEC",
        "W:HDFCSEC",
    ]
    # A group company's own name is that company's, not the group's first one; a name
    # since a rename finds the company SEntFiN's list keys by the old one; and the
    # companies SEntFiN's training titles annotate that its list lacks are found.
    for text, want in (
        (
            "Adani Green Energy, Adani Wilmar slide; HDFC Life, Adani rise",
            ["NSE:ADANIGREEN", "NSE:AWL", "NSE:HDFCLIFE", "NSE:ADANIENT"],
        ),
        ("Tata Consumer Products and LTIMindtree gain", ["NSE:TATAGLOBAL", "NSE:LTI"]),
        (
            "SpiceJet, Sesa Sterlite fall; FTIL gains: CLSA",
            ["W:SPICEJET", "NSE:VEDL", "NSE:63MOONS", "W:CLSA"],
        ),
        # The broker is not the textile company its first word names.
        ("Raymond James upgrades Voltas; Raymond slips", ["RJF", "NSE:VOLTAS", "NSE:RAYMOND"]),
        # Indian names since a merger or rename, not the older company their first
        # word names; and an Indian company's own name beside its lender's.
        (
            "IDFC First Bank, PVR Inox rise; HDFC AMC slips, HDFC flat",
            ["NSE:IDFCBANK", "NSE:PVR", "NSE:HDFCAMC", "NSE:HDFC"],
        ),
    ):
        assert [key for key, _ in found.find_entities(text)] == want, text


@pytest.fixture(scope="module")
def shipped_and_served() -> tuple[dict[str, str], Gazetteer]:
    keys = gazetteer.shipped(english=ENGLISH, words=set())
    return keys, gazetteer.served(keys)


# Headlines naming companies that the service, asked about them by name (or reading
# TFNS's training posts), found as another company or not at all before the project's
# list gave them rows.
PROBED = [
    # Companies TFNS's training posts open with, and eBay as a title casing writes it.
    ("Macy's, Kohl's slump; EBay rises", ["W:MACYS", "W:KOHLS", "EBAY"]),
    # A group's other company is its own, not the group's best-known one ("Siemens"
    # alone is Siemens Ltd in India or Siemens AG: the headline's words say which).
    (
        "Samsung Biologics, Siemens Healthineers rise; Samsung, Siemens fall",
        ["W:SAMSUNGBIO", "W:HEALTHINEERS", "W:SAMSUNGELEC", "Siemens"],
    ),
    # Companies users named that the lists lacked, one by an S&P 500 ticker.
    (
        "Robinhood, TikTok and Air India gain; Daikin slips",
        ["HOOD", "W:TIKTOK", "W:AIRINDIA", "W:DAIKIN"],
    ),
    # The short names US headlines write for S&P 500 companies, whose listed names
    # run longer ("Micron Technology", "Charles Schwab"), and US companies outside
    # the index; "Apollo Global" is the fund manager, not an Apollo of India.
    (
        "Micron, Schwab and Amex gain; Philip Morris, Walgreens, U.S. Steel slip",
        ["MU", "SCHW", "AXP", "PM", "W:WALGREENS", "W:USSTEEL"],
    ),
    ("Apollo Global buys stake; John Deere cuts outlook", ["APO", "DE"]),
    # Companies of other markets' indices whose names hold an Indian company's or a
    # sector's: the longer name is the company's, the shorter stays what it was.
    (
        "Severn Trent, Airtel Africa and JD Sports rise; Trent, Bharti Airtel slip",
        ["W:SEVERNTRENT", "W:AIRTELAFRICA", "W:JDSPORTS", "NSE:TRENT", "NSE:BHARTIARTL"],
    ),
    (
        "SK Telecom, Hannover Re and Hyundai Mobis gain; Cement shares fall",
        # A sector is its own entity, no company's (`gazetteer.CATEGORIES`).
        ["W:SKTELECOM", "W:HANNOVERRE", "W:HYUNDAIMOBIS", "Cement shares"],
    ),
    (
        "Garanti BBVA and Impala Platinum rise; BBVA, Platinum fall",
        ["W:GARANTI", "W:IMPLATS", "W:BBVA", "Platinum"],
    ),
    # Indian names since a rename, and names SEntFiN's list files under another
    # company (Phoenix International, United Breweries Holdings, JSW Energy).
    (
        "UNO Minda, Indus Towers, Phoenix Mills rise; JSW Infrastructure, Minda Corp fall",
        ["NSE:MINDAIND", "NSE:INFRATEL", "NSE:PHOENIXLTD", "NSE:JSWINFRA", "NSE:MINDACORP"],
    ),
    ("United Breweries and Kalyan Jewellers gain", ["NSE:UBL", "NSE:KALYANKJIL"]),
    # US mid-caps, one whose name ends in a rating agency's.
    (
        "Abercrombie & Fitch, Roku and ADP rise; Fitch cuts TPG's outlook",
        ["W:ABERCROMBIE", "W:ROKU", "ADP", "W:FITCH", "W:TPG"],
    ),
    # A group's listed unit is its own, and a company named "... Technology" no sector.
    (
        "Tencent Music, Kakao Pay and Lotus Technology rise; Tencent, Kakao fall",
        ["W:TENCENTMUSIC", "W:KAKAOPAY", "W:LOTUSTECH", "W:TENCENT", "W:KAKAO"],
    ),
    # European mid-caps; "Clariant" is now the Swiss parent's name too, so it is
    # found as its own entity, the headline's words saying which.
    (
        "Clariant and Lanxess rise; Hugo Boss, ASOS fall",
        ["Clariant", "W:LANXESS", "W:HUGOBOSS", "W:ASOS"],
    ),
    # A group's other companies are their own, not the flagship its first word names.
    (
        "Samsung Heavy Industries and Toyota Tsusho rise; Samsung, Toyota, Isuzu fall",
        ["W:SAMSUNGHEAVY", "W:TOYOTATSUSHO", "W:SAMSUNGELEC", "W:TOYOTA", "Isuzu"],
    ),
    # Indian companies since a demerger, and one whose initials are another's ticker,
    # each on its NSE symbol.
    (
        "LT Foods, Inox Green and Jubilant Ingrevia rise; L&T, Inox Leisure fall",
        ["NSE:LTFOODS", "NSE:INOXGREEN", "NSE:JUBLINGREA", "NSE:LT", "NSE:INOXLEISURE"],
    ),
    # Indian companies by their names since a rename, on SEntFiN's keys for them
    # (Ruchi Soya, Kalpataru Power Transmission, TI Financial Holdings), and "Bharti
    # Airtel Africa" no Bharti Airtel.
    (
        "Patanjali Foods, Kalpataru Projects, Cholamandalam Financial gain; "
        "Bharti Airtel Africa, Subex slip",
        ["NSE:RUCHISOYA", "NSE:KALPATPOWR", "NSE:TIFIN", "W:AIRTELAFRICA", "NSE:SUBEXLTD"],
    ),
    # A company by its form a headline writes, a brand found as the group's first word
    # before it had its company, an index SEntFiN's list keys like a company, and an
    # Indian symbol since a rename, on SEntFiN's key.
    (
        "Dell and HP Enterprise gain; Birla Opus rises; Nifty Bank and TATACONSUM fall",
        ["DELL", "HPE", "NSE:GRASIM", "Nifty Bank", "NSE:TATAGLOBAL"],
    ),
    # A company of the project's list by its US ticker, as a cashtag or in a tag beside
    # its name, is that company, once.
    (
        "Alibaba beats, $BABA jumps; Shopify (SHOP) and $TM rise",
        ["W:ALIBABA", "W:SHOPIFY", "W:TOYOTA"],
    ),
    # A Canadian and an Australian company whose names begin with another's.
    (
        "Fortis Inc and APA Group rise; Fortis Healthcare, APA fall",
        ["W:FORTISINC", "W:APAGROUP", "NSE:FORTIS", "APA"],
    ),
]


@pytest.mark.parametrize(("text", "want"), PROBED)
def test_the_companies_users_asked_about_are_found_as_themselves(
    shipped_and_served: tuple[dict[str, str], Gazetteer], text: str, want: list[str]
) -> None:
    _, found = shipped_and_served
    assert [key for key, _ in found.find_entities(text)] == want


def test_a_name_of_a_us_and_an_indian_company_is_both(
    shipped_and_served: tuple[dict[str, str], Gazetteer],
) -> None:
    # "PNC" is PNC Infratech in SEntFiN's list and PNC Financial on Wall Street: found
    # as its own entity, the headline's words saying which.
    keys, found = shipped_and_served
    assert keys["PNC"] == "NSE:PNC" and gazetteer.elsewhere(keys)["PNC"] == "PNC"
    assert [key for key, _ in found.find_entities("PNC shares rise")] == ["PNC"]


def test_a_us_ticker_names_one_company_of_the_list(tmp_path: Path) -> None:
    tickers = gazetteer.us_tickers()
    assert (tickers["TM"], tickers["TSM"], tickers["SONY"]) == ("W:TOYOTA", "W:TSMC", "W:SONY")
    found = gazetteer.served(gazetteer.shipped(english=ENGLISH, words=set()))
    text = "Toyota posts record profit; Sony shares slip"
    assert found.mention_of("TM", text) == (0, 6) and found.mention_of("SONY", text) == (28, 32)
    # An S&P 500 ticker, or another company's name, is refused as a ticker of the list's.
    header = "key,ticker,kind,security_name,exchange\n"
    for row, clash in (("W:TOYOTA,AAPL", "AAPL"), ("W:TOYOTA,HSBC", "HSBC")):
        path = tmp_path / "us_tickers.csv"
        path.write_text(header + row + ",ads,x,NYSE\n")
        with pytest.raises(ValueError, match=f"{clash} is already another company's"):
            gazetteer.us_tickers(path)
