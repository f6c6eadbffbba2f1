"""The page at GET / and its assets.

The assets are read once at import and served from memory with an ETag: the page
works with no internet (nothing comes from a CDN) and costs one small read per file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response

WEB = Path(__file__).resolve().parent / "web"
# The page runs only its own script and style, and talks only to this service.
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css"}

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    etag: str


def _asset(path: Path) -> Asset:
    body = path.read_bytes()
    return Asset(body, TYPES[path.suffix], f'"{hashlib.sha256(body).hexdigest()[:16]}"')


PAGE = _asset(WEB / "index.html")
STATIC = {p.name: _asset(p) for p in sorted((WEB / "static").iterdir()) if p.suffix in TYPES}


def _serve(asset: Asset, request: Request, headers: dict[str, str]) -> Response:
    # no-cache: the browser keeps a copy but asks each time; an unchanged file is a 304.
    headers = {"ETag": asset.etag, "Cache-Control": "no-cache", **headers}
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


@router.get("/")
async def page(request: Request) -> Response:
    return _serve(PAGE, request, {"Content-Security-Policy": CSP})


@router.get("/static/{name}")
async def static(name: str, request: Request) -> Response:
    asset = STATIC.get(name)
    if asset is None:
        raise HTTPException(status_code=404, detail=f"no static file {name!r}")
    return _serve(asset, request, {})
