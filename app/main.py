"""The app factory: the running parts, model loading in the background, the refresh
scheduler, and the ASGI layers in front of FastAPI."""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from app import deps, errors, model_store
from app.asgi.access import BearerToken
from app.asgi.body import ReadBody
from app.asgi.content_type import RequireJson
from app.asgi.head import HeadAsGet
from app.asgi.hot_paths import HotPaths
from app.asgi.origin import SameOrigin
from app.asgi.request_context import RequestContext, route_templates
from app.forecast import routes as forecast_routes
from app.openapi import with_settings
from app.ops import routes as ops_routes
from app.ops.metrics import ServiceState
from app.page import routes as page_routes
from app.sentiment import routes as sentiment_routes
from app.services import Services
from app.settings import Settings, get_settings

log = logging.getLogger(__name__)
ROUTERS = (ops_routes.router, sentiment_routes.router, forecast_routes.router, page_routes.router)


def _cannot_load(services: Services, name: str, reason: str) -> None:
    """The one rule for a model that will not load, whatever stopped it: one line and
    exit 1 (EXIT_ON_MODEL_ERROR), or stay up with /readyz answering 503 and the reason."""
    if services.settings.exit_on_model_error:
        # An orchestrator restarts or reports the process, rather than it running on
        # and answering 503 to every request.
        log.critical("cannot serve: model %s: %s (exit 1)", name, reason)
        logging.shutdown()
        os._exit(1)
    log.error("model %s not loaded: %s", name, reason)
    services.registry.fail(name, f"{name}: {reason}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    known = isinstance(exc, model_store.ModelLoadError | ValueError)
    return text if known and text else f"{type(exc).__name__}: {text}".rstrip(": ")


def _load_models(services: Services) -> None:
    settings = services.settings
    # Each model and who takes it besides the registry: the forecast computes its cached
    # answer as soon as its model is there; sentiment looks its models up per batch, and
    # takes the entity model's gazetteer.
    wanted: list[tuple[str, int | None, Callable[[model_store.LoadedModel], None] | None]] = [
        (settings.sentiment_model, settings.sentiment_version, None),
        (
            settings.entity_sentiment_model,
            settings.entity_sentiment_version,
            services.sentiment.set_entity_model,
        ),
        (settings.forecast_model, settings.forecast_version, services.forecast.set_model),
    ]
    wanted = [w for w in wanted if w[0]]
    # A model that is not on disk fails at once, not after TensorFlow's seconds of start;
    # the version found here is the one loaded below.
    on_disk = []
    for name, version, take in wanted:
        try:
            found = model_store.version_dir(settings.models_dir / name, version)
            on_disk.append((name, int(found.name), take))
        except model_store.ModelLoadError as exc:
            _cannot_load(services, name, _first_line(exc))
    wanted = on_disk
    if not wanted:
        return
    try:
        device = model_store.configure_tensorflow(
            settings.tf_intra_op_threads, settings.tf_inter_op_threads
        )
    except Exception as exc:  # TensorFlow itself cannot start (no usable /tmp, say)
        for name, _, _ in wanted:
            _cannot_load(services, name, f"TensorFlow did not start: {_first_line(exc)}")
        return
    for name, version, take in wanted:
        try:
            model = model_store.load(settings.models_dir, name, version, device)
            if take is not None:
                take(model)
            services.registry.put(model)
        except Exception as exc:  # whatever its type: a thread that dies says nothing
            _cannot_load(services, name, _first_line(exc))
    # TensorFlow and the models leave ~360,000 long-lived objects; a full collection
    # walks them in ~0.25 s while every request waits. Exempt them from collection.
    gc.freeze()


def _load_overdue(services: Services) -> None:
    for name in services.registry.pending():
        limit = services.settings.model_load_timeout_seconds
        _cannot_load(services, name, f"still loading after {limit:g} s")


def create_app(settings: Settings | None = None) -> FastAPI:
    services = Services.build(settings or get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Loading TensorFlow and the models takes seconds: do it beside the server so
        # /healthz answers at once and /readyz says what is still missing.
        threading.Thread(
            target=_load_models, args=(services,), name="model-loader", daemon=True
        ).start()
        overdue = threading.Timer(
            services.settings.model_load_timeout_seconds, _load_overdue, args=(services,)
        )
        overdue.daemon = True
        overdue.start()
        services.refresher.start()
        services.sentiment.batcher.start()
        services.sentiment.tagger_batcher.start()
        try:
            yield
        finally:
            overdue.cancel()
            await services.sentiment.batcher.stop()
            await services.sentiment.tagger_batcher.stop()
            services.refresher.shutdown()

    app = FastAPI(
        title="Market signals",
        summary="Financial headline sentiment and the US GDP growth outlook",
        version="0.1.0",
        lifespan=lifespan,
        # FastAPI's built-in OpenTelemetry hooks look up the global providers on every
        # request; nothing here exports telemetry, so they are switched off.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        max_body_size=services.settings.max_body_bytes,
        # Served by app/page/routes.py from the installed package, not from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services

    async def current_services() -> Services:
        return services

    app.dependency_overrides[deps.services] = current_services
    app.add_exception_handler(RequestValidationError, errors.validation_error)
    app.add_exception_handler(StarletteHTTPException, errors.http_error)
    app.add_exception_handler(Exception, errors.unexpected_error)
    services.metrics.registry.register(
        ServiceState(services.sentiment.batcher, services.forecast, services.registry)
    )
    for router in ROUTERS:
        app.include_router(router)
    fastapi_document = app.openapi

    def document() -> dict[str, Any]:
        made = app.openapi_schema is not None
        return fastapi_document() if made else with_settings(fastapi_document(), services.settings)

    app.openapi = document  # type: ignore[method-assign]
    return app


def create_asgi_app() -> ASGIApp:
    """What uvicorn serves, outermost first: request id and metrics, HEAD as GET, the
    cross-site check of state-changing requests, the token check (when API_TOKEN is
    set), the JSON content-type check, the body read whole within its limits, the hot
    paths (unless turned off), FastAPI."""
    app = create_app()
    services: Services = app.state.services
    settings = services.settings
    inner: ASGIApp = HotPaths(app, services) if settings.hot_paths else app
    served: ASGIApp = RequireJson(
        ReadBody(inner, settings.max_body_bytes, settings.body_timeout_seconds)
    )
    if settings.api_token is None:
        log.warning("API_TOKEN is not set: every endpoint, /admin/refresh included, is open")
    else:
        served = BearerToken(served, settings.api_token.get_secret_value())
    # The app's own routes (/docs, /openapi.json) and those of the routers it includes.
    routes = [*app.routes, *(route for router in ROUTERS for route in router.routes)]
    return RequestContext(HeadAsGet(SameOrigin(served)), services.metrics, route_templates(routes))
