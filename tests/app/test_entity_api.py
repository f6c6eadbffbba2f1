"""POST /sentiment per entity, against a real server serving the committed models."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.conftest import Server, scrape

OPPOSITE = "Infosys gains 3%, TCS slips after weak guidance"


def _post(http: httpx.Client, headlines: list[object]) -> httpx.Response:
    return http.post("/sentiment", json={"headlines": headlines})


def test_mixed_requests_answer_per_entity_with_spans(server: Server) -> None:
    text = "  " + OPPOSITE
    with server.client() as http:
        plain = _post(http, [OPPOSITE]).json()
        mixed = _post(http, ["Rupee slumps", {"text": text, "entities": ["TCS", "infosys"]}])
    assert mixed.status_code == 200, mixed.text
    body = mixed.json()
    assert body["entity_model"]["name"] == "entity_sentiment"
    first, second = body["results"]
    assert "entities" not in first and "entities" not in plain["results"][0]
    # The headline's own answer is the plain one, untouched by the entities asked for
    # (to float32 rounding: the batch it rode in differs).
    alone = plain["results"][0]
    assert second["label"] == alone["label"]
    for name, p in alone["scores"].items():
        assert abs(second["scores"][name] - p) < 1e-6
    tcs, infosys = second["entities"]
    assert (tcs["name"], infosys["name"]) == ("TCS", "infosys")
    # Spans index the text as sent, leading spaces included.
    assert text[tcs["start"] : tcs["end"]] == "TCS"
    assert text[infosys["start"] : infosys["end"]] == "Infosys"
    for entity in (tcs, infosys):
        assert abs(sum(entity["scores"].values()) - 1) < 1e-6
        assert entity["label"] == max(entity["scores"], key=entity["scores"].get)
    # What the service is for: one headline, opposite news for its two companies.
    assert (infosys["label"], tcs["label"]) == ("positive", "negative")


def test_a_portfolio_may_list_tickers_for_the_companies_the_text_names(server: Server) -> None:
    text = "Infosys gains 3%, TCS slips; Apple beats estimates"
    coded = "Microsoft Corp <MSFT.O> slips as Apple Inc <AAPL.O> gains"
    with server.client() as http:
        by_name = _post(http, [{"text": text, "entities": ["Infosys", "TCS", "Apple"]}])
        by_ticker = _post(http, [{"text": text, "entities": ["INFY", "TCS", "AAPL"]}])
        coded_found = _post(http, [{"text": coded, "entities": "auto"}])
        coded_tickers = _post(http, [{"text": coded, "entities": ["MSFT", "$AAPL"]}])
        twice = _post(http, [{"text": text, "entities": ["AAPL", "Apple"]}])
    # Each ticker answers for its company's name where the text writes it. In Reuters'
    # text the companies are found by their names ("Apple Inc"), and a ticker answers
    # for that mention, not for the code that holds the ticker itself.
    for names, tickers in ((by_name, by_ticker), (coded_found, coded_tickers)):
        assert tickers.status_code == 200, tickers.text
        named = names.json()["results"][0]["entities"]
        listed = tickers.json()["results"][0]["entities"]
        for a, b in zip(listed, named, strict=True):
            assert (a["start"], a["end"], a["label"]) == (b["start"], b["end"], b["label"])
            assert a["scores"] == pytest.approx(b["scores"], abs=1e-5)
    listed = by_ticker.json()["results"][0]["entities"]
    assert [e["name"] for e in listed] == ["INFY", "TCS", "AAPL"]
    # One key for all of a company's names, so that a portfolio adds its answers up.
    for answer in (by_name, by_ticker):
        entities = answer.json()["results"][0]["entities"]
        assert [e["company"] for e in entities] == ["NSE:INFY", "NSE:TCS", "AAPL"]
    assert [text[e["start"] : e["end"]] for e in listed] == ["Infosys", "TCS", "Apple"]
    found = coded_tickers.json()["results"][0]["entities"]
    assert [coded[e["start"] : e["end"]] for e in found] == ["Microsoft", "Apple Inc"]
    # Two names of one company are one entity, named twice.
    assert twice.status_code == 422
    assert "names the same mention as entities[0]" in twice.json()["detail"][0]["msg"]


def test_a_name_is_answered_where_it_stands_alone_and_never_inside_a_link(
    server: Server,
) -> None:
    bank_and_parent = "HDFC Bank slumps 9% while HDFC surges 7%"
    linked = "https://example.com/Apple-rises Apple falls"
    only_linked = "Markets slip https://example.com/Apple-rises"
    with server.client() as http:
        given = _post(http, [{"text": bank_and_parent, "entities": ["HDFC"]}])
        found = _post(http, [{"text": bank_and_parent, "entities": "auto"}])
        links = _post(
            http, [{"text": linked, "entities": ["Apple"]}, {"text": linked, "entities": "auto"}]
        )
        missing = _post(http, [{"text": only_linked, "entities": ["Apple"]}])
        # A company's name written only inside another company's name is no mention of
        # it, and one written inside its own longer name is that mention.
        group = "Samsung SDI shares fall; Samsung Electronics rises"
        inside = _post(http, [{"text": group, "entities": ["Samsung"]}])
        power = _post(http, [{"text": "Reliance Power falls 5%", "entities": ["RELIANCE"]}])
    # "HDFC" is also the start of "HDFC Bank", another company: the caller's HDFC is the
    # one that stands alone, answered as "auto" answers it.
    (parent,) = given.json()["results"][0]["entities"]
    assert (parent["start"], parent["end"], parent["company"]) == (26, 30, "NSE:HDFC")
    auto = {e["company"]: e for e in found.json()["results"][0]["entities"]}
    assert (auto["NSE:HDFC"]["start"], auto["NSE:HDFC"]["label"]) == (26, parent["label"])
    assert auto["NSE:HDFCBANK"]["start"] == 0
    # A link is read by neither model, so a name in it is no mention.
    for result in links.json()["results"]:
        (apple,) = result["entities"]
        assert linked[apple["start"] : apple["end"]] == "Apple" and apple["start"] == 32
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["type"] == "entity_not_found"
    (samsung,) = inside.json()["results"][0]["entities"]
    assert group[samsung["start"] : samsung["end"]] == "Samsung Electronics"
    assert samsung["company"] == "W:SAMSUNGELEC"
    assert power.status_code == 422
    assert power.json()["detail"][0]["type"] == "entity_not_found"


def test_the_nasdaq_is_no_company_unless_asked_for_as_one(server: Server) -> None:
    index = "Nasdaq falls 2% as Apple rises"
    company = "Nasdaq names new risk chief"
    tagged = "Nasdaq (NASDAQ:NDAQ) names new risk chief"
    with server.client() as http:
        found = _post(http, [{"text": index, "entities": "auto"}])
        by_ticker = _post(http, [{"text": company, "entities": ["NDAQ"]}])
        by_tag = _post(http, [{"text": tagged, "entities": "auto"}])
    # Its exchange tag says which it is.
    (nasdaq,) = by_tag.json()["results"][0]["entities"]
    assert (nasdaq["name"], nasdaq["company"]) == ("Nasdaq", "NDAQ")
    # Most headlines that say "Nasdaq" mean the index or the exchange: no company is said.
    entities = found.json()["results"][0]["entities"]
    assert [(e["name"], e["company"]) for e in entities] == [("Nasdaq", None), ("Apple", "AAPL")]
    # A portfolio that asks for Nasdaq, Inc. by its ticker gets its answer there.
    (nasdaq,) = by_ticker.json()["results"][0]["entities"]
    assert (nasdaq["name"], nasdaq["company"], nasdaq["start"], nasdaq["end"]) == (
        "NDAQ",
        "NDAQ",
        0,
        6,
    )


def test_a_company_listed_in_india_and_in_new_york_is_the_one_its_headline_names(
    server: Server,
) -> None:
    us = "Pfizer cuts its sales outlook"
    indian = "Pfizer Q2 net profit up 33% at Rs 69.59 crore"
    tagged = "Pfizer <PFE.N> rose 2.7% after raising its forecast"
    cashtag = "Pfizer $PFE cuts its sales outlook"
    texts = (us, indian, tagged, cashtag)
    with server.client() as http:
        found = _post(http, [{"text": t, "entities": "auto"} for t in texts])
        by_ticker = _post(http, [{"text": us, "entities": ["PFE"]}])
        not_named = _post(http, [{"text": us, "entities": ["MRK"]}])
        beside = _post(http, [{"text": cashtag, "entities": [n]} for n in ("Pfizer", "PFE")])
    said = [[e["company"] for e in r["entities"]] for r in found.json()["results"]]
    # Pfizer Ltd (Mumbai) or Pfizer Inc. (New York): only rupees or a ticker say which,
    # and a cashtag beside the name is its ticker, not a second company.
    assert said == [[None], ["NSE:PFIZER"], ["PFE"], ["PFE"]]
    # The ticker says which company, not how it fares: the answer is the one without it
    # (to float noise: a row's place in the batch moves the last digits without oneDNN).
    scores = [r["entities"][0]["scores"] for r in found.json()["results"]]
    assert cashtag == us.replace("Pfizer", "Pfizer $PFE")
    assert scores[3] == pytest.approx(scores[0], abs=1e-6)
    # Asked for by its name or by the ticker the text writes as a cashtag, the same.
    answers = [r["entities"][0] for r in beside.json()["results"]]
    assert [(e["company"], e["start"], e["end"]) for e in answers] == [
        ("PFE", 0, 6),
        ("PFE", 7, 11),
    ]
    # A portfolio of US tickers is answered where the headline names the company.
    (pfizer,) = by_ticker.json()["results"][0]["entities"]
    assert (pfizer["name"], pfizer["company"], pfizer["start"], pfizer["end"]) == (
        "PFE",
        "PFE",
        0,
        6,
    )
    assert not_named.status_code == 422 and "'MRK'" in not_named.json()["detail"][0]["msg"]


def test_a_ticker_finds_its_companys_name_that_is_a_word(server: Server) -> None:
    text = "Target cuts guidance as eBay shares jump"
    zacks = "Target (TGT) cuts guidance"
    with server.client() as http:
        with_ticker = _post(http, [{"text": zacks, "entities": "auto"}])
        by_ticker = _post(http, [{"text": text, "entities": ["TGT"]}])
        # A portfolio writes legal names that headlines do not.
        legal = [{"text": text, "entities": ["Target Corp", "eBay Inc"]}]
        legal += [{"text": "Apple and Microsoft lead", "entities": ["Microsoft Corp"]}]
        # ... and the headline may write the legal name too.
        legal += [{"text": "Target Corp cuts guidance", "entities": ["Target Corp"]}]
        by_legal_name = _post(http, legal)
        not_named = _post(http, [{"text": text, "entities": ["GLW"]}])
        found = _post(http, [{"text": text, "entities": "auto"}])
    # A portfolio's TGT says "Target" is the company.
    (target,) = by_ticker.json()["results"][0]["entities"]
    assert (target["name"], target["company"], target["start"], target["end"]) == (
        "TGT",
        "TGT",
        0,
        6,
    )
    companies = [[e["company"] for e in r["entities"]] for r in by_legal_name.json()["results"]]
    assert companies == [["TGT", "EBAY"], ["MSFT"], ["TGT"]]
    # Corning's ticker finds no "Corning" here.
    assert not_named.status_code == 422 and "'GLW'" in not_named.json()["detail"][0]["msg"]
    # Its own ticker beside it says the word is the company.
    (target,) = with_ticker.json()["results"][0]["entities"]
    assert (target["name"], target["company"], target["start"], target["end"]) == (
        "Target",
        "TGT",
        0,
        6,
    )
    # A name in camel case is no word: "auto" finds it; and "Target" opening a headline
    # before what a company does ("cuts guidance") is the company.
    entities = found.json()["results"][0]["entities"]
    assert [(e["name"], e["company"]) for e in entities] == [("Target", "TGT"), ("eBay", "EBAY")]


def test_a_word_or_a_phrase_naming_something_else_is_no_mention(server: Server) -> None:
    both = "Dow Jones falls 300 points as Dow Inc slides"
    with server.client() as http:
        run = _post(http, [{"text": "Stocks run higher as Sunrun jumps", "entities": ["RUN"]}])
        title = _post(http, [{"text": "Stocks Run Higher As Sunrun Jumps", "entities": ["RUN"]}])
        word_only = _post(http, [{"text": "Stocks run higher after Fed", "entities": ["RUN"]}])
        title_word = _post(http, [{"text": "All Eyes On Fed As Stocks Slip", "entities": ["ALL"]}])
        letter = _post(http, [{"text": "A Guide To Dividend Stocks", "entities": ["A"]}])
        agilent = _post(http, [{"text": "Agilent (A) beats estimates", "entities": ["A"]}])
        index_moves = _post(http, [{"text": "Dow, S&P 500 Slip", "entities": ["DOW", "Dow"]}])
        target = _post(http, [{"text": "Nvidia Price Target Raised", "entities": ["TGT"]}])
        copper = _post(http, [{"text": "Southern Copper Shares Rise", "entities": ["SO"]}])
        title_name = _post(http, [{"text": "Tcs Shares Rise", "entities": ["TCS"]}])
        lower = _post(http, [{"text": "Apple and apple pie", "entities": ["apple"]}])
        index_only = _post(http, [{"text": "Dow Jones falls 300 points", "entities": ["DOW"]}])
        index_and_dow = _post(http, [{"text": both, "entities": ["DOW", "Dow Jones"]}])
        price = _post(http, [{"text": "Target price raised for Infosys", "entities": ["TGT"]}])
        inside = _post(http, [{"text": "Adani Ports, Adani Green rally", "entities": ["Adani"]}])
    # Sunrun's ticker is its name's, not the verb's.
    for answer in (run, title):
        (sunrun,) = answer.json()["results"][0]["entities"]
        assert (sunrun["start"], sunrun["end"], sunrun["company"]) == (21, 27, "W:SUNRUN")
    detail = word_only.json()["detail"][0]["msg"]
    assert word_only.status_code == 422 and "'run' is a word there" in detail
    # In Title case too a ticker that no list writes as a name is the word, where the
    # headline names its company nowhere; a name in capitals is read in any case.
    detail = title_word.json()["detail"][0]["msg"]
    assert title_word.status_code == 422 and "'All' is a word there, not the ticker" in detail
    # A one-letter ticker standing alone is a word or a letter, its company's name not.
    assert letter.status_code == 422 and "'A' stands alone there" in letter.text
    (a,) = agilent.json()["results"][0]["entities"]
    assert (a["start"], a["end"], a["company"]) == (0, 7, "A")
    # "Dow" alone is the index in market news: the index asked by its name, not DOW.
    detail = index_moves.json()["detail"]
    assert [e["loc"][-1] for e in detail] == [0]
    assert "it stands for the index there, in 'Dow, S&P'" in detail[0]["msg"]
    assert "'Target' stands only in 'Price Target'" in target.json()["detail"][0]["msg"]
    # Southern Company's word name inside another company's name is that company's.
    detail = copper.json()["detail"][0]["msg"]
    assert detail.endswith("its company's name 'Southern' stands only inside 'Southern Copper'")
    (tcs,) = title_name.json()["results"][0]["entities"]
    assert (tcs["start"], tcs["end"], tcs["company"]) == (0, 3, "NSE:TCS")
    # A name asked in lower case is the company's where the text writes its name.
    (apple,) = lower.json()["results"][0]["entities"]
    assert (apple["start"], apple["end"], apple["company"]) == (0, 5, "AAPL")
    detail = index_only.json()["detail"][0]["msg"]
    assert index_only.status_code == 422 and "'Dow Jones', which names something else" in detail
    # Dow Inc's ticker finds Dow Inc; the index asked for by its name is the index.
    dow, index = index_and_dow.json()["results"][0]["entities"]
    assert (dow["start"], dow["end"], dow["company"]) == (30, 37, "DOW")
    assert (index["start"], index["end"], index["company"]) == (0, 9, None)
    assert price.status_code == 422 and price.json()["detail"][0]["msg"].endswith(
        "its company's name 'Target' stands only in 'Target price', which names something else"
    )
    # Written only inside other companies' names, the refusal names them.
    detail = inside.json()["detail"][0]["msg"]
    assert "only inside other companies' names: 'Adani Ports', 'Adani Green'" in detail


def test_brands_in_lower_or_camel_case_are_their_companies(server: Server) -> None:
    text = "onsemi cuts outlook as easyJet rises"
    with server.client() as http:
        found = _post(http, [{"text": text, "entities": "auto"}])
        by_ticker = _post(http, [{"text": "onsemi jumps on AI demand", "entities": ["ON"]}])
    entities = found.json()["results"][0]["entities"]
    answered = [(e["name"], e["company"]) for e in entities]
    assert answered == [("onsemi", "ON"), ("easyJet", "W:EASYJET")]
    # ON's ticker is the brand there, not the preposition "on".
    (on,) = by_ticker.json()["results"][0]["entities"]
    assert (on["start"], on["end"], on["company"]) == (0, 6, "ON")


def test_an_entity_is_read_in_its_headlines_language(server: Server) -> None:
    texts = ["Infosys 株価が急落", "La Bourse de Paris termine en baisse, LVMH recule"]
    with server.client() as http:
        answer = _post(http, [{"text": t, "entities": "auto"} for t in texts])
    mixed, french = answer.json()["results"]
    # One verdict for a headline and its entities, whichever it is.
    assert [e["language"] for e in mixed["entities"]] == [mixed["language"]]
    assert french["language"] == "fr"
    (lvmh,) = french["entities"]
    assert lvmh["language"] == "fr" and lvmh["label"] == "neutral"
    assert lvmh["scores"] == pytest.approx(dict.fromkeys(lvmh["scores"], 1 / 3))


def test_a_company_whose_ticker_is_a_name_of_no_company_keeps_it(server: Server) -> None:
    # Gartner's ticker IT is also SEntFiN's name for the IT sector, Omnicom's OMC its name
    # for oil marketing companies: the companies keep their keys, the sectors have none.
    items: list[object] = [
        {"text": "Gartner falls as IT stocks slide", "entities": "auto"},
        {"text": "Gartner Shares Sink On Outlook", "entities": ["IT"]},
        {"text": "Infosys, Wipro Lead IT Stocks Higher", "entities": ["IT"]},
        {"text": "OMCs fall as crude rises; Omnicom beats", "entities": "auto"},
    ]
    with server.client() as http:
        results = _post(http, items).json()["results"]
    found = [[(e["name"], e["company"]) for e in r["entities"]] for r in results]
    assert found == [
        [("Gartner", "IT"), ("IT stocks", None)],
        [("IT", "IT")],
        [("IT", None)],
        [("OMCs", None), ("Omnicom", "OMC")],
    ]


def test_a_legal_form_is_read_in_any_case(server: Server) -> None:
    # Holdings files write names in capitals: "MICROSOFT CORP" is Microsoft's.
    items: list[object] = [
        {"text": "Microsoft beats estimates", "entities": ["MICROSOFT CORP"]},
        {"text": "Infosys beats estimates", "entities": ["infosys limited"]},
        {"text": "Target cuts outlook", "entities": ["TARGET CORP"]},
    ]
    with server.client() as http:
        results = _post(http, items).json()["results"]
    found = [[(e["start"], e["end"], e["company"]) for e in r["entities"]] for r in results]
    assert found == [[(0, 9, "MSFT")], [(0, 7, "NSE:INFY")], [(0, 6, "TGT")]]


def test_a_companys_name_that_is_a_word_is_found_for_its_ticker(server: Server) -> None:
    # "auto" leaves "Shell" and "Arm" out as words where nothing says they are the
    # companies; a portfolio's SHEL or ARM says which, and so does what a company does.
    items: list[object] = [
        {"text": "Shell profit beats forecasts", "entities": ["SHEL"]},
        {"text": "Shell profit beats forecasts", "entities": ["Shell plc"]},
        {"text": "Arm Shares Jump On AI Demand", "entities": ["ARM"]},
        {"text": "Shell companies draw scrutiny", "entities": "auto"},
        {"text": "Shell profit beats forecasts", "entities": "auto"},
        # Its own ticker beside it says the word is the company, as "Target (TGT)" does.
        {"text": "Shell (SHEL) profit beats forecasts", "entities": "auto"},
        # All in lower case the word is written so too.
        {"text": "target cuts outlook as shoppers pull back", "entities": ["TGT"]},
    ]
    with server.client() as http:
        results = _post(http, items).json()["results"]
    found = [[(e["start"], e["end"], e["company"]) for e in r["entities"]] for r in results]
    assert found == [
        [(0, 5, "W:SHELL")],
        [(0, 5, "W:SHELL")],
        [(0, 3, "W:ARM")],
        [],
        [(0, 5, "W:SHELL")],
        [(0, 5, "W:SHELL")],
        [(0, 6, "TGT")],
    ]


def test_auto_says_how_many_entities_it_left_out(server: Server) -> None:
    names = (
        "Infosys, TCS, Wipro, HCL Technologies, Tech Mahindra, Reliance Industries, HDFC Bank, "
        "ICICI Bank, Axis Bank, Tata Motors, Maruti Suzuki, Bajaj Auto, Hero MotoCorp, "
        "Sun Pharma, Cipla, Lupin, Titan, Asian Paints"
    )
    with server.client() as http:
        response = _post(http, [{"text": f"Stocks in news: {names}", "entities": "auto"}])
        few = _post(http, [{"text": "Infosys gains, TCS slips", "entities": "auto"}])
    many = response.json()["results"][0]
    # Eighteen found, the first sixteen answered, and the answer says two are missing.
    assert [e["name"] for e in many["entities"]] == names.split(", ")[:16]
    assert many["entities_left_out"] == 2
    assert "entities_left_out" not in few.json()["results"][0]


def test_auto_asks_the_shipped_tagger_for_companies_no_list_holds(
    server: Server, server_factory: Callable[..., Server]
) -> None:
    text = "Origin Property forms 6 billion baht condo venture with Tokyu Land"
    bad = [{"text": text, "entities": "auto"}, {"text": " ", "entities": "auto"}]
    with server.client() as http:
        tagged = _post(http, [{"text": text, "entities": "auto"}, "Tokyu Land gains"])
        refused = _post(http, bad)
    assert tagged.status_code == 200, tagged.text
    entities = tagged.json()["results"][0]["entities"]
    # Neither is in the lists, nor where the readings look: the tagger finds both, and
    # each is answered as any found company is, with no list's key.
    assert [(text[e["start"] : e["end"]], e["company"]) for e in entities] == [
        ("Origin Property", None),
        ("Tokyu Land", None),
    ]
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "headlines", 1, "text"]
    off = server_factory(
        {
            "MENTION_TAGGER": "false",
            "ENTITY_SENTIMENT_MODEL": "entity_sentiment",
            "FORECAST_MODEL": "",
        }
    )
    with off.client() as http:
        untagged = _post(http, [{"text": text, "entities": "auto"}])
    assert untagged.json()["results"][0]["entities"] == []


def test_a_refused_request_asks_the_tagger_once(server: Server) -> None:
    text = "Origin Property forms 6 billion baht condo venture with Tokyu Land"
    tagged = "mention_tagger_batch_headlines_sum"
    before = scrape(server)
    with server.client() as http:
        refused = _post(
            http, [{"text": text, "entities": "auto"}, {"text": text, "entities": ["Wipro"]}]
        )
    after = scrape(server)
    # The "auto" headline is valid and tagged; the named one is refused. The answer comes
    # from that one check, not from the route checking the request again.
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "headlines", 1, "entities", 0]
    assert after[tagged] - before[tagged] == 1
    with server.client() as http:
        assert _post(http, [{"text": text, "entities": "auto"}]).status_code == 200
    assert scrape(server)[tagged] - after[tagged] == 1


def test_auto_finds_gazetteer_names_and_cashtags(server: Server) -> None:
    text = "Tata Motors rallies, Maruti Suzuki falls; $AAPL flat"
    # The committed list has these only as "Wipro Ltd., WIPRO", "Cipla Ltd." and "SEBI":
    # headlines write them without the legal form and in Title case.
    short = "Sebi fines Wipro; Cipla and INFY unmoved"
    # Companies of neither list, from the project's own (data/world_companies/).
    world = "Toyota profit slumps as yen strengthens; Sony and AMD shares surge"
    plain_world = "Toyota profit slumps as yen strengthens; Sony shares surge"
    # A company in no list, named by its exchange tag.
    tag = "Knoll (NYSE:KNL) Has A Pretty Healthy Balance Sheet"
    with server.client() as http:
        response = _post(
            http,
            [
                {"text": text, "entities": "auto"},
                {"text": short, "entities": "auto"},
                {"text": "x", "entities": "auto"},
                {"text": world, "entities": "auto"},
                {"text": tag, "entities": "auto"},
                # Wires' headlines all in capitals.
                {"text": world.upper(), "entities": "auto"},
                {"text": plain_world, "entities": "auto"},
                {"text": plain_world.upper(), "entities": "auto"},
                # Typed all in lower case.
                {"text": plain_world.lower(), "entities": "auto"},
            ],
        )
    assert response.status_code == 200, response.text
    found, found_short, nothing, found_world, found_tag, *capitals = response.json()["results"]
    shouted, plain, loud, typed = capitals
    # Names the lists write with a small letter are found in capitals too, as the text
    # writes them, and so is "AMD", which the list writes in capitals and headlines
    # never write otherwise (an acronym).
    assert [e["name"] for e in shouted["entities"]] == ["TOYOTA", "SONY", "AMD"]
    # The same companies at the same places get the same answers: the models read
    # either case alike.
    assert [e["name"] for e in loud["entities"]] == ["TOYOTA", "SONY"]
    assert [e["name"] for e in typed["entities"]] == ["toyota", "sony"]
    for other in (loud, typed):
        for a, b in zip(other["entities"], plain["entities"], strict=True):
            assert (a["start"], a["end"], a["label"]) == (b["start"], b["end"], b["label"])
            assert a["scores"] == pytest.approx(b["scores"], abs=1e-5)
    assert [(e["name"], e["start"]) for e in found_tag["entities"]] == [("Knoll", 0)]
    assert [e["company"] for e in found_tag["entities"]] == ["KNL"]
    toyota, sony, amd = found_world["entities"]
    assert (toyota["name"], sony["name"], amd["name"]) == ("Toyota", "Sony", "AMD")
    assert (toyota["label"], sony["label"]) == ("negative", "positive")
    names = [e["name"] for e in found["entities"]]
    assert names == ["Tata Motors", "Maruti Suzuki", "$AAPL"]
    assert [e["name"] for e in found_short["entities"]] == ["Sebi", "Wipro", "Cipla", "INFY"]
    for item, sent in ((found, text), (found_short, short)):
        for entity in item["entities"]:
            assert sent[entity["start"] : entity["end"]] == entity["name"]
    assert nothing["entities"] == []


@pytest.mark.parametrize(
    ("item", "loc", "words"),
    [
        ({"text": OPPOSITE, "entities": ["Wipro"]}, [0, "entities", 0], "'Wipro' does not occur"),
        ({"text": OPPOSITE, "entities": ["TCS", ""]}, [0, "entities", 1], "blank"),
        # A name the text does not write, though its words are a company's, is no name.
        ({"text": OPPOSITE, "entities": ["(Infosys"]}, [0, "entities", 0], "does not occur"),
        ({"text": OPPOSITE, "entities": ["TCS!!!"]}, [0, "entities", 0], "does not occur"),
        # A long name is quoted by its start and its length, not echoed whole.
        (
            {"text": OPPOSITE, "entities": ["W" * 100_000]},
            [0, "entities", 0],
            f"entity {'W' * 80!r}... (100000 characters) does not occur",
        ),
        # One mention named twice, in any case: each entity is answered once.
        (
            {"text": OPPOSITE, "entities": ["TCS", "Infosys", "tcs"]},
            [0, "entities", 2],
            "'tcs' names the same mention as entities[0] (characters 18 to 21)",
        ),
        ({"text": OPPOSITE}, [0, "entities"], "Field required"),
        ({"text": OPPOSITE, "entities": "all"}, [0, "entities"], "'auto'"),
        ({"text": OPPOSITE, "entities": None}, [0, "entities"], 'a list of names or "auto"'),
        ({"text": OPPOSITE, "entities": {}}, [0, "entities"], 'a list of names or "auto"'),
        ({"text": OPPOSITE, "entities": ["TCS", 5]}, [0, "entities", 1], "valid string"),
        ({"text": " ", "entities": ["x"]}, [0, "text"], "blank"),
        ({"text": OPPOSITE, "entities": ["TCS"], "lang": "en"}, [0, "lang"], "Extra inputs"),
        ({"entities": ["TCS"]}, [0, "text"], "Field required"),
    ],
)
def test_bad_entity_items_get_a_422_naming_the_problem(
    server: Server, item: dict[str, object], loc: list[object], words: str
) -> None:
    with server.client() as http:
        response = _post(http, [item])
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    named = [e for e in errors if e["loc"][:2] == ["body", "headlines"] and e["loc"][2:] == loc]
    assert named, errors
    assert any(words in e["msg"] for e in named), named


def test_openapi_shows_both_forms_with_examples(server: Server) -> None:
    with server.client() as http:
        spec = http.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    items = schemas["SentimentRequest"]["properties"]["headlines"]["items"]
    kinds = [form.get("type") or form.get("$ref") for form in items["oneOf"]]
    assert kinds == ["string", "#/components/schemas/EntityHeadline"]
    mixed = schemas["SentimentRequest"]["examples"][1]["headlines"]
    assert any(isinstance(h, str) for h in mixed) and any(isinstance(h, dict) for h in mixed)
    assert {e["entities"] == "auto" for e in schemas["EntityHeadline"]["examples"]} == {
        True,
        False,
    }
    result = schemas["SentimentResult"]["properties"]
    assert "entities" in result and "EntityResult" in schemas


def test_an_exchange_tag_changes_no_answer(server: Server) -> None:
    plain = "Apple beats estimates as Microsoft misses"
    tagged = "Apple (NASDAQ:AAPL) beats estimates as Microsoft (NASDAQ: MSFT) misses"
    with server.client() as http:
        response = _post(
            http,
            [
                plain,
                tagged,
                {"text": plain, "entities": "auto"},
                {"text": tagged, "entities": "auto"},
            ],
        )
    assert response.status_code == 200, response.text
    bare, with_tags, bare_entities, tagged_entities = response.json()["results"]
    assert with_tags["scores"] == pytest.approx(bare["scores"], abs=1e-5)
    # Each tag is its company's: two entities either way, the mentions where the names are.
    assert [(e["name"], e["start"]) for e in tagged_entities["entities"]] == [
        ("Apple", 0),
        ("Microsoft", 39),
    ]
    for a, b in zip(tagged_entities["entities"], bare_entities["entities"], strict=True):
        assert a["label"] == b["label"]
        assert a["scores"] == pytest.approx(b["scores"], abs=1e-5)


def test_a_company_named_twice_is_read_at_both_mentions(server: Server) -> None:
    # The news is at the second mention: read there as words, it was no company's, and
    # the broker and the parent took its sign (SocGen positive 0.83, Alphabet neutral).
    upgrade = "Societe Generale upgrades Nestle; Nestle shares rise 3%"
    fined = "Alphabet's Google fined 2.4 billion euros by EU regulators"
    with server.client() as http:
        answer = _post(
            http,
            [
                {"text": upgrade, "entities": ["Nestle", "Societe Generale"]},
                {"text": fined, "entities": "auto"},
            ],
        )
    assert answer.status_code == 200, answer.text
    upgraded, parent = answer.json()["results"]
    labels = {e["name"]: e["label"] for e in upgraded["entities"]}
    assert labels == {"Nestle": "positive", "Societe Generale": "neutral"}
    # Two names of one company are one entity, answered at the first.
    (alphabet,) = parent["entities"]
    assert (alphabet["name"], alphabet["start"], alphabet["label"]) == ("Alphabet", 0, "negative")
