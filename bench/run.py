"""One run, one table: the in-process ceiling, the service over HTTP, cold start.

    python -m bench.run [--seconds 8] [--out bench/results/latest.json]

Servers are real `python -m app` processes on loopback; load comes from a separate
process (bench.load). The default server is measured beside its peers (batching off,
hot paths off, TensorFlow's own thread pools), and each target of the serving issue is
checked against figures from this one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BATCHES = (1, 8, 32, 64, 128, 256)


def ceiling(
    repeats: int, model_dir: Path | None = None, batches: tuple[int, ...] = BATCHES
) -> dict[int, float]:
    """Headlines/s of direct SavedModel calls, median over repeats, per batch size, with
    the TensorFlow thread settings the server uses. `model_dir`: one version's folder
    (default: the newest committed sentiment model)."""
    from app.model_store import configure_tensorflow, load
    from app.settings import Settings

    settings = Settings()
    configure_tensorflow(settings.tf_intra_op_threads, settings.tf_inter_op_threads)
    if model_dir is None:
        model = load(ROOT / "models", "sentiment")
    else:
        model = load(model_dir.parent.parent, model_dir.parent.name, int(model_dir.name))
    return {size: headlines_per_second(model.predict, size, repeats) for size in batches}


def headlines_per_second(predict: Callable[[list[str]], object], size: int, repeats: int) -> float:
    """Median throughput of `predict` on batches of `size` distinct headlines (after one
    warm-up call, which traces the graph for that shape)."""
    from bench.load import HEADLINES

    batch = [HEADLINES[i % len(HEADLINES)] + f" {i}" for i in range(size)]
    predict(batch)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        predict(batch)
        times.append(time.perf_counter() - start)
    return round(size / statistics.median(times), 1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def load_command(port: int, seconds: float, **kw: object) -> list[str]:
    """The bench.load command line for a server on `port`; keywords become its flags."""
    args = [sys.executable, "-m", "bench.load", f"http://127.0.0.1:{port}"]
    args += ["--seconds", str(seconds)]
    for key, value in kw.items():
        args += [f"--{key}", str(value)]
    return args


def load(port: int, seconds: float, **kw: object) -> dict[str, object]:
    args = load_command(port, seconds, **kw)
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


SINGLE = {"path": "/sentiment", "headlines": 1}
# (server label, environment, load cases); "half-load" is filled in from the c=64 run.
SERVERS: list[tuple[str, dict[str, str], list[dict[str, object]]]] = [
    (
        "default",
        {},
        [
            {**SINGLE, "concurrency": 1},
            {**SINGLE, "concurrency": 16},
            {**SINGLE, "concurrency": 64},
            {"path": "/sentiment", "headlines": 64, "concurrency": 8},
            {"path": "/forecast", "concurrency": 64},
            {**SINGLE, "concurrency": 64, "rate": "half-load"},
        ],
    ),
    (
        "naive: BATCH_MAX_SIZE=1",
        {"BATCH_MAX_SIZE": "1"},
        [{**SINGLE, "concurrency": c} for c in (1, 16, 64)],
    ),
    (
        "naive, all through FastAPI",
        {"BATCH_MAX_SIZE": "1", "HOT_PATHS": "false"},
        [{**SINGLE, "concurrency": 64}],
    ),
    (
        "HOT_PATHS=false",
        {"HOT_PATHS": "false"},
        [{**SINGLE, "concurrency": 64}, {"path": "/forecast", "concurrency": 64}],
    ),
    (
        "TF threads 0/0 (TF's own)",
        {"TF_INTRA_OP_THREADS": "0", "TF_INTER_OP_THREADS": "0"},
        [{**SINGLE, "concurrency": 64}, {"path": "/sentiment", "headlines": 64, "concurrency": 8}],
    ),
]


def find(runs: list[dict[str, object]], server: str, **match: object) -> dict[str, object]:
    for r in runs:
        if r["server"] == server and all(r.get(k) == v for k, v in match.items()):
            return r
    raise KeyError(f"no run {server} {match}")


def verdicts(result: dict[str, object]) -> list[tuple[str, str, bool]]:
    """Each target of the serving issue, the figure measured in this run, met or not."""
    runs: list[dict[str, object]] = result["http"]  # type: ignore[assignment]
    ceiling64 = result["ceiling_headlines_per_s"][64]  # type: ignore[index]
    single = find(runs, "default", path="/sentiment", headlines=1, concurrency=64, offered_rps=None)
    naive = find(runs, "naive: BATCH_MAX_SIZE=1", concurrency=64)
    big = find(runs, "default", headlines=64, concurrency=8)
    half = find(runs, "default", headlines=1, concurrency=64, offered_rps=single["half_load_rps"])
    fc = find(runs, "default", path="/forecast")
    rows = [
        (
            "single headlines, c=64: >= 8x naive",
            f"{single['rps']:.0f} / {naive['rps']:.0f} = {single['rps'] / naive['rps']:.1f}x",
            single["rps"] >= 8 * naive["rps"],
        ),
        (
            "single headlines, c=64: >= 50% of the batch-64 ceiling",
            f"{single['rps']:.0f} / {ceiling64:.0f} = {100 * single['rps'] / ceiling64:.0f}%",
            single["rps"] >= 0.5 * ceiling64,
        ),
        (
            "64-headline requests, c=8: >= 80% of the ceiling",
            f"{big['headlines_per_s']:.0f} / {ceiling64:.0f} = "
            f"{100 * big['headlines_per_s'] / ceiling64:.0f}%",
            big["headlines_per_s"] >= 0.8 * ceiling64,
        ),
        (
            "p99 <= 100 ms at half the max single-headline rate",
            f"{half['p99_ms']:.1f} ms at {half['offered_rps']:.0f} req/s offered",
            half["p99_ms"] <= 100,
        ),
        (
            "/forecast c=64: >= 2,000 req/s, p99 <= 20 ms",
            f"{fc['rps']:.0f} req/s, p99 {fc['p99_ms']:.1f} ms",
            fc["rps"] >= 2000 and fc["p99_ms"] <= 20,
        ),
        ("zero errors", str(sum(r["errors"] for r in runs)), all(r["errors"] == 0 for r in runs)),
        ("cold start <= 15 s", f"{runs[0]['cold_start_s']} s", runs[0]["cold_start_s"] <= 15),
        (
            "server RSS <= 1.5 GB",
            f"{max(r['server_rss_mb'] for r in runs):.0f} MB max",
            max(r["server_rss_mb"] for r in runs) <= 1536,
        ),
    ]
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("--repeats", type=int, default=30)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    args = p.parse_args()

    result: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "seconds_per_run": args.seconds,
    }
    result["ceiling_headlines_per_s"] = ceiling(args.repeats)
    print(f"in-process SavedModel ceiling, headlines/s: {result['ceiling_headlines_per_s']}")
    runs: list[dict[str, object]] = []
    for label, env, cases in SERVERS:
        port = free_port()
        proc, cold = start_server(env, port)
        try:
            for case in cases:
                case = dict(case)
                if case.get("rate") == "half-load":
                    top = find(runs, label, path="/sentiment", headlines=1, concurrency=64)
                    case["rate"] = top["half_load_rps"] = round(top["rps"] / 2)
                row = {
                    "server": label,
                    **load(port, args.seconds, **case),
                    "server_rss_mb": rss_mb(proc.pid),
                    "cold_start_s": cold,
                }
                runs.append(row)
                print(json.dumps(row), flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    result["http"] = runs
    result["targets"] = [{"target": t, "measured": m, "met": ok} for t, m, ok in verdicts(result)]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")

    print(f"\nin-process SavedModel ceiling, headlines/s: {result['ceiling_headlines_per_s']}")
    print(
        f"{'server':28s} {'path':11s} {'conc':>4s} {'hl/req':>6s} {'offered':>7s} "
        f"{'req/s':>8s} {'hl/s':>8s} {'p50':>7s} {'p95':>7s} {'p99':>7s} {'err':>4s} "
        f"{'RSS MB':>7s}"
    )
    for r in runs:
        offered = f"{r['offered_rps']:.0f}" if r["offered_rps"] else "-"
        print(
            f"{r['server']:28s} {r['path']:11s} {r['concurrency']:4d} {r['headlines']:6d} "
            f"{offered:>7s} {r['rps']:8.1f} {r['headlines_per_s'] or 0:8.1f} "
            f"{r['p50_ms']:7.1f} {r['p95_ms']:7.1f} {r['p99_ms']:7.1f} {r['errors']:4d} "
            f"{r['server_rss_mb']:7.1f}"
        )
    print(f"cold start to /readyz 200: {runs[0]['cold_start_s']} s; results in {args.out}\n")
    for target, measured, ok in verdicts(result):
        print(f"{'met   ' if ok else 'MISSED'} {target:55s} {measured}")


if __name__ == "__main__":
    main()
