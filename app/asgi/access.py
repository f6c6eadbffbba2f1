"""Bearer-token access: with API_TOKEN set, only the probes and the page's shell are open.

The page (GET / and /static/*) holds no data: it asks for the token when the API
answers 401, and sends it with every call.

An outermost ASGI layer, so the hot paths and every FastAPI route are behind it alike.
The comparison is constant-time, and a refusal is a 401 with `WWW-Authenticate`.
"""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Receive, Scope, Send

from app.asgi.json_response import send_json

OPEN_PATHS = frozenset({"/healthz", "/readyz", "/"})
OPEN_PREFIX = "/static/"


class BearerToken:
    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in OPEN_PATHS or path.startswith(OPEN_PREFIX):
            await self.app(scope, receive, send)
            return
        presented = next((v for k, v in scope["headers"] if k == b"authorization"), None)
        # The scheme's name is any case (RFC 9110, 11.1): "bearer" is "Bearer".
        scheme, _, token = (presented or b"").strip().partition(b" ")
        bearer = scheme.lower() == b"bearer"
        if bearer and hmac.compare_digest(token.strip(), self._expected):
            await self.app(scope, receive, send)
            return
        if presented is None:
            detail, challenge = "this endpoint needs Authorization: Bearer <token>", b"Bearer"
        elif not bearer:
            detail = "the Authorization header must be Bearer <token>"
            challenge = b'Bearer error="invalid_request"'
        else:
            detail, challenge = "the bearer token is wrong", b'Bearer error="invalid_token"'
        await send_json(send, 401, {"detail": detail}, [(b"www-authenticate", challenge)])
