"""415 for a request body that is not JSON, declares another charset than UTF-8, or is
compressed, before anything reads it.

Outside the hot paths and FastAPI alike, so both answer it the same way. FastAPI on
its own would try to parse any body and answer 422, which hides the real mistake: a
gzipped body was answered as JSON that is not UTF-8.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from app.asgi.json_response import send_json

JSON_BODIES = frozenset({("POST", "/sentiment")})


def is_json(content_type: bytes) -> bool:
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or (
        media.startswith(b"application/") and media.endswith(b"+json")
    )


def declared_charset(content_type: bytes) -> str | None:
    """The charset parameter of a Content-Type, lower case and unquoted; None if none."""
    for parameter in content_type.split(b";")[1:]:
        name, _, value = parameter.partition(b"=")
        if name.strip().lower() == b"charset":
            return value.strip().strip(b'"').decode("latin-1").lower()
    return None


class RequireJson:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (scope["method"], scope["path"]) in JSON_BODIES:
            content_type = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
            if not is_json(content_type):
                shown = content_type.decode("latin-1")
                detail = "the body must be JSON (Content-Type: application/json), " + (
                    f"not {shown}" if shown else "and the request says no Content-Type"
                )
                await send_json(send, 415, {"detail": detail})
                return
            charset = declared_charset(content_type)
            if charset not in (None, "utf-8", "utf8"):
                # JSON exchanged between systems is UTF-8 (RFC 8259, 8.1); a body declared
                # otherwise would be read as UTF-8 and fail on its first other byte.
                detail = f"the body must be UTF-8 JSON, not charset={charset}"
                await send_json(send, 415, {"detail": detail})
                return
            coding = next((v for k, v in scope["headers"] if k == b"content-encoding"), b"")
            if coding.strip().lower() not in (b"", b"identity"):
                # RFC 9110, 15.5.16: a 415 for a content coding, saying which one is taken.
                detail = (
                    "the body must be sent uncompressed, "
                    f"not with Content-Encoding: {coding.decode('latin-1')}"
                )
                await send_json(send, 415, {"detail": detail}, [(b"accept-encoding", b"identity")])
                return
        await self.app(scope, receive, send)
