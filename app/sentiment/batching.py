"""Dynamic micro-batching: concurrent requests share one model call.

Callers `await batcher.submit(items)` with their own list. One inference thread takes
whole requests from the front of the queue, up to `max_batch_size` items, calls `fn`
once on their concatenation, and hands each caller exactly its own slice of the
results, in order. While a call runs, new requests queue up and go together in the
next one, so batches grow with the load by themselves.

`max_wait_s` is how long a batch that is not full may wait for company while the model
is idle; 0 sends it at once, as Triton's dynamic batcher does by default.

The thread, not an event-loop task, decides when the next call starts: under load the
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


class MicroBatcher(Generic[T, R]):
    def __init__(
        self,
        fn: Callable[[list[T]], Sequence[R]],
        max_batch_size: int,
        max_wait_s: float,
        max_queued_items: int,
        observe: Callable[[int, float], None] | None = None,
        workers: int = 1,
    ) -> None:
        if max_batch_size < 1 or max_wait_s < 0 or max_queued_items < 1 or workers < 1:
            raise ValueError("batch size, queue bound and workers must be >= 1, wait >= 0")
        self.fn = fn
        self.max_batch_size = max_batch_size
        self.max_wait_s = max_wait_s
        self.max_queued_items = max_queued_items
        self.observe = observe  # (items in the call, seconds it took), after each call
        self.workers = workers
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
        # Each worker takes the next due batch from the one queue, so with more than one a
        # batch can start while another's call runs (INFERENCE_WORKERS).
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
        future: asyncio.Future[list[R]] = loop.create_future()
        with self._cond:
            if self._queued_items + len(items) > self.max_queued_items:
                self.rejected += 1
                raise QueueFullError(
                    f"{self._queued_items} items queued, bound is {self.max_queued_items}"
                )
            self._queue.append(_Pending(items, future, time.monotonic()))
            self._queued_items += len(items)
            self._cond.notify()
        return await future

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
                batch = [self._queue.popleft()]
                size = len(batch[0].items)
                while self._queue and size + len(self._queue[0].items) <= self.max_batch_size:
                    pending = self._queue.popleft()
                    batch.append(pending)
                    size += len(pending.items)
                self._queued_items -= size
                # A caller that gave up (client gone, timeout) costs no model time.
                batch = [p for p in batch if not p.future.cancelled()]
                if batch:
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
