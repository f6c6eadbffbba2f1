"""An HTTP load generator, run as its own process.

    python -m bench.load URL --path /sentiment --concurrency 64 --seconds 10 --headlines 1
    python -m bench.load URL --path /sentiment --rate 400 --concurrency 64 --seconds 10

Closed loop (default): each of `--concurrency` connections sends its next request as
soon as the last one is answered, which finds the highest sustainable rate. Open loop
(`--rate`): requests are due at a fixed rate whether or not earlier ones have been
answered, and latency counts from when a request was due, so a server that falls
behind shows it in the tail instead of slowing the generator down (no coordinated
omission). The headlines are real ones (bench/headlines.py). Prints one JSON object:
requests, errors, requests/s, latency percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import AsyncIterator

import numpy as np
import uvloop

from bench import headlines

# Requests each connection cycles through, so 64 connections send 1,024 distinct headlines.
REQUESTS_PER_CONNECTION = 16
# --poison: bodies that must each get a 4xx, cheaply, on a connection kept alive; a 5xx
# or a dropped connection is the generator's error.
POISON_BODIES = (
    b'{"headlines": ["\\ud800"]}',
    b'{"headlines": ["abc \\udfff def"]}',
    b'{"headlines": ["\xed\xa0\x80"]}',
    b'{"headlines": [NaN]}',
    b'{"headlines": [1e999999]}',
    b'{"headlines": ["a"], "x": Infinity}',
    b'{"headlines": []}',
    b'{"headlines": ["' + b"x" * 2000 + b'"]}',
    b'{"headlines": ["a"',
)


def _request_bytes(args: argparse.Namespace, k: int, j: int) -> bytes:
    """Connection `k`'s `j`-th request."""
    host = args.url.split("//", 1)[1]
    if args.poison:
        body = POISON_BODIES[(k + j) % len(POISON_BODIES)]
        head = (
            f"POST /sentiment HTTP/1.1\r\nHost: {host}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body
    if args.path == "/sentiment":
        start = (k * REQUESTS_PER_CONNECTION + j) * args.headlines
        items: list[str] | list[dict[str, object]]
        if args.entities:
            items = headlines.entity_items(args.entities, start)
        elif args.auto:
            batch = headlines.batch(args.headlines, start)
            items = [{"text": t, "entities": "auto"} for t in batch]
        elif args.titles == "multi-entity":
            items = headlines.multi_entity_batch(args.headlines, start)
        else:
            items = headlines.batch(args.headlines, start)
        body = json.dumps({"headlines": items}).encode()
        head = (
            f"POST {args.path} HTTP/1.1\r\nHost: {host}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body
    return f"GET {args.path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()


async def closed_loop(stop_at: float) -> AsyncIterator[float]:
    """Due times for one connection: now, each time it is free again."""
    while (now := time.perf_counter()) < stop_at:
        yield now


async def open_loop(rate: float, start: float, stop_at: float) -> asyncio.Queue[float]:
    """A queue of due times at `rate` per second, filled by a background task."""
    due: asyncio.Queue[float] = asyncio.Queue()

    async def fill() -> None:
        k = 0
        while (t := start + k / rate) < stop_at:
            delay = t - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            due.put_nowait(t)
            k += 1

    asyncio.get_running_loop().create_task(fill())
    return due


async def from_queue(due: asyncio.Queue[float], stop_at: float) -> AsyncIterator[float]:
    while True:
        timeout = stop_at - time.perf_counter()
        if timeout <= 0:
            return
        try:
            yield await asyncio.wait_for(due.get(), timeout)
        except TimeoutError:
            return


async def worker(
    args: argparse.Namespace,
    schedule: AsyncIterator[float],
    latencies: list[float],
    errors: list[str],
    k: int,
) -> None:
    """One keep-alive connection speaking plain HTTP/1.1: a client far lighter than an
    HTTP library, so the load generator takes less of the two cores from the server."""
    host, port = args.url.split("//", 1)[1].split(":")
    requests = [_request_bytes(args, k, j) for j in range(REQUESTS_PER_CONNECTION)]
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        sent = 0
        async for due in schedule:
            writer.write(requests[sent % len(requests)])
            sent += 1
            # Padded: an empty line (the server hung up) has no status field.
            status = [*(await reader.readline()).split(b" ", 2), b""]
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            expected = status[1][:1] == b"4" if args.poison else status[1] == b"200"
            if not expected:
                errors.append(status[1].decode() or "no status")
            latencies.append(time.perf_counter() - due)
    except (OSError, asyncio.IncompleteReadError) as exc:
        errors.append(type(exc).__name__)
    finally:
        writer.close()


async def run_phase(args: argparse.Namespace, seconds: float) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    start = time.perf_counter()
    stop_at = start + seconds
    if args.rate:
        due = await open_loop(args.rate, start, stop_at)
        schedules = [from_queue(due, stop_at) for _ in range(args.concurrency)]
    else:
        schedules = [closed_loop(stop_at) for _ in range(args.concurrency)]
    await asyncio.gather(*(worker(args, s, latencies, errors, k) for k, s in enumerate(schedules)))
    return latencies, errors


async def main_async(args: argparse.Namespace) -> dict[str, object]:
    await run_phase(args, args.warmup)  # not counted
    start = time.perf_counter()
    latencies, errors = await run_phase(args, args.seconds)
    elapsed = time.perf_counter() - start
    lat = np.array(latencies) * 1000
    return {
        "path": args.path,
        "concurrency": args.concurrency,
        "headlines": args.headlines,
        "titles": args.titles,
        "auto": args.auto,
        "offered_rps": args.rate,
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "headlines_per_s": round(len(latencies) * args.headlines / elapsed, 1)
        if args.path == "/sentiment" and not args.entities
        else None,
        "entities": args.entities,
        "entities_per_s": round(len(latencies) * args.entities / elapsed, 1)
        if args.entities
        else None,
        "p50_ms": round(float(np.percentile(lat, 50)), 2),
        "p95_ms": round(float(np.percentile(lat, 95)), 2),
        "p99_ms": round(float(np.percentile(lat, 99)), 2),
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("--path", default="/sentiment")
    p.add_argument("--concurrency", type=int, default=16, help="connections")
    p.add_argument("--rate", type=float, default=None, help="open loop: requests/s offered")
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--headlines", type=int, default=1)
    p.add_argument(
        "--entities",
        type=int,
        default=0,
        help="instead: requests asking about this many entities, over real headlines "
        "that name two or more (bench.headlines.entity_items)",
    )
    p.add_argument(
        "--titles",
        choices=("all", "multi-entity"),
        default="all",
        help="headline requests: the test split's titles (all), or those the --entities "
        "requests ask about (bench.headlines.multi_entity_batch)",
    )
    p.add_argument(
        "--auto",
        action="store_true",
        help='headline requests: each headline asked about with "entities": "auto"',
    )
    p.add_argument(
        "--poison", action="store_true", help="send only bad bodies, each due a 4xx (POISON_BODIES)"
    )
    # uvloop, as the server uses: the generator shares the two cores with the server.
    print(json.dumps(uvloop.run(main_async(p.parse_args()))))


if __name__ == "__main__":
    main()
