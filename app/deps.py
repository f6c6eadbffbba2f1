"""Dependencies the routers share, as `Annotated` aliases.

They are `async def` on purpose: FastAPI runs a plain `def` dependency in its thread
pool, a thread hand-off per dependency per request that cost about a tenth of the
event loop's time under load.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.batching import MicroBatcher
from app.model_store import ModelRegistry
from app.settings import Settings


async def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _registry(request: Request) -> ModelRegistry:
    return request.app.state.registry


async def _batcher(request: Request) -> MicroBatcher:
    return request.app.state.batcher


SettingsDep = Annotated[Settings, Depends(_settings)]
RegistryDep = Annotated[ModelRegistry, Depends(_registry)]
BatcherDep = Annotated[MicroBatcher, Depends(_batcher)]
