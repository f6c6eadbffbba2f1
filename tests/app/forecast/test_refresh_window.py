"""A refresh whose outcome is already served is no longer one to join.

A refresh publishes its outcome from its worker thread, and the event loop resumes it a
moment later. Someone who has seen that outcome and asks for a refresh in between
(a test's `wait_for_refresh` and then `POST /admin/refresh`, or an operator) wants a
new fetch, not the one whose answer they already read. In the server that window lasts
a few milliseconds; the stand-in service here (a stand-in because the window cannot be
held open in a real one) keeps it open until the test lets it close.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from types import SimpleNamespace

from app.forecast.refresh_status import RefreshOutcome
from app.forecast.scheduler import RefreshScheduler


class _HeldRefresh:
    """A service whose first refresh publishes its outcome, then waits to be let go."""

    def __init__(self) -> None:
        self.settings = SimpleNamespace(scheduler_enabled=True)
        self.consecutive_failures = 0
        self.last_refresh: RefreshOutcome | None = None
        self.calls = 0
        self.release = threading.Event()

    def refresh(self) -> RefreshOutcome:
        self.calls += 1
        outcome = RefreshOutcome(True, datetime.now(UTC), vintage=f"v{self.calls}")
        self.last_refresh = outcome
        if self.calls == 1:
            self.release.wait(10)
        return outcome


def test_a_refresh_asked_for_after_its_outcome_is_served_fetches_again() -> None:
    async def scenario() -> tuple[RefreshOutcome, RefreshOutcome, int, int]:
        service = _HeldRefresh()
        refresher = RefreshScheduler(service)  # type: ignore[arg-type]
        first = asyncio.create_task(refresher.run_refresh())
        while service.last_refresh is None:
            await asyncio.sleep(0.01)
        # The first outcome is served; its refresh has not ended.
        second = asyncio.create_task(refresher.run_refresh())
        await asyncio.sleep(0.1)
        calls_while_held = service.calls
        service.release.set()
        return await first, await second, calls_while_held, service.calls

    first, second, calls_while_held, calls = asyncio.run(scenario())
    assert calls_while_held == 1  # the second waits for the first to end
    assert calls == 2
    assert (first.vintage, second.vintage) == ("v1", "v2")


def test_a_refresh_asked_for_before_its_outcome_is_served_joins_it() -> None:
    async def scenario() -> tuple[RefreshOutcome, RefreshOutcome, int]:
        service = _HeldRefresh()
        refresher = RefreshScheduler(service)  # type: ignore[arg-type]
        first = asyncio.create_task(refresher.run_refresh())
        second = asyncio.create_task(refresher.run_refresh())
        await asyncio.sleep(0.1)
        service.release.set()
        return await first, await second, service.calls

    first, second, calls = asyncio.run(scenario())
    assert calls == 1
    assert first == second
