"""The micro-batcher's contract: ordering, isolation, waiting and back-pressure."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable

import pytest

from app.batching import MicroBatcher, QueueFullError


def run(coro_fn: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(coro_fn())


class Recorder:
    """A stand-in model: doubles its inputs and records each call's size."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    def __call__(self, items: list[int]) -> list[int]:
        self.calls.append(list(items))
        time.sleep(0.002)
        return [2 * x for x in items]


def test_each_request_gets_its_own_results_in_order() -> None:
    fn = Recorder()

    async def main() -> None:
        batcher = MicroBatcher(fn, max_batch_size=32, max_wait_s=0.01, max_queued_items=10_000)
        batcher.start()
        requests = [list(range(i * 100, i * 100 + 1 + i % 5)) for i in range(60)]
        results = await asyncio.gather(*(batcher.submit(r) for r in requests))
        await batcher.stop()
        assert results == [[2 * x for x in r] for r in requests]
        assert len(fn.calls) < len(requests) / 3, "concurrent requests were not coalesced"
        assert all(len(call) <= 32 for call in fn.calls)
        assert sum(len(c) for c in fn.calls) == sum(len(r) for r in requests)

    run(main)


def test_requests_arriving_during_a_call_share_the_next_one() -> None:
    gate = threading.Event()
    calls: list[list[int]] = []

    def gated(items: list[int]) -> list[int]:
        calls.append(list(items))
        gate.wait(5)
        return items

    async def main() -> None:
        # No waiting: an idle model takes a lone request at once.
        batcher = MicroBatcher(gated, max_batch_size=64, max_wait_s=0.0, max_queued_items=100)
        batcher.start()
        first = asyncio.ensure_future(batcher.submit([0]))
        await asyncio.sleep(0.05)
        assert calls == [[0]]
        later = [asyncio.ensure_future(batcher.submit([i])) for i in range(1, 6)]
        await asyncio.sleep(0.05)
        assert batcher.queued_items == 5
        gate.set()
        assert await first == [0]
        assert [await f for f in later] == [[i] for i in range(1, 6)]
        await batcher.stop()
        assert calls == [[0], [1, 2, 3, 4, 5]]

    run(main)


def test_batch_size_one_turns_batching_off() -> None:
    fn = Recorder()

    async def main() -> None:
        batcher = MicroBatcher(fn, max_batch_size=1, max_wait_s=0.05, max_queued_items=100)
        batcher.start()
        results = await asyncio.gather(*(batcher.submit([i]) for i in range(10)))
        await batcher.stop()
        assert results == [[2 * i] for i in range(10)]
        assert [len(c) for c in fn.calls] == [1] * 10

    run(main)


def test_a_request_larger_than_the_batch_runs_whole() -> None:
    fn = Recorder()

    async def main() -> None:
        batcher = MicroBatcher(fn, max_batch_size=4, max_wait_s=0.0, max_queued_items=100)
        batcher.start()
        assert await batcher.submit(list(range(10))) == [2 * i for i in range(10)]
        await batcher.stop()
        assert [len(c) for c in fn.calls] == [10]

    run(main)


def test_a_lone_request_waits_at_most_max_wait() -> None:
    async def main() -> None:
        batcher = MicroBatcher(Recorder(), max_batch_size=64, max_wait_s=0.2, max_queued_items=100)
        batcher.start()
        start = time.perf_counter()
        await batcher.submit([1])
        lone = time.perf_counter() - start
        # A full batch does not wait for the timer.
        start = time.perf_counter()
        await batcher.submit(list(range(64)))
        full = time.perf_counter() - start
        await batcher.stop()
        assert 0.18 <= lone < 1.0
        assert full < 0.15

    run(main)


def test_one_bad_request_does_not_fail_its_batch_mates() -> None:
    def fragile(items: list[int]) -> list[int]:
        if any(x < 0 for x in items):
            raise ValueError("negative input")
        return [2 * x for x in items]

    async def main() -> None:
        batcher = MicroBatcher(fragile, max_batch_size=64, max_wait_s=0.05, max_queued_items=100)
        batcher.start()
        outcomes = await asyncio.gather(
            batcher.submit([1, 2]),
            batcher.submit([-1]),
            batcher.submit([3]),
            return_exceptions=True,
        )
        await batcher.stop()
        assert outcomes[0] == [2, 4] and outcomes[2] == [6]
        assert isinstance(outcomes[1], ValueError)

    run(main)


def test_a_full_queue_rejects_instead_of_growing() -> None:
    gate = threading.Event()

    def slow(items: list[int]) -> list[int]:
        gate.wait(5)
        return items

    async def main() -> None:
        batcher = MicroBatcher(slow, max_batch_size=2, max_wait_s=0.0, max_queued_items=4)
        batcher.start()
        first = asyncio.ensure_future(batcher.submit([0, 0]))
        await asyncio.sleep(0.05)  # the first batch is now inside the model call
        queued = [asyncio.ensure_future(batcher.submit([i, i])) for i in (1, 2)]
        await asyncio.sleep(0.01)
        assert batcher.queued_items == 4
        with pytest.raises(QueueFullError, match="bound is 4"):
            await batcher.submit([9])
        gate.set()
        assert await first == [0, 0]
        assert [await q for q in queued] == [[1, 1], [2, 2]]
        assert batcher.queued_items == 0
        await batcher.stop()

    run(main)


def test_a_cancelled_caller_is_skipped() -> None:
    fn = Recorder()

    async def main() -> None:
        batcher = MicroBatcher(fn, max_batch_size=8, max_wait_s=0.05, max_queued_items=100)
        batcher.start()
        gone = asyncio.ensure_future(batcher.submit([7]))
        kept = asyncio.ensure_future(batcher.submit([8]))
        await asyncio.sleep(0)
        gone.cancel()
        assert await kept == [16]
        await batcher.stop()
        assert [7] not in fn.calls and all(7 not in c for c in fn.calls)

    run(main)
