"""Clients that leave before their answer, over real HTTP: the server keeps serving,
answers the next client correctly, and logs nothing alarming about the ones that left.

It runs on the session's server: the log is read from where it stood when the test
began, and tests in one worker run one at a time.
"""

from __future__ import annotations

import json
import socket
import struct
import time
from typing import Any

import httpx

from tests.conftest import Server

HEADLINES = [f"Company {i} shares rise {i % 7}% after quarterly results" for i in range(256)]
LEAVERS = 20
# Far above what the server needs here (a few seconds): only a hang gets near it.
DEADLINE = 30.0


def request_bytes(server: Server, headlines: list[str]) -> tuple[bytes, bytes]:
    """The head and body of a POST /sentiment, as a client would write them."""
    body = json.dumps({"headlines": headlines}).encode()
    host = server.url.removeprefix("http://")
    head = (
        f"POST /sentiment HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head, body


def leave(server: Server, how: str) -> None:
    """Send a request (or part of one) and close the socket without reading a byte."""
    head, body = request_bytes(server, HEADLINES)
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        if how == "reset":
            # Linger 0: close() sends RST, as a crashed client's kernel would.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.sendall(head + (body[: len(body) // 2] if how == "mid-body" else body))


def sentiment_requests(http: httpx.Client) -> float:
    """POST /sentiment requests the server has finished with, whatever their status."""
    text = http.get("/metrics").text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("http_requests_total{") and 'route="/sentiment"' in line
    )


def test_clients_that_leave_early_do_not_hurt_the_server(server: Server) -> None:
    with server.client(timeout=DEADLINE) as http:
        expected = http.post("/sentiment", json={"headlines": HEADLINES[:3]})
        assert expected.status_code == 200
        before = sentiment_requests(http)
        logged = server.log.stat().st_size

        # Whole requests, the socket closed or reset, go through the model; requests cut
        # off mid-body leave the hot path for the route's own body parsing.
        ways = ["after-body", "reset", "mid-body"]
        for i in range(LEAVERS):
            leave(server, ways[i % len(ways)])

        # Wait until the server is done with every one of them, so that whatever it
        # does on finding the client gone has happened before the log is read.
        deadline = time.monotonic() + DEADLINE
        while sentiment_requests(http) < before + LEAVERS:
            assert time.monotonic() < deadline, (
                "the server never finished the abandoned requests; its log since:\n"
                + log_since(server, logged)
            )
            time.sleep(0.05)

        assert http.get("/healthz").status_code == 200
        assert http.get("/readyz").status_code == 200
        again = http.post("/sentiment", json={"headlines": HEADLINES[:3]})
        assert again.status_code == 200
        assert_same_answer(again.json(), expected.json())

    problems = [line for line in log_since(server, logged).splitlines() if is_alarming(line)]
    assert not problems, "\n".join(problems)


def log_since(server: Server, offset: int) -> str:
    with server.log.open("rb") as fh:
        fh.seek(offset)
        return fh.read().decode(errors="replace")


def is_alarming(line: str) -> bool:
    """A traceback, or a line logged at error level (JSON, or text from elsewhere)."""
    if "Traceback" in line or "ERROR" in line:
        return True
    try:
        entry: Any = json.loads(line)
    except ValueError:
        return False
    return isinstance(entry, dict) and entry.get("level") in ("error", "critical")


def assert_same_answer(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert got["model"] == want["model"]
    assert len(got["results"]) == len(want["results"]) == 3
    for a, b in zip(got["results"], want["results"], strict=True):
        assert a["label"] == b["label"]
        assert a["scores"].keys() == b["scores"].keys()
        for name, p in a["scores"].items():
            assert abs(p - b["scores"][name]) < 1e-5
