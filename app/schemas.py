"""Request and response bodies, as they appear in the OpenAPI document."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

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
    """422: each broken rule with where it is (`loc`), what is wrong and its kind."""

    detail: list[ErrorItem]


class ErrorBody(BaseModel):
    """Every other error (400, 401, 413, 415, 503): one sentence naming the problem."""

    detail: str


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error answers an endpoint can give, with their bodies."""
    described = {
        400: "the body is not UTF-8 text",
        401: "API_TOKEN is set and the request has no bearer token or a wrong one",
        404: "no such model version or file",
        413: "the body is larger than MAX_BODY_BYTES",
        415: "the body is not JSON",
        422: "the body breaks a rule it names",
        503: "a model is still loading, or the queue is full (see Retry-After)",
    }
    return {
        code: {
            "model": ValidationErrorBody if code == 422 else ErrorBody,
            "description": described[code],
        }
        for code in codes
    }


class Status(BaseModel):
    status: Literal["ok", "ready", "not ready"]
    reasons: list[str] = []


class Report(BaseModel):
    name: str = Field(examples=["confusion_matrix.png"])
    url: str = Field(examples=["/models/sentiment/4/reports/confusion_matrix.png"])


class ModelInfo(BaseModel):
    name: str
    version: int
    path: str
    device: str = Field(description="where TensorFlow runs it, e.g. CPU:0 or GPU:0")
    metadata: dict[str, Any]
    reports: list[Report] = Field(description="figures its training run drew (PNG)")


class ModelsResponse(BaseModel):
    models: list[ModelInfo]


class Quarter(BaseModel):
    """A quarter by name and by its first day, as /forecast and /forecast/history give it."""

    quarter: str = Field(examples=["2026Q3"])
    date: str = Field(examples=["2026-07-01"], description="the quarter's first day")


class QuarterForecast(Quarter):
    gdp_growth_yoy: float = Field(description="point forecast, % year over year")
    lower: float = Field(description="lower end of the interval")
    upper: float = Field(description="upper end of the interval")


class RefreshStatus(BaseModel):
    ok: bool
    at: str
    reason: str | None
    vintage: str | None


class ForecastInputs(BaseModel):
    source: Literal["fred", "snapshot"]
    vintage: str
    fetched_at: str
    last_observation: dict[str, str]
    interpolated_months: dict[str, list[str]]
    age_hours: float
    stale: bool = Field(description="the data is older than STALE_AFTER_HOURS")
    last_refresh: RefreshStatus | None


class ForecastResponse(BaseModel):
    model: ModelRef
    last_observed_quarter: str
    interval_coverage: float | None
    forecasts: list[QuarterForecast]
    inputs: ForecastInputs


class ObservedQuarter(Quarter):
    gdp_growth_yoy: float = Field(description="real GDP growth, % year over year")
    inflation_yoy: float = Field(description="CPI inflation, % year over year, quarterly mean")
    unemployment_rate: float = Field(description="unemployment rate, %, quarterly mean")


class HistoryResponse(BaseModel):
    """The observed quarters behind the current forecast, oldest first."""

    last_observed_quarter: str
    source: Literal["fred", "snapshot"]
    vintage: str
    quarters: list[ObservedQuarter]


class RefreshResponse(RefreshStatus):
    """A refresh's outcome (`vintage`: the one it stored, if any) and what is served now."""

    source: Literal["fred", "snapshot"]
    current_vintage: str
    last_observed_quarter: str | None
