"""Per-entity requests beside headline requests, on one server, rounds alternating.

    python -m bench.entities [--rounds 5] [--seconds 8] [--out bench/results/entities.json]

Rows: 64-headline requests and requests asking about 64 entities (real SEntFiN test
headlines that name two or more, about 31 headlines each; each headline is also scored
as a whole), both at 8 connections. The cost per entity is set beside the cost per
headline: headlines/s of the first over entities/s of the second, medians over the
rounds. The target (within 1.5x) is checked on that ratio. A third row sends 64-headline
requests made of the entity requests' own titles, which run longer than the test split's
titles as a whole: the ratio against it is what answering per entity costs over
answering per headline on the same text. The same requests sent one at a time give
each one's latency when nothing else waits. The loads' order turns by one each round.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from bench.harness import ROOT, free_port, load, rss_mb, save_results, start_server

CASES = {
    "64 headlines": {"path": "/sentiment", "headlines": 64, "concurrency": 8},
    "64 entities": {"path": "/sentiment", "entities": 64, "concurrency": 8},
    "64 headlines, their titles": {
        "path": "/sentiment",
        "headlines": 64,
        "concurrency": 8,
        "titles": "multi-entity",
    },
    "64 headlines, 1 at a time": {"path": "/sentiment", "headlines": 64, "concurrency": 1},
    "64 entities, 1 at a time": {"path": "/sentiment", "entities": 64, "concurrency": 1},
}
TARGET = 1.5


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.entities", description=__doc__.splitlines()[0]
    )
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "entities.json")
    args = p.parse_args(argv)

    port = free_port()
    proc, cold = start_server({}, port)
    runs: dict[str, list[dict[str, object]]] = {name: [] for name in CASES}
    try:
        names = list(CASES)
        for k in range(args.rounds):
            # The order turns by one each round, so that no load always follows the same
            # other one (a load's first seconds can pay for the one before).
            for name in names[k % len(names) :] + names[: k % len(names)]:
                row = load(port, proc.pid, args.seconds, **CASES[name])
                if row["errors"]:
                    # A 4xx is answered faster than a real request: no ratio over them.
                    raise RuntimeError(f"{name}: {row['errors']} of {row['requests']} failed")
                runs[name].append(row)
                print(
                    f"round {k + 1} {name}: {row['rps']} req/s, p99 {row['p99_ms']} ms", flush=True
                )
        rss = rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    def median(name: str, key: str) -> float:
        return statistics.median(float(r[key]) for r in runs[name])  # type: ignore[arg-type]

    per_headline = median("64 headlines", "headlines_per_s")
    per_entity = median("64 entities", "entities_per_s")
    ratio = per_headline / per_entity
    per_same_title = median("64 headlines, their titles", "headlines_per_s")
    same_titles = per_same_title / per_entity
    head = f"{'request':27s} {'req/s':>8s} {'items/s':>9s} {'p50 ms':>7s} {'p99 ms':>7s}"
    print(f"\n{head} {'mean batch':>10s}")
    for name in CASES:
        key = "entities_per_s" if "entities" in CASES[name] else "headlines_per_s"
        print(
            f"{name:27s} {median(name, 'rps'):8.1f} {median(name, key):9.1f} "
            f"{median(name, 'p50_ms'):7.1f} {median(name, 'p99_ms'):7.1f} "
            f"{median(name, 'mean_batch'):10.1f}"
        )
    verdict = "met" if ratio <= TARGET else "MISSED"
    print(
        f"\ncost per entity / cost per headline = {per_headline:.0f} / {per_entity:.0f} = "
        f"{ratio:.2f}x ({verdict}: target <= {TARGET}x)\n"
        f"on the same titles: {per_same_title:.0f} / {per_entity:.0f} = {same_titles:.2f}x; "
        f"server RSS {rss:.0f} MB, cold start {cold} s"
    )
    save_results(
        args.out,
        {
            "rounds": args.rounds,
            "seconds_per_run": args.seconds,
            "runs": runs,
            "headlines_per_s": per_headline,
            "entities_per_s": per_entity,
            "cost_ratio": round(ratio, 3),
            "target": TARGET,
            "met": ratio <= TARGET,
            "same_titles_headlines_per_s": per_same_title,
            "cost_ratio_same_titles": round(same_titles, 3),
            "server_rss_mb": rss,
            "cold_start_s": cold,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
