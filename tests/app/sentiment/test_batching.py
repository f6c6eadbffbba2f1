"""The micro-batcher's contract: ordering, isolation, waiting, back-pressure, shutdown.

No test here measures time. The stand-in model can hold each call until the test lets
it finish, so "a call is in progress" and "these requests are queued" are states the
test waits for (with a deadline), not hopes for after a sleep. Every await has a
deadline far above any plausible delay, so a slow machine only makes a test slower,
while a batcher that hangs or waits for a timer it should not fails it.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from app.sentiment.batching import MicroBatcher, QueueFullError

# Far above any real delay here: only a defect (a hang, a wait for a timer that should
# not run) gets near it.
DEADLINE = 10.0
# max_wait_s where a test shows a batch going before its timer: a batcher that waited
# the timer out would trip DEADLINE first.
LONG_WAIT = 30.0


class _Unjoined(ThreadPoolExecutor):
    """The loop's executor for `asyncio.to_thread`. asyncio.run joins its threads at the
    end; a batcher whose stop() hangs would keep one in `join` past the test's deadline
    and so delay the failure. Not joined here: the deadline is the failure."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=cancel_futures)


def run(test: Callable[[], Awaitable[None]]) -> None:
    """Run `test` on a fresh loop; fail on any error the loop reports (an exception in a
    callback from the inference thread, a future set twice), which would otherwise
    only be logged."""
    errors: list[dict[str, Any]] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _loop, ctx: errors.append(ctx))
        loop.set_default_executor(_Unjoined())
        await asyncio.wait_for(test(), 3 * DEADLINE)

    asyncio.run(main())
    assert not errors, [ctx.get("message") for ctx in errors]


async def until(condition: Callable[[], bool], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while not condition():
        assert loop.time() < deadline, f"not within {DEADLINE} s: {what}"
        await asyncio.sleep(0.001)


class Model:
    """A stand-in model: doubles its inputs and records each call.

    A held model lets each call finish only when the test allows it, so that the test
    controls what is queued while a call is in progress.
    """

    def __init__(self, held: bool = False) -> None:
        self.calls: list[list[int]] = []
        self._cond = threading.Condition()
        self._allowed = 0.0 if held else math.inf

    def __call__(self, items: list[int]) -> list[int]:
        with self._cond:
            self.calls.append(list(items))
            self._cond.notify_all()
            if not self._cond.wait_for(lambda: self._allowed > 0, DEADLINE):
                raise TimeoutError("the test never let this model call finish")
            self._allowed -= 1
        return [2 * x for x in items]

    def allow(self, calls: float = math.inf) -> None:
        """Let this many more calls finish (all of them by default)."""
        with self._cond:
            self._allowed += calls
            self._cond.notify_all()

    async def started(self, n: int) -> None:
        """Return once the model's n-th call has begun."""

        def wait() -> bool:
            with self._cond:
                return self._cond.wait_for(lambda: len(self.calls) >= n, DEADLINE)

        assert await asyncio.to_thread(wait), f"model call {n} did not start"


@contextlib.asynccontextmanager
async def serving(batcher: MicroBatcher[int, int], model: Model) -> AsyncIterator[None]:
    batcher.start()
    try:
        yield
    finally:
        # A failing test must not leave the inference thread held past its end.
        model.allow()
        await asyncio.wait_for(batcher.stop(), DEADLINE)


def submit(batcher: MicroBatcher[int, int], items: list[int]) -> asyncio.Task[list[int]]:
    return asyncio.ensure_future(batcher.submit(items))


async def result(task: Awaitable[list[int]]) -> list[int]:
    return await asyncio.wait_for(task, DEADLINE)


def planned(requests: list[list[int]], size: int) -> list[list[int]]:
    """The calls the batcher should make when all of `requests` are already queued: each
    takes the oldest request left, then the smallest others that fit (the earlier among
    equals); a request over `size` items is first cut into pieces of `size`."""
    queue = [r[k : k + size] for r in requests for k in range(0, len(r), size)]
    calls: list[list[int]] = []
    while queue:
        call = list(queue.pop(0))
        for piece in sorted(queue, key=len):
            if len(call) + len(piece) <= size:
                call += piece
                queue.remove(piece)
        calls.append(call)
    return calls


def test_each_request_gets_its_own_results_in_order() -> None:
    model = Model(held=True)

    async def test() -> None:
        batcher = MicroBatcher(model, max_batch_size=32, max_wait_s=0.01, max_queued_items=10_000)
        async with serving(batcher, model):
            first = submit(batcher, [-1])
            await model.started(1)
            # Sizes 1 to 5, so calls hold several requests and rarely end on a boundary.
            requests = [list(range(i * 100, i * 100 + 1 + i % 5)) for i in range(60)]
            tasks = [submit(batcher, r) for r in requests]
            total = sum(len(r) for r in requests)
            await until(lambda: batcher.queued_items == total, "all requests queued")
            model.allow()
            assert await result(first) == [-2]
            assert [await result(t) for t in tasks] == [[2 * x for x in r] for r in requests]
        assert model.calls == [[-1], *planned(requests, 32)]

    run(test)


def test_requests_arriving_during_a_call_share_the_next_one() -> None:
    model = Model(held=True)

    async def test() -> None:
        # No waiting: an idle model takes a lone request at once.
        batcher = MicroBatcher(model, max_batch_size=64, max_wait_s=0.0, max_queued_items=100)
        async with serving(batcher, model):
            first = submit(batcher, [0])
            await model.started(1)
            later = [submit(batcher, [i]) for i in range(1, 6)]
            await until(lambda: batcher.queued_items == 5, "five requests queued")
            model.allow()
            assert await result(first) == [0]
            assert [await result(t) for t in later] == [[2 * i] for i in range(1, 6)]
        assert model.calls == [[0], [1, 2, 3, 4, 5]]

    run(test)


def test_batch_size_one_turns_batching_off() -> None:
    model = Model(held=True)

    async def test() -> None:
        # With a batch of one, every request is a full batch: none waits for the timer.
        batcher = MicroBatcher(model, max_batch_size=1, max_wait_s=LONG_WAIT, max_queued_items=100)
        async with serving(batcher, model):
            tasks = [submit(batcher, [i]) for i in range(10)]
            await model.started(1)
            await until(lambda: batcher.queued_items == 9, "nine requests queued")
            model.allow()
            assert [await result(t) for t in tasks] == [[2 * i] for i in range(10)]
        assert model.calls == [[i] for i in range(10)]

    run(test)


def test_a_request_larger_than_the_batch_is_cut_into_pieces_of_the_batch_size() -> None:
    model = Model(held=True)

    async def test() -> None:
        batcher = MicroBatcher(model, max_batch_size=4, max_wait_s=0.0, max_queued_items=100)
        async with serving(batcher, model):
            first = submit(batcher, [-1])
            await model.started(1)
            small, large, after = [1], list(range(10, 20)), [2]
            tasks = [submit(batcher, r) for r in (small, large, after)]
            await until(lambda: batcher.queued_items == 12, "three requests queued")
            model.allow()
            assert await result(first) == [-2]
            assert [await result(t) for t in tasks] == [[2], [2 * x for x in large], [4]]
        # The oldest (1) with the smallest that fit: the later single and the large
        # request's last piece; then the large request's other pieces.
        assert model.calls == [[-1], [1, 2, 18, 19], [10, 11, 12, 13], [14, 15, 16, 17]]
        assert model.calls == [[-1], *planned([small, large, after], 4)]

    run(test)


def test_small_requests_ride_with_the_oldest_instead_of_waiting_behind_large_ones() -> None:
    model = Model(held=True)

    async def test() -> None:
        batcher = MicroBatcher(model, max_batch_size=8, max_wait_s=0.0, max_queued_items=100)
        async with serving(batcher, model):
            first = submit(batcher, [0])
            await model.started(1)
            large = [list(range(10 * k, 10 * k + 6)) for k in range(1, 4)]
            requests = [large[0], large[1], [1], large[2], [2]]
            tasks = [submit(batcher, r) for r in requests]
            await until(lambda: batcher.queued_items == 20, "five requests queued")
            model.allow()
            assert await result(first) == [0]
            assert [await result(t) for t in tasks] == [[2 * x for x in r] for r in requests]
        # Both singles go in the first call after the one in progress, not the last.
        assert model.calls == [[0], large[0] + [1, 2], large[1], large[2]]

    run(test)


def _by_sign(items: list[int]) -> tuple[int, int]:
    """Two kinds of item, as headlines and marked headlines: non-negative and negative."""
    negative = sum(1 for x in items if x < 0)
    return (len(items) - negative, negative)


def calls_after_one_in_progress(requests: list[list[int]], **options: Any) -> list[list[int]]:
    """The model calls made for `requests`, all queued while a first call is held open;
    each caller is checked to get its own results."""
    model = Model(held=True)

    async def test() -> None:
        batcher = MicroBatcher(model, max_wait_s=0.0, max_queued_items=100, **options)
        async with serving(batcher, model):
            first = submit(batcher, [0])
            await model.started(1)
            tasks = [submit(batcher, r) for r in requests]
            queued = sum(map(len, requests))
            await until(lambda: batcher.queued_items == queued, "all requests queued")
            model.allow()
            assert await result(first) == [0]
            assert [await result(t) for t in tasks] == [[2 * x for x in r] for r in requests]

    run(test)
    return model.calls[1:]


def test_the_bound_applies_to_each_kind_of_item_apart() -> None:
    # Three requests of one item of the first kind and two of the second.
    mixed = [[1, -1, -2], [2, -3, -4], [3, -5, -6]]
    calls = calls_after_one_in_progress(mixed, max_batch_size=4, sizes=_by_sign)
    # Six items in one call: two of the first kind and four of the second, each within
    # the bound of 4. The third request would bring six of the second kind.
    assert calls == [mixed[0] + mixed[1], mixed[2]]


def test_with_one_kind_the_bound_is_on_all_items() -> None:
    requests = [[1, -1, -2], [2, -3, -4]]
    assert calls_after_one_in_progress(requests, max_batch_size=4) == requests


def test_a_request_that_fits_is_taken_past_one_that_does_not() -> None:
    # After the oldest (three of the second kind), the smaller request of two of the
    # second kind does not fit; the larger one of the first kind does.
    oldest, second_kind, first_kind = [-1, -2, -3], [-4, -5], [1, 2, 3]
    calls = calls_after_one_in_progress(
        [oldest, second_kind, first_kind], max_batch_size=4, sizes=_by_sign
    )
    assert calls == [oldest + first_kind, second_kind]


def test_a_full_batch_does_not_wait_for_the_timer() -> None:
    model = Model()

    async def test() -> None:
        batcher = MicroBatcher(model, max_batch_size=64, max_wait_s=LONG_WAIT, max_queued_items=100)
        async with serving(batcher, model):
            assert await result(batcher.submit(list(range(64)))) == [2 * i for i in range(64)]

    run(test)


def test_a_lone_request_is_sent_when_its_wait_is_over() -> None:
    model = Model()

    async def test() -> None:
        batcher = MicroBatcher(model, max_batch_size=64, max_wait_s=0.2, max_queued_items=100)
        async with serving(batcher, model):
            assert await result(batcher.submit([1])) == [2]
            assert await result(batcher.submit([2])) == [4]
        assert model.calls == [[1], [2]]

    run(test)


class WatchedCondition(threading.Condition):
    """Says when the inference thread starts waiting for company (a wait with a
    timeout), the one moment a batcher that ignores max_wait would have sent a lone
    request instead."""

    def __init__(self) -> None:
        super().__init__()
        self.timed_wait = threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        if timeout is not None:
            self.timed_wait.set()
        return super().wait(timeout)


def test_an_idle_model_waits_for_company_until_the_batch_fills() -> None:
    model = Model()

    async def test() -> None:
        batcher = MicroBatcher(model, max_batch_size=2, max_wait_s=LONG_WAIT, max_queued_items=100)
        cond = WatchedCondition()
        batcher._cond = cond
        async with serving(batcher, model):
            lone = submit(batcher, [1])
            assert await asyncio.to_thread(cond.timed_wait.wait, DEADLINE), "never waited"
            assert model.calls == []
            # The second request fills the batch: both go at once, in one call, long
            # before the first one's wait is over.
            assert await result(batcher.submit([2])) == [4]
            assert await result(lone) == [2]
        assert model.calls == [[1, 2]]

    run(test)


def test_one_bad_request_does_not_fail_its_batch_mates() -> None:
    model = Model(held=True)
    calls: list[list[int]] = []

    def fragile(items: list[int]) -> list[int]:
        calls.append(list(items))
        if any(x < 0 for x in items):
            raise ValueError("negative input")
        return model(items)

    async def test() -> None:
        batcher = MicroBatcher(fragile, max_batch_size=64, max_wait_s=0.0, max_queued_items=100)
        async with serving(batcher, model):
            first = submit(batcher, [0])
            await model.started(1)
            tasks = [submit(batcher, r) for r in ([1, 2], [-1], [3])]
            await until(lambda: batcher.queued_items == 4, "three requests queued")
            model.allow()
            assert await result(first) == [0]
            outcomes = await asyncio.wait_for(
                asyncio.gather(*tasks, return_exceptions=True), DEADLINE
            )
        assert outcomes[0] == [2, 4] and outcomes[2] == [6]
        assert isinstance(outcomes[1], ValueError)
        # The batch failed as a whole, then each request ran on its own.
        assert calls == [[0], [1, 2, -1, 3], [1, 2], [-1], [3]]

    run(test)


def test_a_model_returning_the_wrong_count_fails_its_callers() -> None:
    async def test() -> None:
        batcher = MicroBatcher(
            lambda items: items[:-1], max_batch_size=8, max_wait_s=0.0, max_queued_items=100
        )
        batcher.start()
        try:
            with pytest.raises(RuntimeError, match="2 results for 3 items"):
                await result(batcher.submit([1, 2, 3]))
        finally:
            await asyncio.wait_for(batcher.stop(), DEADLINE)

    run(test)


def test_a_full_queue_rejects_instead_of_growing() -> None:
    model = Model(held=True)

    async def test() -> None:
        batcher = MicroBatcher(model, max_batch_size=2, max_wait_s=0.0, max_queued_items=4)
        async with serving(batcher, model):
            first = submit(batcher, [0, 0])
            await model.started(1)
            queued = [submit(batcher, [i, i]) for i in (1, 2)]
            await until(lambda: batcher.queued_items == 4, "two requests queued")
            with pytest.raises(QueueFullError, match="bound is 4"):
                await result(batcher.submit([9]))
            assert batcher.rejected == 1
            model.allow()
            assert await result(first) == [0, 0]
            assert [await result(t) for t in queued] == [[2, 2], [4, 4]]
            assert batcher.queued_items == 0
            # Room again once the queue drained.
            assert await result(batcher.submit([9])) == [18]
        assert [9] in model.calls

    run(test)


@pytest.mark.parametrize(
    ("gone_items", "batch_size"),
    [([7], 8), (list(range(100, 112)), 4)],
    ids=["one headline", "a request cut into three pieces"],
)
def test_a_caller_cancelled_before_dispatch_is_skipped(
    gone_items: list[int], batch_size: int
) -> None:
    model = Model(held=True)

    async def test() -> None:
        batcher = MicroBatcher(
            model, max_batch_size=batch_size, max_wait_s=0.0, max_queued_items=100
        )
        async with serving(batcher, model):
            first = submit(batcher, [0])
            await model.started(1)
            before, gone, after = (
                submit(batcher, [1]),
                submit(batcher, gone_items),
                submit(batcher, [8, 9]),
            )
            queued = 3 + len(gone_items)
            await until(lambda: batcher.queued_items == queued, "three requests queued")
            gone.cancel()
            model.allow()
            assert await result(first) == [0]
            # The skipped caller's slot is not counted: the others' slices still line up.
            assert await result(before) == [2]
            assert await result(after) == [16, 18]
            assert gone.cancelled()
            # Cut into pieces, the cancelled request may still be queued when `after` is
            # answered (no batch had room for a piece); the worker drops its pieces next.
            await until(lambda: batcher.queued_items == 0, "the cancelled pieces dropped")
        # None of the cancelled request's items, nor any of its pieces, reached the model.
        assert model.calls == [[0], [1, 8, 9]]

    run(test)


def test_a_caller_cancelled_during_its_call_leaves_the_others_served() -> None:
    model = Model(held=True)

    async def test() -> None:
        # Three items fill the batch: the three requests go together, in one call.
        batcher = MicroBatcher(model, max_batch_size=3, max_wait_s=LONG_WAIT, max_queued_items=100)
        async with serving(batcher, model):
            a, b, c = submit(batcher, [1]), submit(batcher, [2]), submit(batcher, [3])
            await model.started(1)
            assert model.calls == [[1, 2, 3]]
            b.cancel()
            await asyncio.wait([b], timeout=DEADLINE)
            assert b.cancelled()
            model.allow()
            # Answering the call must skip the cancelled future, not raise on it (which
            # the loop's exception handler would record) and leave `c` unanswered.
            assert await result(a) == [2]
            assert await result(c) == [6]
            assert await result(batcher.submit([4, 5, 6])) == [8, 10, 12]
        assert model.calls == [[1, 2, 3], [4, 5, 6]]

    run(test)


def test_stop_fails_queued_callers_and_answers_the_call_in_progress() -> None:
    model = Model(held=True)

    async def test() -> None:
        batcher = MicroBatcher(model, max_batch_size=2, max_wait_s=LONG_WAIT, max_queued_items=100)
        async with serving(batcher, model):
            in_call = submit(batcher, [1, 2])
            await model.started(1)
            queued = [submit(batcher, [3]), submit(batcher, [4, 5])]
            await until(lambda: batcher.queued_items == 3, "two requests queued")
            stopping = asyncio.ensure_future(batcher.stop())
            # Queued callers hear at once, while the call in progress still runs.
            for task in queued:
                with pytest.raises(RuntimeError, match="service shutting down"):
                    await result(task)
            with pytest.raises(RuntimeError, match="not running"):
                await batcher.submit([6])
            assert not in_call.done()
            model.allow()
            assert await result(in_call) == [2, 4]
            await asyncio.wait_for(stopping, DEADLINE)
            assert batcher.queued_items == 0
            with pytest.raises(RuntimeError, match="not running"):
                await batcher.submit([6])
        assert model.calls == [[1, 2]]

    run(test)


def test_stop_does_not_wait_out_a_batch_waiting_for_company() -> None:
    model = Model()

    async def test() -> None:
        batcher = MicroBatcher(model, max_batch_size=8, max_wait_s=LONG_WAIT, max_queued_items=100)
        async with serving(batcher, model):
            lone = submit(batcher, [1])
            await until(lambda: batcher.queued_items == 1, "the request queued")
            await asyncio.wait_for(batcher.stop(), DEADLINE)
            with pytest.raises(RuntimeError, match="service shutting down"):
                await result(lone)
        assert model.calls == []

    run(test)


def test_submit_before_start_is_refused() -> None:
    async def test() -> None:
        batcher = MicroBatcher(Model(), max_batch_size=8, max_wait_s=0.0, max_queued_items=100)
        with pytest.raises(RuntimeError, match="not running"):
            await batcher.submit([1])

    run(test)


# More than one worker (INFERENCE_WORKERS): calls overlap, and the contract holds.


def test_two_workers_run_two_calls_at_once_each_request_whole_and_in_order() -> None:
    model = Model(held=True)

    async def test() -> None:
        batcher = MicroBatcher(
            model, max_batch_size=4, max_wait_s=0.0, max_queued_items=10_000, workers=2
        )
        async with serving(batcher, model):
            first, second = submit(batcher, [1, 2, 3, 4]), submit(batcher, [5, 6])
            # Both calls are in progress together: the second worker did not wait.
            await model.started(2)
            assert sorted(map(tuple, model.calls)) == [(1, 2, 3, 4), (5, 6)]
            requests = [list(range(i * 10, i * 10 + 1 + i % 3)) for i in range(40)]
            tasks = [submit(batcher, r) for r in requests]
            model.allow()
            assert await result(first) == [2, 4, 6, 8] and await result(second) == [10, 12]
            assert [await result(t) for t in tasks] == [[2 * x for x in r] for r in requests]
        # Every item went to the model exactly once, each request whole inside one call.
        flat = sorted(x for call in model.calls for x in call)
        assert flat == sorted([1, 2, 3, 4, 5, 6, *(x for r in requests for x in r)])
        for r in requests:
            (call,) = [c for c in model.calls if r[0] in c]
            start = call.index(r[0])
            assert call[start : start + len(r)] == r

    run(test)


# Requests of two items with one bad one; and requests cut into pieces of four, the bad
# one failing in its third piece.
PAIRS = [[i, i + 1] for i in range(0, 60, 2)]
PAIRS[7] = [-1]


@pytest.mark.parametrize(
    ("batch_size", "requests", "bad"),
    [(8, PAIRS, 7), (4, [[1, 2], [*range(9), -1], list(range(20, 31)), [3]], 1)],
    ids=["whole requests", "pieces"],
)
def test_two_workers_isolate_a_failing_request(
    batch_size: int, requests: list[list[int]], bad: int
) -> None:
    model = Model()

    def fragile(items: list[int]) -> list[int]:
        if any(x < 0 for x in items):
            raise ValueError("negative input")
        return model(items)

    async def test() -> None:
        batcher = MicroBatcher(
            fragile, max_batch_size=batch_size, max_wait_s=0.0, max_queued_items=1000, workers=2
        )
        async with serving(batcher, model):
            outcomes = await asyncio.wait_for(
                asyncio.gather(*(submit(batcher, r) for r in requests), return_exceptions=True),
                DEADLINE,
            )
        for k, (request, outcome) in enumerate(zip(requests, outcomes, strict=True)):
            if k == bad:
                assert isinstance(outcome, ValueError)
            else:
                assert outcome == [2 * x for x in request]

    run(test)


def test_two_workers_skip_a_caller_cancelled_while_both_are_busy() -> None:
    model = Model(held=True)

    async def test() -> None:
        # One request per call, so the first two keep both workers busy.
        batcher = MicroBatcher(
            model, max_batch_size=1, max_wait_s=0.0, max_queued_items=100, workers=2
        )
        async with serving(batcher, model):
            busy = [submit(batcher, [0]), submit(batcher, [1])]
            await model.started(2)
            before, gone, after = submit(batcher, [2]), submit(batcher, [7]), submit(batcher, [8])
            await until(lambda: batcher.queued_items == 3, "three requests queued")
            gone.cancel()
            model.allow()
            assert [await result(t) for t in busy] == [[0], [2]]
            assert await result(before) == [4] and await result(after) == [16]
            assert gone.cancelled() and batcher.queued_items == 0
        assert all(7 not in call for call in model.calls)

    run(test)


def test_two_workers_run_the_pieces_of_one_large_request_at_once() -> None:
    model = Model(held=True)

    async def test() -> None:
        batcher = MicroBatcher(
            model, max_batch_size=4, max_wait_s=0.0, max_queued_items=100, workers=2
        )
        async with serving(batcher, model):
            large = list(range(10))
            task = submit(batcher, large)
            # Two pieces in progress together, the third queued.
            await model.started(2)
            assert model.calls == [[0, 1, 2, 3], [4, 5, 6, 7]]
            model.allow()
            assert await result(task) == [2 * x for x in large]
        assert model.calls[2] == [8, 9]

    run(test)
