"""Beneath the ASGI layers: uvicorn's HTTP protocol with bounds on slow and many clients.

uvicorn bounds the idle time between requests on a keep-alive connection, but not the
time a client takes to send a request's headers: a connection that sends nothing, or
half a header, is held for ever, and so is its file descriptor. With no proxy in front
(the k8s Service has none) that is all a client needs to exhaust the process. This
protocol adds

- a deadline on each request's headers (HEADER_TIMEOUT_SECONDS), from the moment the
  connection opens or the request's first byte arrives (an idle keep-alive connection
  is uvicorn's to close): past it, a JSON 408 and the connection closed;
- a bound on open connections (MAX_CONNECTIONS): one more is answered a JSON 503 and
  closed at once, before it can hold anything;
- JSON bodies for the errors uvicorn writes itself (a malformed request's 400), like
  every other error the service sends.

The body's own deadline is the ReadBody layer's (app/asgi/body.py).
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def raw_json_response(status: int, detail: str) -> bytes:
    """A whole HTTP/1.1 answer that closes the connection, for where no ASGI app runs."""
    body = json.dumps({"detail": detail}).encode()
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "x-content-type-options: nosniff\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def bounded_protocol(header_timeout: float, max_connections: int) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with these bounds (the class goes to uvicorn's
    `http=` option)."""

    class BoundedHttpToolsProtocol(HttpToolsProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._headers_due: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            # `connections` holds this one too.
            if len(self.connections) > max_connections:
                self.logger.warning("refused a connection: %d open", len(self.connections) - 1)
                transport.write(
                    raw_json_response(
                        503, f"too many open connections (MAX_CONNECTIONS={max_connections})"
                    )
                )
                transport.close()
                return
            self._arm()

        def _arm(self) -> None:
            self._disarm()
            self._headers_due = self.loop.call_later(header_timeout, self._headers_overdue)

        def _disarm(self) -> None:
            if self._headers_due is not None:
                self._headers_due.cancel()
                self._headers_due = None

        def _headers_overdue(self) -> None:
            self._headers_due = None
            if not self.transport.is_closing():
                detail = f"the request's headers did not arrive within {header_timeout:g} s"
                self.transport.write(raw_json_response(408, detail))
                self.transport.close()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            if self._headers_due is None:
                self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def send_400_response(self, msg: str) -> None:
            self._disarm()
            self.transport.write(raw_json_response(400, f"malformed HTTP request: {msg}"))
            self.transport.close()

    return BoundedHttpToolsProtocol
