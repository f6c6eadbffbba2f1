"""Error answers that are always JSON and never fail to encode.

FastAPI's 422 echoes the offending `input`; JSON has no NaN or Infinity and UTF-8 has no
lone surrogates, so such an input made the error answer itself fail (a 500 with a
traceback). Here the echo is made encodable first. Anything unexpected is a JSON 500
that says so, without the details a client has no use for.
"""

from __future__ import annotations

import logging
import math

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


def encodable(value: object) -> object:
    """`value` with non-finite floats as their names and lone surrogates escaped."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {encodable(k): encodable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encodable(v) for v in value]
    return value


# The tags pydantic puts in an error's location for a union chosen by its discriminator
# (a headline is a string or an object; its entities a list or "auto"), under the field
# they follow: they name nothing the client sent.
# tag -> (the field it follows, how many places before it)
UNION_TAGS = {
    "headline": ("headlines", 2),
    "object": ("headlines", 2),
    "names": ("entities", 1),
    "auto": ("entities", 1),
}


def _is_tag(loc: tuple[object, ...] | list[object], k: int) -> bool:
    part = loc[k]
    if not isinstance(part, str) or part not in UNION_TAGS:
        return False
    parent, back = UNION_TAGS[part]
    return k >= back and loc[k - back] == parent


def _untagged(error: dict[str, object]) -> dict[str, object]:
    loc = error.get("loc")
    if not isinstance(loc, tuple | list):
        return error
    return {**error, "loc": [part for k, part in enumerate(loc) if not _is_tag(loc, k)]}


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_said(_untagged(e)) for e in exc.errors()]
    errors = [{**e, "input": shortened(e["input"])} if "input" in e else e for e in errors]
    return JSONResponse(status_code=422, content={"detail": encodable(errors)})


# An error echoes what it refuses, which may be the whole body (a missing field's input
# is the object it is missing from): a megabyte refused should not be a megabyte back.
ECHOED_CHARS = 200
ECHOED_ITEMS = 16


def shortened(value: object) -> object:
    """`value` with each string cut to ECHOED_CHARS characters and each list and object
    to ECHOED_ITEMS entries, each cut saying how long the whole was."""
    if isinstance(value, str) and len(value) > ECHOED_CHARS:
        return f"{value[:ECHOED_CHARS]}... ({len(value)} characters)"
    if isinstance(value, list | tuple):
        kept = [shortened(v) for v in value[:ECHOED_ITEMS]]
        return [*kept, f"... ({len(value)} items)"] if len(value) > ECHOED_ITEMS else kept
    if isinstance(value, dict):
        items = list(value.items())
        kept_items = {k: shortened(v) for k, v in items[:ECHOED_ITEMS]}
        if len(items) > ECHOED_ITEMS:
            kept_items["..."] = f"{len(items)} keys"
        return kept_items
    return value


def _said(error: dict[str, object]) -> dict[str, object]:
    """FastAPI's errors for a body that is not JSON or is empty, in words that name the
    problem: its own say "JSON decode error" beside a sentence cut before its place
    ("Invalid control character at"), and "Field required" for a body never sent."""
    loc, ctx = error.get("loc"), error.get("ctx")
    if error.get("type") == "json_invalid" and isinstance(ctx, dict) and isinstance(loc, list):
        reason = str(ctx.get("error", "")).removesuffix(" at")
        place = f" at offset {loc[1]}" if len(loc) > 1 else ""
        return {**error, "msg": f"the body is not valid JSON: {reason}{place}"}
    if error.get("type") == "missing" and loc == ["body"]:
        return {**error, "msg": "the body is empty: send a JSON object"}
    return error


# FastAPI's 400 for a body that parses as neither JSON nor an error of JSON (Python's
# json module raises ValueError or RecursionError), with no word of which.
_UNPARSED = "There was an error parsing the body"


async def http_error(request: Request, exc: Exception) -> Response:
    """FastAPI's own answer, but for its 400 on a body it could not parse at all, which
    says why: a number too long to read, or nesting too deep."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == _UNPARSED and exc.__cause__ is not None:
        cause = exc.__cause__
        why = (
            "it is nested too deeply"
            if isinstance(cause, RecursionError)
            else str(cause).split(";")[0]
        )
        exc = StarletteHTTPException(400, f"the body cannot be read as JSON: {why}", exc.headers)
    return await http_exception_handler(request, exc)


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(status_code=500, content={"detail": "internal error; it is logged"})
