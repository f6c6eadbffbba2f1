"""GET /forecast (a read of the cached answer) and POST /admin/refresh."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse

from app.asgi.conditional import NO_CACHE, none_match
from app.deps import ForecastDep, RefresherDep, RegistryDep
from app.forecast.schemas import ForecastResponse, HistoryResponse, RefreshResponse
from app.model_store import ModelRegistry
from app.schemas import error_responses, header_doc

NOT_COMPUTED = {
    503: "the forecast is not computed yet: its model or its data is still loading (see "
    "Retry-After)"
}

router = APIRouter(tags=["forecast"])


def not_computed_yet(registry: ModelRegistry) -> HTTPException:
    """The 503 of a read before the first forecast exists (the model is still loading)."""
    return HTTPException(
        status_code=503,
        detail="; ".join(registry.not_ready_reasons()) or "forecast not computed yet",
        headers={"Retry-After": "5"},
    )


@router.get(
    "/forecast",
    response_model=ForecastResponse,
    summary="US real GDP growth (% year over year) for the four quarters after the last observed",
    responses={
        200: {
            "headers": {
                "ETag": header_doc("the answer's entity tag"),
                "Cache-Control": header_doc("no-cache"),
            }
        },
        304: {"description": "Not Modified: If-None-Match holds the current answer's ETag"},
        **error_responses(401, 503, about=NOT_COMPUTED),
    },
)
async def forecast(service: ForecastDep, registry: RegistryDep, request: Request) -> Response:
    # Pre-encoded bytes: the answer changes only with a refresh (or its age's next tenth
    # of an hour), and validating and encoding it per GET was most of the endpoint's cost.
    encoded = service.current_json()
    if encoded is None:
        raise not_computed_yet(registry)
    headers = {"ETag": encoded.etag, "Cache-Control": NO_CACHE}
    if none_match(request.headers.get("if-none-match"), encoded.etag):
        return Response(status_code=304, headers=headers)
    return Response(encoded.body, media_type="application/json", headers=headers)


@router.get(
    "/forecast/history",
    response_model=HistoryResponse,
    summary="The observed quarters the current forecast was made from (what the page plots)",
    responses=error_responses(
        401, 422, 503, about={422: "`quarters` breaks the rule it names", **NOT_COMPUTED}
    ),
)
async def history(
    service: ForecastDep,
    registry: RegistryDep,
    quarters: Annotated[
        int, Query(ge=1, le=400, description="how many of the latest quarters")
    ] = 40,
) -> HistoryResponse:
    body = service.history(quarters)
    if body is None:
        raise not_computed_yet(registry)
    return HistoryResponse(**body)


@router.post(
    "/admin/refresh",
    response_model=RefreshResponse,
    summary="Refresh the FRED inputs now and recompute the forecast",
    responses={
        **error_responses(401, 409),
        502: {
            "model": RefreshResponse,
            "description": "FRED failed or answered badly; the last good data stays",
        },
    },
)
async def refresh(service: ForecastDep, refresher: RefresherDep) -> RefreshResponse | JSONResponse:
    if (elsewhere := refresher.not_the_refresher()) is not None:
        raise HTTPException(status_code=409, detail=elsewhere)
    outcome = await refresher.run_refresh()
    current = service.current()
    body = RefreshResponse(
        **outcome.as_dict(),
        source=service.vintage.source,
        current_vintage=service.vintage.vintage,
        last_observed_quarter=current["last_observed_quarter"] if current else None,
    )
    if not outcome.ok:
        return JSONResponse(status_code=502, content=body.model_dump(mode="json"))
    return body
