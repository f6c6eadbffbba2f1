"""The app factory: settings, model loading in the background, the refresh scheduler."""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp

from app import model_store
from app.access import BearerToken
from app.batching import MicroBatcher
from app.content_type import RequireJson
from app.forecast_service import ForecastService
from app.hot_paths import HotPaths
from app.observability import Metrics, RequestContext, ServiceState
from app.routers import forecast, health, page, sentiment
from app.routers import metrics as metrics_router
from app.scheduler import RefreshScheduler
from app.settings import Settings, get_settings

log = logging.getLogger(__name__)


def _load_models(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    registry: model_store.ModelRegistry = app.state.registry
    device = model_store.configure_tensorflow(
        settings.tf_intra_op_threads, settings.tf_inter_op_threads
    )
    wanted = [
        (settings.sentiment_model, settings.sentiment_version),
        (settings.forecast_model, settings.forecast_version),
    ]
    for name, version in wanted:
        try:
            model = model_store.load(settings.models_dir, name, version, device)
            if name == settings.forecast_model:
                app.state.forecast.set_model(model)
            registry.put(model)
        except (model_store.ModelLoadError, ValueError) as exc:
            reason = str(exc).splitlines()[0]
            if settings.exit_on_model_error:
                # One line and exit 1: an orchestrator restarts or reports the process,
                # rather than it running on and answering 503 to every request.
                log.critical("cannot serve: model %s: %s (exit 1)", name, reason)
                logging.shutdown()
                os._exit(1)
            log.error("model %s not loaded: %s", name, reason)
            registry.fail(name, f"{name}: {reason}")
    # TensorFlow and the models leave ~360,000 long-lived objects; a full collection
    # walks them in ~0.25 s while every request waits. Exempt them from collection.
    gc.freeze()


def _score_sentiment(app: FastAPI, texts: list[str]) -> list[str]:
    model = app.state.registry.get(app.state.settings.sentiment_model)
    if model is None:
        raise RuntimeError("sentiment model not loaded")
    return sentiment.score(model, texts)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Loading TensorFlow and the models takes seconds: do it beside the server so
        # /healthz answers at once and /readyz says what is still missing.
        threading.Thread(target=_load_models, args=(app,), name="model-loader", daemon=True).start()
        app.state.refresher.start()
        app.state.batcher.start()
        try:
            yield
        finally:
            await app.state.batcher.stop()
            app.state.refresher.shutdown()

    app = FastAPI(
        title="Market signals",
        summary="Financial headline sentiment and the US GDP growth outlook",
        version="0.1.0",
        lifespan=lifespan,
        # FastAPI's built-in OpenTelemetry hooks look up the global providers on every
        # request; nothing here exports telemetry, so they are switched off.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        max_body_size=settings.max_body_bytes,
    )
    app.state.settings = settings
    app.state.metrics = metrics = Metrics()
    app.state.registry = model_store.ModelRegistry(
        required=[settings.sentiment_model, settings.forecast_model]
    )
    app.state.forecast = ForecastService(settings)
    app.state.batcher = MicroBatcher(
        lambda texts: _score_sentiment(app, texts),
        max_batch_size=settings.batch_max_size,
        max_wait_s=settings.batch_max_wait_ms / 1000,
        max_queued_items=settings.batch_queue_max,
        observe=metrics.observe_batch,
    )
    app.state.refresher = RefreshScheduler(app.state.forecast)
    metrics.registry.register(ServiceState(app.state))
    app.include_router(health.router)
    app.include_router(sentiment.router)
    app.include_router(forecast.router)
    app.include_router(metrics_router.router)
    app.include_router(page.router)
    return app


def create_asgi_app() -> ASGIApp:
    """What uvicorn serves, outermost first: request id and metrics, the token check
    (when API_TOKEN is set), the JSON content-type check, the hot paths (unless turned
    off), FastAPI."""
    app = create_app()
    settings: Settings = app.state.settings
    served: ASGIApp = RequireJson(HotPaths(app) if settings.hot_paths else app)
    if settings.api_token is None:
        log.warning("API_TOKEN is not set: every endpoint, /admin/refresh included, is open")
    else:
        served = BearerToken(served, settings.api_token.get_secret_value())
    return RequestContext(served, app.state.metrics)
