"""The README's example answers are what the committed models answer now.

Each example block in README.md follows a `<!-- example: NAME -->` marker. The request
is sent to a real server of the committed models and the printed answer is compared
with the live one, to the digits the README shows; fields that depend on the moment
(the data's age, the last refresh) are left out. On a mismatch the live answer is
printed, ready to paste into the README.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from tests.conftest import ROOT, Server

README = ROOT / "README.md"


def shown(name: str) -> object:
    return json.loads(example(name), parse_float=Decimal)


def example(name: str) -> str:
    text = README.read_text()
    found = re.search(rf"<!-- example: {name} -->\n```\w*\n(.*?)\n```", text, re.S)
    assert found, f"README.md has no block marked <!-- example: {name} -->"
    return found.group(1)


def close(shown: object, live: object, path: str = "") -> list[str]:
    """Where `shown` differs from `live`; a number shown with k decimals matches a live
    one within one unit of its k-th decimal."""
    if isinstance(shown, dict) and isinstance(live, dict):
        out = (
            [f"{path}: keys {sorted(shown)} != {sorted(live)}"]
            if shown.keys() != live.keys()
            else []
        )
        return out + [
            e for k in shown.keys() & live.keys() for e in close(shown[k], live[k], f"{path}.{k}")
        ]
    if isinstance(shown, list) and isinstance(live, list):
        if len(shown) != len(live):
            return [f"{path}: {len(shown)} items != {len(live)}"]
        return [
            e
            for i, (a, b) in enumerate(zip(shown, live, strict=True))
            for e in close(a, b, f"{path}[{i}]")
        ]
    if isinstance(shown, Decimal) and isinstance(live, int | float):
        digits = -int(shown.as_tuple().exponent)
        # One unit in the last digit shown: float32 sums differ by kernel (oneDNN or not).
        if abs(Decimal(str(round(live, digits))) - shown) <= Decimal(10) ** -digits:
            return []
        return [f"{path}: {shown} != {live}"]
    return [] if shown == live else [f"{path}: {shown!r} != {live!r}"]


def check(name: str, shown: object, live: object) -> None:
    errors = close(shown, live)
    assert not errors, (
        f"README example {name} is out of date: {errors}\nlive answer:\n" + json.dumps(live)
    )


def test_the_sentiment_example(server: Server) -> None:
    request = json.loads(re.search(r"-d '(.*)'", example("sentiment-request"), re.S).group(1))  # type: ignore[union-attr]
    with server.client() as http:
        live = http.post("/sentiment", json=request).json()
    check("sentiment-response", shown("sentiment-response"), live)


def test_the_entity_example(server: Server) -> None:
    request = json.loads(re.search(r"-d '(.*)'", example("entity-request"), re.S).group(1))  # type: ignore[union-attr]
    with server.client() as http:
        live = http.post("/sentiment", json=request).json()
    check("entity-response", shown("entity-response"), live)


def test_the_422_example(server: Server) -> None:
    with server.client() as http:
        live = http.post("/sentiment", json={"headlines": []}).json()
    check("sentiment-422", shown("sentiment-422"), live)


def test_the_forecast_example(server: Server) -> None:
    with server.client() as http:
        live = http.get("/forecast").json()
    printed = shown("forecast-response")
    for body in (printed, live):  # type: ignore[assignment]
        # The moment of the answer, and the reason names this test's closed FRED port.
        del body["inputs"]["age_hours"], body["inputs"]["last_refresh"]
    check("forecast-response", printed, live)


@pytest.mark.parametrize(
    "name",
    [
        "sentiment-request",
        "sentiment-response",
        "entity-request",
        "entity-response",
        "forecast-response",
    ],
)
def test_each_example_is_marked_once(name: str) -> None:
    assert README.read_text().count(f"<!-- example: {name} -->") == 1
