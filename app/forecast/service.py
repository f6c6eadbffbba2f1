"""The GDP outlook: current data, the cached forecast, and refreshing both from FRED.

GET /forecast reads `current()`, a finished answer swapped in whole by one attribute
assignment together with the refresh outcome it came from, so a reader sees the old or
the new answer and never a mix; it never calls FRED or the model. `refresh()` fetches,
validates, stores and recomputes; on any failure the last good data and forecast stay
and the failure is recorded, in memory and in DATA_DIR. A process that does not refresh
calls `reload_from_store()` instead, which serves what the refresher stored and reports
what it recorded, without writing anything.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from app.asgi.conditional import entity_tag
from app.forecast import (
    fred_client,
    fred_csv,
    gdp_features,
    monthly_window,
    plausibility,
    refresh_status,
)
from app.forecast.refresh_status import RefreshOutcome, RefreshStatus
from app.forecast.vintage_store import (
    Quarantined,
    Vintage,
    VintageStore,
    load_snapshot,
    vintage_id,
)
from app.model_store import LoadedModel
from app.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Forecast:
    body: dict[str, Any]  # everything but `stale` and the refresh status
    fetched_at: datetime
    # Every observed quarter of the inputs the forecast was made from, oldest first: a
    # history read with the forecast always belongs to it.
    history: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class EncodedForecast:
    """The answer to `GET /forecast` as sent, and its entity tag for conditional GETs."""

    body: bytes
    etag: str


@dataclass(frozen=True)
class _Served:
    """What a reader sees, replaced in one assignment: a forecast and the last refresh's
    outcome must never be read from two different moments (a new vintage beside the
    failure before it). In a process that does not refresh, the outcome is the
    refresher's, read from DATA_DIR."""

    forecast: Forecast | None = None
    last_refresh: RefreshOutcome | None = None
    # The newest vintage held back as implausible, while it is newer than the one served.
    quarantined: Quarantined | None = None


def compute(model: LoadedModel, vintage: Vintage, features: gdp_features.Features) -> Forecast:
    """The answer for `vintage`, whose quarterly features the caller has built (once)."""
    channels = tuple(model.metadata.get("channels", monthly_window.CHANNELS))
    window = monthly_window.window(monthly_window.panel(vintage.series), None, channels)
    # The months the model says it reads: a model that disagrees with the window fails
    # here, at load, rather than answering from misplaced months.
    months = int(model.metadata.get("lookback_months", monthly_window.LOOKBACK_MONTHS))
    point = model.predict(window.values[None, -months:].astype(np.float32))[0]
    intervals = model.metadata.get("intervals", {})
    bridge = bridge_status(model.metadata, window)
    # Without its bridge the model serves another blend, with its own (wider) widths.
    widths = intervals.get("half_width", {})
    if bridge is not None and not bridge["used"]:
        widths = intervals.get("half_width_without_bridge", widths)
    # The interval of forecasts made knowing as many months of the quarter (2 at most).
    known = monthly_window.quarter_months_known(window)
    forecasts = []
    for h, value in enumerate(point, start=1):
        when = window.last_quarter + pd.DateOffset(months=3 * h)
        width = widths.get(str(h), {}).get(str(min(known, 2)))
        forecasts.append(
            {
                "quarter": gdp_features.quarter_name(when),
                "date": f"{when:%Y-%m-%d}",
                "gdp_growth_yoy": round(float(value), 3),
                "lower": round(float(value) - (width or 0.0), 3),
                "upper": round(float(value) + (width or 0.0), 3),
            }
        )
    body: dict[str, Any] = {
        "model": {"name": model.name, "version": model.version},
        "last_observed_quarter": gdp_features.quarter_name(window.last_quarter),
        "current_quarter": {
            "quarter": gdp_features.quarter_name(window.target_quarter),
            "months_known": window.months_known,
        },
        "interval_coverage": intervals.get("coverage"),
        "forecasts": forecasts,
        "inputs": {
            "source": vintage.source,
            "vintage": vintage.vintage,
            "fetched_at": vintage.fetched_at.isoformat(),
            "last_observation": vintage.last_observation(),
            "last_period": window.last_month,
            "interpolated_months": features.interpolated,
        },
    }
    if bridge is not None:
        body["bridge"] = bridge
    return Forecast(body, vintage.fetched_at, history_rows(features.table))


def bridge_status(metadata: dict[str, Any], window: monthly_window.Window) -> dict | None:
    """Whether the model's bridge regression reads its series for this window (the rule
    its graph applies), or None for a model without one."""
    term = metadata.get("blend", {}).get("bridge")
    if not term:
        return None
    name = monthly_window.MONTHLY_CHANNELS[term["channel"]][0]
    return {
        "series": name,
        "used": monthly_window.reaches_last_quarter(window, name),
        "last_period": window.last_month[name],
        "needs": f"{monthly_window.last_quarter_end(window):%Y-%m}",
    }


# The names /forecast/history gives the features, matching /forecast's gdp_growth_yoy.
HISTORY_FIELDS = {
    "gdp_growth": "gdp_growth_yoy",
    "inflation": "inflation_yoy",
    "unrate": "unemployment_rate",
}


def history_rows(table: pd.DataFrame) -> tuple[dict[str, Any], ...]:
    return tuple(
        {
            "quarter": gdp_features.quarter_name(when),
            "date": f"{when:%Y-%m-%d}",
            **{field: round(float(row[name]), 3) for name, field in HISTORY_FIELDS.items()},
        }
        for when, row in table.iterrows()
    )


class ForecastService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = VintageStore(settings.data_dir)
        self._lock = threading.Lock()
        self._model: LoadedModel | None = None
        self._served = _Served()
        self._encoded: tuple[tuple[object, ...], EncodedForecast] | None = None
        self.consecutive_failures = 0
        self.refresh_successes = 0
        self.refresh_failures = 0
        self.quarantined_total = 0
        # The malformed status file last logged, by (mtime, size): logged once, not at
        # every reload while it stays.
        self._bad_status: tuple[int, int] | None = None
        # A stored vintage held back for one reload because its refresh's outcome was not
        # written yet (see reload_from_store).
        self._deferred: tuple[str, datetime] | None = None
        snapshot = load_snapshot(gdp_features.FETCHED)
        # A stored vintage is believed only if its moves are plausible beside the
        # embedded snapshot's history (one written before this check existed may not be).
        stored = self.store.newest_valid(
            gdp_features.FETCHED, accept=lambda v: plausibility.check(v.series, snapshot.series)
        )
        self._vintage = stored or snapshot
        held = self.store.newest_quarantined()
        if held is not None and held.at > self._vintage.fetched_at:
            self._served = _Served(quarantined=held)
        # From the store, not only from this process's own refreshes: an alert on the
        # time since the last success must survive a restart and hold on every replica.
        self.last_success_at: datetime | None = self._stored_success(self._read_status())
        log.info("forecast inputs: %s vintage %s", self._vintage.source, self._vintage.vintage)

    @property
    def vintage(self) -> Vintage:
        return self._vintage

    @property
    def last_refresh(self) -> RefreshOutcome | None:
        return self._served.last_refresh

    def set_model(self, model: LoadedModel) -> None:
        with self._lock:
            self._model = model
            forecast = compute(model, self._vintage, gdp_features.build(self._vintage.series))
            self._served = replace(self._served, forecast=forecast)

    def current(self) -> dict[str, Any] | None:
        return self._body(self._served)

    def _body(self, served: _Served) -> dict[str, Any] | None:
        forecast, last_refresh = served.forecast, served.last_refresh
        if forecast is None:
            return None
        age = datetime.now(UTC) - forecast.fetched_at
        body = dict(forecast.body)
        body["inputs"] = {
            **forecast.body["inputs"],
            "age_hours": round(age.total_seconds() / 3600, 1),
            "stale": age.total_seconds() > self.settings.stale_after_hours * 3600,
            "last_refresh": last_refresh.as_dict() if last_refresh else None,
            "quarantined": served.quarantined.as_dict() if served.quarantined else None,
        }
        return body

    def history(self, quarters: int) -> dict[str, Any] | None:
        """The last `quarters` observed quarters behind the current forecast."""
        forecast = self._served.forecast
        if forecast is None:
            return None
        return {
            "last_observed_quarter": forecast.body["last_observed_quarter"],
            "source": forecast.body["inputs"]["source"],
            "vintage": forecast.body["inputs"]["vintage"],
            "quarters": list(forecast.history[-quarters:]),
        }

    def current_json(self) -> EncodedForecast | None:
        """`current()` serialised with its entity tag, re-encoded only when one of its
        fields has changed."""
        served = self._served
        forecast = served.forecast
        if forecast is None:
            return None
        age_s = (datetime.now(UTC) - forecast.fetched_at).total_seconds()
        # Every field that varies between refreshes: age to its shown precision,
        # staleness and the last refresh outcome.
        key = (
            forecast,
            round(age_s / 3600, 1),
            age_s > self.settings.stale_after_hours * 3600,
            served.last_refresh,
            served.quarantined,
        )
        cached = self._encoded
        if cached is not None and cached[0] == key:
            return cached[1]
        body = self._body(served)
        if body is None:
            return None
        raw = json.dumps(body).encode()
        encoded = EncodedForecast(raw, entity_tag(raw))
        self._encoded = (key, encoded)
        return encoded

    def reload_from_store(self) -> bool:
        """Serve the newest valid stored vintage if it is newer than the current one, and
        report what the refresher recorded: its last outcome and success, and the newest
        quarantined vintage. True if a newer vintage is now served.

        For a process that does not refresh itself: another process (the holder of the
        scheduler lock, or a separate refresher) writes the shared store. This only
        reads it (API replicas mount it read-only).
        """
        # The status first: the refresher writes it after the files its refresh stored.
        status = self._read_status()
        current = self._vintage
        newest = self.store.newest_valid(
            gdp_features.FETCHED, accept=lambda v: plausibility.check(v.series, current.series)
        )
        if newest is not None and newest.fetched_at <= current.fetched_at:
            newest = None
        if newest is not None and status is not None and status.last_refresh.at < newest.fetched_at:
            # Stored by a refresh whose outcome was not written yet when the status was
            # read: served at the next reload, beside its own outcome rather than the one
            # before it. Held back once only, so a status that cannot be written holds
            # back no vintage.
            key = (newest.vintage, newest.fetched_at)
            if self._deferred != key:
                self._deferred = key
                newest = None
        features = None
        if newest is not None:
            try:
                features = gdp_features.build(newest.series)
            except ValueError as exc:
                log.warning("stored vintage %s makes no usable inputs: %s", newest.vintage, exc)
                newest = None
        held = self.store.newest_quarantined()
        with self._lock:
            vintage, forecast = self._vintage, self._served.forecast
            if newest is not None and features is not None:
                vintage = newest
                if self._model is not None:
                    forecast = compute(self._model, newest, features)
            self._vintage = vintage
            self._served = _Served(
                forecast,
                status.last_refresh if status is not None else self._served.last_refresh,
                held if held is not None and held.at > vintage.fetched_at else None,
            )
        success = self._stored_success(status)
        if success is not None and (self.last_success_at is None or success > self.last_success_at):
            self.last_success_at = success
        if newest is not None:
            log.info("now serving stored vintage %s", newest.vintage)
        return newest is not None

    def _stored_success(self, status: RefreshStatus | None) -> datetime | None:
        """When a refresh last succeeded, as the store shows it: the refresher's status,
        or the served vintage's fetch time (each success stores its figures or moves the
        fetch time of the same figures), whichever is later."""
        times = [status.last_success_at] if status is not None else []
        if self._vintage.source == "fred":
            times.append(self._vintage.fetched_at)
        return max((t for t in times if t is not None), default=None)

    def _read_status(self) -> RefreshStatus | None:
        """The refresher's status file, or None (none yet, or one to ignore: logged)."""
        data_dir = self.settings.data_dir
        try:
            status = refresh_status.read(data_dir)
        except refresh_status.MalformedStatus as exc:
            try:
                stat = os.stat(data_dir / refresh_status.FILE)
                seen: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                seen = None
            if seen is None or seen != self._bad_status:
                log.warning("ignoring %s: %s", data_dir / refresh_status.FILE, exc)
            self._bad_status = seen
            return None
        self._bad_status = None
        return status

    def _publish(self, outcome: RefreshOutcome) -> None:
        """Record the outcome in DATA_DIR, for the processes that serve this store
        without refreshing."""
        data_dir = self.settings.data_dir
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            refresh_status.write(data_dir, RefreshStatus(outcome, self.last_success_at))
        except OSError as exc:
            log.warning("cannot write %s: %s", data_dir / refresh_status.FILE, exc)

    def _remove_leftovers(self) -> None:
        """Temp files of writes that died before their rename. Run at the start of a
        refresh: refreshes run one at a time in the one process that writes the store,
        so no write of its own is under way."""
        try:
            self.store.remove_leftovers()
            refresh_status.remove_leftover(self.settings.data_dir)
        except OSError as exc:
            log.warning("cannot remove leftover temp files: %s", exc)

    def _quarantine(self, series: dict[str, pd.Series], at: datetime, reason: str) -> None:
        """Hold an implausible vintage back: recorded (on disk if the store can be
        written) and reported, never served."""
        self.quarantined_total += 1
        try:
            held = self.store.quarantine(series, at, reason)
        except OSError as exc:
            log.warning("cannot write the quarantined vintage: %s", exc)
            held = Quarantined(vintage_id(at), at, reason)
        with self._lock:
            self._served = replace(self._served, quarantined=held)
        log.warning("FRED vintage %s quarantined: %s", held.vintage, reason)

    def refresh(self) -> RefreshOutcome:
        """Fetch, validate, store and recompute; keep everything as it was on failure."""
        now = datetime.now(UTC)
        s = self.settings
        self._remove_leftovers()
        try:
            series = fred_client.fetch(
                list(gdp_features.FETCHED),
                s.fred_url,
                fred_client.Limits(
                    timeout=s.fred_timeout_seconds,
                    retries=s.fred_retries,
                    backoff=s.fred_backoff_seconds,
                    deadline_seconds=s.fred_deadline_seconds,
                    max_bytes=s.fred_max_bytes,
                ),
            )
            for name, new in series.items():
                fred_csv.check_not_shorter(new, self._vintage.series[name])
            try:
                plausibility.check(series, self._vintage.series)
            except plausibility.Implausible as exc:
                self._quarantine(series, now, str(exc))
                raise
            features = gdp_features.build(series)  # the new data must make usable inputs
            vintage = self.store.save(series, now)
            outcome = RefreshOutcome(True, now, vintage=vintage.vintage)
            with self._lock:
                forecast = self._served.forecast
                if self._model is not None:
                    forecast = compute(self._model, vintage, features)
                self._vintage = vintage
                self._served = _Served(forecast, outcome)
        except (fred_client.FetchError, fred_csv.InvalidSeries, ValueError, OSError) as exc:
            self.consecutive_failures += 1
            self.refresh_failures += 1
            outcome = RefreshOutcome(False, now, f"{type(exc).__name__}: {exc}")
            with self._lock:
                self._served = replace(self._served, last_refresh=outcome)
            log.warning(
                "FRED refresh failed (%d in a row), keeping vintage %s: %s",
                self.consecutive_failures,
                self._vintage.vintage,
                outcome.reason,
            )
        else:
            self.consecutive_failures = 0
            self.refresh_successes += 1
            self.last_success_at = now
            log.info("FRED refresh stored vintage %s", vintage.vintage)
        self._publish(outcome)
        return outcome
