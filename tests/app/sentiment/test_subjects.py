"""A company no list holds is found where a headline opens with it as its subject."""

from __future__ import annotations

import pytest

from app.sentiment.entities import UNLISTED, Gazetteer
from app.sentiment.schemas import EntityHeadline
from app.sentiment.service import EntityItem, check_limits
from app.sentiment.subjects import (
    cause_subjects,
    clause_starts,
    clause_subjects,
    objects,
    pair,
    subject,
)
from app.settings import Settings

# A few ordinary words, as an export ships tens of thousands.
ORDINARY = frozenset(
    {"small", "cap", "multi", "year", "homebuilder", "the", "investors", "oil", "gold", "rate",
     "korean", "successfully", "stocks", "markets", "crypto", "rail", "industries", "com",
     "silver", "gas", "chemicals", "pharmaceuticals", "star", "federal", "reserve",
     "quarterly", "jumped", "today", "upbeat"}
)  # fmt: skip
KEYS = {"Siemens": "W:SIEMENS"}
KNOWN = Gazetteer(KEYS, KEYS, exchange_tags=True, ordinary_words=ORDINARY)


def _opening(text: str) -> str | None:
    found = subject(text, ORDINARY)
    return None if found is None else text[found[0] : found[1]]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Krones wins record order intake", "Krones"),
        ("Kion Cuts 2025 Outlook As Warehouse Orders Stall", "Kion"),
        ("Bucher Industries Sees Lower Sales", "Bucher Industries"),
        ("Ypsomed shares hit record", "Ypsomed"),
        ("Zenotech Laboratories Q3 net loss widens", "Zenotech Laboratories"),
        ("IIFCL FY11 net rises 61 pc", "IIFCL"),
        ("Berry Petroleum's stock plunges", "Berry Petroleum"),
        ("Suss MicroTec Shares Soar On AI Orders", "Suss MicroTec"),
        ("Kakaku.com profit rises on booking fees", "Kakaku.com"),
        # Fined, offered for, and what its unit or its creditors did.
        ("Equasens fined €2 million by competition authority", "Equasens"),
        ("Caregen receives takeover offer", "Caregen"),
        ("DRB-Hicom unit bags defence contract", "DRB-Hicom"),
        ("Shuaa Capital's creditors approve debt rescheduling", "Shuaa Capital"),
        ("Star creditors approve plan", None),
        # No news word after the opening words, or words no company's name has.
        ("Krones and Sidel in talks", None),
        ("Powell's remarks lift stocks", None),
        ("Small-cap stocks rally as bets grow", None),
        ("Homebuilder stocks fall", None),
        ("Oil rises on supply cuts", None),
        ("DAX Falls As Output Disappoints", None),
        ("Riksbank lowers policy rate", None),
        ("Seoul shares rise to 2-month highs", None),
        ("S.Korean shares slip", None),
        ("Q3 earnings: Infosys beats", None),
        ("Abiomed Announces Q3 Revenue", None),
        ("Nodal Exchange Successfully Completes Migration", None),
        ("Elon Musk buys more shares", None),
        ("Fed's Kaplan Sees Risks to Outlook", None),
        # A name with "'s" inside is left out with them ("BJ's Wholesale").
        ("BJ's Wholesale cuts sales outlook", None),
        ("KRONES WINS RECORD ORDER", None),
        ("krones wins record order", None),
        # What a company is to do after "to"; not what persons and governments are to do.
        ("Tietoevry to split into two companies", "Tietoevry"),
        ("Alps Alpine To Cut 1,000 Jobs", "Alps Alpine"),
        ("Krones to speak at investor day", None),
        ("Needham upgrades Krones to buy", "Needham"),
        ("Straits Times Index edges up", None),
        ("Algeria to cut oil output", None),
        ("RealNetworks CEO Rob Glaser to invest in the company", None),
        ("Krones returns to profit", "Krones"),
        # A period written out.
        ("Coface first-quarter net income rises 12%", "Coface"),
        ("Tupy quarterly profit falls on weak truck demand", "Tupy"),
        # At a headline's start an ordinary first word leaves it no name, unless a later
        # word is none in sentence case (whose capitals then mark a name).
        ("Star Micronics cuts outlook", "Star Micronics"),
        ("Star Micronics Cuts Outlook", None),
        ("Upbeat China PMI lifts Asian shares", None),
        # Public figures quoted by surname, and the events that halt output.
        ("Lagarde warns on inflation", None),
        ("Cyclone Halts Shipments At Port Hedland", None),
    ],
)  # fmt: skip
def test_a_headline_that_opens_with_a_company_no_list_holds(text: str, name: str | None) -> None:
    assert _opening(text) == name


def test_the_opening_company_is_an_entity_with_no_company_key() -> None:
    text = "Krones wins order as Siemens slips"
    assert KNOWN.find_entities(text) == [(UNLISTED + "Krones", (0, 6)), ("W:SIEMENS", (21, 28))]
    items = [EntityHeadline(text=text, entities="auto")]
    (item,) = check_limits(items, Settings(), KNOWN)
    assert isinstance(item, EntityItem)
    assert [(m.name, m.company) for m in item.mentions] == [
        ("Krones", None),
        ("Siemens", "W:SIEMENS"),
    ]
    # A name the lists hold is found as before; one overlapping it is no second entity.
    assert KNOWN.find_entities("Siemens shares slip") == [("W:SIEMENS", (0, 7))]
    # After a wire's slugs the headline opens as any other does.
    assert KNOWN.find_entities("UPDATE 1-Krones wins order") == [(UNLISTED + "Krones", (9, 15))]
    assert KNOWN.find_entities("RPT-Krones and Sidel fall") == [
        (UNLISTED + "Krones", (4, 10)),
        (UNLISTED + "Sidel", (15, 20)),
    ]
    # Without the ordinary words (exports before v37, training's marks): not looked for.
    assert Gazetteer(KEYS, KEYS).find_entities(text) == [("W:SIEMENS", (21, 28))]


# Ordinary words that open companies' names, and others that open no company's.
FIRST_WORDS = ORDINARY | {
    "renew", "tourism", "tri", "credit", "india", "swiss", "budget", "central", "world",
    "financial", "venture", "new", "korea", "iran", "air", "upbeat", "tel", "bank",
    "national", "airlines", "services", "inc", "r", "holdings", "international", "fox",
    "post", "g", "champagne", "fix", "signals", "no", "rush", "cut", "golf",
}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # A name whose last word says it is a company's, whatever its first word.
        ("Renew Holdings lifts profit expectations", "Renew Holdings"),
        ("Tri Chemical shares jump on chip demand", "Tri Chemical"),
        ("Tourism Holdings rejects takeover approach", "Tourism Holdings"),
        ("Credit Corp books higher collections", "Credit Corp"),
        ("Swiss Finance Corp buys shares", "Swiss Finance Corp"),
        # Not a country's firms, a trade after a place, nor a body's name.
        ("India Inc raises Rs 4-lakh crore from markets", None),
        ("Swiss National Bank cuts rates", None),
        ("Central Bank raises rates", None),
        ("World Bank cuts growth forecast", None),
        ("Budget Airlines shares fall", None),
        ("Venture Capital funding falls", None),
        # An ordinary first word before another trade still leaves no name.
        ("Financial Services shares fall", None),
        ("New Gold posts record quarter", None),
        # A place's name before one word that is none, not before a verb's.
        ("Korea Kolmar shares rise on orders", "Korea Kolmar"),
        ("Iran Defuses Second Cyberattack", None),
        # In sentence case a later word that is none marks a name whatever its first.
        ("Air Busan posts first-half loss", "Air Busan"),
        ("Air Busan Posts First-Half Loss", None),
        ("Upbeat China PMI lifts Asian shares", None),
        ("R Neelakantan returns to SpiceJet as finance chief", None),
        ("Tel Aviv 35 gains as rates fall", None),
        # Title Case runs on to "To" after a name a company's word ends, not another.
        ("Sanwa Holdings To Buy US Garage Door Maker", "Sanwa Holdings"),
        ("Powell Signals No Rush To Cut Rates", None),
        # A market's city opens a name a legal form ends, not its shares.
        ("Shenzhen International Holdings posts lower profit", "Shenzhen International Holdings"),
        ("Shenzhen shares slip", None),
        # Hyphens: a part that is a name's, not a prefix, a year or a number.
        ("Fox-Wizel quarterly sales climb 11%", "Fox-Wizel"),
        ("Post-Brexit Trade Deal Slips", None),
        ("G-7 agrees to more sanctions", None),
        # What a company sells before what it counts of it, and how that moved; a month.
        ("Vranken-Pommery champagne sales fall 8%", "Vranken-Pommery"),
        ("Technofab Engg fix IPO rate", None),
        ("Aeromexico February passenger traffic rises", "Aeromexico"),
        ("Hamborner REIT confirms guidance", "Hamborner REIT"),
        # Who a company names or appoints, a broker's start, what a company prices.
        ("Nilfisk names new CEO", "Nilfisk"),
        ("Iwai Cosmo starts Hirata at outperform", "Iwai Cosmo"),
        ("Pepper Money prices A$1 billion RMBS deal", "Pepper Money"),
        ("Ratio Energies prices $400m notes", "Ratio Energies"),
        ("Krones prices rise", None),
        # "&" inside one name before what one company does; two names before a plural.
        ("Keefe Bruyette & Woods cuts WesBanco target", "Keefe Bruyette & Woods"),
        ("Golf & Co Names New CEO", "Golf & Co"),
        ("Olvi & Puuilo Lift Sales Forecasts", None),
    ],
)  # fmt: skip
def test_a_name_that_ends_with_a_company_s_word(text: str, name: str | None) -> None:
    found = subject(text, FIRST_WORDS)
    assert (None if found is None else text[found[0] : found[1]]) == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # What a company counts, after its name, as its profit is.
        ("Alimak order intake rises on wind demand", "Alimak"),
        ("Posadas occupancy rises at beach resorts", "Posadas"),
        ("Monogatari same-store sales rise 8%", "Monogatari"),
        ("Gevorkyan plans new powder metallurgy plant", "Gevorkyan"),
        # Not what a trade counts, nor a fund's dividend.
        ("Seafood exports up on better demand", None),
        ("Vanguard Dividend Appreciation ETF yields more", None),
        # A Title Case headline's verb before "Plans" is no name's.
        ("Transnet Outlines Plans for Cheaper Coal", None),
        # What a company is to raise, trim or idle; what it bags or lands.
        ("Shurgard to raise funds for storage expansion", "Shurgard"),
        ("Olin to idle chlor-alkali capacity", "Olin"),
        ("Oiltek bags refinery contracts", "Oiltek"),
        ("Leonteq slides as broker cuts", "Leonteq"),
    ],
)  # fmt: skip
def test_what_a_company_counts_and_plans(text: str, name: str | None) -> None:
    assert _opening(text) == name


def _pair(text: str, taken: list[tuple[int, int]] | None = None) -> list[str]:
    return [text[a:b] for a, b in pair(text, ORDINARY, taken or [])]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Palfinger and Rosenbauer hit by weak truck demand", ["Palfinger", "Rosenbauer"]),
        ("Holmen And Billerud Hit By Weak Paperboard Prices", ["Holmen", "Billerud"]),
        ("Nokian Tyres and Marimekko shares fall", ["Nokian Tyres", "Marimekko"]),
        # Both must be names: a word no company's name starts with leaves neither.
        ("Gold and silver rally", []),
        ("Oil And Gas Stocks Fall", []),
        ("Gold and Krones rally", []),
        ("Bufab and Troax lower growth targets", ["Bufab", "Troax"]),
        ("Vastned and Nedap diverge after tax proposal", ["Vastned", "Nedap"]),
        # "&" joins two names before a plural verb, which one name does not take, and
        # the words of one name beside "and".
        ("Torm & Odfjell Rise On Stronger Tanker Rates", ["Torm", "Odfjell"]),
        ("Adairs and Temple & Webster slide", ["Adairs", "Temple & Webster"]),
        ("Krones & Sidel shares fall", []),
        ("Krones & Sidel Rallies", []),
        # A comma joins two, as wires write it; not a clause after a company's news.
        ("Meidensha, Daihen raise forecasts", ["Meidensha", "Daihen"]),
        ("Krones gains 3%, Daihen slips", []),
        ("Gold, silver rally", []),
        # Beside a company, mid-sentence capitals mark the second name whatever its
        # first word; in Title Case a later word must be none.
        ("Krones and Star slide on weak demand", ["Krones", "Star"]),
        ("Krones And Star Micronics Slide", ["Krones", "Star Micronics"]),
        ("Krones And Federal Reserve Slide", []),
        ("Krones and oil rise", []),
        # Not what persons do together, nor "&" inside one name.
        # What two companies see, ride, shrug off or feel, as wires write it.
        ("Itoki, Okamura ride office renovation boom", ["Itoki", "Okamura"]),
        ("Santam, OUTsurance shrug off flood claims", ["Santam", "OUTsurance"]),
        ("Adhi Karya, Wijaya Karya Merger Plan Delayed", []),
        ("Kumagai Gumi, Sumitomo Forestry form venture", ["Kumagai Gumi", "Sumitomo Forestry"]),
        ("Krones and Sidel agree merger terms", []),
        ("JB Chemicals & Pharmaceuticals shares fall", []),
        ("Krones and Sidel", []),
    ],
)  # fmt: skip
def test_two_companies_no_list_holds_that_open_a_headline_together(
    text: str, names: list[str]
) -> None:
    assert _pair(text) == names


def test_a_name_found_beside_and_vouches_for_the_other() -> None:
    text = "Siemens and Palfinger fall as orders slow"
    assert _pair(text, [(0, 7)]) == ["Palfinger"]
    assert KNOWN.find_entities(text) == [
        ("W:SIEMENS", (0, 7)),
        (UNLISTED + "Palfinger", (12, 21)),
    ]
    assert _pair("Shares of Siemens and Palfinger fall", [(10, 17)]) == ["Palfinger"]
    # A found name that does not reach "and" leaves the other unread.
    assert _pair("Siemens Healthineers and Palfinger fall", [(0, 7)]) == []


def _clauses(text: str) -> list[str]:
    starts = clause_starts(text, ORDINARY)
    return [text[a:b] for a, b in clause_subjects(text, ORDINARY, starts)]


def test_the_subjects_of_later_clauses() -> None:
    assert _clauses("Lectra wins orders while Quadient trims forecast") == ["Quadient"]
    assert _clauses("Kojamo Raises Rents, Citycon Cuts Dividend") == ["Citycon"]
    # Mid-sentence in sentence case, capitals mark a name even after an ordinary word.
    assert _clauses("Wacom lifts dividend; Star Micronics cuts outlook") == ["Star Micronics"]
    assert _clauses("Yields rise while Federal Reserve cuts") == []
    assert _clauses("Wacom Lifts Dividend; Star Micronics Cuts Outlook") == []
    # A market report's heading before a colon.
    assert _clauses("Swiss small caps: Medartis rises on sales beat") == ["Medartis"]
    assert _clauses("Budget: Why ITCs stock gained") == []
    # After a country's possessive that opens the headline; not a region's.
    assert _clauses("Chile's Hites swings to loss") == ["Hites"]
    assert _clauses("Illinois's Vendors slide") == []
    # Two names where a later clause opens.
    text = "Milan bourse: Interpump and Reply lead gains"
    assert [text[a:b] for a, b in pair(text, ORDINARY, [], 14)] == ["Interpump", "Reply"]


def _objects(text: str) -> list[str]:
    return [text[a:b] for a, b in objects(text, ORDINARY)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Activist fund builds stake in Tsumura", ["Tsumura"]),
        ("Brokers upgrade Genuit on housing recovery hopes", ["Genuit"]),
        ("Fire halts production at Agrana starch plant", ["Agrana"]),
        ("Product recall weighs on shares of Zojirushi", ["Zojirushi"]),
        ("Analysts Downgrade Hypoport To Hold", ["Hypoport"]),
        ("Stake in Krones's unit sold", ["Krones"]),
        # In Title Case the name ends at its last word that is no ordinary word.
        ("Why Shares of NortonLifeLock Jumped Today", ["NortonLifeLock"]),
        ("Activist Takes Stake In Sulzer Today", ["Sulzer"]),
        # Not a sector, a place or a person's role.
        ("FIIs trim stake in FMCG companies", []),
        ("Pension fund raises stake in Indonesia", []),
        ("Investors cut stake in Federal Reserve bonds", []),
        ("Funds raise stake in Star Micronics", ["Star Micronics"]),
        ("Funds Raise Stake In Star Micronics", []),
        ("Funds raise stakes in small caps", []),
        # After a verb that says what weighs on, fines or lifts a company.
        ("Peso strength weighs on Gruma earnings", ["Gruma"]),
        ("Spanish regulator fines Logista over distribution terms", ["Logista"]),
        ("Strong holiday traffic lifts Kangwon Land", ["Kangwon Land"]),
        # A broker's call: the company before the call's terms only.
        ("Carnegie raises Hufvudstaden to buy", ["Hufvudstaden"]),
        ("Equita cuts Piovan target after order slowdown", ["Piovan"]),
        ("Bell Potter initiates Lycopodium with buy rating", ["Lycopodium"]),
        ("Jarden initiates coverage of Praemium at neutral", ["Praemium"]),
        # Whom a company wins an order from or signs a deal with; not a ministry.
        ("Newag wins train order from Koleje Mazowieckie", ["Koleje Mazowieckie"]),
        ("WDP signs build-to-suit deal with Lidl in Romania", ["Lidl"]),
        ("Span wins contract from Croatian ministry", []),
        # Who bids for it, whom it buys from, where workers strike; not a kind of firm.
        ("Compugroup Medical agrees delisting offer from CVC", ["CVC"]),
        ("Idox rejects approach from Netcall", ["Netcall"]),
        ("Harbour Energy buys assets from Apache", ["Apache"]),
        ("IG Metall calls warning strikes at Leoni wiring plants", ["Leoni"]),
        ("Regulator invites bids from BPOs", []),
        ("Workers strike at Vencorex chemical plant", ["Vencorex"]),
        ("Fire at Foster plant halts shipments", ["Foster"]),
        ("Workers at Alkane Resources' Tomingley mine walk off", ["Alkane Resources"]),
        # A mine's or a field's own name after "at".
        ("Workers at Grasberg mine walk out", []),
        ("Krones cuts Europe jobs", []),
        ("Krones cuts IPO price band", []),
        # The company a person leads or speaks for.
        ("Vijay Kelkar appointed chairman of Gruma", ["Gruma"]),
        ("Tariffs bite, says economist at Pantheon Macroeconomics", ["Pantheon Macroeconomics"]),
        ("Ben Horowitz, co-founder of VC firm", []),
        ("Truong My Lan, chairwoman of Ho Chi Minh City-based group", []),
        # Not a state, a region, a fuel or a currency.
        ("Erratic gas supply hits Assam tea production", []),
        ("Cold snap hits Northeast", []),
        ("Government plans to boost LNG imports", []),
        ("Unexpected Rate Hike Lifts Koruna", []),
    ],
)  # fmt: skip
def test_companies_named_as_what_happened_to_them(text: str, names: list[str]) -> None:
    assert _objects(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Enerflex beats estimates as Calfrac misses on weak fracking", ["Calfrac"]),
        ("Lyft stock gains after Northcoast upgrades", ["Northcoast"]),
        ("Leonteq slides as Zürcher Kantonalbank cuts to underweight", ["Zürcher Kantonalbank"]),
        # Not what it counts or sells, not what persons do as often, not an acronym alone.
        ("Exelixis expands buyback as Cabometyx sales top estimates", []),
        ("Delta Corp rallies as Jhunjhunwala buys stake", []),
        ("Ranbaxy plunges as USFDA halts imports", []),
        # Title Case opens such a clause with what a company makes as often.
        ("Harvia Shares Climb After Sauna Maker Beats Expectations", []),
        ("Polytec Rises As Indus Posts Loss", []),
        # Nor a market body, a country or a region.
        ("Bonds rally as Fed cuts rates", []),
        ("Stocks dip as China cuts rates", []),
        ("Yields rise after Europe lifts tariffs", []),
    ],
)  # fmt: skip
def test_the_subjects_of_clauses_after_as_and_after(text: str, names: list[str]) -> None:
    found = cause_subjects(text, ORDINARY)
    assert [text[a:b] for a, b in found] == names
