"""If-None-Match as RFC 9110 reads it: any listed tag, weakly compared, or "*"."""

from __future__ import annotations

import pytest

from app.asgi.conditional import entity_tag, none_match

TAG = entity_tag(b'{"forecasts": []}')


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        (None, False),
        ("", False),
        (TAG, True),
        (f"W/{TAG}", True),
        (f'"older", {TAG}', True),
        ("*", True),
        ('"older"', False),
        (TAG.strip('"'), False),  # a tag is quoted
    ],
)
def test_none_match_takes_any_listed_tag_weakly(header: str | None, matches: bool) -> None:
    assert none_match(header, TAG) is matches


def test_the_tag_follows_the_bytes() -> None:
    assert entity_tag(b"a") == entity_tag(b"a") != entity_tag(b"b")
    assert TAG.startswith('"') and TAG.endswith('"') and len(TAG) == 18
