"""HTTP details clients and probes rely on: HEAD wherever GET is answered, no content
sniffing, and no shared caching of what needs the token."""

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
