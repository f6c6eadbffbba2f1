"""The FRED refresh schedule: APScheduler 3 in the event loop, one per deployment.

Only the process holding an exclusive lock on DATA_DIR/scheduler.lock refreshes, so
several workers or replicas sharing a DATA_DIR still ask FRED once. The others (and
processes with SCHEDULER_ENABLED=false, e.g. API replicas fed by a separate refresher)
re-read the shared store every STORE_RELOAD_SECONDS and serve a newer vintage when one
appears; a process that may refresh also retries the lock then, so it takes over when
the holder dies; each reload also reads the refresher's last outcome and quarantined
vintages, so every replica reports what the refresher knows. The refresh itself runs in
a worker thread; a failure schedules a retry with exponential backoff (capped at the
regular interval), which a success before it cancels. A process that does not refresh
never asks FRED: POST /admin/refresh sent to it answers 409 naming who last took the
lock.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app.forecast.service import ForecastService, RefreshOutcome

log = logging.getLogger(__name__)

JOB_ID = "fred-refresh"
RETRY_JOB_ID = "fred-refresh-retry"
RELOAD_JOB_ID = "store-reload"


def acquire_lock(data_dir: Path) -> IO[str] | None:
    """The scheduler lock, held for the life of the process; None if another holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = (data_dir / "scheduler.lock").open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    handle.seek(0)
    handle.truncate()
    # Read by the processes that do not refresh, to say who does.
    handle.write(f"host {socket.gethostname()} pid {os.getpid()}\n")
    handle.flush()
    return handle


def lock_holder(data_dir: Path) -> str:
    """Who last took the scheduler lock, as it wrote it ("unknown" if unreadable): the
    file outlives its writer, which may be gone."""
    try:
        return (data_dir / "scheduler.lock").read_text().strip() or "unknown"
    except OSError:
        return "unknown"


class RefreshScheduler:
    def __init__(self, service: ForecastService) -> None:
        self.service = service
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._in_flight: asyncio.Future[RefreshOutcome] | None = None
        self._in_flight_since = datetime.min.replace(tzinfo=UTC)
        self._lock_handle: IO[str] | None = None
        self.leading = False

    def not_the_refresher(self) -> str | None:
        """None in the process that refreshes from FRED; otherwise why this one does not
        and which one does, for the answer to a refresh request sent here."""
        if self.leading:
            return None
        settings = self.service.settings
        # The lock is named by its setting, not by the server's own path.
        holder = lock_holder(settings.data_dir)
        if not settings.scheduler_enabled:
            return (
                "this process does not refresh from FRED (SCHEDULER_ENABLED=false); the "
                "refresher does, the process holding DATA_DIR/scheduler.lock (last taken "
                f"by {holder}): send the refresh there"
            )
        return (
            "another process refreshes from FRED: the one holding DATA_DIR/scheduler.lock "
            f"(last taken by {holder}); send the refresh there"
        )

    async def run_refresh(self) -> RefreshOutcome:
        """One refresh at a time: whoever asks while one runs (the timer, a retry or
        /admin/refresh) joins it and gets its outcome, instead of queueing another
        fetch behind it. A refresh whose outcome is already served (its thread has
        published it; the loop has not yet resumed it) is over for whoever asks then,
        having seen that outcome: they wait for it to end and start the next."""
        current = self._in_flight
        if current is not None and not current.done() and self._published():
            await asyncio.shield(current)
        if self._in_flight is None or self._in_flight.done():
            self._in_flight_since = datetime.now(UTC)
            self._in_flight = asyncio.ensure_future(self._refresh())
        # Shielded: a caller that goes away (a client hanging up) does not cancel the
        # refresh the others are waiting for.
        return await asyncio.shield(self._in_flight)

    def _published(self) -> bool:
        """Whether the refresh in flight has served its outcome (each outcome's `at` is
        when its refresh started, after it was put in flight)."""
        last = self.service.last_refresh
        return last is not None and last.at >= self._in_flight_since

    async def _refresh(self) -> RefreshOutcome:
        outcome = await asyncio.to_thread(self.service.refresh)
        if outcome.ok:
            self._cancel_retry()
        elif self.leading and self.scheduler.running:
            # Only the refresher retries: a process that does not refresh never asks FRED.
            settings = self.service.settings
            failures = self.service.consecutive_failures
            delay = min(
                settings.refresh_retry_seconds * 2 ** (failures - 1),
                settings.refresh_interval_minutes * 60,
            )
            self.scheduler.add_job(
                self.run_refresh,
                "date",
                id=RETRY_JOB_ID,
                replace_existing=True,
                run_date=datetime.now(UTC) + timedelta(seconds=delay),
            )
            log.info("next FRED refresh attempt in %.0f s", delay)
        return outcome

    def _cancel_retry(self) -> None:
        """A success (from the timer or POST /admin/refresh) makes a pending retry of
        the failure before it a needless fetch."""
        if self.scheduler.get_job(RETRY_JOB_ID) is not None:
            self.scheduler.remove_job(RETRY_JOB_ID)
            log.info("FRED refresh succeeded: the pending retry is cancelled")

    def start(self) -> bool:
        """Start the schedule; True if this process refreshes from FRED."""
        settings = self.service.settings
        leading = False
        if not settings.scheduler_enabled:
            log.info("FRED refresh disabled by SCHEDULER_ENABLED: serving the shared store")
        else:
            leading = self._try_lead(announce=True)
        if not leading:
            # At once, so a replica reports the refresher's outcome from its start.
            self.service.reload_from_store()
        if not leading and settings.store_reload_seconds > 0:
            self.scheduler.add_job(
                self._follow,
                "interval",
                id=RELOAD_JOB_ID,
                seconds=settings.store_reload_seconds,
                coalesce=True,
                max_instances=1,
            )
        if self.scheduler.get_jobs():
            self.scheduler.start()
        self.leading = leading
        return leading

    def _try_lead(self, announce: bool = False) -> bool:
        settings = self.service.settings
        self._lock_handle = acquire_lock(settings.data_dir)
        if self._lock_handle is None:
            if announce:
                log.info(
                    "another process holds %s/scheduler.lock: it runs the refresh",
                    settings.data_dir,
                )
            return False
        self.scheduler.add_job(
            self.run_refresh,
            "interval",
            id=JOB_ID,
            minutes=settings.refresh_interval_minutes,
            # First refresh at once, in the background: readiness does not wait for it.
            next_run_time=datetime.now(UTC),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=300,
        )
        return True

    async def _follow(self) -> None:
        """Pick up what the refreshing process stored; take over if it has gone."""
        if self.service.settings.scheduler_enabled and self._try_lead():
            log.info("took over the FRED refresh: the lock's previous holder is gone")
            self.leading = True
            self.scheduler.remove_job(RELOAD_JOB_ID)
            return
        await asyncio.to_thread(self.service.reload_from_store)

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None
