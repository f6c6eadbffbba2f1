"""How much a model call slows down when it shares the two cores, and why.

    python -m bench.contention [--batch 32] [--seconds 3]

Times the sentiment SavedModel's calls (median) alone, then beside a neighbour that
keeps half a core busy: once as another process (competes for the CPU only), once
as a Python thread in this process (competes for the CPU and the GIL). In the server
the event loop is such a neighbour, so the difference between the two says what a
separate inference process could win back, and the first says what it could not.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import headlines

ROOT = Path(__file__).resolve().parents[1]


def half_core(stopping: Callable[[], bool]) -> None:
    """Busy for 0.5 ms, asleep for 0.5 ms: half a core, in slices like the event loop's."""
    while not stopping():
        start = time.perf_counter()
        while time.perf_counter() - start < 0.0005:
            pass
        time.sleep(0.0005)


@contextmanager
def busy_process() -> Iterator[None]:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from bench.contention import half_core; half_core(lambda: False)"],
        cwd=ROOT,
    )
    try:
        time.sleep(0.5)  # its interpreter started
        yield
    finally:
        proc.kill()
        proc.wait()


@contextmanager
def busy_thread() -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=half_core, args=(stop.is_set,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def median_call_ms(
    predict: Callable[[list[str]], object],
    batch: list[str],
    seconds: float,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Median ms of `predict(batch)` over calls made for `seconds` of `clock`."""
    times = []
    stop = clock() + seconds
    while clock() < stop:
        start = clock()
        predict(batch)
        times.append(clock() - start)
    return round(1000 * statistics.median(times), 2)


def measure(predict: Callable[[list[str]], object], size: int, seconds: float) -> dict[str, float]:
    batch = headlines.batch(size)
    for _ in range(10):
        predict(batch)
    out = {"batch": size, "alone_ms": median_call_ms(predict, batch, seconds)}

    for key, neighbour in (
        ("beside_a_process_ms", busy_process),
        ("beside_a_python_thread_ms", busy_thread),
    ):
        with neighbour():
            out[key] = median_call_ms(predict, batch, seconds)
    return out


def main() -> None:
    from bench.harness import load_model

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seconds", type=float, default=3.0)
    args = p.parse_args()
    print(json.dumps(measure(load_model().predict, args.batch, args.seconds)))


if __name__ == "__main__":
    main()
