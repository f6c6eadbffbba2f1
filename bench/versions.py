"""Two sentiment model versions side by side: cost per headline, and size on disk.

    python -m bench.versions [--old 4] [--new <newest>] [--rounds 9] [--out FILE]

Both SavedModels are loaded in one process, with the server's thread settings, and
called in alternation on the same real headlines, round after round, so drift hits
both alike. Each row gives the median milliseconds per call over the rounds for each
version, the cost per headline, and new / old; then the same for the process's CPU
time per call. The two differ because TensorFlow runs independent parts of a call
(the BiLSTM's two directions, the n-gram branch) on separate threads: a saving off the
longest path shows in both, one beside it only in CPU time, which is what a loaded
server, with every core busy, pays.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import headlines
from bench.harness import ROOT, load_model, save_json

BASE = ROOT / "models" / "sentiment"
SIZES = (1, 16, 64, 256)


def disk_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6, 2)


def call_ms(predict: object, batch: list[str], calls: int) -> tuple[float, float]:
    """Median wall ms of `calls` calls, and their mean CPU ms (the caller warmed the shape)."""
    times = []
    cpu = time.process_time()
    for _ in range(calls):
        start = time.perf_counter()
        predict(batch)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, (time.process_time() - cpu) / calls * 1000


def main(argv: list[str] | None = None) -> int:
    newest = max(int(p.name) for p in BASE.iterdir() if p.name.isdigit())
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--old", type=int, default=4)
    p.add_argument("--new", type=int, default=newest)
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--calls", type=int, default=10, help="calls per round and batch size")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "versions.json")
    args = p.parse_args(argv)
    versions = {"old": args.old, "new": args.new}
    models = {k: load_model(BASE / str(v)) for k, v in versions.items()}
    samples: dict[str, dict[int, list[float]]] = {k: {n: [] for n in SIZES} for k in models}
    cpu: dict[str, dict[int, list[float]]] = {k: {n: [] for n in SIZES} for k in models}
    for n in SIZES:
        for model in models.values():
            model.predict(headlines.batch(n))
    for r in range(args.rounds):
        for n in SIZES:
            batch = headlines.batch(n, start=r * n)
            # Alternate which goes first, so neither always runs on a warmer cache.
            order = list(models) if r % 2 == 0 else list(reversed(models))
            for k in order:
                wall, used = call_ms(models[k].predict, batch, args.calls)
                samples[k][n].append(wall)
                cpu[k][n].append(used)
    rows = []
    for n in SIZES:
        old, new = (statistics.median(samples[k][n]) for k in ("old", "new"))
        old_cpu, new_cpu = (statistics.median(cpu[k][n]) for k in ("old", "new"))
        rows.append(
            {
                "batch": n,
                "old_ms": round(old, 3),
                "new_ms": round(new, 3),
                "old_ms_per_headline": round(old / n, 4),
                "new_ms_per_headline": round(new / n, 4),
                "new_over_old": round(new / old, 2),
                "old_cpu_ms": round(old_cpu, 3),
                "new_cpu_ms": round(new_cpu, 3),
                "cpu_new_over_old": round(new_cpu / old_cpu, 2),
            }
        )
    sizes = {k: disk_mb(BASE / str(v)) for k, v in versions.items()}
    print(f"sentiment v{args.old} (old) and v{args.new} (new), median of {args.rounds} rounds")
    print(
        "| batch | old ms | new ms | old ms/headline | new ms/headline | new / old "
        "| old CPU ms | new CPU ms | CPU new / old |"
    )
    print("| --- " * 9 + "|")
    for row in rows:
        print(" | ".join(["", *(str(v) for v in row.values()), ""]).strip())
    print(f"size on disk: old {sizes['old']} MB, new {sizes['new']} MB")
    save_json(
        args.out,
        {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "versions": versions,
            "rounds": args.rounds,
            "calls_per_round": args.calls,
            "rows": rows,
            "disk_mb": sizes,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
