"""A closed-loop HTTP load generator, run as its own process.

    python -m bench.load URL --path /sentiment --concurrency 64 --seconds 10 --headlines 1

Prints one JSON object: requests, errors, requests/s, latency percentiles (ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import httpx
import numpy as np

HEADLINES = [
    "Infosys shares surge 8% after strong Q3 earnings beat",
    "Rupee slumps to record low as foreign investors pull out",
    "RBI to hold monetary policy meeting on Tuesday",
    "Tata Steel posts quarterly loss on weak European demand",
    "Sensex ends flat ahead of inflation data",
]


async def worker(
    client: httpx.AsyncClient,
    args: argparse.Namespace,
    stop_at: float,
    latencies: list[float],
    errors: list[str],
    k: int,
) -> None:
    body = {"headlines": [HEADLINES[(k + i) % len(HEADLINES)] for i in range(args.headlines)]}
    while time.perf_counter() < stop_at:
        start = time.perf_counter()
        try:
            if args.path == "/sentiment":
                response = await client.post(args.path, json=body)
            else:
                response = await client.get(args.path)
            if response.status_code != 200:
                errors.append(str(response.status_code))
        except httpx.HTTPError as exc:
            errors.append(type(exc).__name__)
        latencies.append(time.perf_counter() - start)


async def main_async(args: argparse.Namespace) -> dict[str, object]:
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    async with httpx.AsyncClient(base_url=args.url, limits=limits, timeout=30) as client:
        # Warm-up, not counted.
        await asyncio.gather(
            *(
                worker(client, args, time.perf_counter() + args.warmup, [], [], k)
                for k in range(args.concurrency)
            )
        )
        latencies: list[float] = []
        errors: list[str] = []
        start = time.perf_counter()
        await asyncio.gather(
            *(
                worker(client, args, start + args.seconds, latencies, errors, k)
                for k in range(args.concurrency)
            )
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
