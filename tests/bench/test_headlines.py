"""The benchmarks' headlines: real test-split titles, and loads that cycle through them."""

from __future__ import annotations

import argparse
import json

from app.sentiment.entities import Gazetteer, find
from app.sentiment.schemas import EntityHeadline
from app.sentiment.service import check_limits
from app.settings import Settings
from bench import headlines, load
from training.sentiment.sentfin import is_test_title


def _args(**given: object) -> argparse.Namespace:
    """bench.load's options for a server that is never reached: only bodies are built."""
    options: dict[str, object] = {
        "url": "http://127.0.0.1:1",
        "path": "/sentiment",
        "headlines": 1,
        "poison": False,
        "entities": 0,
        "titles": "all",
        "auto": False,
    }
    return argparse.Namespace(**(options | given))


def test_headlines_are_distinct_test_split_titles() -> None:
    assert len(headlines.HEADLINES) == headlines.COUNT
    assert len(set(headlines.HEADLINES)) == headlines.COUNT
    # Titles the committed model never trained on, by the fixed split rule.
    assert all(is_test_title(h) for h in headlines.HEADLINES)
    assert headlines.batch(3, start=headlines.COUNT - 1) == [
        headlines.HEADLINES[-1],
        *headlines.HEADLINES[:2],
    ]


def test_connections_cycle_through_distinct_requests() -> None:
    args = _args()
    bodies = [
        load._request_bytes(args, k, j).split(b"\r\n\r\n", 1)[1]
        for k in range(64)
        for j in range(load.REQUESTS_PER_CONNECTION)
    ]
    sent = [json.loads(b)["headlines"][0] for b in bodies]
    # 64 connections send every benchmark headline once per cycle.
    assert sorted(sent) == sorted(headlines.HEADLINES)


def test_poison_connections_send_every_bad_body() -> None:
    args = _args(poison=True)
    bodies = {
        load._request_bytes(args, k, j).split(b"\r\n\r\n", 1)[1]
        for k in range(4)
        for j in range(load.REQUESTS_PER_CONNECTION)
    }
    assert bodies == set(load.POISON_BODIES)


def test_entity_requests_name_the_entities_asked_for_in_their_text() -> None:
    args = _args(entities=64)
    for k, j in ((0, 0), (5, 3)):
        items = json.loads(load._request_bytes(args, k, j).split(b"\r\n\r\n", 1)[1])["headlines"]
        assert sum(len(item["entities"]) for item in items) == 64
        for item in items:
            assert all(find(name, item["text"]) for name in item["entities"])
            assert is_test_title(item["text"])


def test_entity_requests_pass_the_services_checks() -> None:
    """Every entity request the bench cycles through is one the service answers: a
    rejected one would be timed as a fast 422."""
    titles = headlines._multi_entity_titles()
    names = sum(len(n) for _, n in titles)
    for start in range(0, names, 64):
        items = [EntityHeadline(**i) for i in headlines.entity_items(64, start)]  # type: ignore[arg-type]
        assert len(check_limits(items, Settings(), Gazetteer(()))) == len(items)


def test_same_title_requests_score_the_titles_the_entity_requests_ask_about() -> None:
    args = _args(headlines=64, titles="multi-entity")
    asked = {text for text, _ in headlines._multi_entity_titles()}
    sent = json.loads(load._request_bytes(args, 0, 1).split(b"\r\n\r\n", 1)[1])["headlines"]
    assert len(sent) == 64 and len(set(sent)) == 64
    assert set(sent) <= asked
    # The titles named in the entity requests, the second request's in order.
    assert sent == headlines.multi_entity_batch(64, 64)
    assert sent[0] == headlines._multi_entity_titles()[64][0]


def test_auto_requests_ask_about_the_same_headlines_with_auto() -> None:
    args = _args(headlines=64, auto=True)
    sent = json.loads(load._request_bytes(args, 2, 3).split(b"\r\n\r\n", 1)[1])["headlines"]
    start = (2 * load.REQUESTS_PER_CONNECTION + 3) * 64
    assert sent == [{"text": t, "entities": "auto"} for t in headlines.batch(64, start)]
