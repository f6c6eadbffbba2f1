"""Label changes under an exchange tag after a company, as sent and as the service
reads the text."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from app.sentiment.entities import Gazetteer
from training.entity_sentiment.exchange_tags import label_changes, tag_for, tagged

KEYS = {"Apple": "AAPL", "Infosys": "NSE:INFY", "Toyota": "W:TOYOTA"}
KNOWN = Gazetteer(KEYS, KEYS, exchange_tags=True)


def by_brackets(texts: Sequence[str]) -> np.ndarray:
    """Negative when a text holds a bracket, else positive: a model the tag decides."""
    return np.array([[0.9, 0.1, 0.0] if "(" in t else [0.0, 0.1, 0.9] for t in texts])


def test_a_company_with_a_ticker_gets_its_exchange_tag() -> None:
    assert tag_for("AAPL") == " (NYSE:AAPL)"
    assert tag_for("NSE:INFY") == " (NSE: INFY)"
    assert tag_for("W:TOYOTA") is None
    case = tagged("Toyota and Infosys gain; Apple flat", KNOWN)
    assert case is not None
    text, with_tag, marked, marked_tag, served = case
    assert text == "Toyota and Infosys gain; Apple flat"
    # Toyota has no ticker: the first company with one is tagged, and marked.
    assert with_tag == "Toyota and Infosys (NSE: INFY) gain; Apple flat"
    assert marked == " xotherx  and  xtargetx  gain;  xotherx  flat"
    assert marked_tag == " xotherx  and  xtargetx  (NSE: INFY) gain;  xotherx  flat"
    assert served == marked_tag  # the reading takes an exchange tag out later
    assert tagged("Apple (AAPL.O) gains", KNOWN) is None  # a bracket already
    assert tagged("Toyota gains", KNOWN) is None


def test_the_service_reading_leaves_the_tag_nothing_to_change() -> None:
    texts = ["Apple beats", "Infosys misses", "Toyota flat", "Apple beats"]
    got = label_changes(by_brackets, by_brackets, texts, KNOWN)
    assert got == {
        "headlines": 2,
        "headline model, as sent": 1.0,
        "headline model, read": 0.0,
        "entity model, as sent": 1.0,
        "entity model, read": 0.0,
    }


def by_tickers(texts: Sequence[str]) -> np.ndarray:
    """Negative when a text holds a ticker in capitals, else positive."""
    return np.array([[0.9, 0.1, 0.0] if "AAPL" in t else [0.0, 0.1, 0.9] for t in texts])


@pytest.mark.parametrize(
    ("form", "tag"), [("(AAPL)", " (AAPL)"), ("$AAPL", " $AAPL"), ("($AAPL)", " ($AAPL)")]
)
def test_the_entity_model_reads_no_ticker_beside_a_name(form: str, tag: str) -> None:
    assert tag_for("AAPL", form) == tag
    # Other forms are an S&P 500 ticker's; an NSE symbol has only its exchange's tag.
    assert tag_for("NSE:INFY", form) is None
    case = tagged("Infosys slips as Apple gains", KNOWN, form)
    assert case is not None
    assert case[1] == f"Infosys slips as Apple{tag} gains"
    assert case[3] == f" xotherx  slips as  xtargetx {tag} gains"
    assert case[4] == case[2] == " xotherx  slips as  xtargetx  gains"
    got = label_changes(by_tickers, by_tickers, ["Apple gains", "Toyota flat"], KNOWN, form)
    # The headline model still reads it: only the entity model's reading leaves it out.
    assert got == {
        "headlines": 1,
        "headline model, as sent": 1.0,
        "headline model, read": 1.0,
        "entity model, as sent": 1.0,
        "entity model, read": 0.0,
    }
