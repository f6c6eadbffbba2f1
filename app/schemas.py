"""Request and response bodies, as they appear in the OpenAPI document."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

Label = Literal["negative", "neutral", "positive"]


class SentimentRequest(BaseModel):
    model_config = ConfigDict(
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
        }
    )

    # Count and length limits are settings, checked by the endpoint.
    headlines: list[StrictStr] = Field(
        description="financial news headlines, each scored on its own, answered in this order"
    )


class ModelRef(BaseModel):
    name: str
    version: int


class Scores(BaseModel):
    negative: float
    neutral: float
    positive: float


class SentimentResult(BaseModel):
    label: Label
    scores: Scores


class SentimentResponse(BaseModel):
    model: ModelRef
    results: list[SentimentResult]


class ErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorBody(BaseModel):
    detail: list[ErrorItem]


class Status(BaseModel):
    status: Literal["ok", "ready", "not ready"]
    reasons: list[str] = []


class ModelInfo(BaseModel):
    name: str
    version: int
    path: str
    metadata: dict[str, Any]


class ModelsResponse(BaseModel):
    models: list[ModelInfo]
