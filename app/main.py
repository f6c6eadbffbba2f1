"""The app factory: settings, model loading in the background, routers."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import model_store
from app.routers import health, sentiment
from app.settings import Settings, get_settings

log = logging.getLogger(__name__)


def _load_models(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    registry: model_store.ModelRegistry = app.state.registry
    name = settings.sentiment_model
    try:
        registry.put(model_store.load(settings.models_dir, name, settings.sentiment_version))
    except model_store.ModelLoadError as exc:
        log.error("model %s not loaded: %s", name, exc)
        registry.fail(name, str(exc))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Loading TensorFlow and the models takes seconds: do it beside the server so
        # /healthz answers at once and /readyz says what is still missing.
        loader = threading.Thread(
            target=_load_models, args=(app,), name="model-loader", daemon=True
        )
        loader.start()
        yield

    app = FastAPI(
        title="Market signals",
        summary="Financial headline sentiment and the US GDP growth outlook",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.registry = model_store.ModelRegistry(required=[settings.sentiment_model])
    app.include_router(health.router)
    app.include_router(sentiment.router)
    return app
