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
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

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
    errors = [_untagged(e) for e in exc.errors()]
    return JSONResponse(status_code=422, content={"detail": encodable(errors)})


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(status_code=500, content={"detail": "internal error; it is logged"})
