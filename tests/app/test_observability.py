"""Request ids, JSON logs and /metrics, over real HTTP."""

from __future__ import annotations

import re

from tests.conftest import Server, json_log, scrape


def test_request_ids_are_echoed_or_made(server: Server) -> None:
    with server.client() as http:
        given = http.get("/forecast", headers={"X-Request-ID": "trace-42.a"})
        made = http.get("/forecast")
        bad = http.get("/forecast", headers={"X-Request-ID": "spaces are not allowed"})
        error = http.post("/sentiment", json={"headlines": []}, headers={"X-Request-ID": "e-1"})
    assert given.headers["x-request-id"] == "trace-42.a"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert re.fullmatch(r"[0-9a-f]{32}", bad.headers["x-request-id"])
    assert error.status_code == 422 and error.headers["x-request-id"] == "e-1"


def test_log_lines_are_json_with_the_request_id(server: Server) -> None:
    with server.client() as http:
        # FRED is a closed port here: the refresh fails and logs a warning.
        assert http.post("/admin/refresh", headers={"X-Request-ID": "refresh-7"}).status_code == 502
    lines = json_log(server.log)
    assert lines
    failed = [e for e in lines if e.get("request_id") == "refresh-7"]
    assert failed and failed[0]["level"] == "warning" and "FRED refresh failed" in failed[0]["msg"]


def test_metrics_count_requests_batches_and_state(server: Server) -> None:
    before = scrape(server)
    ok = 'http_requests_total{method="POST",route="/sentiment",status="200"}'
    with server.client() as http:
        for _ in range(3):
            assert http.post("/sentiment", json={"headlines": ["Sensex ends flat"]}).is_success
        assert http.get("/no/such/page").status_code == 404
        assert http.get("/nor/this").status_code == 404
        assert http.post("/admin/refresh").status_code == 502
    after = scrape(server)
    assert after[ok] - before.get(ok, 0) == 3
    other = 'http_requests_total{method="GET",route="other",status="404"}'
    assert after[other] - before.get(other, 0) == 2
    timed = 'http_request_duration_seconds_count{route="/sentiment"}'
    assert after[timed] - before.get(timed, 0) == 3
    assert after["sentiment_batch_headlines_count"] - before["sentiment_batch_headlines_count"] >= 1
    assert after["sentiment_batch_headlines_sum"] - before["sentiment_batch_headlines_sum"] == 3
    failures = 'fred_refreshes_total{outcome="failure"}'
    assert after[failures] - before[failures] == 1
    assert after["sentiment_queue_headlines"] == 0
    assert after["sentiment_rejected_total"] == 0
    assert after["forecast_data_age_seconds"] > 0
    loaded = [name for name in after if name.startswith("model_loaded{")]
    assert len(loaded) == 2 and any('name="sentiment"' in n for n in loaded)
    assert after["process_resident_memory_bytes"] > 100e6
