"""Requests that change state are refused when a browser sends them from another site.

With API_TOKEN unset, any web page a user visits could make the browser POST to
`/admin/refresh` (a "simple" cross-site request needs no CORS preflight). Browsers say
where a request comes from: `Origin` on every cross-origin POST, and `Sec-Fetch-Site`.
A state-changing request whose origin is not this service is answered 403; requests
without either header (curl, scripts, other services) are not browsers' and pass.
Scoring headlines changes nothing, so `POST /sentiment` is not checked.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from app.asgi.json_response import send_json

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NO_SIDE_EFFECTS = frozenset({"/sentiment"})


def _header(scope: Scope, name: bytes) -> str | None:
    value = next((v for k, v in scope["headers"] if k == name), None)
    return None if value is None else value.decode("latin-1")


class SameOrigin:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] not in SAFE_METHODS
            and scope["path"] not in NO_SIDE_EFFECTS
            and (foreign := self._foreign(scope)) is not None
        ):
            detail = f"cross-site request refused: {foreign}"
            await send_json(send, 403, {"detail": detail})
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _foreign(scope: Scope) -> str | None:
        """Why the request comes from another site, or None."""
        if _header(scope, b"sec-fetch-site") == "cross-site":
            return "Sec-Fetch-Site is cross-site"
        origin = _header(scope, b"origin")
        if origin is None:
            return None
        host = _header(scope, b"host") or ""
        if origin == "null" or urlsplit(origin).netloc.lower() != host.lower():
            return f"Origin {origin} is not this service ({host})"
        return None
