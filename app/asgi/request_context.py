"""The outermost ASGI layer: request ids, and each request counted and timed.

It takes the caller's `X-Request-ID` (or makes one), echoes it on the response, puts it
in every log line written while the request runs, and counts and times the request by
route and status. An error no inner layer handled is logged here, with the request id,
and answered with a JSON 500.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Iterable

from prometheus_client import Counter, Histogram
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.asgi.json_response import send_json
from app.ops.logs import REQUEST_ID
from app.ops.metrics import Metrics

_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# A response that never started: the client left before there was anything to answer
# (nginx's code for it; no status is sent).
CLIENT_LEFT = 499

log = logging.getLogger(__name__)


def route_templates(routes: Iterable[BaseRoute]) -> list[tuple[re.Pattern[str], str]]:
    """Each route's path pattern and template ("/models/{name}/{version}/reports/{file}"),
    read from the routes themselves, so a new route is labelled without a list kept by
    hand. A path that matches none is "other", so a scan of random URLs cannot grow the
    number of time series."""
    return [(r.path_regex, r.path) for r in routes if isinstance(r, Route)]


class RequestContext:
    def __init__(
        self, app: ASGIApp, metrics: Metrics, routes: list[tuple[re.Pattern[str], str]]
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes
        # Exact paths first: a dict lookup, before any pattern is tried.
        self._exact = {template for _, template in routes if "{" not in template}
        # Finding a labelled series costs more than updating it (9 against 3.5 us a
        # request here), so each is looked up once. The keys stay few: known routes or
        # "other", the methods uvicorn's parser accepts, and status codes.
        self._series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"").decode(
            "latin-1"
        )
        # Ids only need to be unique, not secret: getrandbits skips uuid4's syscall.
        request_id = given if _VALID_ID.fullmatch(given) else f"{random.getrandbits(128):032x}"
        reset = REQUEST_ID.set(request_id)
        start = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                # No response here is meant to be sniffed into another type (a JSON
                # error rendered as HTML, say); set here, for every answer, and nowhere else.
                headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Logged here, inside the request's context, so the line has its request id.
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if status:
                raise  # the answer has begun: only closing the connection is left
            await send_json(send_with_id, 500, {"detail": "internal error; it is logged"})
        finally:
            status = status or CLIENT_LEFT
            route = self._route(scope["path"])
            key = (route, scope["method"], status)
            if (series := self._series.get(key)) is None:
                series = self._series[key] = (
                    self.metrics.requests.labels(route, scope["method"], str(status)),
                    self.metrics.latency.labels(route),
                )
            series[0].inc()
            series[1].observe(time.perf_counter() - start)
            REQUEST_ID.reset(reset)

    def _route(self, path: str) -> str:
        if path in self._exact:
            return path
        for pattern, template in self.routes:
            if pattern.match(path):
                return template
        return "other"
