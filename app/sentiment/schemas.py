"""POST /sentiment's request and response bodies, as they appear in the OpenAPI document."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from app.schemas import ModelRef

Label = Literal["negative", "neutral", "positive"]


class SentimentRequest(BaseModel):
    # Unknown fields are rejected, so a misspelt "headline" is named, not silently dropped.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "headlines": [
                        "Infosys shares surge 8% after strong Q3 earnings beat",
                        "Rupee slumps to record low against the dollar",
                        "RBI keeps repo rate unchanged at 6.5%",
                    ]
                }
            ]
        },
    )

    # Count and length limits are settings, checked by the endpoint.
    headlines: list[StrictStr] = Field(
        description="financial news headlines, each scored on its own, answered in this order"
    )


class Scores(BaseModel):
    negative: float
    neutral: float
    positive: float


class SentimentResult(BaseModel):
    label: Label
    scores: Scores
    coverage: float | None = Field(
        description="share of the headline's tokens the model knows, 0 to 1. The model "
        "reads English only: at 0 it has nothing to go on, and answers 1/3 each and "
        "neutral. null from models that do not report it (before version 5)",
        ge=0.0,
        le=1.0,
    )


class SentimentResponse(BaseModel):
    model: ModelRef
    results: list[SentimentResult]
