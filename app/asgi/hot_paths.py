"""The two busy endpoints' happy paths, answered beneath FastAPI.

Under load, FastAPI's layers (middleware, routing, dependency resolution, body
parsing) cost about ten times what uvicorn itself spends on a request, and on two
cores that time comes straight out of the model's share. This ASGI layer answers a
well-formed `POST /sentiment` and a `GET /forecast` with a computed forecast itself,
with the same validation model and the same encoder as the FastAPI routes. Anything
else (a body that fails validation, a model still loading, a full queue, another
path) goes to FastAPI untouched, with the body replayed, so every error answer has
one implementation: the routes'. `HOT_PATHS=false` turns the layer off.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.asgi.json_response import send_json
from app.sentiment.batching import QueueFullError
from app.sentiment.schemas import SentimentRequest
from app.sentiment.service import BUSY_RETRY_AFTER, HeadlineError, busy_detail
from app.services import Services


class HotPaths:
    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services
        self._routes: dict[tuple[str, str], Callable[[Scope, Receive, Send], Awaitable[None]]] = {
            ("POST", "/sentiment"): self._sentiment,
            ("GET", "/forecast"): self._forecast,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = None
        if scope["type"] == "http":
            handler = self._routes.get((scope["method"], scope["path"]))
        if handler is None:
            await self.app(scope, receive, send)
        else:
            await handler(scope, receive, send)

    async def _forecast(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = self.services.forecast.current_json() if not scope["query_string"] else None
        if body is None:
            await self.app(scope, receive, send)
            return
        await send_json(send, 200, body)

    async def _sentiment(self, scope: Scope, receive: Receive, send: Send) -> None:
        sentiment = self.services.sentiment
        raw, complete = await _read_body(receive, self.services.settings.max_body_bytes)
        model = sentiment.model()
        if complete and model is not None:
            try:
                request = SentimentRequest.model_validate_json(raw)
                body = await sentiment.classify(model, sentiment.check_limits(request.headlines))
            except (ValidationError, HeadlineError):
                pass  # FastAPI's route gives the answer that names the problem
            except QueueFullError as exc:
                # Answered here: handing it on would queue the request a second time
                # and count one refusal twice.
                detail = {"detail": busy_detail(exc)}
                await send_json(send, 503, detail, [(b"retry-after", BUSY_RETRY_AFTER.encode())])
                return
            else:
                await send_json(send, 200, body)
                return
        await self.app(scope, _replay(raw, complete, receive), send)


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body, and whether it is all there (False: over `limit`, or the client left)."""
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks), False
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replay(raw: bytes, complete: bool, receive: Receive) -> Receive:
    """A receive that yields what was already read, then the rest of the stream."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": raw, "more_body": not complete}
        return await receive()

    return replay
