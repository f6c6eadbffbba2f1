"""One run, one table: the in-process ceiling, the service over HTTP, cold start.

    python -m bench.run [--seconds 10] [--out bench/results/latest.json]

Servers are real `python -m app` processes on loopback; load comes from a separate
process (bench.load). Every figure in the table comes from this one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BATCHES = (1, 8, 32, 64, 128, 256)


def ceiling(repeats: int) -> dict[int, float]:
    """Headlines/s of direct SavedModel calls, median over repeats, per batch size."""
    from app.model_store import load
    from bench.load import HEADLINES

    model = load(ROOT / "models", "sentiment")
    out = {}
    for size in BATCHES:
        batch = [HEADLINES[i % len(HEADLINES)] + f" {i}" for i in range(size)]
        model.predict(batch)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            model.predict(batch)
            times.append(time.perf_counter() - start)
        out[size] = round(size / statistics.median(times), 1)
    return out


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def start_server(env: dict[str, str], port: int) -> tuple[subprocess.Popen[bytes], float]:
    full = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "warning",
        "FRED_URL": "http://127.0.0.1:9/graph/fredgraph.csv",
        "FRED_RETRIES": "0",
        "DATA_DIR": f"/tmp/bench-data-{port}",
        **env,
    }
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app"],
        cwd=ROOT,
        env=full,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc, round(time.perf_counter() - start, 2)
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.perf_counter() - start > 120:
            raise RuntimeError("server did not become ready")
        time.sleep(0.05)


def load(port: int, seconds: float, **kw: object) -> dict[str, object]:
    args = [
        sys.executable,
        "-m",
        "bench.load",
        f"http://127.0.0.1:{port}",
        "--seconds",
        str(seconds),
    ]
    for key, value in kw.items():
        args += [f"--{key}", str(value)]
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--repeats", type=int, default=30)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    args = p.parse_args()

    result: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "seconds_per_run": args.seconds,
    }
    result["ceiling_headlines_per_s"] = ceiling(args.repeats)
    runs = []
    for label, env in (("batching", {}), ("naive (BATCH_MAX_SIZE=1)", {"BATCH_MAX_SIZE": "1"})):
        proc, cold = start_server(env, 8790)
        try:
            cases = [{"concurrency": c, "headlines": 1} for c in (1, 16, 64)]
            if label == "batching":
                cases += [
                    {"concurrency": 8, "headlines": 64},
                    {"concurrency": 64, "path": "/forecast"},
                ]
            for case in cases:
                row = {
                    "server": label,
                    **load(8790, args.seconds, **case),
                    "server_rss_mb": rss_mb(proc.pid),
                    "cold_start_s": cold,
                }
                runs.append(row)
                print(json.dumps(row), flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    result["http"] = runs
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")

    print(f"\nin-process SavedModel ceiling, headlines/s: {result['ceiling_headlines_per_s']}")
    print(
        f"{'server':26s} {'path':11s} {'conc':>4s} {'hl/req':>6s} {'req/s':>8s} "
        f"{'hl/s':>8s} {'p50':>7s} {'p95':>7s} {'p99':>7s} {'err':>4s} {'RSS MB':>7s}"
    )
    for r in runs:
        print(
            f"{r['server']:26s} {r['path']:11s} {r['concurrency']:4d} {r['headlines']:6d} "
            f"{r['rps']:8.1f} {r['headlines_per_s'] or 0:8.1f} {r['p50_ms']:7.1f} "
            f"{r['p95_ms']:7.1f} {r['p99_ms']:7.1f} {r['errors']:4d} {r['server_rss_mb']:7.1f}"
        )
    print(f"cold start to /readyz 200: {runs[0]['cold_start_s']} s; results in {args.out}")


if __name__ == "__main__":
    main()
