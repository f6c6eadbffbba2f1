"""Request ids, structured logs and Prometheus metrics.

`RequestContext` is the outermost ASGI layer: it takes the caller's `X-Request-ID` (or
makes one), echoes it on the response, puts it in every log line written while the
request runs, and counts and times the request by route and status. Everything that
is state rather than an event (queue depth, refresh totals, data age, loaded models)
is read when Prometheus scrapes, so serving pays nothing for it.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Route labels are these paths or "other", so a scan of random URLs cannot grow the
# number of time series without bound.
ROUTES = frozenset(
    {
        "/sentiment",
        "/forecast",
        "/admin/refresh",
        "/healthz",
        "/readyz",
        "/models",
        "/metrics",
        "/docs",
        "/openapi.json",
    }
)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(collector)
        self.requests = Counter(
            "http_requests",
            "Requests answered, by route, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time from the request's arrival to its last byte, by route",
            ["route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
            registry=self.registry,
        )
        self.batch_size = Histogram(
            "sentiment_batch_headlines",
            "Headlines per sentiment model call",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
            registry=self.registry,
        )
        self.batch_seconds = Histogram(
            "sentiment_batch_seconds",
            "Duration of one sentiment model call",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
            registry=self.registry,
        )

    def observe_batch(self, size: int, seconds: float) -> None:
        self.batch_size.observe(size)
        self.batch_seconds.observe(seconds)


class ServiceState(Collector):
    """Gauges and totals read from the running service at scrape time."""

    def __init__(self, state: Any) -> None:
        self.state = state

    def collect(self) -> Iterator[Metric]:
        batcher, forecast, registry = self.state.batcher, self.state.forecast, self.state.registry
        yield GaugeMetricFamily(
            "sentiment_queue_headlines", "Headlines waiting for the model", batcher.queued_items
        )
        yield CounterMetricFamily(
            "sentiment_rejected",
            "Sentiment requests refused with 503 because the queue was full",
            batcher.rejected,
        )
        refreshes = CounterMetricFamily(
            "fred_refreshes", "FRED refreshes by outcome", labels=["outcome"]
        )
        refreshes.add_metric(["success"], forecast.refresh_successes)
        refreshes.add_metric(["failure"], forecast.refresh_failures)
        yield refreshes
        if forecast.last_success_at is not None:
            yield GaugeMetricFamily(
                "fred_refresh_last_success_timestamp_seconds",
                "When a FRED refresh last succeeded (Unix time)",
                forecast.last_success_at.timestamp(),
            )
        yield GaugeMetricFamily(
            "forecast_data_age_seconds",
            "Age of the FRED data the forecast is computed from",
            (datetime.now(UTC) - forecast.vintage.fetched_at).total_seconds(),
        )
        models = GaugeMetricFamily(
            "model_loaded", "1 for each loaded model version", labels=["name", "version", "device"]
        )
        for model in registry.all():
            models.add_metric([model.name, str(model.version), model.device], 1)
        yield models


class RequestContext:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics
        # Finding a labelled series costs more than updating it (9 against 3.5 us a
        # request here), so each is looked up once. The keys stay few: known routes or
        # "other", the methods uvicorn's parser accepts, and status codes.
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"").decode(
            "latin-1"
        )
        # Ids only need to be unique, not secret: getrandbits skips uuid4's syscall.
        request_id = given if _VALID_ID.fullmatch(given) else f"{random.getrandbits(128):032x}"
        reset = REQUEST_ID.set(request_id)
        start = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope["path"] if scope["path"] in ROUTES else "other"
            key = (route, scope["method"], status)
            if (series := self._series.get(key)) is None:
                series = self._series[key] = (
                    self.metrics.requests.labels(route, scope["method"], str(status)),
                    self.metrics.latency.labels(route),
                )
            series[0].inc()
            series[1].observe(time.perf_counter() - start)
            REQUEST_ID.reset(reset)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id is not None:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def log_config(level: str, fmt: str) -> dict[str, Any]:
    """logging.config for the app and uvicorn alike: JSON lines or plain text."""
    formatter = (
        {"()": JsonFormatter}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["default"], "level": level.upper()},
        "loggers": {
            name: {"handlers": [], "level": level.upper(), "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }
