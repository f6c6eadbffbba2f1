"""Soak: mixed load for minutes, window by window, against one server.

    python -m bench.soak [--minutes 5] [--window 30] [--out bench/results/soak.json]

Each window runs three load processes at once for `--window` seconds: single-headline
sentiment requests (16 connections), 16-headline requests (4 connections) and
`GET /forecast` (16 connections). After each window the server's RSS is read. Printed:
per-window throughput, p50/p99 and errors, and the RSS growth after the first window
(the warm-up).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.harness import ROOT, free_port, load_command, rss_mb, save_json, start_server

MIX = [
    {"path": "/sentiment", "headlines": 1, "concurrency": 16},
    {"path": "/sentiment", "headlines": 16, "concurrency": 4},
    {"path": "/forecast", "headlines": 1, "concurrency": 16},
]


def window(port: int, seconds: float) -> list[dict[str, object]]:
    procs = [
        subprocess.Popen(
            load_command(port, seconds, warmup=0, **case),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for case in MIX
    ]
    return [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=5.0)
    p.add_argument("--window", type=float, default=30.0)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "soak.json")
    args = p.parse_args()
    port = free_port()
    proc, cold = start_server({}, port)
    rows = []
    try:
        start = time.monotonic()
        while time.monotonic() - start < args.minutes * 60:
            results = window(port, args.window)
            elapsed = round(time.monotonic() - start)
            rows.append({"t_s": elapsed, "rss_mb": rss_mb(proc.pid), "runs": results})
            cells = "  ".join(
                f"{r['path']}x{r['headlines']}: {r['rps']:7.1f} req/s p50 {r['p50_ms']:6.1f} "
                f"p99 {r['p99_ms']:6.1f} err {r['errors']}"
                for r in results
            )
            print(f"t={rows[-1]['t_s']:4d}s RSS {rows[-1]['rss_mb']:6.1f} MB  {cells}", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    warm = rows[0]["rss_mb"]
    peak_after = max(r["rss_mb"] for r in rows[1:]) if len(rows) > 1 else warm
    errors = sum(run["errors"] for r in rows for run in r["runs"])
    summary = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "minutes": args.minutes,
        "window_s": args.window,
        "cold_start_s": cold,
        "errors": errors,
        "rss_after_warmup_mb": warm,
        "rss_peak_later_mb": peak_after,
        "rss_growth_pct": round(100 * (peak_after - warm) / warm, 1),
        "windows": rows,
    }
    save_json(args.out, summary)
    print(
        f"\n{len(rows)} windows, {errors} errors; RSS {warm} MB after the first window, "
        f"{peak_after} MB at most later ({summary['rss_growth_pct']:+.1f} %); {args.out}"
    )


if __name__ == "__main__":
    main()
