"""Dependencies the routers share, as `Annotated` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.batching import MicroBatcher
from app.model_store import ModelRegistry
from app.settings import Settings


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _registry(request: Request) -> ModelRegistry:
    return request.app.state.registry


def _batcher(request: Request) -> MicroBatcher:
    return request.app.state.batcher


SettingsDep = Annotated[Settings, Depends(_settings)]
RegistryDep = Annotated[ModelRegistry, Depends(_registry)]
BatcherDep = Annotated[MicroBatcher, Depends(_batcher)]
