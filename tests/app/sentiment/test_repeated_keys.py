import json

from app.sentiment.repeated_keys import may_repeat, repeated
from app.sentiment.schemas import SentimentRequest


def _request(raw: bytes) -> SentimentRequest:
    return SentimentRequest.model_validate_json(raw)


def test_a_body_whose_keys_each_appear_once_per_object_needs_no_second_parse() -> None:
    raw = json.dumps({"headlines": ["a", {"text": "Apple rises", "entities": "auto"}]}).encode()
    assert not may_repeat(raw, _request(raw)) and repeated(raw) == []


def test_each_key_given_twice_is_named_where_it_is() -> None:
    raw = b'{"headlines": ["a", {"text": "x", "entities": [], "text": "y", "entities": "auto"}]}'
    assert may_repeat(raw, _request(raw))
    assert [(e["loc"], e["type"]) for e in repeated(raw)] == [
        (["body", "headlines", 1, "text"], "repeated_key"),
        (["body", "headlines", 1, "entities"], "repeated_key"),
    ]


def test_the_cheap_test_never_misses_a_repeat() -> None:
    # A value that reads like a key, and escapes, only make the second parse run.
    for raw in (
        b'{"headlines": ["text", "\\"entities\\""]}',
        b'{"headlines": ["caf\\u00e9"]}',
    ):
        assert may_repeat(raw, _request(raw)) and repeated(raw) == []
    escaped = b'{"headlines": [], "head\\u006cines": ["a"]}'
    assert may_repeat(escaped, _request(escaped))
    assert [e["loc"] for e in repeated(escaped)] == [["body", "headlines"]]


def test_a_body_that_does_not_parse_is_left_to_its_own_error() -> None:
    assert repeated(b'{"headlines": [') == []
