"""The service over real HTTP: a uvicorn process on a loopback port, the committed model."""

from __future__ import annotations

import gzip
import json
import math
import shutil
import time
from pathlib import Path

import pytest

from app.forecast.schemas import ForecastResponse
from app.model_store import version_dir
from app.sentiment.schemas import SentimentResponse
from tests.conftest import ROOT, Server, run_app, scrape

HEADLINES = [
    "Infosys shares surge 8% after strong Q3 earnings beat",
    "Rupee slumps to record low as foreign investors pull out",
    "RBI to hold monetary policy meeting on Tuesday",
]


def test_health_ready_and_models(server: Server) -> None:
    with server.client() as http:
        assert http.get("/healthz").json() == {"status": "ok", "reasons": []}
        ready = http.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        models = http.get("/models").json()["models"]
    (model,) = [m for m in models if m["name"] == "sentiment"]
    assert model["path"] == f"sentiment/{model['version']}"
    # The server's own file system is not shown.
    assert str(ROOT) not in json.dumps(models)
    assert model["version"] >= 1
    (device,) = {m["device"] for m in models}  # both models on one device
    assert device in {"CPU:0", "GPU:0"}
    assert model["metadata"]["labels"] == ["negative", "neutral", "positive"]
    assert (
        model["metadata"]["metrics"]["test"]["accuracy"]
        >= (model["metadata"]["baseline"]["test"]["accuracy"])
    )


def test_sentiment_labels_in_input_order(server: Server) -> None:
    with server.client() as http:
        response = http.post("/sentiment", json={"headlines": HEADLINES})
        single = [
            http.post("/sentiment", json={"headlines": [h]}).json()["results"][0] for h in HEADLINES
        ]
    assert response.status_code == 200
    body = response.json()
    assert body["model"]["name"] == "sentiment" and body["model"]["version"] >= 1
    results = body["results"]
    assert [r["label"] for r in results] == ["positive", "negative", "neutral"]
    for result, alone in zip(results, single, strict=True):
        scores = result["scores"]
        assert set(scores) == {"negative", "neutral", "positive"}
        assert math.isclose(sum(scores.values()), 1.0, abs_tol=1e-6)
        assert all(0.0 <= p <= 1.0 for p in scores.values())
        assert result["label"] == max(scores, key=scores.get)
        # A headline's answer does not depend on its neighbours in the request.
        for label, p in scores.items():
            assert alone["scores"][label] == pytest.approx(p, abs=1e-5)


def test_answers_match_their_documented_schemas(server: Server) -> None:
    # Both endpoints write their JSON themselves, so the schemas are checked here.
    with server.client() as http:
        sentiment = http.post("/sentiment", json={"headlines": HEADLINES})
        forecast = http.get("/forecast")
    assert sentiment.headers["content-type"] == "application/json"
    parsed = SentimentResponse.model_validate_json(sentiment.content)
    assert len(parsed.results) == len(HEADLINES)
    assert forecast.headers["content-type"] == "application/json"
    assert len(ForecastResponse.model_validate_json(forecast.content).forecasts) == 4


def test_headlines_are_trimmed(server: Server) -> None:
    with server.client() as http:
        plain = http.post("/sentiment", json={"headlines": [HEADLINES[0]]}).json()
        padded = http.post("/sentiment", json={"headlines": [f"  \t{HEADLINES[0]}\n "]}).json()
    assert padded["results"] == plain["results"]


def test_spaces_tabs_and_line_breaks_between_words_read_as_one_space(server: Server) -> None:
    # As a headline pasted from a page carries them: the character grams read each.
    text = "Powell says inflation fight is far from over, markets slide"
    pasted = ["  ".join(text.split()), "\t".join(text.split()), text.replace(", ", ",\n")]
    with server.client() as http:
        answers = http.post("/sentiment", json={"headlines": [text, *pasted]}).json()["results"]
    for answer in answers[1:]:
        assert answer["label"] == answers[0]["label"]
        assert answer["scores"] == pytest.approx(answers[0]["scores"], abs=1e-6)


@pytest.mark.parametrize(
    "text",
    [
        "📈📈 Sensex soars 🚀",
        "日経平均株価が急落",
        "انخفاض أسعار النفط",
        "null\x00byte in headline",
        "\u202eRTL override",
        "a",
        "x" * 1000,
        "Ω≈ç√∫µ≤≥÷",
        "<script>alert(1)</script>",
    ],
)
def test_any_unicode_is_answered(server: Server, text: str) -> None:
    with server.client() as http:
        response = http.post("/sentiment", json={"headlines": [text]})
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert math.isclose(sum(result["scores"].values()), 1.0, abs_tol=1e-6)
    assert 0.0 <= result["coverage"] <= 1.0


def test_each_result_says_how_much_of_the_headline_the_model_knows(server: Server) -> None:
    texts = [
        HEADLINES[0],
        "日経平均株価が急落",
        "🚀🚀🚀",
        "Acme shares zzqxv wqxyz",
    ]
    with server.client() as http:
        results = http.post("/sentiment", json={"headlines": texts}).json()["results"]
    coverage = [r["coverage"] for r in results]
    # Every token of a plain English headline is known; none of Japanese or emoji; of
    # the last, "acme" and "shares" but not the two made-up words.
    assert coverage == [1.0, 0.0, 0.0, 0.5]
    for unreadable in results[1:3]:
        assert unreadable["label"] == "neutral"
        assert unreadable["scores"] == pytest.approx(dict.fromkeys(unreadable["scores"], 1 / 3))


def _detail(response) -> list[dict]:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    return detail


def test_empty_list_is_rejected(server: Server) -> None:
    with server.client() as http:
        (err,) = _detail(http.post("/sentiment", json={"headlines": []}))
    assert err["loc"] == ["body", "headlines"]
    assert "1 to 256" in err["msg"]


def test_too_many_headlines_are_rejected(server: Server) -> None:
    with server.client() as http:
        (err,) = _detail(http.post("/sentiment", json={"headlines": ["ok"] * 257}))
    assert err["loc"] == ["body", "headlines"] and "got 257" in err["msg"]
    with server.client() as http:
        assert http.post("/sentiment", json={"headlines": ["ok"] * 256}).status_code == 200


def test_blank_and_overlong_headlines_are_named(server: Server) -> None:
    with server.client() as http:
        errors = _detail(
            http.post(
                "/sentiment",
                json={"headlines": ["fine", "   \n", "y" * 1001, " " + "z" * 1000 + " "]},
            )
        )
    assert [e["loc"] for e in errors] == [["body", "headlines", 1], ["body", "headlines", 2]]
    assert "blank" in errors[0]["msg"] and "1000" in errors[0]["msg"]
    assert "1001 characters" in errors[1]["msg"] and "limit is 1000" in errors[1]["msg"]
    # Characters no reader sees are no text either.
    with server.client() as http:
        unseen = _detail(
            http.post("/sentiment", json={"headlines": ["fine", "\u200b\ufeff", "<br>"]})
        )
    assert [e["loc"] for e in unseen] == [["body", "headlines", 1], ["body", "headlines", 2]]
    assert all("blank" in e["msg"] and "zero-width" in e["msg"] for e in unseen)


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"headlines": ["fine", 42]}, ["body", "headlines", 1]),
        ({"headlines": [None]}, ["body", "headlines", 0]),
        ({"headlines": "one string, not a list"}, ["body", "headlines"]),
        ({"headline": ["typo in the field name"]}, ["body", "headlines"]),
        ({"headline": ["typo in the field name"]}, ["body", "headline"]),
        ({"headlines": ["fine"], "lang": "en"}, ["body", "lang"]),
        ({}, ["body", "headlines"]),
        ([], ["body"]),
    ],
)
def test_wrong_types_and_missing_field(server: Server, body: object, loc: list) -> None:
    with server.client() as http:
        errors = _detail(http.post("/sentiment", json=body))
    assert loc in [e["loc"] for e in errors]


def test_an_error_echoes_a_large_input_cut_short(server: Server) -> None:
    with server.client() as http:
        (err,) = _detail(http.post("/sentiment", json={"headlines": "x" * 500_000}))
        missing = _detail(http.post("/sentiment", json={"headline": ["y" * 300] * 100}))
    assert err["input"] == "x" * 200 + "... (500000 characters)"
    (echo,) = [e["input"] for e in missing if e["loc"] == ["body", "headlines"]]
    assert echo["headline"][0] == "y" * 200 + "... (300 characters)"
    assert echo["headline"][16:] == ["... (100 items)"]


def test_malformed_json(server: Server) -> None:
    with server.client() as http:
        (err,) = _detail(
            http.post(
                "/sentiment",
                content=b'{"headlines": ["unterminated',
                headers={"Content-Type": "application/json"},
            )
        )
    assert err["type"] == "json_invalid" and err["loc"][0] == "body"
    assert err["msg"] == "the body is not valid JSON: Unterminated string starting at offset 15"


def test_a_body_that_is_empty_or_unreadable_is_told_so(server: Server) -> None:
    json_type = {"Content-Type": "application/json"}
    bodies = [b"", b'{"headlines": [' + b"9" * 4301 + b"]}", b"[" * 1000 + b"]" * 1000]
    with server.client() as http:
        empty, long_number, deep = (
            http.post("/sentiment", content=b, headers=json_type) for b in bodies
        )
    assert empty.status_code == 422
    assert empty.json()["detail"][0]["msg"] == "the body is empty: send a JSON object"
    assert long_number.status_code == deep.status_code == 400
    assert "cannot be read as JSON: Exceeds the limit (4300 digits)" in long_number.json()["detail"]
    assert deep.json()["detail"] == "the body cannot be read as JSON: it is nested too deeply"


def test_a_key_given_twice_is_named_not_dropped(server: Server) -> None:
    bodies = [
        b'{"headlines": ["Stocks rise"], "headlines": ["Stocks fall"]}',
        b'{"headlines": ["ok", {"text": "Apple rises", "entities": "auto", "text": "Intel"}]}',
        # An escaped key is the same key.
        b'{"headlines": [{"te\\u0078t": "Apple rises", "text": "Intel", "entities": "auto"}]}',
    ]
    json_type = {"Content-Type": "application/json"}
    with server.client() as http:
        answers = [http.post("/sentiment", content=b, headers=json_type) for b in bodies]
        # A headline that reads "text" is a value, not a key.
        values = {"headlines": ["text", {"text": "text", "entities": []}]}
        fine = http.post("/sentiment", json=values)
    assert [a.status_code for a in answers] == [422, 422, 422]
    locs = [[e["loc"] for e in a.json()["detail"]] for a in answers]
    assert locs == [
        [["body", "headlines"]],
        [["body", "headlines", 1, "text"]],
        [["body", "headlines", 0, "text"]],
    ]
    assert "'text' is given more than once" in answers[1].json()["detail"][0]["msg"]
    assert fine.status_code == 200 and len(fine.json()["results"]) == 2


def test_openapi_documents_the_endpoint_with_an_example(server: Server) -> None:
    with server.client() as http:
        spec = http.get("/openapi.json").json()
        assert http.get("/docs").status_code == 200
    post = spec["paths"]["/sentiment"]["post"]
    assert {"200", "422"} <= set(post["responses"])
    request_schema = spec["components"]["schemas"]["SentimentRequest"]
    assert request_schema["examples"][0]["headlines"]
    assert {"/healthz", "/readyz", "/models"} <= set(spec["paths"])
    # The count limits this server applies, so that a client built from it sends no body
    # the server refuses for its size; an open server has no token scheme.
    headlines = request_schema["properties"]["headlines"]
    assert (headlines["minItems"], headlines["maxItems"]) == (1, 256)
    entities = spec["components"]["schemas"]["EntityHeadline"]["properties"]["entities"]
    assert {"items": {"type": "string"}, "type": "array", "maxItems": 16} in entities["oneOf"]
    assert "securitySchemes" not in spec["components"]


def test_the_largest_request_the_limits_allow_fits_the_body_limit(server: Server) -> None:
    # As Python's json.dumps writes it: each rocket a surrogate pair of escapes, 12 bytes.
    body = json.dumps({"headlines": ["🚀" * 1000] * 256}).encode()
    assert len(body) > 3_000_000
    with server.client() as http:
        response = http.post(
            "/sentiment", content=body, headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 200 and len(response.json()["results"]) == 256


def test_limits_come_from_settings(server_factory) -> None:  # type: ignore[no-untyped-def]
    limits = {"MAX_HEADLINES": "2", "MAX_HEADLINE_CHARS": "10", "MAX_BODY_BYTES": "2048"}
    srv = server_factory({**limits, "FORECAST_MODEL": ""})
    with srv.client() as http:
        (err,) = _detail(http.post("/sentiment", json={"headlines": ["a", "b", "c"]}))
        assert "1 to 2" in err["msg"]
        (err,) = _detail(http.post("/sentiment", json={"headlines": ["eleven char"]}))
        assert "limit is 10" in err["msg"]
        assert http.post("/sentiment", json={"headlines": ["ten chars!"]}).status_code == 200
        document = http.get("/openapi.json").json()["components"]["schemas"]
        assert document["SentimentRequest"]["properties"]["headlines"]["maxItems"] == 2
        # The body limit counts bytes, whitespace included, before any JSON is read.
        json_type = {"Content-Type": "application/json"}
        for spaces, status in ((1900, 200), (2100, 413)):
            body = b'{"headlines": ["ten chars!"]' + b" " * spaces + b"}"
            assert http.post("/sentiment", content=body, headers=json_type).status_code == status


# Each way a model can fail to load: the model its one line names, and words it holds.
# "odd" fails with an error of a type the loader has no special case for (TensorFlow's
# InvalidArgumentError, from a forecast model whose metadata gives the wrong window);
# "slow" is a load that outlasts MODEL_LOAD_TIMEOUT_SECONDS.
DAMAGE = {
    "missing": ("sentiment", "no SavedModel"),
    "corrupt": ("sentiment", "cannot load SavedModel"),
    "odd": ("gdp_forecast", "InvalidArgumentError"),
    "slow": ("sentiment", "still loading after 0.05 s"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_model_that_cannot_load_exits_1_with_one_line(tmp_path: Path, damage: str) -> None:
    models = tmp_path / "models"
    shutil.copytree(ROOT / "models", models)
    version = version_dir(models / "sentiment")  # the served one, the newest
    extra = {}
    if damage == "missing":
        shutil.rmtree(models / "sentiment")
    elif damage == "corrupt":
        (version / "saved_model.pb").write_bytes(b"not a protobuf")
    elif damage == "odd":
        (forecast,) = (models / "gdp_forecast").iterdir()
        meta = forecast / "assets.extra" / "metadata.json"
        meta.write_text(json.dumps({**json.loads(meta.read_text()), "lookback_months": 23}))
    else:
        extra = {"MODEL_LOAD_TIMEOUT_SECONDS": "0.05"}
    # One case from a new interpreter, as `python -m app` starts; the rest forked.
    env = {"MODELS_DIR": str(models), "FRED_RETRIES": "0", **extra}
    proc = run_app(env, tmp_path, fresh=damage == "corrupt")
    assert proc.returncode == 1
    (line,) = [ln for ln in proc.stderr.splitlines() if "cannot serve" in ln]
    model, words = DAMAGE[damage]
    assert f"model {model}:" in line and words in line
    assert "Traceback" not in proc.stderr


def test_not_ready_without_a_model(server_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    srv = server_factory(
        {
            "MODELS_DIR": str(tmp_path),
            "EXIT_ON_MODEL_ERROR": "false",
            "ENTITY_SENTIMENT_MODEL": "entity_sentiment",
        },
        wait_ready=False,
    )
    with srv.client() as http:
        assert http.get("/healthz").status_code == 200
        ready = http.get("/readyz")
        for _ in range(300):
            if "loading" not in " ".join(ready.json()["reasons"]):
                break
            time.sleep(0.1)
            ready = http.get("/readyz")
        assert ready.status_code == 503
        reasons = ready.json()["reasons"]
        assert [r.split(":")[0] for r in reasons] == [
            "sentiment",
            "entity_sentiment",
            "gdp_forecast",
        ]
        for reason in reasons:
            assert "no SavedModel version under" in reason and str(tmp_path) in reason
        forecast = http.get("/forecast")
        assert forecast.status_code == 503 and "gdp_forecast" in forecast.json()["detail"]
        response = http.post("/sentiment", json={"headlines": ["anything"]})
        assert response.status_code == 503 and response.headers["Retry-After"]
        assert "no SavedModel" in response.json()["detail"]


def test_concurrent_requests_get_their_own_answers(server: Server) -> None:
    from concurrent.futures import ThreadPoolExecutor

    headlines = [f"{h} ({i})" for i in range(8) for h in HEADLINES]
    with server.client() as http:
        alone = [
            http.post("/sentiment", json={"headlines": [h]}).json()["results"][0] for h in headlines
        ]

    def post(h: str) -> dict:
        with server.client() as http:
            return http.post("/sentiment", json={"headlines": [h]}).json()["results"][0]

    with ThreadPoolExecutor(max_workers=16) as pool:
        together = list(pool.map(post, headlines))
    for a, b in zip(alone, together, strict=True):
        assert a["label"] == b["label"]
        for label in a["scores"]:
            assert a["scores"][label] == pytest.approx(b["scores"][label], abs=1e-5)


def test_a_full_queue_answers_503_and_counts_each_refusal_once(server_factory) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    srv = server_factory({"BATCH_QUEUE_MAX": "1", "FORECAST_MODEL": ""})
    with srv.client() as http:
        # More headlines than the queue can ever hold: not a 503 to retry, a 422.
        (err,) = _detail(http.post("/sentiment", json={"headlines": ["one", "two"]}))
        assert "1 to 1 items, got 2" in err["msg"]

    def post(k: int) -> tuple[int, str, str]:
        with srv.client() as http:
            r = http.post("/sentiment", json={"headlines": [f"Sensex ends flat {k}"]})
            return r.status_code, r.headers.get("Retry-After", ""), r.text

    before = scrape(srv)["sentiment_rejected_total"]
    outcomes: list[tuple[int, str, str]] = []
    # Bursts of one-headline requests against a queue of one, until some are refused.
    for _ in range(10):
        with ThreadPoolExecutor(max_workers=32) as pool:
            outcomes += list(pool.map(post, range(64)))
        if any(status == 503 for status, _, _ in outcomes):
            break
    refused = [(ra, text) for status, ra, text in outcomes if status == 503]
    assert refused and all(ra == "1" and "server busy" in text for ra, text in refused)
    assert {status for status, _, _ in outcomes} <= {200, 503}
    assert scrape(srv)["sentiment_rejected_total"] - before == len(refused)


def test_hot_paths_answer_as_the_fastapi_routes_do(server: Server, server_factory) -> None:  # type: ignore[no-untyped-def]
    plain = server_factory({"HOT_PATHS": "false"})
    bodies: list[object] = [
        {"headlines": HEADLINES},
        {"headlines": [" spaced ", "x" * 1001]},
        {"headlines": []},
        {"headlines": "not a list"},
        {"text": ["wrong field"]},
    ]
    as_text = {"content": b'{"headlines": ["a"]}', "headers": {"content-type": "text/plain"}}
    json_type = {"content-type": "application/json"}
    with server.client() as hot, plain.client() as routed:
        for body in bodies:
            a, b = hot.post("/sentiment", json=body), routed.post("/sentiment", json=body)
            assert a.status_code == b.status_code
            assert a.headers["content-type"] == b.headers["content-type"]
            if a.status_code == 200:
                for x, y in zip(a.json()["results"], b.json()["results"], strict=True):
                    assert x["label"] == y["label"]
                    assert x["scores"] == pytest.approx(y["scores"], abs=1e-6)
            else:
                assert a.json() == b.json()
        a, b = hot.post("/sentiment", **as_text), routed.post("/sentiment", **as_text)
        assert (a.status_code, a.json()) == (b.status_code, b.json())
        twice = {"content": b'{"headlines": ["a"], "headlines": ["b"]}', "headers": json_type}
        a, b = hot.post("/sentiment", **twice), routed.post("/sentiment", **twice)
        assert (a.status_code, a.json()) == (b.status_code, b.json())
        assert a.status_code == 422
        forecasts = [hot.get("/forecast").json(), routed.get("/forecast").json()]
    for f in forecasts:  # the two servers' own clocks and failed refreshes
        del f["inputs"]["age_hours"], f["inputs"]["last_refresh"]
    assert forecasts[0] == forecasts[1]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_json_gets_415(server: Server, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    with server.client() as http:
        response = http.post("/sentiment", content=b'{"headlines": ["a"]}', headers=headers)
        assert response.status_code == 415
        assert "must be JSON" in response.json()["detail"]
        assert (content_type or "says no Content-Type") in response.json()["detail"]
        # JSON with a charset or a +json media type is fine.
        oks = ("application/json; charset=utf-8", 'application/json;charset="UTF8"')
        for ok in (*oks, "application/vnd.api+json"):
            answer = http.post(
                "/sentiment", content=b'{"headlines": ["a"]}', headers={"Content-Type": ok}
            )
            assert answer.status_code == 200, ok
        answer = http.post(
            "/sentiment",
            content='{"headlines": ["Café"]}'.encode("latin-1"),
            headers={"Content-Type": "application/json; charset=latin-1"},
        )
        assert answer.status_code == 415
        assert answer.json()["detail"] == "the body must be UTF-8 JSON, not charset=latin-1"


def test_a_compressed_body_gets_415_naming_its_coding(server: Server) -> None:
    body = gzip.compress(b'{"headlines": ["Infosys gains"]}')
    gzipped = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    identity = {**gzipped, "Content-Encoding": "identity"}
    with server.client() as http:
        packed = http.post("/sentiment", content=body, headers=gzipped)
        plain = http.post("/sentiment", content=gzip.decompress(body), headers=identity)
    assert packed.status_code == 415 and packed.headers["accept-encoding"] == "identity"
    assert packed.json()["detail"] == (
        "the body must be sent uncompressed, not with Content-Encoding: gzip"
    )
    assert plain.status_code == 200
