"""A closed-loop HTTP load generator, run as its own process.

    python -m bench.load URL --path /sentiment --concurrency 64 --seconds 10 --headlines 1

Prints one JSON object: requests, errors, requests/s, latency percentiles (ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import numpy as np

HEADLINES = [
    "Infosys shares surge 8% after strong Q3 earnings beat",
    "Rupee slumps to record low as foreign investors pull out",
    "RBI to hold monetary policy meeting on Tuesday",
    "Tata Steel posts quarterly loss on weak European demand",
    "Sensex ends flat ahead of inflation data",
]


def _request_bytes(args: argparse.Namespace, k: int) -> bytes:
    host = args.url.split("//", 1)[1]
    if args.path == "/sentiment":
        body = json.dumps(
            {"headlines": [HEADLINES[(k + i) % len(HEADLINES)] for i in range(args.headlines)]}
        ).encode()
        head = (
            f"POST {args.path} HTTP/1.1\r\nHost: {host}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body
    return f"GET {args.path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()


async def worker(
    args: argparse.Namespace, stop_at: float, latencies: list[float], errors: list[str], k: int
) -> None:
    """One keep-alive connection speaking plain HTTP/1.1: a client far lighter than an
    HTTP library, so the load generator takes less of the two cores from the server."""
    host, port = args.url.split("//", 1)[1].split(":")
    request = _request_bytes(args, k)
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            writer.write(request)
            status = (await reader.readline()).split(b" ", 2)
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            if len(status) < 2 or status[1] != b"200":
                errors.append(status[1].decode() if len(status) > 1 else "no status")
            latencies.append(time.perf_counter() - start)
    except (OSError, asyncio.IncompleteReadError) as exc:
        errors.append(type(exc).__name__)
    finally:
        writer.close()


async def main_async(args: argparse.Namespace) -> dict[str, object]:
    # Warm-up, not counted.
    await asyncio.gather(
        *(
            worker(args, time.perf_counter() + args.warmup, [], [], k)
            for k in range(args.concurrency)
        )
    )
    latencies: list[float] = []
    errors: list[str] = []
    start = time.perf_counter()
    await asyncio.gather(
        *(worker(args, start + args.seconds, latencies, errors, k) for k in range(args.concurrency))
    )
    elapsed = time.perf_counter() - start
    lat = np.array(latencies) * 1000
    return {
        "path": args.path,
        "concurrency": args.concurrency,
        "headlines": args.headlines,
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "headlines_per_s": round(len(latencies) * args.headlines / elapsed, 1)
        if args.path == "/sentiment"
        else None,
        "p50_ms": round(float(np.percentile(lat, 50)), 2),
        "p95_ms": round(float(np.percentile(lat, 95)), 2),
        "p99_ms": round(float(np.percentile(lat, 99)), 2),
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("--path", default="/sentiment")
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--headlines", type=int, default=1)
    print(json.dumps(asyncio.run(main_async(p.parse_args()))))


if __name__ == "__main__":
    main()
