"""One JSON response, sent straight through ASGI by the layers in front of FastAPI."""

from __future__ import annotations

import json

from starlette.types import Send


async def send_json(
    send: Send,
    status: int,
    body: bytes | dict[str, object],
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    head = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(raw)).encode()),
        *(headers or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": raw})
