"""Characters other sources use for plain ones: folded for search span for span, read by
the models as the plain text (unit), and answered alike over real HTTP with the
committed models, spans indexing the text as sent."""

from __future__ import annotations

import pytest

from app.sentiment.plain_text import readable, searchable, without_links
from tests.conftest import Server

PLAIN = "Infosys profit jumps 20% as TCS slips"
NO_BREAK = PLAIN.replace(" ", "\u00a0")
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in PLAIN)
ZERO_WIDTH = PLAIN.replace(" ", "\u200b ").replace("Infosys", "Info\u00adsys")
ESCAPED = "Moody&#39;s upgrades Johnson &amp; Johnson&#x2019;s debt"


def test_searchable_folds_one_character_for_one() -> None:
    for text in (NO_BREAK, FULL_WIDTH, "Infosys\u3000TCS\u2009Wipro\u202fHCL"):
        folded = searchable(text)
        assert len(folded) == len(text)
        assert folded.isascii()
    assert searchable(NO_BREAK) == searchable(FULL_WIDTH) == PLAIN
    # Invisible characters keep their place: removing them would move every span after.
    assert searchable(ZERO_WIDTH) == ZERO_WIDTH
    assert searchable("Café Coffee Day") == "Café Coffee Day"


def test_readable_is_the_plain_text() -> None:
    for text in (NO_BREAK, FULL_WIDTH, ZERO_WIDTH, "\ufeff" + PLAIN):
        assert readable(text) == PLAIN
    assert readable(ESCAPED) == "Moody's upgrades Johnson & Johnson\u2019s debt"
    assert readable("&nbsp;Infosys&nbsp;gains") == " Infosys gains"


def test_links_are_taken_out() -> None:
    post = "Acme beats estimates https://t.co/AbC123 and http://example.com/x?y=1 again"
    assert without_links(post) == "Acme beats estimates and again"
    assert without_links("https://t.co/AbC123") == ""
    for kept in ("Acme beats estimates", "Acme.com beats; a ratio of 3:1"):
        assert without_links(kept) == kept


def test_an_ampersand_without_a_reference_stays() -> None:
    for text in ("AT&T and S&P 500 gain on M&A", "R&D &copy unknown &foo; & more"):
        assert readable(text) == text
    assert readable("a &lt;b&gt; c") == "a <b> c"


def test_no_reference_makes_a_lone_surrogate() -> None:
    for reference in ("&#xD800;", "&#55296;", "&#0;", "&#x110000;"):
        decoded = readable(f"Infosys {reference} gains")
        decoded.encode("utf-8")  # raises on a lone surrogate
        assert decoded == "Infosys \ufffd gains"


def _answers(server: Server, items: list[object]) -> list[dict]:  # type: ignore[type-arg]
    with server.client() as http:
        response = http.post("/sentiment", json={"headlines": items})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_a_headline_from_another_source_gets_the_plain_answer(server: Server) -> None:
    linked = PLAIN + " https://t.co/AbC123xyz"
    tagged = PLAIN.replace("Infosys", "Infosys (NSE: INFY)")
    plain, *others = _answers(server, [PLAIN, NO_BREAK, FULL_WIDTH, ZERO_WIDTH, linked, tagged])
    for other in others:
        assert other["label"] == plain["label"]
        assert other["scores"] == pytest.approx(plain["scores"], abs=1e-5)
        assert other["coverage"] == plain["coverage"]
        assert other["language"] == "en"


def test_entities_are_found_in_look_alike_characters_spans_as_sent(server: Server) -> None:
    items: list[object] = [
        {"text": PLAIN, "entities": ["Infosys", "TCS"]},
        {"text": FULL_WIDTH, "entities": "auto"},
        {"text": NO_BREAK, "entities": ["Infosys", "TCS"]},
        {"text": FULL_WIDTH, "entities": ["Infosys", "TCS"]},
    ]
    plain, auto, no_break, listed = _answers(server, items)
    expected = [(e["label"], e["start"], e["end"]) for e in plain["entities"]]
    assert [e["start"] for e in plain["entities"]] == [0, 28]
    for result in (auto, no_break, listed):
        found = [(e["label"], e["start"], e["end"]) for e in result["entities"]]
        assert found == expected
        for e, p in zip(result["entities"], plain["entities"], strict=True):
            assert e["scores"] == pytest.approx(p["scores"], abs=1e-5)
    # "auto" names each mention as the text writes it; a listed name stays as asked.
    assert [e["name"] for e in auto["entities"]] == [FULL_WIDTH[0:7], FULL_WIDTH[28:31]]
    assert [e["name"] for e in listed["entities"]] == ["Infosys", "TCS"]
