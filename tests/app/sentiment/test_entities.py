"""Finding entities in a headline, the marked text the entity model reads, and the checks
a per-entity request must pass before it is queued."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from app.model_store import version_dir
from app.sentiment.entities import (
    MAX_WORDS,
    OTHER_MARK,
    TARGET_MARK,
    Gazetteer,
    cashtag_of,
    find,
    gazetteer_path,
    in_exchange_tag,
    in_longer_name,
    mark,
    passed_over,
    tagged_as,
    title_cased,
    without_exchange_tags,
)
from app.sentiment.schemas import EntityHeadline
from app.sentiment.service import (
    EntityItem,
    HeadlineError,
    MarkedText,
    check_limits,
    model_calls,
    to_tag,
)
from app.settings import Settings

GAZETTEER = Gazetteer(("Tata Motors", "Tata", "Infosys", "TCS", "Maruti Suzuki", "L&T"))


def test_find_is_whole_word_exact_case_first() -> None:
    assert find("TCS", "Infosys gains, TCS slips") == (15, 18)
    assert find("TCS", "TCSL gains") is None
    assert find("infosys", "Infosys gains") == (0, 7)
    assert find("Tata", "tata and Tata Motors") == (9, 13)
    assert find("  ", "anything") is None


def test_find_passes_over_words_and_phrases_that_name_something_else() -> None:
    assert find("RUN", "Stocks run higher", asked=True) is None
    why = "'run' is a word there, not the name in capitals"
    assert passed_over("RUN", "Stocks run higher") == why
    # Written so, the text itself says it: all in lower case, or in capitals.
    assert find("RUN", "stocks run higher", asked=True) == (7, 10)
    assert find("RUN", "Stocks Run Higher", asked=True) == (7, 10)
    assert find("Dow", "Dow Jones falls as Dow slides", asked=True) == (19, 22)
    assert find("DOW", "Dow futures slip", asked=True) is None
    why = "'Dow futures', which names something else"
    assert why in str(passed_over("DOW", "Dow futures slip"))
    assert find("Dow Jones", "Dow Jones falls", asked=True) == (0, 9)
    # "Dow" alone as market news writes the index: the index's name, no ticker's.
    for text in ("Dow, S&P 500 slip", "Nasdaq and Dow slip", "The Dow Falls 500 Points"):
        start = text.index("Dow")
        assert find("DOW", text, asked=True) is None, text
        assert find("Dow", text, asked=True) == (start, start + 3), text
    assert find("DOW", "Dow beats estimates", asked=True) == (0, 3)
    # In text all in lower case, whose case says nothing, the same phrases in any case.
    assert find("DOW", "dow jones falls", asked=True) is None
    assert find("DOW", "the dow is up 100 points", asked=True) is None
    assert find("Dow", "the dow is up 100 points", asked=True) == (4, 7)
    assert find("DOW", "dow beats estimates", asked=True) == (0, 3)
    assert find("Target", "analysts raise price target", asked=True) is None
    assert find("Target", "Target Price cut for Target", asked=True) == (21, 27)
    assert find("Williams", "Fed's Williams says rates are right", asked=True) is None
    assert find("Target", "Target Hospitality misses", asked=True) is None
    assert passed_over("TCS", "Infosys gains") is None
    # Written elsewhere as the name, or inside another company's name: not these reasons.
    assert passed_over("RELIANCE", "Reliance Power falls") is None
    assert passed_over("DOW", "Dow Jones and Dow fall") is None
    why = "it stands only in 'Dow Jones', which names something else"
    assert passed_over("DOW", "Target price cut as Dow Jones falls") == why
    # An annotator's name is the entity wherever the text writes it.
    assert find("RUN", "Stocks run higher") == (7, 10)
    assert find("Dow", "Dow Jones falls") == (0, 3)


@pytest.mark.parametrize(
    ("entity", "text"),
    [
        ("TCS", "TCS_L and TCS"),  # "_" is a word character, as in \w
        ("Cipla Ltd.", "Cipla Ltd.'s profit; Cipla Ltd.x"),
        ("L&T", "L&Tx, then L&T wins"),
        ("tcs", "TCSL, TCS"),  # the any-case fallback skips the longer word too
        ("Nestl\u00e9", "NESTL\u00c9 India gains"),  # beyond ASCII: the pattern's own rule
        ("ss", "\u017f\u017f and SS"),  # U+017F folds to "s" in `re`'s rules
        ("Infosys", "Infosys\u2019 shares rise"),
        ("2020", "12020 and 2020"),
    ],
)
def test_find_matches_the_whole_word_pattern(entity: str, text: str) -> None:
    pattern = rf"(?<!\w){re.escape(entity)}(?!\w)"
    expected = re.search(pattern, text) or re.search(pattern, text, re.IGNORECASE)
    assert expected is not None
    assert find(entity, text) == expected.span()


def test_mark_replaces_the_target_and_the_others() -> None:
    text = "Infosys gains 3%, TCS slips"
    assert mark(text, (0, 7), [(18, 21)]) == f" {TARGET_MARK}  gains 3%,  {OTHER_MARK}  slips"
    assert mark(text, (18, 21), [(0, 7)]) == f" {OTHER_MARK}  gains 3%,  {TARGET_MARK}  slips"


def test_a_long_text_is_cut_to_what_the_model_reads_around_its_target() -> None:
    filler = "Shares elsewhere in the region were little changed in thin holiday trading."
    text = (
        f"{filler} Acme jumped 9% after a record order, while Globex slid 4% on a profit "
        f"warning and weak guidance. {filler}"
    )
    acme, globex = find("Acme", text), find("Globex", text)
    assert acme and globex
    # The target's sentence, whole: it fits the model's window.
    for target, other, news in ((acme, globex, "jumped"), (globex, acme, "slid")):
        marked = mark(text, target, [other])
        first = [TARGET_MARK, "jumped"] if news == "jumped" else [OTHER_MARK, "jumped"]
        assert marked.split()[:2] == first
        assert TARGET_MARK in marked and "holiday" not in marked and news in marked
        assert len(marked.split()) <= MAX_WORDS
    # One sentence longer than the window: the window's words around the target.
    words = [f"w{i}" for i in range(60)]
    long = " ".join([*words[:40], "Acme", *words[40:]])
    marked = mark(long, find("Acme", long))
    kept = marked.split()
    assert len(kept) == MAX_WORDS and TARGET_MARK in kept
    assert kept.index(TARGET_MARK) == MAX_WORDS // 2
    # A headline is never cut.
    headline = "Acme jumps 9% after a record order as Globex slides on a profit warning"
    assert mark(headline, find("Acme", headline)).split()[1:] == headline.split()[1:]


def test_mark_keeps_the_target_when_another_mention_overlaps_it() -> None:
    text = "Tata Motors up, Tata Steel down"
    # "Tata" (0, 4) lies inside the target: left as text, never marked over it.
    assert mark(text, (0, 11), [(0, 4), (16, 26)]) == (f" {TARGET_MARK}  up,  {OTHER_MARK}  down")
    assert TARGET_MARK in mark(text, (0, 4), [(0, 11)])


def test_gazetteer_prefers_the_longest_name_and_is_case_sensitive() -> None:
    found = GAZETTEER.find_all("Tata Motors and TCS gain; tata motors, tcs and Infosys fall")
    assert found == [("Tata Motors", (0, 11)), ("TCS", (16, 19)), ("Infosys", (47, 54))]


def test_text_all_in_capitals_is_searched_for_the_names_in_capitals() -> None:
    keys = {"Tata Motors": "NSE:TATAMOTORS", "TCS": "NSE:TCS", "OIL": "NSE:OIL", "Toyota": "W:T"}
    names = Gazetteer(keys, keys)
    text = "TATA MOTORS, TOYOTA GAIN; OIL FALLS; TCS FLAT"
    # The names written with a small letter are found in capitals, with their keys; one
    # the list writes in capitals ("OIL", "TCS") is as often a word there, and is not.
    assert names.find_entities(text) == [("NSE:TATAMOTORS", (0, 11)), ("W:T", (13, 19))]
    assert names.key("TOYOTA") == "W:T" and names.key("Toyota") == "W:T"
    # Only text all in capitals: elsewhere case still tells a name from a word.
    assert names.find_all("TOYOTA gains, OIL falls") == [("OIL", (14, 17))]
    exact = Gazetteer(keys, keys, capitals=False)
    assert exact.find_all(text) == [("OIL", (26, 29)), ("TCS", (37, 40))]
    assert exact.key("TOYOTA") is None


def test_text_all_in_capitals_is_searched_for_the_acronyms_among_names_in_capitals() -> None:
    keys = {"TCS": "NSE:TCS", "OIL": "NSE:OIL", "L&T": "NSE:LT", "Toyota": "W:T"}
    names = Gazetteer(keys, keys, acronyms=("TCS", "L&T"))
    text = "TCS AND L&T GAIN; OIL FALLS; TOYOTA FLAT"
    assert names.find_all(text) == [("TCS", (0, 3)), ("L&T", (8, 11)), ("TOYOTA", (29, 35))]
    assert names.key("TCS") == "NSE:TCS"
    # Elsewhere every name is found in its own case, as before.
    assert names.find_all("TCS and L&T gain; OIL falls") == [
        ("TCS", (0, 3)),
        ("L&T", (8, 11)),
        ("OIL", (18, 21)),
    ]
    assert Gazetteer(keys, keys, capitals=False, acronyms=("TCS",)).find_all(text) == [
        ("TCS", (0, 3)),
        ("L&T", (8, 11)),
        ("OIL", (18, 21)),
    ]


def test_text_all_in_lower_case_is_searched_for_the_names_that_are_no_words() -> None:
    keys = {"Tata Motors": "NSE:TATAMOTORS", "TCS": "NSE:TCS", "Target": "TGT"}
    names = Gazetteer(keys, keys, lower_case=("Tata Motors", "TCS"))
    text = "tata motors and tcs gain; target falls"
    assert names.find_entities(text) == [("NSE:TATAMOTORS", (0, 11)), ("NSE:TCS", (16, 19))]
    assert names.key("tcs") == "NSE:TCS" and names.key("target") is None
    # Only text all in lower case; and not where the service marks training's pairs.
    assert names.find_all("tata motors and TCS gain") == [("TCS", (16, 19))]
    exact = Gazetteer(keys, keys, capitals=False, lower_case=("Tata Motors", "TCS"))
    assert exact.find_all(text) == []


def test_a_name_finds_its_companys_mention_by_another_name() -> None:
    keys = {"Apple": "AAPL", "AAPL": "AAPL", "Infosys": "NSE:INFY", "General Motors": "GM"}
    names = Gazetteer(keys, keys, exchange_tags=True)
    text = "Apple (NASDAQ:AAPL) and General Motors gain; Infosys slips"
    assert names.mention_of("AAPL", text) == (0, 5)
    assert names.mention_of("$AAPL", text) == (0, 5)
    # Tickers no text is searched for (three letters or fewer) and NSE symbols too.
    assert names.mention_of("GM", text) == (24, 38)
    assert names.mention_of("INFY", text) == (45, 52)
    assert names.mention_of("MSFT", text) is None  # unknown
    assert names.mention_of("AAPL", "Infosys slips") is None  # not in the text
    # The ticker in Apple's tag is inside a tag; Apple's name is not.
    assert in_exchange_tag(text, (14, 18)) and not in_exchange_tag(text, (0, 5))


def test_an_entity_answers_with_its_company() -> None:
    keys = {"Apple": "AAPL", "AAPL": "AAPL", "Infosys": "NSE:INFY"}
    known = Gazetteer(keys, keys, exchange_tags=True)
    tagged = "Knoll's (NYSE:KNL) rises; Acme and $AAPL fall"
    items = [
        EntityHeadline(text="Apple (AAPL) and Knoll (NYSE:KNL) rise; Acme falls", entities="auto"),
        EntityHeadline(text=tagged, entities=["Knoll", "Acme", "$AAPL"]),
        EntityHeadline(text="Infosys slips", entities=["INFY"]),
    ]
    auto, listed, ticker = check_limits(items, Settings(), known)
    assert isinstance(auto, EntityItem) and isinstance(listed, EntityItem)
    assert isinstance(ticker, EntityItem)
    assert [(m.name, m.company) for m in auto.mentions] == [("Apple", "AAPL"), ("Knoll", "KNL")]
    # A listed name: its mention's company, else its own, else its exchange tag's.
    assert [m.company for m in listed.mentions] == ["KNL", None, "AAPL"]
    assert [(m.name, m.company) for m in ticker.mentions] == [("INFY", "NSE:INFY")]
    assert tagged_as("Knoll (NYSE:KNL)", 5) == "KNL"
    assert tagged_as("Knoll rises (NYSE:KNL)", 5) is None


def test_a_name_is_found_where_a_longer_one_begins_but_breaks_off() -> None:
    names = Gazetteer(("Bank of India", "State Bank of India", "State Bank", "Bank"))
    # Past "State Bank" the words follow the longer name's path until "of Baroda", and
    # the walk gives back the longest name it passed, then reads on after it; "Bank of
    # Indiana" holds no "Bank of India", only "Bank".
    text = "State Bank of Baroda and Bank of India rise; Bank of Indiana"
    assert names.find_all(text) == [
        ("State Bank", (0, 10)),
        ("Bank of India", (25, 38)),
        ("Bank", (45, 49)),
    ]
    assert names.find_all("State of India") == []
    assert names.find_all("State Bank of India") == [("State Bank of India", (0, 19))]


def test_gazetteer_finds_each_name_once_and_cashtags() -> None:
    text = "Infosys beats, $AAPL and $BRK.B slip, Infosys again; US$5 bn; L&T wins"
    found = GAZETTEER.find_all(text)
    assert [name for name, _ in found] == ["Infosys", "$AAPL", "$BRK.B", "L&T"]
    for name, (start, end) in found:
        assert text[start:end] == name
    assert GAZETTEER.find_all("Tata Motorsport rallies") == [("Tata", (0, 4))]
    assert GAZETTEER.find_all("nothing known here") == []
    # A "$" word longer than a ticker, or one running on into digits or a domain, is none.
    for text in ("$PFECorp falls", "$XB1:COM $UGA", "$NGLSprA up", "$AAPL.com down"):
        assert [n for n, _ in GAZETTEER.find_all(text)] == (["$UGA"] if "UGA" in text else [])
    assert GAZETTEER.find_all("$AAPL. Then $BRK.B, $TSLA's") == [
        ("$AAPL", (0, 5)),
        ("$BRK.B", (12, 18)),
        ("$TSLA", (20, 25)),
    ]


def test_a_share_class_written_after_a_hyphen_is_one_cashtag() -> None:
    keys = {"Berkshire Hathaway": "BRK.B", "Berkshire": "BRK.B"}
    known = Gazetteer(keys, keys, share_classes={"BRK.A": "BRK.B"})
    # "$BRK-B" is "$BRK.B" as some feeds write it: Berkshire's, answered once, and the
    # name after it marked as the same company.
    text = "$BRK-B rises after Berkshire earnings; $BRK-A too"
    assert known.find_entities(text, every=True) == [
        ("BRK.B", (0, 6)),
        ("BRK.B", (19, 28)),
        ("BRK.B", (39, 45)),
    ]
    (item,) = check_limits([_item(text, "auto")], Settings(), known)
    (mention,) = item.mentions  # type: ignore[union-attr]
    assert (mention.start, mention.end, mention.company) == (0, 6, "BRK.B")
    assert mention.marked.count(TARGET_MARK) == 3
    # The class is capital letters after "-": a word joined on is no class of a ticker.
    for text, tag in [("$TSLA-related selloff", "$TSLA"), ("$ABC-DEF up", "$ABC")]:
        assert [n for n, _ in GAZETTEER.find_all(text)] == [tag]
    assert [n for n, _ in GAZETTEER.find_all("$brk-b up")] == ["$brk"]


def test_a_cashtag_and_its_listed_ticker_are_one_entity() -> None:
    listed = Gazetteer(("INFY", "Infosys"))
    text = "$INFY jumps; Infosys ADR up; INFY again"
    assert listed.find_all(text) == [("$INFY", (0, 5)), ("Infosys", (13, 20))]


def test_a_ticker_in_an_exchange_tag_stands_for_a_company_no_list_holds() -> None:
    keys = {"Vodafone": "W:VODAFONE", "Infosys": "NSE:INFY", "Nasdaq": "NDAQ", "Apple": "AAPL"}
    tagged = Gazetteer(keys, keys, exchange_tags=True)
    text = "Knoll (NYSE:KNL) gains; Crocs (NASDAQ: $CROX) and Vodafone (VOD.L) slip"
    # The name before the tag is its mention (`tagged_names`).
    assert tagged.find_all(text) == [("Knoll", (0, 5)), ("$CROX", (39, 44)), ("Vodafone", (50, 58))]
    # Without the tags, as TFNS's training pairs are marked: the cashtag and the name.
    assert Gazetteer(keys, keys).find_all(text) == [("$CROX", (39, 44)), ("Vodafone", (50, 58))]
    # A tag after a name found is that company's, whatever its key; "Nasdaq" inside a
    # tag is the exchange, outside one the company; an Indian tag is SEntFiN's key.
    assert tagged.find_entities("Is Luckin Coffee (Nasdaq:LK) worth it? Nasdaq rises") == [
        ("LK", (3, 16)),
        ("NDAQ", (39, 45)),
    ]
    assert tagged.find_entities("Infosys's (NSE: INFY) Apple (AAPL.O) and (BSE:TCS)") == [
        ("NSE:INFY", (0, 7)),
        ("AAPL", (22, 27)),
        ("NSE:TCS", (46, 49)),
    ]
    # A second tag right after the first is the same company's other listing.
    assert tagged.find_entities("Vodafone (LSE: VOD) (NASDAQ: VOD) rises") == [
        ("W:VODAFONE", (0, 8))
    ]
    assert tagged.find_entities("Acme (NYSE: ACM) (TSX: ACM) rises") == [("ACM", (0, 4))]
    # A caller's name takes its tag too: beside a listed "Knoll", "KNL" is no other entity.
    text = "Knoll (NYSE:KNL) rises; Crocs (NASDAQ:CROX) falls"
    assert tagged.others(text, [(0, 5)]) == [(24, 29)]
    # Parentheses that are no exchange's tag find nothing.
    assert tagged.find_all("Profit (CEO says) rose; GDP (Q2) up") == []
    # Reuters' text writes the code in angle brackets: the company no list holds is found.
    assert tagged.find_entities("Schlumberger <SLB.N> and Vodafone <VOD.L> gain") == [
        ("SLB", (0, 12)),
        ("W:VODAFONE", (25, 33)),
    ]
    # NSE's symbols run longer and hold "&" and "-".
    text = "Bajaj Auto (NSE: BAJAJ-AUTO) and Mahindra (NSE:M&M) gain; Tata (NSE: TATAMOTORS)"
    assert [key for key, _ in tagged.find_entities(text)] == [
        "NSE:BAJAJ-AUTO",
        "NSE:M&M",
        "NSE:TATAMOTORS",
    ]
    text = "Financial Technologies (NSE: 63MOONS) rises; Wipro (BSE: 507685) flat"
    assert [key for key, _ in tagged.find_entities(text)] == ["NSE:63MOONS", "NSE:507685"]


def test_an_ambiguous_name_is_no_company_unless_asked_for_by_it() -> None:
    keys = {"Nasdaq": "NDAQ", "Nasdaq, Inc.": "NDAQ", "NDAQ": "NDAQ", "Apple": "AAPL"}
    index_too = Gazetteer(keys, keys, ambiguous=["Nasdaq"])
    text = "Nasdaq falls 2% as Apple rises"
    assert Gazetteer(keys, keys).find_entities(text) == [("NDAQ", (0, 6)), ("AAPL", (19, 24))]
    found = index_too.find_entities(text)
    assert found == [("Nasdaq", (0, 6)), ("AAPL", (19, 24))]
    assert [index_too.company(key) for key, _ in found] == [None, "AAPL"]
    # A caller who asks for the company by its ticker says which it is.
    assert index_too.mention_of("NDAQ", "Nasdaq names new risk chief") == (0, 6)
    assert index_too.mention_of("AAPL", "Nasdaq names new risk chief") is None
    # The company's other names stay its own.
    assert index_too.find_entities("Nasdaq, Inc. beats") == [("NDAQ", (0, 12))]


def test_a_name_listed_in_india_and_elsewhere_is_the_company_its_headline_says() -> None:
    keys = {"Pfizer": "NSE:PFIZER", "Pfizer India": "NSE:PFIZER", "Pfizer Inc.": "PFE"}
    both = Gazetteer(keys, keys, exchange_tags=True, elsewhere={"Pfizer": "PFE"})

    def companies(text: str) -> list[str | None]:
        return [both.company_in(key, text) for key, _ in both.find_entities(text)]

    # Bare, it may be Pfizer Ltd of Mumbai or Pfizer Inc. of New York: neither is said.
    assert both.find_entities("Pfizer cuts outlook") == [("Pfizer", (0, 6))]
    assert companies("Pfizer cuts outlook") == [None]
    # Indian market news: a rupee amount, crore, the exchanges, "Ltd".
    assert companies("Pfizer Q2 net profit up 33% at Rs 69.59 crore") == ["NSE:PFIZER"]
    assert companies("Pfizer Ltd shares end 3% higher on BSE") == ["NSE:PFIZER"]
    assert companies("Pfizer: 'Indications' of a deal, says CEO") == [None]
    # Each company's own names say which.
    assert companies("Pfizer India profit rises") == ["NSE:PFIZER"]
    assert companies("Pfizer Inc. profit rises") == ["PFE"]
    # A caller asks by either ticker, or the NSE symbol, and is answered there.
    for asked in ("PFE", "NSE:PFIZER", "PFIZER"):
        assert both.mention_of(asked, "Pfizer cuts outlook") == (0, 6), asked
    assert both.entity("PFE") == "PFE" and both.entity("MRK") is None
    # The name of either finds the other's names: "Pfizer" finds "Pfizer Inc.".
    assert both.mention_of("Pfizer", "Shares of Pfizer Inc. rose") == (10, 21)
    # Without the second listing, the name is the Indian unit's, as SEntFiN's list has it.
    alone = Gazetteer(keys, keys)
    assert alone.find_entities("Pfizer cuts outlook") == [("NSE:PFIZER", (0, 6))]
    assert alone.mention_of("PFE", "Pfizer cuts outlook") is None
    # Written in parentheses after a name of either, the bare name is that name's ticker.
    assert both.find_entities("Pfizer Inc. (Pfizer) rises") == [("PFE", (0, 11))]
    assert both.find_entities("Merck (Pfizer) rises") == [("Pfizer", (7, 13))]


def test_a_cashtag_beside_a_name_is_that_mentions_ticker() -> None:
    keys = {"Pfizer": "NSE:PFIZER", "Pfizer Inc.": "PFE", "Apple": "AAPL", "MSFT": "MSFT"}
    keys |= {"Nasdaq": "NDAQ", "Facebook": "META", "Infosys": "NSE:INFY"}
    names = (*keys, "Sensex")
    served = Gazetteer(names, keys, True, ambiguous=["Nasdaq"], elsewhere={"Pfizer": "PFE"})

    def said(text: str) -> list[tuple[str, str | None]]:
        found = served.find_entities(text)
        return [
            (text[a:b], served.company_in(key, text) or served.ticker_beside(text, (a, b), key))
            for key, (a, b) in found
        ]

    # After the name, in parentheses or not, or before it: one mention, one company.
    for text in ("Pfizer $PFE cuts outlook", "Pfizer's ($PFE) outlook cut"):
        assert said(text) == [("Pfizer", "PFE")], text
    assert said("$PFE Pfizer cuts outlook") == [("$PFE", "PFE")]
    assert said("Pfizer (PFE) cuts outlook") == [("Pfizer", "PFE")]
    assert said("Facebook $FB slips; Nasdaq $NDAQ gains") == [
        ("Facebook", "META"),
        ("Nasdaq", "NDAQ"),
    ]
    # Apart, on lines of their own, or another company's ticker: two mentions. An index
    # beside a listing's ticker is the exchange, and a name of no company has no ticker.
    assert said("Pfizer cuts outlook; shares fall ($PFE)") == [("Pfizer", None), ("$PFE", "PFE")]
    assert said("Pfizer - Wolfe\n$XYZ - Daiwa") == [("Pfizer", None), ("$XYZ", "XYZ")]
    assert said("Apple $MSFT") == [("Apple", "AAPL"), ("$MSFT", "MSFT")]
    assert said("Viacom is now on Nasdaq $VIAC") == [("Nasdaq", None), ("$VIAC", "VIAC")]
    assert said("Sensex $SPY") == [("Sensex", None), ("$SPY", "SPY")]
    assert said("Pfizer (CEO) cuts outlook") == [("Pfizer", None)]
    # A caller's mention keeps its cashtag, whichever of the two the caller names.
    text = "Pfizer $PFE cuts outlook; Infosys rises"
    assert served.others(text, [(0, 6)]) == [(26, 33)]
    assert served.others(text, [(7, 11)]) == [(26, 33)]
    # A ticker a caller names where the text writes its cashtag is the cashtag.
    assert cashtag_of(text, (8, 11)) == (7, 11)
    assert cashtag_of(text, (26, 33)) == (26, 33)
    assert cashtag_of("US$PFE", (3, 6)) == (3, 6)
    # Training marks TFNS's pairs without it, as their teachers' answers were made.
    unread = Gazetteer(names, keys, ambiguous=["Nasdaq"], elsewhere={"Pfizer": "PFE"})
    assert unread.find_entities("Pfizer $PFE cuts") == [("Pfizer", (0, 6)), ("PFE", (7, 11))]


def test_the_entity_model_reads_no_ticker_beside_a_name() -> None:
    keys = {"Apple": "AAPL", "Infosys": "NSE:INFY", "INFY": "NSE:INFY", "TCS": "NSE:TCS"}
    keys |= {"Pfizer": "NSE:PFIZER", "Pfizer Inc.": "PFE"}
    served = Gazetteer(keys, keys, True, elsewhere={"Pfizer": "PFE"})
    text = "Apple (AAPL) and Infosys (INFY) rise; Pfizer's ($PFE) outlook cut"
    spans = [span for _, span in served.find_entities(text)]
    left_out = served.tickers_beside(text, spans)
    assert [text[a:b] for a, b in left_out] == [" (AAPL)", " (INFY)", " ($PFE)"]
    assert mark(text, spans[1], spans, left_out) == (
        " xotherx  and  xtargetx  rise;  xotherx 's outlook cut"
    )
    # Neither another company's name nor a word in capitals is a name's ticker.
    text = "Apple (TCS) and Infosys (CEO) rise"
    assert served.tickers_beside(text, [span for _, span in served.find_entities(text)]) == []
    # A cashtag a caller asks about is a mention itself.
    assert served.tickers_beside("Pfizer $PFE cuts outlook", [(0, 6), (7, 11)]) == []
    assert served.tickers_beside("Pfizer $PFE cuts outlook", [(0, 6)]) == [(6, 11)]
    assert served.tickers_beside("$PFE Pfizer cuts outlook", [(5, 11)]) == [(0, 5)]
    assert served.tickers_beside("US$PFE Pfizer cuts outlook", [(7, 13)]) == []


def test_a_name_that_is_a_word_is_found_with_its_own_ticker() -> None:
    keys = {"Apple": "AAPL", "Target Corporation": "TGT"}
    by_ticker = {"TGT": ["Target"], "NSE:VOLTAS": ["Voltas"]}
    served = Gazetteer(keys, keys, True, by_ticker=by_ticker)
    for text in ("Target (TGT) cuts", "Target $TGT cuts", "Target (NYSE:TGT) cuts"):
        assert served.find_entities(text) == [("TGT", (0, 6))], text
    assert served.find_entities("Voltas (NSE: VOLTAS) rises") == [("NSE:VOLTAS", (0, 6))]
    # Any of its mentions; without its own ticker it is a word.
    text = "Target price raised for Apple; Target (TGT) cuts"
    assert served.find_all(text) == [("Apple", (24, 29)), ("Target", (31, 37))]
    assert served.find_all("Target (AAPL) cuts") == []
    # Training marks its pairs without it, as the teachers' answers were made.
    assert Gazetteer(keys, keys, by_ticker=by_ticker).find_all("Target (TGT) cuts") == []


def test_a_name_that_is_a_word_is_found_in_its_own_market_news() -> None:
    keys = {"Royal Dutch Shell": "W:SHELL"}
    by_ticker = {"TGT": ["Target"], "W:SHELL": ["Shell"], "NSE:TCI": ["Transport"]}
    served = Gazetteer(keys, keys, True, by_ticker=by_ticker)
    for text in ("Target shares fall", "Target's stock soars", "Target Q3 revenue beats"):
        assert served.find_entities(text) == [("TGT", (0, 6))], text
    # Words still: a price target, plural stocks; the longer name holds the word.
    for text in ("Target price raised", "Target stocks to watch", "Targets shares sold"):
        assert served.find_entities(text) == [], text
    assert served.find_entities("Royal Dutch Shell shares fall") == [("W:SHELL", (0, 17))]
    # An Indian symbol's word is a sector as often: "Transport shares rally".
    assert served.find_entities("Transport shares rally") == []
    # Training marks its pairs without it, as the teachers' answers were made.
    assert Gazetteer(keys, keys, by_ticker=by_ticker).find_all("Shell shares fall") == []


def test_a_name_that_is_a_word_opening_a_headline_before_what_a_company_does() -> None:
    keys = {"Royal Dutch Shell": "W:SHELL"}
    by_ticker = {"TGT": ["Target"], "W:SHELL": ["Shell"], "W:SHARP": ["Sharp"], "DOW": ["Dow"]}
    served = Gazetteer(keys, keys, True, by_ticker=by_ticker)
    for text in ("Target beats estimates", "Target Beats Estimates", "Target EPS beats"):
        assert served.find_entities(text) == [("TGT", (0, 6))], text
    assert served.find_entities("Sharp returns to profit") == [("W:SHARP", (0, 5))]
    # Not a price's move after an adjective, what a person says, nor the index.
    for text in ("Sharp falls in output", "Target warns", "Dow tops 40,000", "A Target beats"):
        assert served.find_entities(text) == [], text
    # Read as a company elsewhere in the headline, it is its company, not one no list
    # holds.
    reading = Gazetteer(keys, keys, True, by_ticker=by_ticker, ordinary_words={"profit", "misses"})
    assert reading.find_entities("Shell beats profit estimates, Target misses") == [
        ("W:SHELL", (0, 5)),
        ("TGT", (30, 36)),
    ]


def test_a_name_that_is_a_word_where_the_readings_place_a_company() -> None:
    keys = {"Barclays": "W:BARCLAYS"}
    by_ticker = {"W:LLOYDS": ["Lloyds"], "W:SHELL": ["Shell"], "W:BP": ["BP"], "XYZ": ["Block"]}
    by_ticker |= {"W:SHARP": ["Sharp"], "DOW": ["Dow"]}
    # The words are ordinary words of the export: the readings alone would pass them over.
    ordinary = {"lloyds", "shell", "bp", "block", "sharp", "dow", "rises", "falls", "fall"}
    served = Gazetteer(keys, keys, True, by_ticker=by_ticker, ordinary_words=ordinary)
    assert served.find_entities("Barclays rises, Lloyds falls after ruling") == [
        ("W:BARCLAYS", (0, 8)),
        ("W:LLOYDS", (16, 22)),
    ]
    assert served.find_entities("Shares of Shell and BP fall as oil slides") == [
        ("W:SHELL", (10, 15)),
        ("W:BP", (20, 22)),
    ]
    assert served.find_entities("Block to cut 1,000 jobs") == [("XYZ", (0, 5))]
    # Opening a clause after "as", even in capitals, as no other acronym alone does.
    assert served.find_entities("Barclays rises as BP misses") == [
        ("W:BARCLAYS", (0, 8)),
        ("W:BP", (18, 20)),
    ]
    assert served.find_entities("Barclays rises as FCA halts trading") == [("W:BARCLAYS", (0, 8))]
    # At the opening, a price's move still follows the adjective as often; "to" and a
    # plan that is no company's, and the index, name none.
    for text in ("Sharp falls in output", "Block to speak at summit", "Stocks rise, Dow falls"):
        assert served.find_entities(text) == [], text
    # Without the export's list of such names, the same words are words.
    plain = Gazetteer(keys, keys, True, ordinary_words=ordinary)
    assert plain.find_entities("Barclays rises, Lloyds falls after ruling") == [
        ("W:BARCLAYS", (0, 8))
    ]


def test_a_callers_name_in_a_legal_form_is_its_companys() -> None:
    keys = {"Microsoft": "MSFT", "Infosys": "NSE:INFY", "Tata Motors": "NSE:TATAMOTORS"}
    keys |= {"Tata Motors Ltd.": "NSE:TATAMOTORS", "Nokia": "W:NOKIA"}
    known = Gazetteer(keys, keys, by_ticker={"TGT": ["Target"]})
    text = "Microsoft and Tata Motors rise; Infosys and Target slip"
    for asked, key, span in [
        ("Microsoft Corp", "MSFT", (0, 9)),
        ("Microsoft Corporation", "MSFT", (0, 9)),
        # Europe's forms too, as a Nordic holdings file writes them.
        ("NOKIA OYJ", "W:NOKIA", None),
        ("Infosys Limited", "NSE:INFY", (32, 39)),
        ("Tata Motors Ltd", "NSE:TATAMOTORS", (14, 25)),  # as listed, but for the stop
        # A legal form says the word is the company, as a caller's word does: asked for,
        # "Target" is the company; "target" in lower case too, but never the word
        # written so.
        ("Target Corp", "TGT", (44, 50)),
        ("TGT", "TGT", (44, 50)),
        ("Target", "TGT", (44, 50)),
        ("target", "TGT", (44, 50)),
    ]:
        assert (known.entity(asked), known.mention_of(asked, text)) == (key, span), asked
    assert known.mention_of("Target", text.replace("Target", "target")) is None
    for unknown in ("Acme Corp", "Corp"):
        assert known.entity(unknown) is None, unknown
    # The Dow of market news is the index; asked for by the word, it is no company.
    assert Gazetteer((), by_ticker={"DOW": ["Dow"]}).entity("Dow") is None


def test_the_models_read_no_exchange_tag() -> None:
    assert without_exchange_tags("Apple (NASDAQ:AAPL) beats; Knoll's (NYSE: $KNL) falls") == (
        "Apple beats; Knoll's falls"
    )
    assert without_exchange_tags("Vodafone (VOD.L) and Bajaj Auto (NSE: BAJAJ-AUTO) rise") == (
        "Vodafone and Bajaj Auto rise"
    )
    # Reuters' own text puts its instrument codes in angle brackets.
    assert without_exchange_tags("Tesla Inc <TSLA.O> shares rose") == "Tesla Inc shares rose"
    # A tag whose ticker is the marked mention is no tag any more; other brackets stay.
    for kept in ("Knoll (NYSE: xtargetx ) gains", "Profit (CEO says) rose", "Acme gains"):
        assert without_exchange_tags(kept) == kept


def test_names_of_one_entity_are_found_once() -> None:
    keyed = Gazetteer(
        ("Apple", "AAPL", "Apple Inc.", "INFY", "Infosys"),
        {"Apple": "AAPL", "AAPL": "AAPL", "Apple Inc.": "AAPL", "INFY": "NSE:INFY"},
    )
    text = "Apple Inc. (AAPL) rises; $AAPL and Apple again; $INFY and INFY; Infosys"
    # The first mention of each entity; an Indian symbol is not the US cashtag's.
    found = keyed.find_all(text)
    assert [name for name, _ in found] == ["Apple Inc.", "$INFY", "INFY", "Infosys"]
    assert [text[start:end] for _, (start, end) in found] == [name for name, _ in found]
    assert found[2][1][0] == text.index("INFY;")
    # The same entities by key: a cashtag is its ticker's, a name without a key its own.
    keys = [key for key, _ in keyed.find_entities(text)]
    assert keys == ["AAPL", "INFY", "NSE:INFY", "Infosys"]


def test_a_found_name_is_the_mention_as_written() -> None:
    listed = Gazetteer(("Cipla Ltd.", "L&T"))
    text = "Cipla Ltd. gains; Cipla Ltd slips again; L & T wins"
    # The full stop the listed name ends with belongs to the mention; each entity once.
    assert listed.find_all(text) == [("Cipla Ltd.", (0, 10)), ("L & T", (41, 46))]
    # Without the stop in the text, the mention is what is there.
    assert listed.find_all("Cipla Ltd gains") == [("Cipla Ltd", (0, 9))]


def test_a_company_named_for_its_web_address_is_found_in_the_news_casing() -> None:
    listed = Gazetteer(("JD", "JD.com", "Trip.com"), {"JD": "NSE:JUSTDIAL", "JD.com": "JD"})
    # Reuters writes "JD.Com"; before, "Com" left "JD", another company's name, alone.
    text = "Alibaba, JD.Com and TRIP.COM shares slide; JD falls"
    assert listed.find_entities(text) == [
        ("JD", (9, 15)),
        ("Trip.com", (20, 28)),
        ("NSE:JUSTDIAL", (43, 45)),
    ]
    assert listed.key("JD.Com") == listed.key("JD.COM") == "JD"
    assert listed.find_entities("JD.COM SHARES RISE") == [("JD", (0, 6))]


def _item(text: str, entities: list[str] | str) -> EntityHeadline:
    return EntityHeadline(text=text, entities=entities)  # type: ignore[arg-type]


def test_checked_items_carry_spans_in_the_text_as_sent() -> None:
    settings = Settings()
    plain, item = check_limits(
        ["  Rupee slumps ", _item("  Infosys gains, TCS slips", ["TCS", "infosys"])],
        settings,
        GAZETTEER,
    )
    assert plain == "Rupee slumps"
    assert isinstance(item, EntityItem) and item.text == "Infosys gains, TCS slips"
    tcs, infosys = item.mentions
    assert (tcs.name, tcs.start, tcs.end) == ("TCS", 17, 20)
    assert (infosys.name, infosys.start, infosys.end) == ("infosys", 2, 9)
    assert TARGET_MARK in tcs.marked and OTHER_MARK in tcs.marked
    assert "TCS" not in tcs.marked and "Infosys" not in tcs.marked


def test_auto_uses_the_gazetteer_and_may_find_nothing() -> None:
    (item,) = check_limits(
        [_item("Maruti Suzuki falls as Tata Motors rallies", "auto")], Settings(), GAZETTEER
    )
    assert isinstance(item, EntityItem)
    assert [m.name for m in item.mentions] == ["Maruti Suzuki", "Tata Motors"]
    (none,) = check_limits([_item("Gold rallies", "auto")], Settings(), GAZETTEER)
    assert isinstance(none, EntityItem) and none.mentions == ()


def test_a_company_not_listed_is_marked_when_the_gazetteer_finds_it() -> None:
    """Asked about alone, a company reads its headline as it does with every entity
    listed: the model learnt with all of a headline's entities marked."""
    text = "Infosys gains, TCS slips"
    (alone,) = check_limits([_item(text, ["TCS"])], Settings(), GAZETTEER)
    (both,) = check_limits([_item(text, ["Infosys", "TCS"])], Settings(), GAZETTEER)
    assert isinstance(alone, EntityItem) and isinstance(both, EntityItem)
    (tcs,) = alone.mentions
    assert tcs.marked == both.mentions[1].marked == f" {OTHER_MARK}  gains,  {TARGET_MARK}  slips"
    # A find that overlaps a listed name the gazetteer does not know leaves that name
    # the target, the rest as text; a name it does not know stays words.
    text = "Tata Motors and Wipro rally"
    (motors,) = check_limits([_item(text, ["Motors"])], Settings(), GAZETTEER)
    assert isinstance(motors, EntityItem)
    assert motors.mentions[0].marked == f"Tata  {TARGET_MARK}  and Wipro rally"
    # A name it knows, written only inside another entity's name, names nothing here.
    with pytest.raises(HeadlineError):
        check_limits([_item(text, ["Tata"])], Settings(), GAZETTEER)
    # A company's other name is not another entity beside the one listed: the name
    # beside the listed ticker stays words, and its cashtag further on is the target again.
    keyed = Gazetteer(("Apple", "AAPL", "Samsung"), {"Apple": "AAPL", "AAPL": "AAPL"})
    text = "Apple (AAPL) rises, Samsung and $AAPL slip"
    (aapl,) = check_limits([_item(text, ["AAPL"])], Settings(), keyed)
    assert isinstance(aapl, EntityItem)
    expected = f"Apple ( {TARGET_MARK} ) rises,  {OTHER_MARK}  and  {TARGET_MARK}  slip"
    assert aapl.mentions[0].marked == expected
    assert keyed.key("$aapl") == keyed.key("Apple") == "AAPL" and keyed.key("apple") is None


def test_an_entity_not_in_the_text_is_named() -> None:
    with pytest.raises(HeadlineError) as caught:
        check_limits(
            ["fine", _item("Infosys gains", ["Infosys", "Wipro", " "])], Settings(), GAZETTEER
        )
    errors = caught.value.detail
    assert [e["loc"] for e in errors] == [
        ["body", "headlines", 1, "entities", 1],
        ["body", "headlines", 1, "entities", 2],
    ]
    assert "'Wipro' does not occur" in str(errors[0]["msg"])
    assert "blank" in str(errors[1]["msg"])


def test_entity_limits_come_from_settings() -> None:
    settings = Settings(max_entities_per_headline=2, batch_queue_max=4)
    with pytest.raises(HeadlineError, match="at most 2 names, got 3"):
        check_limits([_item("A B C", ["A", "B", "C"])], settings, GAZETTEER)
    # Two headlines and three entities make five queued items, over the bound of four.
    with pytest.raises(HeadlineError, match="total at most 4, got 5"):
        check_limits([_item("A B", ["A", "B"]), _item("A B", ["A"])], settings, GAZETTEER)


def test_auto_counts_the_entities_it_leaves_out_past_the_limit() -> None:
    settings = Settings(max_entities_per_headline=2)
    three = _item("Infosys, TCS and Tata Motors gain", "auto")
    (item,) = check_limits([three], settings, GAZETTEER)
    assert isinstance(item, EntityItem)
    assert [m.name for m in item.mentions] == ["Infosys", "TCS"] and item.past_limit == 1
    (item,) = check_limits([_item("Infosys and TCS gain", "auto")], settings, GAZETTEER)
    assert isinstance(item, EntityItem) and item.past_limit == 0


def test_a_server_without_an_entity_model_says_so() -> None:
    settings = Settings(entity_sentiment_model="")
    with pytest.raises(HeadlineError, match="per headline only"):
        check_limits([_item("Infosys gains", ["Infosys"])], settings, GAZETTEER)
    assert check_limits(["Infosys gains"], settings, GAZETTEER) == ["Infosys gains"]


def test_a_request_counts_its_model_calls_by_kind() -> None:
    """Headlines and marked headlines go to two models: the batch bound is per model."""
    texts = ["Infosys gains", MarkedText(f" {TARGET_MARK}  gains"), "TCS slips"]
    assert model_calls(texts) == (2, 1)
    assert model_calls(["a", "b"]) == (2, 0)
    assert model_calls([MarkedText("x")]) == (0, 1)


def test_a_callers_ticker_inside_a_name_written_as_one_is_its_companys() -> None:
    keys = {"AT&T": "T", "T-Mobile": "TMUS", "Berkshire Hathaway": "BRK.B"}
    known = Gazetteer(keys, keys, True)
    items = [
        _item("AT&T to cut 5,000 jobs", ["T"]),
        _item("T-Mobile beats; AT&T slips", ["T"]),
        _item("Berkshire Hathaway buys more", ["BRK-B"]),
    ]
    answers = [
        (m.start, m.end, m.company)
        for x in check_limits(items, Settings(), known)
        for m in x.mentions
    ]  # type: ignore[union-attr]
    assert answers == [(0, 4, "T"), (16, 20, "T"), (0, 18, "BRK.B")]
    # No AT&T: the letter of "T-Mobile" is no mention of it.
    with pytest.raises(HeadlineError):
        check_limits([_item("T-Mobile beats", ["T"])], Settings(), known)


def test_a_tag_between_two_words_leaves_them_two() -> None:
    assert without_exchange_tags("Apple (NYSE:AAPL)beats") == "Apple beats"
    assert without_exchange_tags("Apple(NYSE:AAPL)beats, Knoll") == "Apple beats, Knoll"
    # Tags in a row go as one.
    text = " xtargetx  (NSE: INFY) (BSE:500209)gains"
    assert without_exchange_tags(text) == " xtargetx gains"


PIECES = (
    "Target", "Pfizer", "$PFE", "$TGT", "(", ")", "(TGT)", "(PFE)", " ", "\n", "'s", "Apple",
    "$", "$$", "(NYSE:TGT)", "Infosys", "(INFY)", "<b>", "&amp;", "US$5", "$AAPL", "Nasdaq",
    "Corp", "eBay", "\u2019s", "\u200b", "-", "Inc.", "Tata Motors", "(NSE: TATAMOTORS)",
    "<PFE.N>", " - Reuters", "via @Reuters",
)  # fmt: skip
ASKED = ("Target", "TGT", "PFE", "$PFE", "Pfizer", "Pfizer Corp", "Target Corp", "AAPL", "INFY")


# Texts on which the draws below once found a garbled marker, each kept as a case.
FOUND: tuple[tuple[str, str | list[str]], ...] = (
    ("$PFE(NYSE:TGT)via @Reuters$PFE$$", "auto"),  # a tag glued to the word after it
    ("Target$AAPL $PFE 's)", ["AAPL", "Target Corp"]),  # a ticker left out across a mention
    ("Target $TGT(PFE) $AAPL (NYSE:TGT)", ["PFE", "Target"]),  # a mention listed as other too
    ("eBay$NDAQ $NDAQ Target-", ["Target Corp"]),  # one cashtag between two names
)


def test_every_marked_text_holds_its_target_as_whole_words() -> None:
    # Tickers, tags, credits and names run together as no headline writes them: whatever
    # is found, listed, left out or taken out, the model is asked about whole markers.
    models = Path(__file__).resolve().parents[3] / "models" / "entity_sentiment"
    served = Gazetteer.load(gazetteer_path(version_dir(models)))
    draw = random.Random(7)
    drawn = []
    for _ in range(3000):
        text = "".join(
            draw.choice(PIECES) + draw.choice(("", " ")) for _ in range(draw.randint(1, 8))
        )
        asked = "auto" if draw.random() < 0.5 else draw.sample(ASKED, draw.randint(1, 3))
        drawn.append((text.strip() or "x", asked))
    answered = 0
    for text, asked in (*FOUND, *drawn):
        try:
            (item,) = check_limits([_item(text, asked)], Settings(), served)
        except HeadlineError:
            assert (text, asked) not in FOUND
            continue
        assert isinstance(item, EntityItem)
        for m in item.mentions:
            answered += 1
            # At each of the target's mentions (a company named twice is marked twice).
            marks = re.findall(rf"\w*{TARGET_MARK}\w*", m.marked)
            assert marks and set(marks) == {TARGET_MARK}, (text, m)
            assert 0 <= m.start < m.end <= len(text), (text, m)
    assert answered > 1200


def test_an_indian_symbol_is_known_with_its_exchange_or_as_a_cashtag() -> None:
    names = {"Infosys": "NSE:INFY", "INFY": "NSE:INFY", "Bajaj Auto": "NSE:BAJAJAUTO"}
    known = Gazetteer(tuple(names), names)
    for name in ("INFY", "NSE:INFY", "NSE: INFY", "BSE:INFY", "INFY.NS", "INFY.BO", "$INFY"):
        assert known.entity(name) == "NSE:INFY", name
    # A symbol the lists write otherwise is found by its words, exchange or not.
    assert known.entity("NSE:BAJAJ-AUTO") == known.entity("BAJAJ-AUTO") == "NSE:BAJAJAUTO"
    assert known.entity("NSE:WIPRO") is None and known.entity("INFY.L") is None
    text = "Infosys beats estimates"
    assert known.mention_of("INFY.NS", text) == known.mention_of("$INFY", text) == (0, 7)


def test_a_company_named_twice_is_the_target_at_each_mention() -> None:
    t, o = TARGET_MARK, OTHER_MARK
    text = "Infosys and TCS in focus; Infosys slumps, TCS flat"
    (item,) = check_limits([_item(text, ["Infosys", "TCS"])], Settings(), GAZETTEER)
    assert isinstance(item, EntityItem)
    infosys, tcs = (m.marked for m in item.mentions)
    assert infosys == f" {t}  and  {o}  in focus;  {t}  slumps,  {o}  flat"
    assert tcs == f" {o}  and  {t}  in focus;  {o}  slumps,  {t}  flat"
    # Asked about alone, the company not listed is another entity at each mention too.
    (alone,) = check_limits([_item(text, ["TCS"])], Settings(), GAZETTEER)
    assert isinstance(alone, EntityItem) and alone.mentions[0].marked == tcs
    # A name no list holds is the target wherever the text writes it again.
    (acme,) = check_limits([_item("Acme rises; Acme to buy TCS", ["Acme"])], Settings(), GAZETTEER)
    assert isinstance(acme, EntityItem)
    assert acme.mentions[0].marked == f" {t}  rises;  {t}  to buy  {o} "


def test_two_names_of_one_company_are_both_the_target_and_its_ticker_beside_neither() -> None:
    t, o = TARGET_MARK, OTHER_MARK
    keys = {"Alphabet": "GOOGL", "Google": "GOOGL", "Apple": "AAPL", "AAPL": "AAPL"}
    keyed = Gazetteer(tuple(keys), keys)
    text = "Alphabet's Google fined; Apple (AAPL) and Apple's suppliers slip"
    (item,) = check_limits([_item(text, "auto")], Settings(), keyed)
    assert isinstance(item, EntityItem)
    alphabet, apple = item.mentions
    assert (alphabet.name, apple.name) == ("Alphabet", "Apple")
    # "(AAPL)" says which company "Apple" is: it is no mention of its own, and not read.
    assert alphabet.marked == f" {t} 's  {t}  fined;  {o}  and  {o} 's suppliers slip"
    assert apple.marked == f" {o} 's  {o}  fined;  {t}  and  {t} 's suppliers slip"


def _portfolio_gazetteer() -> Gazetteer:
    keys = {
        "Apple": "AAPL", "AAPL": "AAPL", "Johnson & Johnson": "JNJ", "Mercedes-Benz": "W:MERCEDES",
        "Berkshire Hathaway": "BRK.B", "BRK.B": "BRK.B", "Mahindra & Mahindra": "NSE:M&M",
        "Mahindra": "NSE:M&M", "AstraZeneca": "NSE:ASTRAZEN", "W:ASTRAZENECA": "W:ASTRAZENECA",
    }  # fmt: skip
    return Gazetteer(
        tuple(keys),
        keys,
        exchange_tags=True,
        elsewhere={"AstraZeneca": "W:ASTRAZENECA"},
        by_ticker={"W:SHELL": ["Shell"], "TGT": ["Target"]},
        share_classes={"BRK.A": "BRK.B", "SHEL": "W:SHELL", "AZN": "W:ASTRAZENECA"},
    )


@pytest.mark.parametrize(
    ("text", "asked", "name", "company"),
    [
        # A US ticker with its Reuters venue, as some portfolios write tickers.
        ("Apple shares slide", "AAPL.O", "Apple", "AAPL"),
        ("Berkshire Hathaway hits record high", "BRK.A", "Berkshire Hathaway", "BRK.B"),
        ("Johnson & Johnson slides", "Johnson and Johnson", "Johnson & Johnson", "JNJ"),
        # A name the lists do not know, part of one name found, is that name's company.
        ("Mercedes-Benz cuts margin guidance", "Mercedes", "Mercedes-Benz", "W:MERCEDES"),
        # A company's name that is a word, asked for, is the company.
        ("Shell beats profit forecasts", "Shell", "Shell", "W:SHELL"),
        ("SHELL BEATS PROFIT FORECASTS", "shell", "SHELL", "W:SHELL"),
    ],
)
def test_a_portfolios_names_find_their_companys(
    text: str, asked: str, name: str, company: str
) -> None:
    (item,) = check_limits([_item(text, [asked])], Settings(), _portfolio_gazetteer())
    assert isinstance(item, EntityItem)
    (mention,) = item.mentions
    assert (text[mention.start : mention.end], mention.company) == (name, company)


def test_a_tag_of_another_market_with_the_companys_us_ticker_is_that_companys() -> None:
    found = _portfolio_gazetteer()
    for text, name, company in [
        ("Shell (LSE: SHEL) beats profit forecasts", "Shell", "W:SHELL"),
        ("Shell (SHEL.L) beats profit forecasts", "Shell", "W:SHELL"),
        # Of an ambiguous name's two companies, the one whose ticker the tag writes.
        ("AstraZeneca (AZN.L) shares fall", "AstraZeneca", "W:ASTRAZENECA"),
    ]:
        (item,) = check_limits([_item(text, "auto")], Settings(), found)
        assert isinstance(item, EntityItem)
        (mention,) = item.mentions
        assert (text[mention.start : mention.end], mention.company) == (name, company), text
        assert mention.marked.split()[:2] == [TARGET_MARK, "beats" if "Shell" in text else "shares"]
    # A caller's code for the listing, written in the tag, stands for the name before it.
    text = "AstraZeneca (AZN.L) shares fall"
    (item,) = check_limits([_item(text, ["AZN.L"])], Settings(), found)
    assert isinstance(item, EntityItem)
    (mention,) = item.mentions
    assert (mention.start, mention.end, mention.company) == (0, 11, "W:ASTRAZENECA")
    # A caller's ticker answered in a tag after a name no list holds is the tag's.
    (knoll,) = check_limits([_item("Knoll (NYSE:KNL) rises", ["KNL"])], Settings(), found)
    assert isinstance(knoll, EntityItem) and knoll.mentions[0].company == "KNL"
    # A name listed in India and elsewhere is the company of the tag's market, whatever
    # its code: Germany's is not the Indian unit, India's is.
    for tag, company in [("(SIE.DE)", "W:ASTRAZENECA"), ("(NSE: ASTRAZEN)", "NSE:ASTRAZEN")]:
        (item,) = check_limits([_item(f"AstraZeneca {tag} falls", "auto")], Settings(), found)
        assert isinstance(item, EntityItem) and item.mentions[0].company == company
    # A name no list holds keeps the tag's own key.
    (item,) = check_limits([_item("Acme (SIE.DE) falls", "auto")], Settings(), found)
    assert isinstance(item, EntityItem) and item.mentions[0].company == "DE:SIE"


def test_a_tag_after_a_legal_form_is_the_names_before_it() -> None:
    keys = {"Toyota Motor": "W:TOYOTA", "Hexagon AB": "W:HEXAGON", "Lendlease Group": "W:LL"}
    known = Gazetteer(keys, keys, exchange_tags=True)
    for text, key, name in [
        ("Toyota Motor Corp (7203.T) raises forecast", "W:TOYOTA", "Toyota Motor"),
        ("Toyota Motor Corp.'s (TYO:7203) profit jumps", "W:TOYOTA", "Toyota Motor"),
        ("Hexagon AB (publ) (STO:HEXA B) misses", "W:HEXAGON", "Hexagon AB"),
        # A form the list writes as part of the name, or one written after it.
        ("Lendlease Group (ASX:LLC) falls", "W:LL", "Lendlease Group"),
        ("Lendlease Group Ltd (ASX:LLC) falls", "W:LL", "Lendlease Group"),
    ]:
        assert known.find_entities(text) == [(key, (0, len(name)))], text
    # Any other word between them leaves the tag a company of its own.
    assert known.find_entities("Toyota Motor unit (TYO:7203) rises") == [
        ("W:TOYOTA", (0, 12)),
        ("T:7203", (23, 27)),
    ]


def test_markets_that_write_codes_in_digits_have_their_tags_taken_out() -> None:
    text = "Sony (6758.T) and Samsung (KRX: 005930) rise; Petrobras <PETR4.SA> and (HKG:0700) fall"
    assert without_exchange_tags(text) == "Sony and Samsung rise; Petrobras and fall"


def test_a_name_after_a_capitalised_word_is_no_second_mention() -> None:
    text = "Keshub Mahindra retires as Mahindra & Mahindra Chairman; Mahindra & Mahindra gains"
    (item,) = check_limits(
        [_item(text, ["Mahindra & Mahindra"])], Settings(), _portfolio_gazetteer()
    )
    assert isinstance(item, EntityItem)
    assert item.mentions[0].marked == (
        f"Keshub Mahindra retires as  {TARGET_MARK}  Chairman;  {TARGET_MARK}  gains"
    )


def test_a_companys_name_after_a_given_name_is_a_persons() -> None:
    keys = {"Ford": "F", "Dell": "DELL", "Dell Technologies": "DELL", "Disney": "DIS"}
    known = Gazetteer(keys, keys)
    text = "Bill Ford says tariffs will cost Ford $2 billion"
    for entities in ("auto", ["Ford"]):
        (item,) = check_limits([_item(text, entities)], Settings(), known)
        (ford,) = item.mentions  # type: ignore[union-attr]
        # Answered at the company's mention; the person's name is left as words.
        assert (ford.start, ford.end, ford.company) == (33, 37, "F")
        assert ford.marked == f"Bill Ford says tariffs will cost  {TARGET_MARK}  $2 billion"
    # A person alone is no company; the company named after one is.
    (item,) = check_limits(
        [_item("Harrison Ford to star in new Disney film", "auto")], Settings(), known
    )
    assert [m.name for m in item.mentions] == ["Disney"]  # type: ignore[union-attr]
    (item,) = check_limits(
        [_item("Michael Dell: Dell Technologies sees record demand", "auto")], Settings(), known
    )
    assert [m.name for m in item.mentions] == ["Dell Technologies"]  # type: ignore[union-attr]
    # A caller who names a person's surname alone is still answered there.
    (item,) = check_limits([_item("Bill Ford steps down", ["Ford"])], Settings(), known)
    assert (item.mentions[0].start, item.mentions[0].end) == (5, 9)  # type: ignore[union-attr]


def test_a_listing_venue_or_a_place_named_for_a_company_is_no_mention() -> None:
    keys = {"Nasdaq": "Nasdaq", "Amazon": "AMZN", "Grab Holdings": "W:GRAB"}
    known = Gazetteer(keys, keys)

    def found(text: str) -> list[str]:
        (item,) = check_limits([_item(text, "auto")], Settings(), known)
        return [m.name for m in item.mentions]  # type: ignore[union-attr]

    assert found("Nasdaq-listed Grab Holdings posts first profit") == ["Grab Holdings"]
    assert found("Nasdaq falls 2% as tech slides") == ["Nasdaq"]
    assert found("Amazon rainforest loss slows; Amazon shares rise") == ["Amazon"]
    (item,) = check_limits(
        [_item("Amazon rainforest loss slows; Amazon shares rise", "auto")], Settings(), known
    )
    assert item.mentions[0].start == 30  # type: ignore[union-attr]
    # Asked for, the venue is answered; the river names no company.
    (item,) = check_limits([_item("Nasdaq-listed Grab Holdings", ["Nasdaq"])], Settings(), known)
    assert item.mentions[0].start == 0  # type: ignore[union-attr]
    for asked in ("Amazon", "AMZN"):
        with pytest.raises(HeadlineError, match=r"Amazon River|does not occur"):
            check_limits([_item("Amazon River levels hit record low", [asked])], Settings(), known)
        (item,) = check_limits(
            [_item("Amazon River levels fall; Amazon shares rise", [asked])], Settings(), known
        )
        assert item.mentions[0].start == 26  # type: ignore[union-attr]


def test_another_countrys_central_bank_a_region_or_a_titan_is_no_company() -> None:
    names = ("Central Bank", "Central Bank of India", "Antofagasta", "Titan", "Leonardo")
    keys = {"Central Bank": "NSE:CENTRALBK", "Central Bank of India": "NSE:CENTRALBK",
            "Bank of India": "NSE:BANKINDIA"}  # fmt: skip
    others = {"Antofagasta": "W:ANTOFAGASTA", "Titan": "NSE:TITAN", "Leonardo": "W:LEONARDO"}
    known = Gazetteer(
        (*names, "Bank of India", "Vinci", "Trent"), {**keys, **others, "Vinci": "W:VINCI"}
    )

    def found(text: str) -> list[str | None]:
        (item,) = check_limits([_item(text, "auto")], Settings(), known)
        return [m.company for m in item.mentions]  # type: ignore[union-attr]

    for text in (
        "European Central Bank keeps key deposit rate at -0.5%",
        "Central Bank of Egypt holds interest rates steady",
        "Property Lenders Surge After India Central Bank Eases Cash Rules",
        "Bonds rally as the Central Bank signals cuts",
        "Reserve Bank of India keeps repo rate unchanged",
        "Antofagasta region hit by magnitude 6 earthquake",
        "Titan of Greek shipping dies at 90",
        "Leonardo da Vinci drawing sells for a record",
        "England bat first at Trent Bridge",
    ):
        assert found(text) == [], text
    assert found("Leonardo and Vinci win a defence deal") == ["W:LEONARDO", "W:VINCI"]
    # The lender, by its short name or in full, and the miner and the watchmaker.
    for text in (
        "Central Bank Q2 profit rises 20%",
        "Buy Central Bank, target Rs 40",
        "The Central Bank of India raises deposit rates",
        "Shares Of Central Bank Of India Rise",
    ):
        assert found(text) == ["NSE:CENTRALBK"], text
    assert found("Reserve Bank of India fines Bank of India") == ["NSE:BANKINDIA"]
    assert found("Antofagasta profit falls on copper prices") == ["W:ANTOFAGASTA"]
    assert found("Titan Q2 profit rises on wedding demand") == ["NSE:TITAN"]


def test_a_name_inside_a_longer_name_is_told_by_the_words_beside_it() -> None:
    def inside(text: str, name: str, **kw: bool) -> bool:
        at = text.rfind(name)
        return in_longer_name(text, (at, at + len(name)), **kw)

    assert inside("Novo Banco sale talks stall", "Novo")
    assert inside("Orange County bonds rally", "Orange")
    assert inside("Arm & Hammer maker beats", "Arm")
    assert inside("Ms Shell, a trader, sees oil rally", "Shell")
    assert inside("Analyst Jane Target says stocks rise", "Target")
    # A possessive, a quarter, an acronym, or a descriptor that starts the text are not.
    assert not inside("Novo's Wegovy sales miss", "Novo")
    assert not inside("Honda and Nissan end talks; Japan's Nissan falls", "Nissan")
    assert not inside("Target Q1 profit falls", "Target")
    assert not inside("Chipmaker Nvidia rallies", "Nvidia")
    assert inside("Chipmaker Nvidia rallies", "Nvidia", first_words=True)
    # In Title Case capitals say nothing.
    assert title_cased("Target Cuts Outlook As Sales Slow")
    assert not title_cased("Anand Mahindra praises Mahindra & Mahindra SUV")
    assert not inside("Shell Beats Profit Forecasts As Oil Rises", "Shell")


def test_a_companys_word_is_its_name_only_as_the_lists_write_it() -> None:
    found = _portfolio_gazetteer()
    # Written only as the word, in a text with capitals, it is no mention...
    for text in ("Apple misses its sales target", "Oil majors shell out for buybacks"):
        with pytest.raises(HeadlineError, match="is a word there"):
            check_limits(
                [_item(text, ["Shell" if "shell" in text else "Target"])], Settings(), found
            )
    # ...and inside a longer name, a mention with no company.
    (ms,) = check_limits([_item("Ms Shell sees oil rally", ["Shell"])], Settings(), found)
    assert isinstance(ms, EntityItem) and ms.mentions[0].company is None
    # A name with "&" written with "and".
    (jnj,) = check_limits(
        [_item("Johnson and Johnson slides", ["Johnson & Johnson"])], Settings(), found
    )
    assert isinstance(jnj, EntityItem)
    assert (jnj.mentions[0].start, jnj.mentions[0].end, jnj.mentions[0].company) == (0, 19, "JNJ")


def test_a_market_keeps_one_code_whichever_way_a_tag_names_it() -> None:
    for tag, key in [
        ("(LSE: ACM)", "L:ACM"), ("(LON:ACM)", "L:ACM"), ("(ACM.L)", "L:ACM"),
        ("(ETR: SIE)", "DE:SIE"), ("(XETRA:SIE)", "DE:SIE"), ("(SIE.DE)", "DE:SIE"),
        ("(TSE: 7203)", "T:7203"), ("(7203.T)", "T:7203"), ("(TSE:CM)", "TO:CM"),
        ("(HKG:0700)", "HK:0700"), ("(0700.HK)", "HK:0700"), ("(KRX: 005930)", "KS:005930"),
        ("(NESN.S)", "SW:NESN"), ("(SIX: NESN)", "SW:NESN"), ("(ASML.AS)", "AS:ASML"),
        ("(Euronext Amsterdam: ASML)", "AS:ASML"), ("(Oslo B\u00f8rs: EQNR)", "OL:EQNR"),
        # A Nordic share class, however it is written, is one key.
        ("(Nasdaq Stockholm: ERIC B)", "ST:ERIC.B"), ("(STO: ERIC B)", "ST:ERIC.B"),
        ("(ERICb.ST)", "ST:ERIC.B"), ("(ERIC-B.ST)", "ST:ERIC.B"), ("(HEL: NOKIA)", "HE:NOKIA"),
        # Reuters' registered and preferred shares.
        ("(SIEGn.DE)", "DE:SIEGn"), ("(VOWG_p.DE)", "DE:VOWG_p"),
    ]:  # fmt: skip
        assert tagged_as(f"Acme {tag} rises", 4) == key, tag
    # "(U.S)" is no Zurich code: those run to three letters or more.
    assert without_exchange_tags("Prices in the (U.S) rise") == "Prices in the (U.S) rise"
    # A code of one or two digits is no instrument: "(1.N)" is a footnote's.
    assert without_exchange_tags("Revenue rose (1.N) last year") == "Revenue rose (1.N) last year"


def test_the_tagger_is_asked_about_auto_headlines_only_and_only_for_a_good_request() -> None:
    items = [
        "Acme gains",
        _item("  Origin Property forms venture https://x.co/a ", "auto"),
        _item("Infosys gains", ["Infosys"]),
        _item("\uff34\uff4f\uff4b\uff59\uff55 Land gains", "auto"),
        _item("TOKYU LAND GAINS", "auto"),
        _item("tokyu land gains", "auto"),
    ]
    # Each "auto" text as names are looked for in it: trimmed, read (full-width letters
    # are letters), its link blanked; none where no word could be a name the tagger keeps.
    texts = to_tag(items, Settings())
    assert list(texts) == [1, 3]
    assert texts[1].startswith("Origin Property forms venture ") and "x.co" not in texts[1]
    assert texts[3] == "Tokyu Land gains"
    # A request with a text the checks refuse costs no tagger call: its 422 comes anyway.
    assert to_tag([*items, _item("\u200b", "auto")], Settings()) == {}
    with pytest.raises(HeadlineError):
        to_tag([], Settings())
    # What the tagger found is taken where nothing found or read stands.
    text = "Origin Property forms venture with Tokyu Land"
    (item,) = check_limits([_item(text, "auto")], Settings(), GAZETTEER, {0: [(35, 45)]})
    assert isinstance(item, EntityItem)
    assert [(m.name, m.start, m.end) for m in item.mentions] == [("Tokyu Land", 35, 45)]
