"""Liveness, readiness, what is loaded, the figures its training drew, and the metrics."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from fastapi.responses import FileResponse, JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.deps import MetricsDep, RegistryDep
from app.schemas import ModelInfo, ModelsResponse, Status, error_responses

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


@router.get(
    "/models",
    response_model=ModelsResponse,
    summary="Loaded models and their metadata",
    responses=error_responses(401),
)
def models(registry: RegistryDep) -> ModelsResponse:
    return ModelsResponse(models=[ModelInfo(**m.describe()) for m in registry.all()])


@router.get(
    "/models/{name}/{version}/reports/{file}",
    summary="A figure the model's training run drew (PNG), as linked from /models",
    response_class=FileResponse,
    responses={
        200: {"content": {"image/png": {}}},
        **error_responses(401, 404, 422, about={422: "the path breaks the rule it names"}),
    },
)
async def report(name: str, version: int, file: str, registry: RegistryDep) -> FileResponse:
    model = registry.get(name)
    if model is None or model.version != version:
        raise HTTPException(status_code=404, detail=f"model {name} v{version} is not loaded")
    # Only a name listed from the model's own folder is opened: nothing from the URL is
    # joined into a path unchecked.
    if file not in model.report_files():
        raise HTTPException(status_code=404, detail=f"{name} v{version} has no report {file!r}")
    return FileResponse(
        model.path / "assets.extra" / file,
        media_type="image/png",
        # private: with API_TOKEN set the figure needs the token, so no shared cache keeps it.
        headers={"Cache-Control": "private, max-age=86400"},
    )


@router.get(
    "/metrics",
    summary="Prometheus metrics: requests, latency, batches, queue, refreshes, data age",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "text exposition format"},
        **error_responses(401),
    },
)
async def metrics(metrics: MetricsDep) -> Response:
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
