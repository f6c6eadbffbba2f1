"""The page at GET /, the API docs at GET /docs, and their assets.

The assets are read once at import and served from memory with an ETag: the page and
the docs work with no internet (nothing comes from a CDN) and cost one small read per
file. Swagger UI's own files come from the `swagger-ui-bundle` package (Apache-2.0).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from swagger_ui_bundle import swagger_ui_path

from app.asgi.conditional import NO_CACHE, entity_tag, none_match

WEB = Path(__file__).resolve().parent / "web"
# The page runs only its own script and style, and talks only to this service.
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
}

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    etag: str


def _asset(path: Path) -> Asset:
    body = path.read_bytes()
    return Asset(body, TYPES[path.suffix], entity_tag(body))


PAGE = _asset(WEB / "index.html")
STATIC = {p.name: _asset(p) for p in sorted((WEB / "static").iterdir()) if p.suffix in TYPES}
DOCS_ASSETS = {
    name: _asset(Path(str(swagger_ui_path)) / name)
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")
}
DOCS = get_swagger_ui_html(
    openapi_url="/openapi.json",
    title="Market signals - API docs",
    swagger_js_url="/docs/assets/swagger-ui-bundle.js",
    swagger_css_url="/docs/assets/swagger-ui.css",
    swagger_favicon_url="/docs/assets/favicon-32x32.png",
)


def _serve(asset: Asset, request: Request, headers: dict[str, str]) -> Response:
    # no-cache: the browser keeps a copy but asks each time; an unchanged file is a 304.
    headers = {"ETag": asset.etag, "Cache-Control": NO_CACHE, **headers}
    if none_match(request.headers.get("if-none-match"), asset.etag):
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


@router.get("/")
async def page(request: Request) -> Response:
    return _serve(PAGE, request, {"Content-Security-Policy": CSP})


def _serve_named(assets: dict[str, Asset], name: str, kind: str, request: Request) -> Response:
    asset = assets.get(name)
    if asset is None:
        raise HTTPException(status_code=404, detail=f"no {kind} file {name!r}")
    return _serve(asset, request, {})


@router.get("/static/{name}")
async def static(name: str, request: Request) -> Response:
    return _serve_named(STATIC, name, "static", request)


@router.get("/docs")
async def docs() -> Response:
    return DOCS


@router.get("/docs/assets/{name}")
async def docs_asset(name: str, request: Request) -> Response:
    return _serve_named(DOCS_ASSETS, name, "docs", request)
