"""An outlet's credit and a wire's slugs are taken out of what the models read; a dash
or a colon that is the headline's own stays."""

from __future__ import annotations

import pytest

from app.sentiment.outlet_marks import credit_start, without_outlet_marks

HEADLINE = "Apple beats estimates"


@pytest.mark.parametrize(
    "marked",
    [
        f"{HEADLINE} - Reuters",
        f"{HEADLINE} | Economic Times",
        f"{HEADLINE} \u2014 Bloomberg",
        f"{HEADLINE} \u2013 CNBC-TV18 ",
        f"{HEADLINE} (Bloomberg)",
        f"{HEADLINE} - Nasdaq",
        f"UPDATE 1-{HEADLINE}",
        f"RPT-UPDATE 2-{HEADLINE} - Reuters",
        f"CORRECTED-{HEADLINE}",
        f"BREAKING: {HEADLINE}",
        f"JUST IN:  {HEADLINE} | Yahoo Finance",
        # A post's attribution, and a credit before it.
        f"{HEADLINE} (via @Reuters)",
        f"{HEADLINE} via @CNBCMakeIt",
        f"{HEADLINE} (VIA Bloomberg)\u2026",
        f"{HEADLINE} - Reuters (via @YahooFinance)",
    ],
)
def test_the_outlets_marks_are_taken_out(marked: str) -> None:
    assert without_outlet_marks(marked) == HEADLINE


@pytest.mark.parametrize(
    "own",
    [
        f"{HEADLINE} - shares jump",  # a dash before the headline's own words
        f"{HEADLINE} (NYSE:AAPL)",  # an exchange tag, not an outlet
        "II-VI EPS in-line, beats on revenue",  # a company, not a slug
        "NYSE-Listed $PINS rises",
        "Markets: stocks rise as Apple beats estimates",  # a section, not a wire's flag
        f"{HEADLINE}: report",
        "Update on Apple's results",  # the word, not the slug
        "Reuters",  # nothing would be left
        "UPDATE 1-",
        "Apple to raise $5bn via bond sale",  # the news, not an attribution
        f"{HEADLINE} (via bond sale)",
        f"{HEADLINE} via Reuters",  # unbracketed, only a handle is one
        "via @Reuters",
    ],
)
def test_the_headlines_own_words_stay(own: str) -> None:
    assert without_outlet_marks(own) == own


def test_the_credit_starts_at_its_separator() -> None:
    assert credit_start(f"{HEADLINE} - Nasdaq") == len(HEADLINE)
    assert credit_start(f"{HEADLINE} (Reuters)") == len(HEADLINE)
    # The last separator's tail decides: "Nasdaq - S&P" is no outlet.
    assert credit_start(f"{HEADLINE} - Nasdaq - shares up") is None
    assert credit_start(HEADLINE) is None


@pytest.mark.parametrize(
    "marked",
    [
        f"{HEADLINE} - Reuters".upper(),
        f"UPDATE 1-{HEADLINE} (Bloomberg)".upper(),
        f"{HEADLINE} | Economic Times".lower(),
        f"breaking: {HEADLINE} - reuters".lower(),
        f"rpt-update 2-{HEADLINE}".lower(),
    ],
)
def test_a_headline_in_one_case_has_its_marks_in_that_case(marked: str) -> None:
    # A wire in capitals credits itself in capitals, a text in lower case in lower case.
    assert without_outlet_marks(marked) == (
        HEADLINE.upper() if marked.isupper() else HEADLINE.lower()
    )


def test_an_outlet_in_another_case_than_its_headline_is_the_headlines_own() -> None:
    for own in (f"{HEADLINE} - REUTERS", f"{HEADLINE} - reuters", "apple beats - Mint words"):
        assert without_outlet_marks(own) == own
