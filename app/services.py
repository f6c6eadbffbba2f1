"""The running parts of one service, built once by `create_app` and handed to the routes
(through `app.deps`) and to the ASGI layers (in their constructors)."""

from __future__ import annotations

from dataclasses import dataclass

from app.forecast.scheduler import RefreshScheduler
from app.forecast.service import ForecastService
from app.model_store import ModelRegistry
from app.ops.metrics import Metrics
from app.sentiment.service import SentimentService
from app.settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    registry: ModelRegistry
    metrics: Metrics
    sentiment: SentimentService
    forecast: ForecastService
    refresher: RefreshScheduler

    @classmethod
    def build(cls, settings: Settings) -> Services:
        metrics = Metrics()
        required = [
            settings.sentiment_model,
            settings.entity_sentiment_model,
            settings.forecast_model,
        ]
        registry = ModelRegistry(required=[name for name in required if name])
        forecast = ForecastService(settings)
        return cls(
            settings=settings,
            registry=registry,
            metrics=metrics,
            sentiment=SentimentService(
                settings,
                registry,
                observe=metrics.observe_batch,
                observe_tagger=metrics.observe_tagger_batch,
            ),
            forecast=forecast,
            refresher=RefreshScheduler(forecast),
        )
