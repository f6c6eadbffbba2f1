"""Input that is not text, or not JSON's kind of number: a 422 that names it, never a
500, never a traceback, and never a failed batch for the requests beside it."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.errors import encodable
from tests.conftest import Server, json_log, start_server, stop_server

GOOD = ["Sensex ends flat", "Rupee slumps to record low", "Infosys beats estimates"]
# Raw request bodies: JSON escapes and bytes that decode to lone surrogates, and numbers
# JSON cannot carry back (the 422 echoes its input).
POISON: list[tuple[bytes, list[object], str]] = [
    (b'{"headlines": ["\\ud800"]}', ["body", "headlines", 0], "U+D800"),
    (b'{"headlines": ["fine", "abc \\udfff def"]}', ["body", "headlines", 1], "U+DFFF"),
    (b'{"headlines": [NaN]}', ["body", "headlines", 0], "must be a string"),
    (b'{"headlines": [1e999999]}', ["body", "headlines", 0], "must be a string"),
    (b'{"headlines": ["a"], "x": Infinity}', ["body", "x"], "Extra inputs"),
]


# Raw bytes that would decode to a lone surrogate are not UTF-8 at all: a 400 that says so.
NOT_UTF8 = b'{"headlines": ["\xed\xa0\x80"]}'


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(
        tmp_path_factory.mktemp("poison"), {"LOG_LEVEL": "info", "FORECAST_MODEL": ""}
    )
    yield srv
    stop_server(srv)


@pytest.mark.parametrize(("body", "loc", "named"), POISON)
def test_poison_gets_a_422_naming_it(
    own_server: Server, body: bytes, loc: list[object], named: str
) -> None:
    with own_server.client() as http:
        response = http.post(
            "/sentiment", content=body, headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/json"
    (error,) = [e for e in response.json()["detail"] if e["loc"] == loc]
    assert named in error["msg"]


def test_a_body_that_is_not_utf8_gets_a_400_saying_so(own_server: Server) -> None:
    with own_server.client() as http:
        response = http.post(
            "/sentiment", content=NOT_UTF8, headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "the body must be UTF-8 text: byte 0xed at offset 16 is not"
    }


def test_poison_beside_real_traffic_fails_alone(own_server: Server) -> None:
    with own_server.client() as http:
        alone = [http.post("/sentiment", json={"headlines": [h]}).json() for h in GOOD]

    def post(k: int) -> tuple[int, object]:
        with own_server.client() as http:
            if k % 2:
                body = [NOT_UTF8, *(p[0] for p in POISON)][(k // 2) % (len(POISON) + 1)]
                r = http.post(
                    "/sentiment", content=body, headers={"Content-Type": "application/json"}
                )
                return r.status_code, None
            r = http.post("/sentiment", json={"headlines": [GOOD[k % 3]]})
            return r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(post, range(96)))
    for k, (status, body) in enumerate(outcomes):
        if k % 2:
            assert status in (400, 422)
        else:
            assert status == 200
            assert body["results"][0]["label"] == alone[k % 3]["results"][0]["label"]  # type: ignore[index]
    entries = json_log(own_server.log)
    # No batch broke, and nothing was logged as an error with a traceback (TensorFlow's
    # own start-up lines, "native", may say it found no GPU).
    assert not [e for e in entries if "batch of" in e["msg"]]
    python = [e for e in entries if e["logger"] != "native"]
    assert not [e for e in python if e["level"] in {"error", "critical"} or "exc" in e]


def test_error_echoes_are_made_encodable() -> None:
    assert encodable({"a": [float("nan"), float("-inf"), "x\ud800", 1.5]}) == {
        "a": ["NaN", "-Infinity", "x\\ud800", 1.5]
    }
