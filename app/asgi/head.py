"""HEAD is answered wherever GET is: the same status and headers, no body; and OPTIONS
wherever a path is served: a 204 whose Allow lists its methods.

Uptime checkers and load balancers often probe with HEAD; FastAPI's routes answer only
the methods they declare, so without this every probe by HEAD was a 405, and so was an
OPTIONS asking what a path takes (RFC 9110, 9.3.7).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "GET":
            # A GET is refused only where GET is not allowed: no Allow to mend.
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await self.app(scope, receive, _answering_options(send))
            return
        if scope["method"] != "HEAD":
            await self.app(scope, receive, _allowing_head(send))
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def _allowing_head(send: Send) -> Send:
    """`send`, with HEAD added to the Allow header of a 405 that allows GET: the routes
    list the methods they declare, and HEAD is answered here wherever GET is."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 405:
            headers = [
                (k, v + b", HEAD") if k == b"allow" and _lacks_head(v) else (k, v)
                for k, v in message.get("headers", [])
            ]
            message = {**message, "headers": headers}
        await send(message)

    return sending


def _lacks_head(value: bytes) -> bool:
    methods = {m.strip().upper() for m in value.split(b",")}
    return b"GET" in methods and b"HEAD" not in methods


def _answering_options(send: Send) -> Send:
    """`send`, with the routes' 405 to an OPTIONS (they declare none) turned into a 204
    whose Allow lists the path's methods, HEAD and OPTIONS among them."""
    allowed = False

    async def sending(message: Message) -> None:
        nonlocal allowed
        if message["type"] == "http.response.start" and message["status"] == 405:
            headers = message.get("headers", [])
            allow = next((v for k, v in headers if k == b"allow"), None)
            if allow is not None:
                allowed = True
                methods = allow + (b", HEAD" if _lacks_head(allow) else b"") + b", OPTIONS"
                dropped = (b"allow", b"content-length", b"content-type")
                kept = [(k, v) for k, v in headers if k not in dropped]
                message = {**message, "status": 204, "headers": [*kept, (b"allow", methods)]}
        elif message["type"] == "http.response.body" and allowed:
            message = {**message, "body": b""}
        await send(message)

    return sending
