"""Request bodies read whole, within their limits, before anything else uses them.

Every layer after this one and every route sees a body that is complete, no larger
than MAX_BODY_BYTES, arrived within BODY_TIMEOUT_SECONDS and, where the body must be
JSON, valid UTF-8; otherwise the answer is a JSON error that says which rule broke:

- 413 when Content-Length says too much (before a byte of it is read) or when a body
  without one grows past the limit;
- 408 when the body stops arriving (a client that declares 1 MB and sends 10 bytes);
- 400 when a JSON body is not UTF-8, naming the first bad byte.

A client that leaves while sending is not answered (there is nobody to answer).
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.asgi.content_type import JSON_BODIES
from app.asgi.json_response import send_json

METHODS_WITH_BODIES = frozenset({"POST", "PUT", "PATCH"})


class ReadBody:
    def __init__(self, app: ASGIApp, max_bytes: int, timeout_seconds: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        # uvicorn has already refused a Content-Length that is not a number.
        if declared is not None and int(declared) > self.max_bytes:
            await self._too_large(send, f"{int(declared)} bytes declared")
            return
        if scope["method"] not in METHODS_WITH_BODIES:
            await self.app(scope, receive, send)
            return
        try:
            async with asyncio.timeout(self.timeout):
                body = await self._read(receive, send)
        except TimeoutError:
            detail = f"the body did not arrive within {self.timeout:g} s (BODY_TIMEOUT_SECONDS)"
            await send_json(send, 408, {"detail": detail}, [(b"connection", b"close")])
            return
        if body is None:
            return
        if (scope["method"], scope["path"]) in JSON_BODIES:
            try:
                body.decode("utf-8")
            except UnicodeDecodeError as exc:
                detail = (
                    f"the body must be UTF-8 text: byte 0x{body[exc.start]:02x} at offset "
                    f"{exc.start} is not"
                )
                await send_json(send, 400, {"detail": detail})
                return
        await self.app(scope, replay(body, receive), send)

    async def _read(self, receive: Receive, send: Send) -> bytes | None:
        """The whole body; None when it was answered here (too large) or the client left."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(send, f"more than {self.max_bytes} bytes sent")
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _too_large(self, send: Send, what: str) -> None:
        detail = f"the body is too large: {what}; the limit is {self.max_bytes} (MAX_BODY_BYTES)"
        await send_json(send, 413, {"detail": detail}, [(b"connection", b"close")])


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the whole body once, then waits on the connection (for a
    disconnect, which the batcher watches)."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
