"""Request ids, JSON logs and /metrics, over real HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.asgi.request_context import RequestContext
from app.ops.logs import REQUEST_ID, gpu_attached, native_level
from app.ops.metrics import Metrics
from tests.conftest import ROOT, Server, json_log, scrape


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
    assert len(loaded) == 3 and any('name="entity_sentiment"' in n for n in loaded)
    assert after["process_resident_memory_bytes"] > 100e6


def test_every_route_is_labelled_by_its_template(server: Server) -> None:
    with server.client() as http:
        models = http.get("/models").json()["models"]
        report = next(m for m in models if m["reports"])["reports"][0]["url"]
        for path in ("/forecast/history", "/", "/static/page.js", report):
            assert http.get(path).status_code == 200, path
    after = scrape(server)
    templates = (
        "/forecast/history",
        "/",
        "/static/{name}",
        "/models/{name}/{version}/reports/{file}",
    )
    for route in templates:
        assert after[f'http_requests_total{{method="GET",route="{route}",status="200"}}'] >= 1


def _asgi_call(app, path: str = "/x") -> list[dict]:  # type: ignore[no-untyped-def]
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
    asyncio.run(app(scope, receive, send))
    return sent


def test_an_error_in_a_layer_is_a_json_500_logged_with_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The layer itself, in process: nothing in the shipped app raises on purpose."""

    async def broken(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    seen: list[str | None] = []

    class Recording(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(REQUEST_ID.get())

    handler = Recording()
    logging.getLogger("app.asgi.request_context").addHandler(handler)
    try:
        sent = _asgi_call(RequestContext(broken, Metrics(), []))
    finally:
        logging.getLogger("app.asgi.request_context").removeHandler(handler)
    start, body = sent
    assert start["status"] == 500
    assert json.loads(body["body"]) == {"detail": "internal error; it is logged"}
    request_id = dict(start["headers"])[b"x-request-id"].decode()
    assert seen == [request_id]


def test_native_stderr_lines_become_json_log_lines(tmp_path: Path) -> None:
    code = (
        "import logging.config, os\n"
        "from app.ops.logs import capture_native_stderr, log_config\n"
        "capture_native_stderr()\n"
        "logging.config.dictConfig(log_config('info', 'json'))\n"
        "os.write(2, b'E0000 00:00:1795979636.377854    5295 cuda_platform.cc:52] failed "
        "call to cuInit: UNKNOWN ERROR (303)\\n')\n"
        "os.write(2, b'WARNING: All log messages before absl::InitializeLog() is called\\n')\n"
        "logging.getLogger('app').info('python line')\n"
        "import time; time.sleep(0.3)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    by_msg = {e["msg"]: e for e in lines}
    cuinit = by_msg["failed call to cuInit: UNKNOWN ERROR (303) (cuda_platform.cc:52)"]
    # Expected on a host without a GPU, an error on one with it.
    assert cuinit["level"] == ("error" if gpu_attached() else "info")
    assert cuinit["logger"] == "native"
    notice = by_msg["WARNING: All log messages before absl::InitializeLog() is called"]
    assert notice["level"] == "warning"
    assert by_msg["python line"]["logger"] == "app"


def test_only_the_expected_native_errors_are_information() -> None:
    dt_bool = "oneDNN supports DT_BOOL only on platforms with AVX-512. Falling back"
    cuinit = "failed call to cuInit: UNKNOWN ERROR (303)"
    for gpu in (False, True):
        assert native_level("E", dt_bool, gpu) == logging.INFO
        assert native_level("W", dt_bool, gpu) == logging.WARNING  # only errors are lowered
        missing = "Could not load dynamic library 'libcudart.so.12'"
        assert native_level("E", missing, gpu) == logging.ERROR
        assert native_level("F", f"Check failed: {cuinit}", gpu) == logging.CRITICAL
    # Without a GPU the model runs on the CPU as it should; with one, it would not.
    assert native_level("E", cuinit, gpu=False) == logging.INFO
    assert native_level("E", cuinit, gpu=True) == logging.ERROR
