"""API_TOKEN: everything but the probes and the page's shell needs the bearer token."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.routing import BaseRoute

from app.main import create_app
from app.settings import Settings
from tests.conftest import Server, start_server, stop_server

TOKEN = "a-long-random-token-for-tests"
# What stays open with a token set: the probes and the page's shell. Everything else the
# app routes is guarded, so a new route is guarded unless it is added here on purpose.
OPEN = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/"), ("GET", "/static/{name}")}
BODIES = {("POST", "/sentiment"): {"headlines": ["Sensex ends flat"]}}


def _routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in routes:
        included = getattr(route, "include_context", None)
        if included is not None:
            yield from _routes(route.original_router.routes, prefix + included.prefix)  # type: ignore[attr-defined]
            continue
        for method in sorted(getattr(route, "methods", None) or ()):
            if method != "HEAD":
                yield method, prefix + route.path  # type: ignore[attr-defined]


def app_routes() -> list[tuple[str, str]]:
    return sorted(set(_routes(create_app(Settings()).routes)))


def _concrete(path: str) -> str:
    """A request path for a route: each parameter gets a made-up value."""
    return re.sub(r"\{[^}]+\}", "1", path)


GUARDED = [
    (method, _concrete(path), BODIES.get((method, path)))
    for method, path in app_routes()
    if (method, path) not in OPEN
]


def test_the_routes_are_found() -> None:
    # The walk through the included routers must reach every route, open and guarded.
    routes = app_routes()
    assert set(routes) >= OPEN
    assert {("POST", "/sentiment"), ("GET", "/forecast"), ("POST", "/admin/refresh")} <= set(routes)
    assert len(GUARDED) >= 10


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("guarded"), {"API_TOKEN": TOKEN})
    yield srv
    stop_server(srv)


def test_probes_and_the_page_shell_stay_open(guarded: Server) -> None:
    # The page holds no data; it asks for the token when the API answers 401.
    with guarded.client() as http:
        assert http.get("/healthz").status_code == 200
        assert http.get("/readyz").status_code == 200
        assert http.get("/").status_code == 200
        assert http.get("/static/page.js").status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), GUARDED)
def test_no_token_or_a_wrong_one_gets_401(
    guarded: Server, method: str, path: str, body: object
) -> None:
    with guarded.client() as http:
        missing = http.request(method, path, json=body)
        wrong = http.request(method, path, json=body, headers={"Authorization": "Bearer nope"})
        near = http.request(method, path, json=body, headers={"Authorization": TOKEN})
    assert missing.status_code == wrong.status_code == near.status_code == 401
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert wrong.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert "Authorization: Bearer" in missing.json()["detail"]
    # The token without its scheme is no bearer token, and the answer says what is.
    assert near.headers["WWW-Authenticate"] == 'Bearer error="invalid_request"'
    assert near.json()["detail"] == "the Authorization header must be Bearer <token>"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    # Not these: a refresh goes to FRED, no model version 1 is loaded to have reports, and
    # no docs file is called "1".
    [
        g
        for g in GUARDED
        if g[1] != "/admin/refresh" and "/reports/" not in g[1] and "/docs/assets/" not in g[1]
    ],
)
def test_the_right_token_is_let_through(
    guarded: Server, method: str, path: str, body: object
) -> None:
    # The scheme's name is any case.
    for scheme in ("Bearer", "bearer", "BEARER"):
        with guarded.client() as http:
            response = http.request(
                method, path, json=body, headers={"Authorization": f"{scheme} {TOKEN}"}
            )
        assert response.status_code == 200, scheme


def test_the_document_says_which_operations_need_the_token(guarded: Server) -> None:
    with guarded.client() as http:
        spec = http.get("/openapi.json", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    needs = {
        path: [op.get("security") == [{"bearer": []}] for op in ops.values()]
        for path, ops in spec["paths"].items()
    }
    assert needs["/sentiment"] == needs["/models"] == [True] and needs["/healthz"] == [False]
    assert "401" in spec["paths"]["/models"]["get"]["responses"]


def test_an_open_deployment_says_so_at_startup(server: Server) -> None:
    assert "API_TOKEN is not set" in server.log.read_text()
