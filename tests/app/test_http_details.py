"""HTTP details clients and probes rely on: HEAD wherever GET is answered, no content
sniffing, no shared caching of what needs the token, and a 304 for a forecast the client
holds."""

from __future__ import annotations

import pytest

from tests.conftest import Server


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/", "/static/page.js", "/forecast"])
def test_head_is_get_without_the_body(server: Server, path: str) -> None:
    with server.client() as http:
        get = http.get(path)
        head = http.head(path)
    assert get.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))


def test_a_wrong_method_is_told_every_method_the_path_takes(server: Server) -> None:
    with server.client() as http:
        on_get = http.put("/forecast")
        on_post = http.put("/sentiment")
    assert on_get.status_code == on_post.status_code == 405
    assert on_get.headers["allow"] == "GET, HEAD" and on_post.headers["allow"] == "POST"


def test_options_says_what_a_path_takes(server: Server) -> None:
    with server.client() as http:
        answers = [http.options(p) for p in ("/forecast", "/sentiment", "/no/such/page")]
    assert [a.status_code for a in answers] == [204, 204, 404]
    assert answers[0].headers["allow"] == "GET, HEAD, OPTIONS" and answers[0].content == b""
    assert answers[1].headers["allow"] == "POST, OPTIONS"


def test_every_answer_says_nosniff(server: Server) -> None:
    with server.client() as http:
        answers = [
            http.get("/forecast"),
            http.get("/healthz"),
            http.post("/sentiment", json={"headlines": []}),
            http.get("/no/such/page"),
            http.get("/"),
            http.get("/static/page.js"),
        ]
    assert [a.headers.get("x-content-type-options") for a in answers] == ["nosniff"] * 6


def test_training_reports_are_not_kept_by_shared_caches(server: Server) -> None:
    with server.client() as http:
        models = http.get("/models").json()["models"]
        url = next(r["url"] for m in models for r in m["reports"])
        report = http.get(url)
    assert report.status_code == 200 and report.headers["content-type"] == "image/png"
    assert report.headers["cache-control"].startswith("private")


@pytest.mark.parametrize("path", ["/forecast", "/forecast?via=route"])
def test_a_forecast_the_client_holds_is_a_304(server: Server, path: str) -> None:
    """The hot path answers `/forecast`; with a query string FastAPI's route does."""
    with server.client() as http:
        # The answer's age moves every six minutes: a pair that straddles one is asked again.
        for _ in range(3):
            first = http.get(path)
            etag = first.headers["etag"]
            again = http.get(path, headers={"If-None-Match": etag})
            if again.status_code == 304:
                break
        weak = http.get(path, headers={"If-None-Match": f'"older", W/{etag}'})
        other = http.get(path, headers={"If-None-Match": '"older"'})
    assert first.status_code == 200 and first.headers["cache-control"] == "no-cache"
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and again.headers["cache-control"] == "no-cache"
    assert again.headers["x-content-type-options"] == "nosniff"
    assert weak.status_code == 304
    assert other.status_code == 200 and other.json() == first.json()
