"""POST /sentiment: one label and its class probabilities per headline, in input order."""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter, HTTPException

from app.batching import QueueFullError
from app.deps import BatcherDep, RegistryDep, SettingsDep
from app.schemas import (
    ModelRef,
    Scores,
    SentimentRequest,
    SentimentResponse,
    SentimentResult,
    ValidationErrorBody,
)
from app.settings import Settings

router = APIRouter(tags=["sentiment"])

LABELS = ("negative", "neutral", "positive")


def _error(loc: list[str | int], msg: str, kind: str) -> dict[str, object]:
    return {"loc": loc, "msg": msg, "type": kind}


def check_limits(headlines: list[str], settings: Settings) -> list[str]:
    """Trim each headline and enforce the count and length limits; return the trimmed list."""
    n = len(headlines)
    if not 1 <= n <= settings.max_headlines:
        raise HTTPException(
            status_code=422,
            detail=[
                _error(
                    ["body", "headlines"],
                    f"headlines must hold 1 to {settings.max_headlines} items, got {n}",
                    "too_short" if n == 0 else "too_long",
                )
            ],
        )
    trimmed = [h.strip() for h in headlines]
    errors = []
    for i, text in enumerate(trimmed):
        if not text:
            errors.append(
                _error(
                    ["body", "headlines", i],
                    "headline is blank: it must hold 1 to "
                    f"{settings.max_headline_chars} characters after trimming",
                    "string_too_short",
                )
            )
        elif len(text) > settings.max_headline_chars:
            errors.append(
                _error(
                    ["body", "headlines", i],
                    f"headline has {len(text)} characters after trimming, "
                    f"the limit is {settings.max_headline_chars}",
                    "string_too_long",
                )
            )
    if errors:
        raise HTTPException(status_code=422, detail=errors)
    return trimmed


@router.post(
    "/sentiment",
    response_model=SentimentResponse,
    summary="Classify financial news headlines as negative, neutral or positive",
    responses={
        422: {"model": ValidationErrorBody, "description": "the body breaks a rule it names"},
        503: {"description": "the model is not loaded yet, or the queue is full (Retry-After)"},
    },
)
async def sentiment(
    body: SentimentRequest, settings: SettingsDep, registry: RegistryDep, batcher: BatcherDep
) -> SentimentResponse:
    headlines = check_limits(body.headlines, settings)
    model = registry.get(settings.sentiment_model)
    if model is None:
        raise HTTPException(
            status_code=503,
            detail="; ".join(registry.not_ready_reasons()),
            headers={"Retry-After": "5"},
        )
    try:
        probs = np.asarray(await batcher.submit(headlines), dtype=np.float64)
    except QueueFullError as exc:
        raise HTTPException(
            status_code=503, detail=f"server busy: {exc}", headers={"Retry-After": "1"}
        ) from exc
    # The model's own metadata says which column is which label.
    labels = tuple(model.metadata.get("labels", LABELS))
    results = []
    for row in probs:
        row = row / row.sum()
        results.append(
            SentimentResult(
                label=labels[int(row.argmax())],
                scores=Scores(**{name: float(p) for name, p in zip(labels, row, strict=True)}),
            )
        )
    return SentimentResponse(
        model=ModelRef(name=model.name, version=model.version), results=results
    )
