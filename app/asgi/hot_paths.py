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
from starlette.types import ASGIApp, Receive, Scope, Send

from app.asgi.body import replay
from app.asgi.conditional import NO_CACHE, none_match
from app.asgi.json_response import send_json
from app.sentiment.batching import QueueFullError
from app.sentiment.repeated_keys import may_repeat, repeated
from app.sentiment.schemas import SentimentRequest
from app.sentiment.service import (
    BUSY_RETRY_AFTER,
    EntityModelMissingError,
    HeadlineError,
    busy_detail,
    keep_checked,
)
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
        encoded = self.services.forecast.current_json() if not scope["query_string"] else None
        if encoded is None:
            await self.app(scope, receive, send)
            return
        headers = [(b"etag", encoded.etag.encode()), (b"cache-control", NO_CACHE.encode())]
        asked = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
        if none_match(None if asked is None else asked.decode("latin-1"), encoded.etag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send_json(send, 200, encoded.body, headers)

    async def _sentiment(self, scope: Scope, receive: Receive, send: Send) -> None:
        sentiment = self.services.sentiment
        # ReadBody, in front, has read the body whole and replays it as one message.
        message = await receive()
        if message["type"] != "http.request":
            return  # the client left
        raw = message.get("body", b"")
        model = sentiment.model()
        if model is not None:
            try:
                request = SentimentRequest.model_validate_json(raw)
                if may_repeat(raw, request) and (twice := repeated(raw)):
                    raise HeadlineError(twice)
                body = await sentiment.classify(model, await sentiment.check(request.headlines))
            except HeadlineError as exc:
                # FastAPI's route answers it from this error: checking the request again
                # would ask the mention tagger about its "auto" headlines a second time.
                keep_checked(scope, exc)
            except (ValidationError, EntityModelMissingError):
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
        await self.app(scope, replay(raw, receive), send)
