"""Over real HTTP, committed models: a headline in another language is answered as
unread and says which language it is in, per headline and per entity; with
LANGUAGE_CHECK=false the models' own answers come back, with the language null."""

from __future__ import annotations

import pytest

from tests.conftest import Server

THIRD = pytest.approx({"negative": 1 / 3, "neutral": 1 / 3, "positive": 1 / 3})
ITEMS = [
    "Infosys shares surge 8% after strong Q3 earnings beat",
    "La Bourse de Paris termine en baisse",
    "....",
    {"text": "Siemens Aktie fällt nach Gewinnwarnung", "entities": ["Siemens"]},
    {"text": "Siemens shares fall after profit warning", "entities": ["Siemens"]},
    # Nothing but entities: no words around them to read.
    {"text": "$SPY $AAPL", "entities": "auto"},
]


def _results(server: Server) -> list[dict]:  # type: ignore[type-arg]
    with server.client() as http:
        response = http.post("/sentiment", json={"headlines": ITEMS})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_another_language_is_answered_as_unread(server: Server) -> None:
    english, french, dots, german, english_entity, tickers = _results(server)
    assert english["language"] == "en" and english["label"] == "positive"
    assert english["scores"]["positive"] > 0.9
    for unread, code in ((french, "fr"), (dots, "zxx"), (german, "de")):
        assert unread["language"] == code
        assert unread["label"] == "neutral"
        assert unread["scores"] == THIRD
    # Coverage stays the model's own share of known tokens: French shares many with
    # English, which is why the language is checked at all.
    assert french["coverage"] > 0.8
    (siemens,) = german["entities"]
    assert (siemens["language"], siemens["label"], siemens["scores"]) == ("de", "neutral", THIRD)
    (siemens,) = english_entity["entities"]
    assert (siemens["language"], siemens["label"]) == ("en", "negative")
    for ticker in tickers["entities"]:
        assert (ticker["language"], ticker["scores"]) == ("zxx", THIRD)
    assert [t["name"] for t in tickers["entities"]] == ["$SPY", "$AAPL"]


def test_the_check_can_be_turned_off(server, server_factory) -> None:  # type: ignore[no-untyped-def]
    checked = _results(server)
    env = {
        "LANGUAGE_CHECK": "false",
        "FORECAST_MODEL": "",
        "ENTITY_SENTIMENT_MODEL": "entity_sentiment",
    }
    unchecked = _results(server_factory(env))
    pairs = [(checked[i], unchecked[i]) for i in range(len(ITEMS))]
    pairs += [(on["entities"][0], off["entities"][0]) for on, off in pairs[3:]]
    for on, off in pairs:
        assert off["language"] is None
        assert off["coverage"] == on["coverage"]
        if on["language"] == "en":
            assert off["scores"] == pytest.approx(on["scores"], abs=1e-6)
    # Unchecked, the models score the French headline and the German one's company as
    # they would any other.
    assert unchecked[1]["scores"] != THIRD
    assert unchecked[3]["entities"][0]["scores"] != THIRD
