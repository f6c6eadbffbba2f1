"""Characters other sources use for plain ones: read by the models as the plain text, a
span of what is read mapped to the text as sent (unit), and answered alike over real
HTTP with the committed models, spans indexing the text as sent."""

from __future__ import annotations

import pytest

from app.sentiment.plain_text import readable, reading, without_links
from tests.conftest import Server

PLAIN = "Infosys profit jumps 20% as TCS slips"
NO_BREAK = PLAIN.replace(" ", "\u00a0")
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in PLAIN)
ZERO_WIDTH = PLAIN.replace(" ", "\u200b ").replace("Infosys", "Info\u00adsys")
ESCAPED = "Moody&#39;s upgrades Johnson &amp; Johnson&#x2019;s debt"
# As a page or a search result's highlight leaves it.
TAGGED = "<p><b>Info</b>sys profit <EM>jumps</EM> 20% as<br/>"
TAGGED += 'TCS <a href="/x?a=1&amp;b">slips</a></p>'
ACCENTED = "Soci\u00e9t\u00e9 G\u00e9n\u00e9rale and Herm\u00e8s rise, Pok\u00e9mon slips"
# The same letters as macOS and some PDFs write them: each a letter and a combining mark.
DECOMPOSED = ACCENTED.replace("\u00e9", "e\u0301").replace("\u00e8", "e\u0300")


def test_reading_is_readable_with_each_characters_origin() -> None:
    pool = [PLAIN, NO_BREAK, FULL_WIDTH, ZERO_WIDTH, ESCAPED, "\ufeff" + PLAIN, "a &lt;b&gt; c"]
    pool += ["AT&T &amp;&amp; M&A&#173;s", "Info&shy;sys &#x1F680;", "&#xD800; x", "Café"]
    pool += [TAGGED, "<b>" + FULL_WIDTH[:7] + "</b>&nbsp;gains <SLB.N>", "EPS <$1 <b", "<br>"]
    pool += [DECOMPOSED, "x\u200be\u0301 &amp; A\u030a", "\u1100\u1161 e\u0301\u0301"]
    # An accent parted from its letter by an invisible character, or sent as a reference.
    pool += ["Cafe\u200b\u0301 gains", "Cafe&#x301; gains"]
    for text in pool:
        read = reading(text)
        assert read.text == readable(text)
        for i, char in enumerate(read.text):
            start, end = read.sent((i, i + 1))
            # Each character is read from the characters its span covers, and from no others.
            assert char in readable(text[start:end])
    plain = reading(PLAIN)
    assert plain.text == PLAIN and plain.starts is None
    assert plain.sent((0, 7)) == (0, 7)


def test_a_span_of_what_is_read_is_one_of_the_text_as_sent() -> None:
    read = reading(ESCAPED)
    start = read.text.index("Johnson & Johnson")
    assert read.sent((start, start + 17)) == (21, 42)
    assert ESCAPED[21:42] == "Johnson &amp; Johnson"
    # Characters read as nothing stay inside a name and outside its ends.
    for text, name in ((ZERO_WIDTH, "Info\u00adsys"), ("Info&shy;sys\u200b gains", "Info&shy;sys")):
        assert reading(text).sent((0, 7)) == (0, len(name))
        assert text.startswith(name)


def test_readable_is_the_plain_text() -> None:
    for text in (NO_BREAK, FULL_WIDTH, ZERO_WIDTH, "\ufeff" + PLAIN):
        assert readable(text) == PLAIN
    assert readable(ESCAPED) == "Moody's upgrades Johnson & Johnson\u2019s debt"
    assert readable("&nbsp;Infosys&nbsp;gains") == " Infosys gains"
    assert readable(DECOMPOSED) == ACCENTED
    # A letter and its accent are one character read, from both characters sent.
    read = reading(DECOMPOSED)
    assert read.sent((4, 5)) == (4, 6) and DECOMPOSED[4:6] == "e\u0301"


def test_html_tags_are_taken_out_and_other_angle_brackets_stay() -> None:
    # A tag that breaks the line parts the words; one that formats them joins them.
    assert readable(TAGGED) == " " + PLAIN + " "
    tata = reading("<b>Tata</b> Motors gains")
    assert tata.text == "Tata Motors gains"
    assert tata.sent((0, 11)) == (3, 18)
    for kept in ("EPS <$1 vs. <$2", "Schlumberger <SLB.N> rises", "a <b c", "<blink>", "<bb>"):
        assert readable(kept) == kept
    # An escaped tag is what a page shows as text: read as written.
    assert readable("a &lt;b&gt; c") == "a <b> c"


def test_links_are_taken_out() -> None:
    post = "Acme beats estimates https://t.co/AbC123 and http://example.com/x?y=1 again"
    assert without_links(post) == "Acme beats estimates and again"
    assert without_links("https://t.co/AbC123") == ""
    # A scheme is any case: a headline all in capitals writes its link so.
    assert without_links("ACME BEATS ESTIMATES HTTPS://T.CO/ABC123") == "ACME BEATS ESTIMATES"
    # An address with no scheme that starts "www.", as pasted from a page.
    assert without_links("Stocks crash www.example.com/news/stocks-crash") == "Stocks crash"
    for kept in ("Acme beats estimates", "Acme.com beats; a ratio of 3:1", "Awww.com rises"):
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
    credited = f"UPDATE 1-{PLAIN} - Reuters https://t.co/AbC123xyz"
    texts = [PLAIN, NO_BREAK, FULL_WIDTH, ZERO_WIDTH, linked, tagged, credited, TAGGED]
    # A wire all in capitals, its credit and link in capitals too.
    texts += [credited.upper()]
    plain, *others = _answers(server, texts)
    for other in others:
        assert other["label"] == plain["label"]
        assert other["scores"] == pytest.approx(plain["scores"], abs=1e-5)
        assert other["coverage"] == plain["coverage"]
        assert other["language"] == "en"


def test_letters_written_with_combining_accents_are_read_as_the_composed_ones(
    server: Server,
) -> None:
    names = ["Soci\u00e9t\u00e9 G\u00e9n\u00e9rale", "Herm\u00e8s"]
    items: list[object] = [
        {"text": ACCENTED, "entities": "auto"},
        {"text": DECOMPOSED, "entities": "auto"},
        {"text": DECOMPOSED, "entities": names},
    ]
    composed, auto, listed = _answers(server, items)
    # "auto" also finds the brand that opens the last clause, a company no list holds.
    assert [e["company"] for e in composed["entities"]] == ["W:SOCGEN", "W:HERMES", None]
    assert [e["name"] for e in auto["entities"]][2] == "Poke\u0301mon"
    auto["entities"], composed["entities"] = auto["entities"][:2], composed["entities"][:2]
    for result in (auto, listed):
        assert [e["company"] for e in result["entities"]] == ["W:SOCGEN", "W:HERMES"]
        spans = [DECOMPOSED[e["start"] : e["end"]] for e in result["entities"]]
        assert spans == ["Socie\u0301te\u0301 Ge\u0301ne\u0301rale", "Herme\u0300s"]
        _same_scores(result, composed)
        # The headline's own answer is the composed text's too.
        assert result["scores"] == pytest.approx(composed["scores"], abs=1e-5)
        assert result["coverage"] == composed["coverage"]


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
        _same_scores(result, plain)
    # "auto" names each mention as the text writes it; a listed name stays as asked.
    assert [e["name"] for e in auto["entities"]] == [FULL_WIDTH[0:7], FULL_WIDTH[28:31]]
    assert [e["name"] for e in listed["entities"]] == ["Infosys", "TCS"]


def test_names_are_found_as_a_reader_reads_them_spans_as_sent(server: Server) -> None:
    """A name broken by an invisible character or an HTML tag, or written with character
    references, is the name a caller gives and the one "auto" finds: the answers are the
    plain text's, each span covering the name as the text writes it."""
    plain_text = "Johnson & Johnson beats estimates as Infosys slips"
    escaped = plain_text.replace("&", "&amp;")
    broken = plain_text.replace("Infosys", "Info\u00adsys").replace(" ", "\u200b ")
    tagged = "<b>Johnson</b> &amp; Johnson beats <i>estimates</i> as <b>Info</b>sys slips<br>"
    names = ["Johnson & Johnson", "Infosys"]
    sources = (escaped, broken, tagged)
    items: list[object] = [{"text": plain_text, "entities": names}]
    items += [{"text": t, "entities": e} for t in sources for e in (names, "auto")]
    plain, *others = _answers(server, items)
    assert [e["label"] for e in plain["entities"]] == ["positive", "negative"]
    for (text, entities), result in zip(
        [(t, e) for t in sources for e in (names, "auto")], others, strict=True
    ):
        spans = [text[e["start"] : e["end"]] for e in result["entities"]]
        assert [readable(span) for span in spans] == names
        written = names if entities == names else spans
        assert [e["name"] for e in result["entities"]] == written
        _same_scores(result, plain)


def _same_scores(result: dict, plain: dict) -> None:  # type: ignore[type-arg]
    for e, p in zip(result["entities"], plain["entities"], strict=True):
        assert e["label"] == p["label"]
        assert e["scores"] == pytest.approx(p["scores"], abs=1e-5)


def test_an_outlet_in_the_credit_is_no_company_in_the_news(server: Server) -> None:
    plain_text = "Infosys beats estimates as TCS slips"
    names = ["Infosys", "TCS"]
    for credited in (f"{plain_text} - Nasdaq", f"{plain_text} (via Nasdaq)"):
        plain, auto, listed = _answers(
            server,
            [
                {"text": plain_text, "entities": names},
                {"text": credited, "entities": "auto"},
                {"text": credited, "entities": names},
            ],
        )
        # "Nasdaq", a listed company, credits the outlet here: not found, not marked.
        assert [e["name"] for e in auto["entities"]] == names
        for result in (auto, listed):
            assert [(e["start"], e["end"]) for e in result["entities"]] == [(0, 7), (27, 30)]
            _same_scores(result, plain)
        assert listed["label"] == plain["label"]
        assert listed["scores"] == pytest.approx(plain["scores"], abs=1e-5)
