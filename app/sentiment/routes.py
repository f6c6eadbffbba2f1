"""POST /sentiment: one label and its class probabilities per headline, in input order."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from app.deps import SentimentDep
from app.schemas import error_responses
from app.sentiment.batching import QueueFullError
from app.sentiment.repeated_keys import may_repeat, repeated
from app.sentiment.schemas import SentimentRequest, SentimentResponse
from app.sentiment.service import (
    BUSY_RETRY_AFTER,
    EntityModelMissingError,
    HeadlineError,
    busy_detail,
    checked_before,
)

router = APIRouter(tags=["sentiment"])


@router.post(
    "/sentiment",
    response_model=SentimentResponse,
    summary="Classify financial news headlines as negative, neutral or positive, "
    "overall and per company named",
    responses=error_responses(400, 401, 413, 415, 422, 503),
)
async def sentiment(body: SentimentRequest, request: Request, service: SentimentDep) -> Response:
    raw = await request.body()
    if checked := checked_before(request.state):
        raise HTTPException(status_code=422, detail=checked.detail)
    if may_repeat(raw, body) and (errors := repeated(raw)):
        raise HTTPException(status_code=422, detail=errors)
    try:
        headlines = await service.check(body.headlines)
    except HeadlineError as exc:
        raise HTTPException(status_code=422, detail=exc.detail) from exc
    except QueueFullError as exc:
        raise HTTPException(
            status_code=503, detail=busy_detail(exc), headers={"Retry-After": BUSY_RETRY_AFTER}
        ) from exc
    model = service.model()
    if model is None:
        raise HTTPException(
            status_code=503, detail=service.not_ready(), headers={"Retry-After": "5"}
        )
    try:
        body_bytes = await service.classify(model, headlines)
    except QueueFullError as exc:
        raise HTTPException(
            status_code=503, detail=busy_detail(exc), headers={"Retry-After": BUSY_RETRY_AFTER}
        ) from exc
    except EntityModelMissingError as exc:
        raise HTTPException(
            status_code=503,
            detail=f"per-entity sentiment is not ready: {exc}",
            headers={"Retry-After": "5"},
        ) from exc
    return Response(body_bytes, media_type="application/json")
