"""What the routes take from the running service, as `Annotated` dependencies.

`services` is a placeholder that `create_app` overrides with the app's own `Services`,
so no route reaches into the app's state by name. The dependencies are `async def` on
purpose: FastAPI runs a plain `def` dependency in its thread pool, a thread hand-off per
dependency per request that cost about a tenth of the event loop's time under load.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.forecast.scheduler import RefreshScheduler
from app.forecast.service import ForecastService
from app.model_store import ModelRegistry
from app.ops.metrics import Metrics
from app.sentiment.service import SentimentService
from app.services import Services


async def services() -> Services:
    raise RuntimeError("no Services: build the app with app.main.create_app")


ServicesDep = Annotated[Services, Depends(services)]


async def _registry(s: ServicesDep) -> ModelRegistry:
    return s.registry


async def _sentiment(s: ServicesDep) -> SentimentService:
    return s.sentiment


async def _forecast(s: ServicesDep) -> ForecastService:
    return s.forecast


async def _refresher(s: ServicesDep) -> RefreshScheduler:
    return s.refresher


async def _metrics(s: ServicesDep) -> Metrics:
    return s.metrics


RegistryDep = Annotated[ModelRegistry, Depends(_registry)]
SentimentDep = Annotated[SentimentService, Depends(_sentiment)]
ForecastDep = Annotated[ForecastService, Depends(_forecast)]
RefresherDep = Annotated[RefreshScheduler, Depends(_refresher)]
MetricsDep = Annotated[Metrics, Depends(_metrics)]
