"""Prometheus metrics: request and model-call series, and the service's state.

Everything that is state rather than an event (queue depth, refresh totals, data age,
loaded models) is read when Prometheus scrapes, so serving pays nothing for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

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

from app.forecast.service import ForecastService
from app.model_store import ModelRegistry
from app.sentiment.batching import MicroBatcher


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
        self.batch_size, self.batch_seconds = self._calls(
            "sentiment_batch",
            "Items per batch: headlines, and marked headlines for the entity model (a second call)",
            "Duration of one batch's model calls",
        )
        self.tagger_batch_size, self.tagger_batch_seconds = self._calls(
            "mention_tagger_batch",
            'Headlines per call of the mention tagger ("auto" items only)',
            "Duration of one call of the mention tagger",
        )

    def _calls(self, prefix: str, items: str, seconds: str) -> tuple[Histogram, Histogram]:
        """The two histograms of a batcher's model calls: `<prefix>_headlines` per call,
        `<prefix>_seconds` a call."""
        return (
            Histogram(
                f"{prefix}_headlines",
                items,
                buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
                registry=self.registry,
            ),
            Histogram(
                f"{prefix}_seconds",
                seconds,
                buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
                registry=self.registry,
            ),
        )

    def observe_batch(self, size: int, seconds: float) -> None:
        self.batch_size.observe(size)
        self.batch_seconds.observe(seconds)

    def observe_tagger_batch(self, size: int, seconds: float) -> None:
        self.tagger_batch_size.observe(size)
        self.tagger_batch_seconds.observe(seconds)


class ServiceState(Collector):
    """Gauges and totals read from the running service at scrape time."""

    def __init__(
        self, batcher: MicroBatcher[str, str], forecast: ForecastService, registry: ModelRegistry
    ) -> None:
        self.batcher = batcher
        self.forecast = forecast
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        batcher, forecast, registry = self.batcher, self.forecast, self.registry
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
        yield CounterMetricFamily(
            "fred_vintages_quarantined",
            "FRED answers held back as implausible beside the series' history (never served)",
            forecast.quarantined_total,
        )
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
