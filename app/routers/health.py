"""Liveness, readiness and what is loaded."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.deps import RegistryDep
from app.schemas import ModelInfo, ModelsResponse, Status

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Status, summary="The process is alive")
async def healthz() -> Status:
    return Status(status="ok")


@router.get(
    "/readyz",
    response_model=Status,
    summary="Models are loaded and requests can be answered",
    responses={503: {"model": Status, "description": "not ready, with the reasons"}},
)
async def readyz(registry: RegistryDep) -> Status | JSONResponse:
    reasons = registry.not_ready_reasons()
    if reasons:
        return JSONResponse(
            status_code=503, content=Status(status="not ready", reasons=reasons).model_dump()
        )
    return Status(status="ready")


@router.get("/models", response_model=ModelsResponse, summary="Loaded models and their metadata")
def models(registry: RegistryDep) -> ModelsResponse:
    return ModelsResponse(models=[ModelInfo(**m.describe()) for m in registry.all()])
