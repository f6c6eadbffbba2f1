"""Keys a request's JSON gives twice in one object, refused rather than half read.

JSON parsers, pydantic's as much as the standard library's, keep the last value of a
key written twice: `{"headlines": ["Stocks rise"], "headlines": ["Stocks fall"]}` was
answered about "Stocks fall" alone, and an item `{"text": "Apple rises", ...,
"text": "Intel falls"}` about Intel, with no word that anything was dropped. RFC 8259
(section 4) says an object's names SHOULD be unique and leaves the rest to the reader;
the service refuses such a body with a 422 that names the key, as it refuses a field
it does not know.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from app.sentiment.schemas import SentimentRequest


def may_repeat(raw: bytes, request: SentimentRequest) -> bool:
    """Whether the body of a valid `request` may give a key twice: False is certain, so
    that a request whose keys each appear as often as its objects need no second
    parse. A valid request knows three keys, and each written plainly ("text", no
    escapes) is those bytes between quotes: "headlines" once, "text" and "entities" once
    per object item. A backslash anywhere may be an escaped key and is parsed."""
    objects = sum(1 for h in request.headlines if type(h) is not str)
    return (
        b"\\" in raw
        or raw.count(b'"headlines"') > 1
        or raw.count(b'"text"') > objects
        or raw.count(b'"entities"') > objects
    )


def repeated(raw: bytes) -> list[dict[str, object]]:
    """An error, in the shape of FastAPI's 422 detail, for each key that an object of the
    JSON document `raw` gives more than once; none for a document that does not parse
    (its own error is answered elsewhere)."""
    try:
        document = json.loads(raw, object_pairs_hook=_Object)
    except (ValueError, RecursionError):
        return []
    return list(_errors(document, ["body"]))


class _Object(dict[str, object]):
    """A JSON object as parsed, with the keys written more than once in it."""

    def __init__(self, pairs: list[tuple[str, object]]) -> None:
        super().__init__(pairs)
        self.repeated: list[str] = []
        if len(self) < len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen and key not in self.repeated:
                    self.repeated.append(key)
                seen.add(key)


def _errors(value: object, loc: list[str | int]) -> Iterator[dict[str, object]]:
    if isinstance(value, _Object):
        for key in value.repeated:
            yield {
                "loc": [*loc, key],
                "msg": f"{key!r} is given more than once in this object; JSON readers keep "
                "only the last, so give each key once",
                "type": "repeated_key",
            }
        for key, item in value.items():
            yield from _errors(item, [*loc, key])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _errors(item, [*loc, i])
