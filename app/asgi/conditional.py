"""Conditional GETs (RFC 9110, section 13.1.2): an answer the client already holds is a 304.

A client that asks for `GET /forecast` again (a dashboard polling it, a browser
reloading the page) sends back the ETag of the answer it holds; while the answer is
unchanged it gets a `304 Not Modified` with no body instead of the same 1.5 kB again.
"""

from __future__ import annotations

import hashlib

# A client may keep an answer but asks again each time (a refresh can come at any
# moment); an unchanged answer then costs it a 304 without a body.
NO_CACHE = "no-cache"


def entity_tag(body: bytes) -> str:
    """A strong entity tag for `body`: the same bytes, the same tag."""
    return f'"{hashlib.sha256(body).hexdigest()[:16]}"'


def none_match(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header value holds `etag`, so that the answer is a 304:
    "*", or a comma-separated list of tags compared weakly (a `W/` prefix ignored), as
    the RFC asks of this header."""
    if if_none_match is None:
        return False
    tags = [tag.strip() for tag in if_none_match.split(",")]
    return "*" in tags or etag in (tag.removeprefix("W/") for tag in tags)
