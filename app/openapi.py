"""What the settings decide, written into the OpenAPI document: the request's count
limits and the token scheme.

The request models leave the limits to `check_limits`, which reads them from the
settings (a server may set its own), so pydantic's schema states none of them, and a
client generated from it or a validator built on it would send bodies the server then
refuses. The limits are written here as this server applies them. A headline's length
is not: the limit holds after trimming, so a `maxLength` would refuse headlines the
server takes ("  x  " is one character). The token, when API_TOKEN is set, is a bearer
scheme on every operation but the open ones, so that generated clients and the
document's "Authorize" button send it.
"""

from __future__ import annotations

from typing import Any

from app.asgi.access import OPEN_PATHS, OPEN_PREFIX
from app.settings import Settings

BEARER = "bearer"


def with_settings(document: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """`document` (FastAPI's) with the limits and the token scheme of `settings`, in place."""
    schemas = document["components"]["schemas"]
    headlines = schemas["SentimentRequest"]["properties"]["headlines"]
    headlines["minItems"] = 1
    headlines["maxItems"] = min(settings.max_headlines, settings.batch_queue_max)
    for form in headlines["items"]["oneOf"]:
        if form.get("type") == "string":
            form["minLength"] = 1
    schemas["EntityHeadline"]["properties"]["text"]["minLength"] = 1
    for form in schemas["EntityHeadline"]["properties"]["entities"]["oneOf"]:
        if form.get("type") == "array":
            form["maxItems"] = settings.max_entities_per_headline
    if settings.api_token is not None:
        document["components"]["securitySchemes"] = {
            BEARER: {"type": "http", "scheme": "bearer", "description": "API_TOKEN"}
        }
        for path, operations in document["paths"].items():
            if path not in OPEN_PATHS and not path.startswith(OPEN_PREFIX):
                for operation in operations.values():
                    operation["security"] = [{BEARER: []}]
    return document
