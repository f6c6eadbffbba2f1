"""The commodities and currencies `"auto"` can ship beside companies: the rule that
chooses them on SEntFiN's training titles, and how an export finds them."""

from __future__ import annotations

import csv

from tests.training.entity_sentiment.test_gazetteer import ENGLISH
from training.entity_sentiment import choose_markets, gazetteer, markets


def test_the_committed_forms_are_those_the_rule_chooses_on_the_training_titles() -> None:
    with markets.FILE.open(newline="", encoding="utf-8") as fh:
        committed = list(csv.DictReader(fh))
    assert choose_markets.chosen(gazetteer.shipped(markets=None)) == committed
    for row in committed:
        finds, marked = int(row["training_finds"]), int(row["annotated"])
        assert finds >= markets.MIN_FINDS and marked >= markets.MIN_SHARE * finds
    names = {row["name"] for row in committed}
    # The forms that open a headline are the annotated ones; in lower case most are the
    # topic of a phrase ("gold loan", "dollar bonds") as often as the thing itself.
    assert {"Gold", "Rupee", "Dollar", "Oil", "Brent", "Sterling"} <= names
    assert not {"gold", "rupee", "dollar", "oil", "lead", "Coal"} & names


def test_a_candidate_comes_as_listed_and_with_a_capital() -> None:
    assert markets.forms("crude oil") == ["Crude oil", "crude oil"]
    assert markets.forms("WTI") == ["WTI"]
    assert markets.candidates()["Swiss franc"] == "MKT:swiss franc"


def test_shipped_markets_are_each_its_own_entity_with_no_company() -> None:
    keys = gazetteer.shipped(english=ENGLISH, words=set(), markets=markets.FILE)
    assert keys["Gold"] == "MKT:gold" and "Gold" not in gazetteer.companies(keys)
    found = gazetteer.served(keys).find_all("Gold rises as Rupee slips; Infosys gains")
    assert found == [("Gold", (0, 4)), ("Rupee", (14, 19)), ("Infosys", (27, 34))]
    assert gazetteer.served(keys).find_all("gold loan demand rises") == []
    # A company's name keeps its company: "Oil India" is not the commodity.
    assert gazetteer.served(keys).find_all("Oil India shares rise")[0][0] == "Oil India"
    # As served, an export ships none of them.
    assert "Gold" not in gazetteer.shipped(english=ENGLISH, words=set())
