"""The name an exchange tag follows, where no list holds it, is the company's mention."""

from __future__ import annotations

import pytest

from app.sentiment.entities import TARGET_MARK, Gazetteer
from app.sentiment.schemas import EntityHeadline
from app.sentiment.service import EntityItem, check_limits
from app.sentiment.tagged_names import gap_words, name_before
from app.settings import Settings

KEYS = {
    "Apple": "AAPL",
    "Sartorius": "W:SARTORIUS",
    "CyberArk": "W:CYBERARK",
    "Metro Inc": "W:METROINC",
    "Orchid": "NSE:ORCHIDPHAR",
}
KNOWN = Gazetteer(KEYS, KEYS, exchange_tags=True)


def _found(text: str) -> list[tuple[str, str]]:
    return [(text[a:b], key) for key, (a, b) in KNOWN.find_entities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Sentence case: the capitalised words before the tag, up to what is no name's.
        ("Douglas (DOU.DE) shares slump", [("Douglas", "DE:DOU")]),
        ("Shares of Kion Group (KGX.DE) fell", [("Kion Group", "DE:KGX")]),
        ("The Hut Group (THG.L) falls", [("Hut Group", "L:THG")]),
        ("Nordic Semi <NOD.OL> drops, while Boliden <BOL.ST> gains",
         [("Nordic Semi", "OL:NOD"), ("Boliden", "ST:BOL")]),
        # Legal forms and "'s" belong to the name; particles stand inside one.
        ("Orchid Island Capital, Inc.'s (NYSE:ORC) loss widens",
         [("Orchid Island Capital, Inc.", "ORC")]),
        ("Banca Monte dei Paschi di Siena <BMPS.MI> rallies",
         [("Banca Monte dei Paschi di Siena", "MI:BMPS")]),
        ("Semiconductor maker BE Semiconductor <BESI.AS> rises",
         [("BE Semiconductor", "AS:BESI")]),
        # Title Case: the words after the last that is no name's, three at most.
        ("Is Corporate Travel Management Limited (ASX:CTD) A Top Stock?",
         [("Corporate Travel Management Limited", "AX:CTD")]),
        ("Do Directors Own Kape Technologies Plc (LON:KAPE) Shares?",
         [("Kape Technologies Plc", "L:KAPE")]),
        ("Is Acme Widget Tools Maker (NYSE:AWT) Cheap?", [("AWT", "AWT")]),
        # A name "and" may join on ("Maya Gold and Silver") cannot be told: the ticker.
        ("Did Maya Gold and Silver's (TSE:MYA) Share Price Gain?", [("MYA", "TO:MYA")]),
        # A name found that more capitalised words lead to the tag is the tag's company,
        # one entity; with only legal forms between, it keeps its own key.
        ("Sartorius Stedim Biotech (DIM.PA) cuts outlook",
         [("Sartorius Stedim Biotech", "PA:DIM")]),
        ("If You Had Bought CyberArk Software (NASDAQ:CYBR) Shares",
         [("CyberArk Software", "CYBR")]),
        ("A Note On Metro Inc.'s (TSE:MRU) ROE", [("Metro Inc.", "W:METROINC")]),
        # In Title Case one word between at most: the headline's own may be there.
        ("Apple Supplier Largan (3008.TW) Falls", [("Apple", "AAPL"), ("3008", "TW:3008")]),
        ("Do Directors Own Orchid Island Capital (NYSE:ORC) Shares?",
         [("Orchid", "NSE:ORCHIDPHAR"), ("ORC", "ORC")]),
        # In sentence case, a word that is no name's ends the run: Apple stays Apple.
        ("Apple supplier Largan (3008.TW) falls", [("Apple", "AAPL"), ("Largan", "TW:3008")]),
        # In capitals nothing tells a name from the words: the ticker.
        ("DOUGLAS (DOU.DE) SHARES SLUMP", [("DOU", "DE:DOU")]),
        # Nothing that reads as a name before the tag: the ticker.
        ("shares slump (DOU.DE)", [("DOU", "DE:DOU")]),
    ],
)  # fmt: skip
def test_the_name_a_tag_follows_is_the_mention(text: str, expected: list) -> None:
    assert _found(text) == expected


def test_the_entity_model_reads_the_name_as_the_target_and_not_the_tag() -> None:
    items = [EntityHeadline(text="Douglas (DOU.DE) shares slump", entities="auto")]
    (item,) = check_limits(items, Settings(), KNOWN)
    assert isinstance(item, EntityItem)
    (mention,) = item.mentions
    assert (mention.name, mention.start, mention.end, mention.company) == (
        "Douglas",
        0,
        7,
        "DE:DOU",
    )
    assert mention.marked.split() == [TARGET_MARK, "shares", "slump"]


def test_the_run_and_the_gap_are_read_word_by_word() -> None:
    text = "Shares of Kion Group"
    assert name_before(text, len(text), title_case=False) == (10, 20)
    # More words than a name in Title Case takes: none.
    text = "Acme Widget Tools Group Holdings"
    assert name_before(text, len(text), title_case=True) is None
    assert name_before(text, len(text), title_case=False) == (0, len(text))
    assert gap_words("CyberArk Software", 8, 17) == 1
    assert gap_words("Metro Inc.", 9, 10) == 0
    assert gap_words("Apple beats Acme", 5, 16) is None
    assert gap_words("Apple, Acme", 5, 11) is None
