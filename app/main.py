"""The app factory: settings, model loading in the background, the refresh scheduler."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import numpy as np
from fastapi import FastAPI

from app import model_store
from app.batching import MicroBatcher
from app.forecast_service import ForecastService
from app.routers import forecast, health, sentiment
from app.scheduler import RefreshScheduler
from app.settings import Settings, get_settings

log = logging.getLogger(__name__)


def _load_models(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    registry: model_store.ModelRegistry = app.state.registry
    wanted = [
        (settings.sentiment_model, settings.sentiment_version),
        (settings.forecast_model, settings.forecast_version),
    ]
    for name, version in wanted:
        try:
            model = model_store.load(settings.models_dir, name, version)
            if name == settings.forecast_model:
                app.state.forecast.set_model(model)
            registry.put(model)
        except (model_store.ModelLoadError, ValueError) as exc:
            log.error("model %s not loaded: %s", name, exc)
            registry.fail(name, f"{name}: {exc}")


def _predict_sentiment(app: FastAPI, texts: list[str]) -> np.ndarray:
    model = app.state.registry.get(app.state.settings.sentiment_model)
    if model is None:
        raise RuntimeError("sentiment model not loaded")
    return model.predict(texts)


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
    )
    app.state.settings = settings
    app.state.registry = model_store.ModelRegistry(
        required=[settings.sentiment_model, settings.forecast_model]
    )
    app.state.forecast = ForecastService(settings)
    app.state.batcher = MicroBatcher(
        lambda texts: _predict_sentiment(app, texts),
        max_batch_size=settings.batch_max_size,
        max_wait_s=settings.batch_max_wait_ms / 1000,
        max_queued_items=settings.batch_queue_max,
    )
    app.state.refresher = RefreshScheduler(app.state.forecast)
    app.include_router(health.router)
    app.include_router(sentiment.router)
    app.include_router(forecast.router)
    return app
