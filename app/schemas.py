"""Bodies both halves share, as they appear in the OpenAPI document: model references,
errors, probes and the loaded models."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ModelRef(BaseModel):
    name: str
    version: int


class ErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorBody(BaseModel):
    """422: each broken rule with where it is (`loc`), what is wrong and its kind."""

    detail: list[ErrorItem]


class ErrorBody(BaseModel):
    """Every other error (400, 401, 404, 409, 413, 415, 503): one sentence naming the
    problem."""

    detail: str


def header_doc(description: str) -> dict[str, Any]:
    """An OpenAPI response header of a string value."""
    return {"description": description, "schema": {"type": "string"}}


# The header each of these answers carries.
HEADERS = {
    401: (
        "WWW-Authenticate",
        header_doc('Bearer, with error="invalid_token" or "invalid_request"'),
    ),
    503: ("Retry-After", header_doc("seconds to wait before asking again")),
}


def error_responses(
    *codes: int, about: dict[int, str] | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error answers an endpoint can give, with their bodies;
    `about` says what a code means on this endpoint where the shared sentence does not
    fit it."""
    described = {
        400: "the body is not UTF-8 text, or cannot be read as JSON at all (a number too long "
        "to read, nesting too deep)",
        401: "API_TOKEN is set and the request has no bearer token or a wrong one",
        404: "no such model version or file",
        409: "this process does not refresh from FRED; the detail names the one that does",
        413: "the body is larger than MAX_BODY_BYTES",
        415: "the body is not JSON, declares a charset other than UTF-8, or is compressed",
        422: "the body breaks a rule it names",
        503: "a model is still loading, or the queue is full (see Retry-After)",
        **(about or {}),
    }
    return {
        code: {
            "model": ValidationErrorBody if code == 422 else ErrorBody,
            "description": described[code],
            **({"headers": {HEADERS[code][0]: HEADERS[code][1]}} if code in HEADERS else {}),
        }
        for code in codes
    }


class Status(BaseModel):
    status: Literal["ok", "ready", "not ready"]
    reasons: list[str] = []


class Report(BaseModel):
    name: str = Field(examples=["confusion_matrix.png"])
    url: str = Field(examples=["/models/sentiment/9/reports/confusion_matrix.png"])


class ModelInfo(BaseModel):
    name: str
    version: int
    path: str = Field(
        description="the version's folder under MODELS_DIR; the server's own paths are not shown",
        examples=["sentiment/9"],
    )
    device: str = Field(description="where TensorFlow runs it, e.g. CPU:0 or GPU:0")
    metadata: dict[str, Any]
    reports: list[Report] = Field(description="figures its training run drew (PNG)")


class ModelsResponse(BaseModel):
    models: list[ModelInfo]
