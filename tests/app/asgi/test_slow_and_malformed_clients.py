"""Slow, oversized, malformed and too many clients, against a real server over raw sockets.

Each answer is a JSON `{"detail": ...}` that says which rule broke, and no client can
hold a connection longer than the header or body deadline.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from tests.conftest import Server, start_server, stop_server

LIMITS = {
    "HEADER_TIMEOUT_SECONDS": "1",
    "BODY_TIMEOUT_SECONDS": "1",
    "MAX_CONNECTIONS": "6",
    "MAX_BODY_BYTES": "4096",
}


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("limited"), LIMITS)
    yield server
    stop_server(server)


def connect(server: Server) -> socket.socket:
    url = urlparse(server.url)
    sock = socket.create_connection((url.hostname, url.port), timeout=10)
    return sock


def exchange(server: Server, data: bytes) -> tuple[int, dict[str, str], dict]:
    """Send `data`, read until the server closes: (status, headers, JSON body). A server
    that never closes fails the read at the socket's 10 s timeout."""
    with connect(server) as sock:
        sock.sendall(data)
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


def post(path: str, body: bytes, extra: str = "") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{extra}Connection: close\r\n\r\n"
    ).encode() + body


def test_a_client_that_sends_nothing_gets_408_at_the_header_deadline(limited: Server) -> None:
    status, headers, body = exchange(limited, b"")
    assert status == 408
    assert headers["content-type"] == "application/json"
    assert body == {"detail": "the request's headers did not arrive within 1 s"}


def test_half_a_header_is_cut_off_at_the_deadline(limited: Server) -> None:
    status, _, body = exchange(limited, b"POST /sentiment HTTP/1.1\r\nHost: t\r\nConte")
    assert status == 408
    assert "headers did not arrive" in body["detail"]


def test_a_body_shorter_than_its_length_gets_408_at_the_body_deadline(limited: Server) -> None:
    request = post("/sentiment", b'{"headlines": ["a"]}')
    short = request.replace(b"Content-Length: 20", b"Content-Length: 900")
    status, _, body = exchange(limited, short)
    assert status == 408
    assert body == {"detail": "the body did not arrive within 1 s (BODY_TIMEOUT_SECONDS)"}


def test_a_declared_length_over_the_limit_is_refused_before_the_body(limited: Server) -> None:
    for method in ("POST /sentiment", "POST /admin/refresh", "GET /forecast"):
        head = f"{method} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        request = (head + "Content-Length: 5000000\r\nConnection: close\r\n\r\n{").encode()
        # Only "{" of the declared body is sent: a server that waited for the rest would
        # answer 408 at the body deadline, not 413.
        status, _, body = exchange(limited, request)
        assert status == 413, method
        assert body == {
            "detail": "the body is too large: 5000000 bytes declared; the limit is 4096 "
            "(MAX_BODY_BYTES)"
        }, method


def test_a_chunked_body_over_the_limit_is_413_json(limited: Server) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b'{"headlines": ["' + b"x" * 1000

    with limited.client() as http:
        response = http.post(
            "/sentiment", content=chunks(), headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 413
    assert response.json()["detail"].startswith("the body is too large: more than 4096 bytes")


def test_a_body_that_is_not_utf8_is_named(limited: Server) -> None:
    status, _, body = exchange(limited, post("/sentiment", b'{"headlines": ["caf\xe9"]}'))
    assert status == 400
    assert body == {"detail": "the body must be UTF-8 text: byte 0xe9 at offset 19 is not"}


def test_a_malformed_request_gets_a_json_400(limited: Server) -> None:
    status, headers, body = exchange(limited, b"NOT HTTP AT ALL\r\n\r\n")
    assert status == 400 and headers["content-type"] == "application/json"
    assert body["detail"].startswith("malformed HTTP request")


def test_connections_beyond_the_bound_are_refused_and_the_bound_frees_up(
    limited: Server,
) -> None:
    held = [connect(limited) for _ in range(6)]
    try:
        time.sleep(0.2)  # the server has accepted them all
        refused = connect(limited)
        refused.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        raw = b""
        try:
            while chunk := refused.recv(65536):
                raw += chunk
        except ConnectionResetError:
            pass  # closed with the request unread
        refused.close()
        assert raw.startswith(b"HTTP/1.1 503 ")
        assert b'"too many open connections (MAX_CONNECTIONS=6)"' in raw
    finally:
        for sock in held:
            sock.close()
    # The server frees a place once it reads each close: soon, but later under load.
    deadline = time.monotonic() + 15
    with limited.client() as http:
        while (status := http.get("/healthz").status_code) != 200:
            assert status == 503 and time.monotonic() < deadline, status
            time.sleep(0.05)


def test_a_cross_site_refresh_is_refused_and_a_same_site_one_is_not(limited: Server) -> None:
    host = urlparse(limited.url).netloc
    with limited.client() as http:
        # What a page elsewhere can make a browser send without a preflight.
        for headers in (
            {"Origin": "https://evil.example", "Content-Type": "text/plain"},
            {"Origin": "null"},
            {"Sec-Fetch-Site": "cross-site"},
        ):
            response = http.post("/admin/refresh", headers=headers, content=b"x")
            assert response.status_code == 403, headers
            assert response.json()["detail"].startswith("cross-site request refused")
        # This service's own page, and clients that are not browsers, are not refused
        # (FRED is a closed port here, so the refresh itself fails: 502).
        assert http.post("/admin/refresh", headers={"Origin": f"http://{host}"}).status_code == 502
        assert http.post("/admin/refresh").status_code == 502
        # Scoring changes nothing: any site may ask.
        scored = http.post(
            "/sentiment", json={"headlines": ["a"]}, headers={"Origin": "https://evil.example"}
        )
        assert scored.status_code == 200


def test_the_api_docs_work_offline(limited: Server) -> None:
    with limited.client() as http:
        page = http.get("/docs")
        assert page.status_code == 200
        assert "/docs/assets/swagger-ui-bundle.js" in page.text
        assert "cdn" not in page.text.lower()
        script = http.get("/docs/assets/swagger-ui-bundle.js")
        assert script.status_code == 200
        assert script.headers["content-type"].startswith("text/javascript")
        assert len(script.content) > 500_000 and b"SwaggerUIBundle" in script.content
        assert http.get("/docs/assets/swagger-ui.css").status_code == 200
        assert http.get("/docs/assets/index.html").status_code == 404
        assert http.get("/redoc").status_code == 404
