"""Dynamic micro-batching: concurrent requests share one model call.

Callers `await batcher.submit(items)` with their own list; a single worker task
gathers whole requests until `max_batch_size` items are waiting or `max_wait_s` has
passed since the first of them, calls `fn` once on the concatenation in a worker
thread (off the event loop), and hands each caller exactly its own slice of the
results, in order. The idea of Ray Serve's `@serve.batch` and of TF Serving's
batching parameters, in one piece that knows nothing of models.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
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


class MicroBatcher(Generic[T, R]):
    def __init__(
        self,
        fn: Callable[[list[T]], Sequence[R]],
        max_batch_size: int,
        max_wait_s: float,
        max_queued_items: int,
    ) -> None:
        if max_batch_size < 1 or max_wait_s < 0 or max_queued_items < 1:
            raise ValueError("batch size and queue bound must be >= 1, wait >= 0")
        self.fn = fn
        self.max_batch_size = max_batch_size
        self.max_wait_s = max_wait_s
        self.max_queued_items = max_queued_items
        self._queue: deque[_Pending[T, R]] = deque()
        self._queued_items = 0
        self._wakeup: asyncio.Event | None = None
        self._worker: asyncio.Task[None] | None = None
        # One inference thread: on two cores, concurrent model calls only contend.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inference")

    @property
    def queued_items(self) -> int:
        return self._queued_items

    def start(self) -> None:
        self._wakeup = asyncio.Event()
        self._worker = asyncio.get_running_loop().create_task(self._run(), name="micro-batcher")

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        for pending in self._queue:
            if not pending.future.done():
                pending.future.set_exception(RuntimeError("service shutting down"))
        self._queue.clear()
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def submit(self, items: list[T]) -> list[R]:
        if self._wakeup is None:
            raise RuntimeError("MicroBatcher.start() was not called")
        if self._queued_items + len(items) > self.max_queued_items:
            raise QueueFullError(
                f"{self._queued_items} items queued, bound is {self.max_queued_items}"
            )
        future: asyncio.Future[list[R]] = asyncio.get_running_loop().create_future()
        self._queue.append(_Pending(items, future))
        self._queued_items += len(items)
        self._wakeup.set()
        return await future

    def _take_batch(self) -> list[_Pending[T, R]]:
        """Whole requests from the front, up to max_batch_size items (at least one request)."""
        batch = [self._queue.popleft()]
        size = len(batch[0].items)
        while self._queue and size + len(self._queue[0].items) <= self.max_batch_size:
            pending = self._queue.popleft()
            batch.append(pending)
            size += len(pending.items)
        self._queued_items -= size
        return batch

    async def _run(self) -> None:
        assert self._wakeup is not None
        loop = asyncio.get_running_loop()
        while True:
            while not self._queue:
                self._wakeup.clear()
                await self._wakeup.wait()
            if self.max_batch_size > 1 and self._queued_items < self.max_batch_size:
                # Give concurrent callers a moment to join, ending early once a batch is full.
                deadline = loop.time() + self.max_wait_s
                while self._queued_items < self.max_batch_size:
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    self._wakeup.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wakeup.wait(), remaining)
            batch = [p for p in self._take_batch() if not p.future.cancelled()]
            if batch:
                await self._call(loop, batch)

    async def _call(self, loop: asyncio.AbstractEventLoop, batch: list[_Pending[T, R]]) -> None:
        flat = [item for pending in batch for item in pending.items]
        try:
            results = await loop.run_in_executor(self._executor, self.fn, flat)
            if len(results) != len(flat):
                raise RuntimeError(f"{len(results)} results for {len(flat)} items")
        except Exception as exc:
            if len(batch) == 1:
                if not batch[0].future.done():
                    batch[0].future.set_exception(exc)
                return
            # Isolate the request that broke the batch: run each on its own.
            log.warning("batch of %d requests failed (%s); retrying one by one", len(batch), exc)
            for pending in batch:
                await self._call(loop, [pending])
            return
        start = 0
        for pending in batch:
            end = start + len(pending.items)
            if not pending.future.done():
                pending.future.set_result(list(results[start:end]))
            start = end
