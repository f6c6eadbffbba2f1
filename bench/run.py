"""One run, one table: the in-process ceiling, the service over HTTP, cold start.

    python -m bench.run [--seconds 8] [--rounds 5] [--out bench/results/latest.json]

Servers are real `python -m app` processes on loopback; load comes from a separate
process (bench.load). First the rows the peer targets rest on: the default server, the
same server with one inference worker (the design before INFERENCE_WORKERS) and a plain
FastAPI server making one model call per request (bench.plain_server) run side by side,
rounds alternating between them, `--rounds` times, each row keeping its median run:
single headlines at 64 connections, 64-headline requests at 8, and both loads at once
(the mixed row). Then the default server beside its other variants (batching off, hot
paths off, TensorFlow's own thread pools), once each except the naive single-headline
row, which also keeps the median of `--rounds` runs. Each serving target
(docs/performance.md) is checked against figures from this one run. Every row also says
where the server's CPU went and how the model's calls ran (bench.server_stats), and a
first measurement shows how a model call slows beside a busy neighbour
(bench.contention).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench import contention, server_stats
from bench.harness import (
    ROOT,
    callers_ceiling,
    ceiling,
    find,
    free_port,
    load,
    load_model,
    load_together,
    rss_mb,
    save_json,
    spread,
    start_server,
)

SINGLE = {"path": "/sentiment", "headlines": 1}
LARGE = {"path": "/sentiment", "headlines": 64, "concurrency": 8}
PLAIN = "plain FastAPI, a call per request"
ONE_WORKER = "INFERENCE_WORKERS=1"
NAIVE = "naive: BATCH_MAX_SIZE=1, one worker"
# (server label, environment, module) side by side, rounds alternating.
PEERS: list[tuple[str, dict[str, str], str]] = [
    ("default", {}, "app"),
    (ONE_WORKER, {"INFERENCE_WORKERS": "1"}, "app"),
    (PLAIN, {}, "bench.plain_server"),
]
# Each peer's loads: one case, or cases run at once (the mixed row).
PEER_LOADS: list[list[dict[str, object]]] = [
    [{**SINGLE, "concurrency": 64}],
    [LARGE],
    [{**SINGLE, "concurrency": 64, "mixed": True}, {**LARGE, "mixed": True}],
]
# (server label, environment, load cases); "half-load" is filled in from the c=64 run.
SERVERS: list[tuple[str, dict[str, str], list[dict[str, object]]]] = [
    (
        "default",
        {},
        [
            {**SINGLE, "concurrency": 1},
            {**SINGLE, "concurrency": 16},
            {"path": "/forecast", "concurrency": 64},
            {**SINGLE, "concurrency": 64, "rate": "half-load"},
        ],
    ),
    (
        NAIVE,
        {"BATCH_MAX_SIZE": "1", "INFERENCE_WORKERS": "1"},
        [{**SINGLE, "concurrency": c, "rounds": c == 64} for c in (1, 16, 64)],
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


def verdicts(result: dict[str, object]) -> list[tuple[str, str, bool]]:
    """Each serving target, the figure measured in this run, met or not."""
    runs: list[dict[str, object]] = result["http"]  # type: ignore[assignment]
    ceiling64 = result["ceiling_headlines_per_s"][64]  # type: ignore[index]
    single = default_single(runs)
    naive = find(runs, NAIVE, concurrency=64)
    big = find(runs, "default", headlines=64, concurrency=8, mixed=None)
    half = find(runs, "default", headlines=1, concurrency=64, offered_rps=single["half_load_rps"])
    fc = find(runs, "default", path="/forecast")
    one = find(runs, ONE_WORKER, headlines=1, concurrency=64, mixed=None)
    plain = find(runs, PLAIN, headlines=1, concurrency=64, mixed=None)
    plain_big = find(runs, PLAIN, headlines=64, concurrency=8, mixed=None)
    mixed = find(runs, "default", headlines=1, concurrency=64, mixed=True)
    big_ratio = big["headlines_per_s"] / plain_big["headlines_per_s"]
    rows = [
        (
            "64-headline requests, c=8: >= 1.2x plain FastAPI, p99 no worse",
            f"{big['headlines_per_s']:.0f} / {plain_big['headlines_per_s']:.0f} hl/s = "
            f"{big_ratio:.2f}x, p99 {big['p99_ms']:.1f} / {plain_big['p99_ms']:.1f} ms",
            big_ratio >= 1.2 and big["p99_ms"] <= plain_big["p99_ms"],
        ),
        (
            "single headlines, c=64: >= 90% of one inference worker",
            f"{single['rps']:.0f} / {one['rps']:.0f} = {100 * single['rps'] / one['rps']:.0f}%",
            single["rps"] >= 0.9 * one["rps"],
        ),
        (
            "single headlines, c=64: >= 6x plain FastAPI",
            f"{single['rps']:.0f} / {plain['rps']:.0f} = {single['rps'] / plain['rps']:.1f}x",
            single["rps"] >= 6 * plain["rps"],
        ),
        (
            "mixed load: single-headline p99 <= 50 ms",
            f"{mixed['p99_ms']:.1f} ms (runs {spread(mixed, 'p99_ms')}), beside "
            f"{mixed['beside_headlines_per_s']:.0f} hl/s of 64-headline requests",
            mixed["p99_ms"] <= 50,
        ),
        (
            "single headlines, c=64: >= 8x naive",
            f"{single['rps']:.0f} / {naive['rps']:.0f} = {single['rps'] / naive['rps']:.1f}x"
            f" (medians; runs {spread(single)} / {spread(naive)})",
            single["rps"] >= 8 * naive["rps"],
        ),
        (
            "single headlines, c=64: >= 50% of the batch-64 ceiling",
            f"{single['rps']:.0f} / {ceiling64:.0f} = {100 * single['rps'] / ceiling64:.0f}%"
            f" (runs {spread(single)}; its CPU per request allows "
            f"{result['cpu_per_request']['bound_rps']} req/s)",  # type: ignore[index]
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


def default_single(runs: list[dict[str, object]]) -> dict[str, object]:
    """The default server's single-headline row at c=64, closed loop, alone."""
    return find(
        runs,
        "default",
        path="/sentiment",
        headlines=1,
        concurrency=64,
        offered_rps=None,
        mixed=None,
    )


def peer_rows(seconds: float, rounds: int) -> list[dict[str, object]]:
    """The PEERS side by side under each of PEER_LOADS, rounds alternating between them;
    each row is its median run (by req/s, or for the mixed row by the single headlines'
    p99), its errors summed over all runs."""
    started: list[tuple[str, subprocess.Popen[bytes], int, float]] = []
    runs: dict[tuple[str, int], list[list[dict[str, object]]]] = {}
    try:
        for label, env, module in PEERS:
            port = free_port()
            proc, cold = start_server(env, port, module=module)
            started.append((label, proc, port, cold))
        for _ in range(rounds):
            for label, proc, port, _cold in started:
                for k, cases in enumerate(PEER_LOADS):
                    kwargs = [{key: v for key, v in c.items() if key != "mixed"} for c in cases]
                    result = load_together(port, proc.pid, seconds, kwargs)
                    runs.setdefault((label, k), []).append(result)
                    print(label, json.dumps(result), flush=True)
        out = []
        for label, proc, _port, cold in started:
            rss = rss_mb(proc.pid)
            for k, cases in enumerate(PEER_LOADS):
                out += median_rows(label, cases, runs[(label, k)], rss, cold)
        return out
    finally:
        for _label, proc, _port, _cold in started:
            proc.terminate()
            proc.wait(timeout=30)


def median_rows(
    label: str,
    cases: list[dict[str, object]],
    results: list[list[dict[str, object]]],
    rss: float,
    cold: float,
) -> list[dict[str, object]]:
    """One row per case from the median of `results` (runs of `cases` at once): by req/s,
    or for a mixed load by the first case's p99; errors summed over all runs, and each
    run's figures kept when there are several."""
    mixed = len(cases) > 1
    key = (lambda r: r[0]["p99_ms"]) if mixed else (lambda r: r[0]["rps"])
    median = sorted(results, key=key)[len(results) // 2]
    rows = []
    for k, case in enumerate(cases):
        row: dict[str, object] = {
            "server": label,
            **median[k],
            "errors": sum(r[k]["errors"] for r in results),  # type: ignore[misc]
            "server_rss_mb": rss,
            "cold_start_s": cold,
        }
        if len(results) > 1:
            row["rounds"] = [
                {f: r[k][f] for f in ("rps", "p99_ms", "errors", "mean_batch", "mean_call_ms")}
                for r in results
            ]
        if mixed:
            row["mixed"] = case["mixed"]
            row["beside_headlines_per_s"] = median[1 - k]["headlines_per_s"]
        rows.append(row)
    return rows


def run_case(
    label: str,
    port: int,
    proc: subprocess.Popen[bytes],
    cold: float,
    case: dict[str, object],
    seconds: float,
    rounds: int,
) -> dict[str, object]:
    """One table row. A case marked `rounds` runs `rounds` times back to back: its row is
    the run with the median req/s, its errors the sum over all runs."""
    case = dict(case)
    repeat = rounds if case.pop("rounds", False) else 1
    runs = [[load(port, proc.pid, seconds, **case)] for _ in range(repeat)]
    return median_rows(label, [case], runs, rss_mb(proc.pid), cold)[0]


def print_table(result: dict[str, object]) -> None:
    runs: list[dict[str, object]] = result["http"]  # type: ignore[assignment]
    print(f"\nin-process SavedModel ceiling, headlines/s: {result['ceiling_headlines_per_s']}")
    print(f"callers at once, headlines/s: {result['callers_ceiling_headlines_per_s']}")
    print(f"model call beside a half-core neighbour: {result['contention']}")
    print(
        f"{'server':40s} {'path':11s} {'conc':>4s} {'hl/req':>6s} {'offered':>7s} "
        f"{'req/s':>8s} {'hl/s':>8s} {'p50':>7s} {'p95':>7s} {'p99':>7s} {'err':>4s} "
        f"{'RSS MB':>7s} {'loop':>5s} {'py':>5s} {'tf':>5s} {'gen':>5s} {'batch':>6s} "
        f"{'call':>6s} {'busy':>5s}"
    )
    for r in runs:
        offered = f"{r['offered_rps']:.0f}" if r["offered_rps"] else "-"
        model = (
            f"{r['mean_batch']:6.1f} {r['mean_call_ms']:6.2f}"
            if r["mean_batch"] is not None
            else f"{'-':>6s} {'-':>6s}"
        )
        busy = f"{r['model_busy']:5.2f}" if r["model_busy"] is not None else f"{'-':>5s}"
        server = f"{r['server']}{' (mixed)' if r.get('mixed') else ''}"
        print(
            f"{server[:40]:40s} {r['path']:11s} {r['concurrency']:4d} {r['headlines']:6d} "
            f"{offered:>7s} {r['rps']:8.1f} {r['headlines_per_s'] or 0:8.1f} "
            f"{r['p50_ms']:7.1f} {r['p95_ms']:7.1f} {r['p99_ms']:7.1f} {r['errors']:4d} "
            f"{r['server_rss_mb']:7.1f} {r['cpu_event_loop']:5.2f} {r['cpu_other_python']:5.2f} "
            f"{r['cpu_tensorflow']:5.2f} {r['cpu_load_generator']:5.2f} {model} {busy}"
        )
        if "rounds" in r:
            print(
                f"{'':40s} ... req/s over {len(r['rounds'])} runs: "
                f"{[x['rps'] for x in r['rounds']]}"
            )
    print("cpu columns: cores used by the event loop, other Python threads, TensorFlow's")
    print("threads and the load generators; batch/call: mean headlines and ms per model call;")
    print("busy: model calls in progress, on average (up to INFERENCE_WORKERS). (mixed): two")
    print("rows measured at once, single headlines beside 64-headline requests; their server")
    print("columns are the same.")
    print(f"cold start to /readyz 200: {runs[0]['cold_start_s']} s\n")
    budget: dict[str, int] = result["cpu_per_request"]  # type: ignore[assignment]
    print(
        "CPU per single-headline request at c=64: "
        + " + ".join(f"{budget[g]} ({g})" for g in server_stats.CPU_GROUPS)
        + f" = {budget['total']} us; {os.cpu_count()} cores allow at most "
        f"{budget['bound_rps']} req/s at that cost\n"
    )
    for target, measured, ok in verdicts(result):
        print(f"{'met   ' if ok else 'MISSED'} {target:55s} {measured}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("--repeats", type=int, default=30, help="model calls per ceiling figure")
    p.add_argument("--rounds", type=int, default=5, help="runs of each contested row (median kept)")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    args = p.parse_args()

    result: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "seconds_per_run": args.seconds,
    }
    model = load_model()
    result["ceiling_headlines_per_s"] = ceiling(model.predict, args.repeats)
    print(f"in-process SavedModel ceiling, headlines/s: {result['ceiling_headlines_per_s']}")
    # Calls in flight at once, as the default server (batches of 128, one per core) and
    # the plain peer (batches of 64, eight requests at a time) make them.
    result["callers_ceiling_headlines_per_s"] = {
        f"{callers} x {size}": callers_ceiling(model.predict, size, callers, 4.0)
        for size, callers in ((128, 1), (128, os.cpu_count() or 1), (64, 8))
    }
    print(f"callers at once, headlines/s: {result['callers_ceiling_headlines_per_s']}")
    result["contention"] = contention.measure(model.predict, 32, 3.0)
    print(f"model call beside a half-core neighbour: {result['contention']}", flush=True)
    runs = peer_rows(args.seconds, args.rounds)
    for label, env, cases in SERVERS:
        port = free_port()
        proc, cold = start_server(env, port)
        try:
            for case in cases:
                if case.get("rate") == "half-load":
                    top = default_single(runs)
                    case = {**case, "rate": round(top["rps"] / 2)}
                    top["half_load_rps"] = case["rate"]
                row = run_case(label, port, proc, cold, case, args.seconds, args.rounds)
                runs.append(row)
                print(json.dumps(row), flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    result["http"] = runs
    single = default_single(runs)
    result["cpu_per_request"] = server_stats.cpu_per_request(single, os.cpu_count() or 1)
    result["targets"] = [{"target": t, "measured": m, "met": ok} for t, m, ok in verdicts(result)]
    save_json(args.out, result)
    print_table(result)
    print(f"results in {args.out}")


if __name__ == "__main__":
    main()
