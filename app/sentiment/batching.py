"""Dynamic micro-batching: concurrent requests share one model call.

Callers `await batcher.submit(items)` with their own list. An inference thread takes
requests from the queue, up to `max_batch_size` items, calls `fn` once on their
concatenation, and hands each caller exactly its own slice of the results, in order.
While a call runs, new requests queue up and go together in the next one, so batches
grow with the load by themselves.

Which requests share a call: the oldest waiting one, then the smallest others that fit
(in arrival order among equals). A single headline queued behind 64-headline requests
so rides in the next call instead of waiting for all of them, and the oldest request
still goes first, so none waits forever. A request larger than `max_batch_size` is cut
into pieces of that size, queued one after another: they can run on several workers at
once, and small requests fit in beside them.

Items may be of several kinds that `fn` runs as separate model calls (headlines and
marked headlines for the entity model). `sizes` counts a request's items per kind, and
`max_batch_size` bounds each kind on its own: it is the largest model call, whatever
else rides in the batch. Two entity requests of 31 headlines and 64 marked headlines
then share a batch and make calls of 62 and 128, where a bound on their sum would run
them one by one, in four smaller calls.

`max_wait_s` is how long a batch that is not full may wait for company while the model
is idle; 0 sends it at once, as Triton's dynamic batcher does by default.

`workers` threads take calls from the one queue, each starting the next due call as
soon as it is free, so work that arrives already batched (64-headline requests) keeps
more than one core busy.

The threads, not an event-loop task, decide when the next call starts: under load the
loop works through long runs of callbacks (reading requests, writing responses), and a
task would start the next call only after them, leaving the model idle while the loop
works and the loop idle while the model works. The same design as TF Serving's batch
scheduler threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class QueueFullError(RuntimeError):
    """More items are waiting than the queue bound allows: the caller should retry later."""


@dataclass
class _Pending(Generic[T, R]):
    items: list[T]
    future: asyncio.Future[list[R]] = field(repr=False)
    arrived: float
    sizes: tuple[int, ...]  # items per kind


def _one_kind(items: Sequence[object]) -> tuple[int, ...]:
    return (len(items),)


class MicroBatcher(Generic[T, R]):
    def __init__(
        self,
        fn: Callable[[list[T]], Sequence[R]],
        max_batch_size: int,
        max_wait_s: float,
        max_queued_items: int,
        observe: Callable[[int, float], None] | None = None,
        workers: int = 1,
        sizes: Callable[[Sequence[T]], tuple[int, ...]] = _one_kind,
    ) -> None:
        if max_batch_size < 1 or max_wait_s < 0 or max_queued_items < 1 or workers < 1:
            raise ValueError("batch size, queue bound and workers must be >= 1, wait >= 0")
        self.fn = fn
        self.max_batch_size = max_batch_size
        self.max_wait_s = max_wait_s
        self.max_queued_items = max_queued_items
        self.observe = observe  # (items in the call, seconds it took), after each call
        self.workers = workers
        self.sizes = sizes
        self.rejected = 0
        self._queue: deque[_Pending[T, R]] = deque()
        self._queued_items = 0
        self._cond = threading.Condition()
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._threads: list[threading.Thread] = []

    @property
    def queued_items(self) -> int:
        return self._queued_items

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = False
        self._threads = [
            threading.Thread(target=self._serve, name=f"inference-{k}", daemon=True)
            for k in range(self.workers)
        ]
        for thread in self._threads:
            thread.start()

    async def stop(self) -> None:
        with self._cond:
            self._stopping = True
            left = list(self._queue)
            self._queue.clear()
            self._queued_items = 0
            self._cond.notify_all()
        for pending in left:
            if not pending.future.done():
                pending.future.set_exception(RuntimeError("service shutting down"))
        # A call in progress finishes on its own; its callers are answered if the loop
        # still runs.
        for thread in self._threads:
            await asyncio.to_thread(thread.join, 30)
        self._threads = []

    async def submit(self, items: list[T]) -> list[R]:
        loop = self._loop
        if loop is None or self._stopping:
            raise RuntimeError("MicroBatcher is not running")
        size = self.max_batch_size
        pieces = [items[k : k + size] for k in range(0, len(items), size)] or [items]
        futures: list[asyncio.Future[list[R]]] = [loop.create_future() for _ in pieces]
        # Counted before taking the lock the inference threads wait on.
        sizes = [self.sizes(p) for p in pieces]
        with self._cond:
            if self._queued_items + len(items) > self.max_queued_items:
                self.rejected += 1
                raise QueueFullError(
                    f"{self._queued_items} items queued, bound is {self.max_queued_items}"
                )
            now = time.monotonic()
            self._queue.extend(
                _Pending(p, f, now, n) for p, f, n in zip(pieces, futures, sizes, strict=True)
            )
            self._queued_items += len(items)
            self._cond.notify(len(pieces))
        if len(futures) == 1:
            return await futures[0]
        # Cancelling the caller cancels every piece still queued; a failed piece fails
        # the request (each piece's outcome is read, so none is reported as lost).
        outcomes = await asyncio.gather(*futures, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        return [r for outcome in outcomes for r in outcome]  # type: ignore[union-attr]

    def _next_batch(self) -> list[_Pending[T, R]] | None:
        """Block until a batch is due; None once stopping."""
        with self._cond:
            while True:
                if self._stopping:
                    return None
                if not self._queue:
                    self._cond.wait()
                    continue
                if self._queued_items < self.max_batch_size and self.max_wait_s > 0:
                    remaining = self._queue[0].arrived + self.max_wait_s - time.monotonic()
                    if remaining > 0:
                        self._cond.wait(remaining)
                        continue
                batch = self._take()
                self._queued_items -= sum(len(p.items) for p in batch)
                # A caller that gave up (client gone, timeout) costs no model time.
                batch = [p for p in batch if not p.future.cancelled()]
                if batch:
                    return batch

    def _take(self) -> list[_Pending[T, R]]:
        """The oldest request, then the smallest that fit (stable: arrival order among
        equals). Called with the lock held."""
        batch = [self._queue.popleft()]
        room = [self.max_batch_size - n for n in batch[0].sizes]
        if max(room) <= 0 or not self._queue:
            return batch
        taken: set[int] = set()
        for pending in sorted(self._queue, key=lambda p: len(p.items)):
            if all(n <= r for n, r in zip(pending.sizes, room, strict=True)):
                batch.append(pending)
                taken.add(id(pending))
                room = [r - n for r, n in zip(room, pending.sizes, strict=True)]
            elif len(pending.items) > sum(room):
                break  # sorted by size: nothing after it fits either
        if taken:
            self._queue = deque(p for p in self._queue if id(p) not in taken)
        return batch

    def _serve(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                self._answer(batch, self._run(batch))
            except Exception as exc:
                if len(batch) == 1:
                    self._answer(batch, exc)
                    continue
                # Isolate the request that broke the batch: run each on its own.
                log.warning("batch of %d failed (%s); retrying one by one", len(batch), exc)
                for pending in batch:
                    try:
                        outcome: Sequence[R] | Exception = self._run([pending])
                    except Exception as exc_alone:
                        outcome = exc_alone
                    self._answer([pending], outcome)

    def _run(self, batch: list[_Pending[T, R]]) -> Sequence[R]:
        flat = [item for pending in batch for item in pending.items]
        start = time.perf_counter()
        results = self.fn(flat)
        if self.observe is not None:
            self.observe(len(flat), time.perf_counter() - start)
        if len(results) != len(flat):
            raise RuntimeError(f"{len(results)} results for {len(flat)} items")
        return results

    def _answer(self, batch: list[_Pending[T, R]], outcome: Sequence[R] | Exception) -> None:
        """Hand each caller its slice, on the event loop (futures are not thread-safe)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        # RuntimeError: the loop closed in between, and nobody is waiting any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, batch, outcome)


def _settle(batch: list[_Pending[T, R]], outcome: Sequence[R] | Exception) -> None:
    start = 0
    for pending in batch:
        end = start + len(pending.items)
        if not pending.future.done():
            if isinstance(outcome, Exception):
                pending.future.set_exception(outcome)
            else:
                pending.future.set_result(list(outcome[start:end]))
        start = end
