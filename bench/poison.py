"""Poison beside real traffic: does bad input cost other clients anything?

    python -m bench.poison [--rounds 6] [--seconds 6] [--out FILE]

One server. Each round runs real single-headline traffic on 64 connections three
times, in rotating order: alone; beside 4 connections sending nothing but bad bodies
(lone surrogates, raw invalid UTF-8, NaN, 1e999999, Infinity, an empty list, an
over-long headline, cut JSON: bench/load.py's POISON_BODIES) at 30 requests/s, the rate
of the attack this guards against; and beside the same 4 connections sending as fast
as they are answered (a flood). The table gives the real traffic's medians over the
rounds in each case and their ratio to the clean run. In the flood, real and poison
requests together against the clean rate says what a bad request costs beside a good
one (1.0: the same).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench.harness import ROOT, free_port, load, load_command, save_json, start_server

REAL = {"path": "/sentiment", "headlines": 1, "concurrency": 64}
POISON: dict[str, object] = {"concurrency": 4, "poison": True}
ATTACK_RPS = 30
KINDS = ("clean", "attack", "flood")


def poisoned(
    port: int, pid: int, seconds: float, rate: float | None
) -> tuple[dict[str, object], dict[str, object]]:
    """The real traffic's run, and the poison's (at `rate`, or a flood), side by side."""
    # A little longer than the real run, so the poison covers all of it.
    extra = {} if rate is None else {"rate": rate}
    args = load_command(port, seconds + 1.5, **POISON, **extra)
    poison = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    real = load(port, pid, seconds, **REAL)
    out, _ = poison.communicate()
    return real, json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--seconds", type=float, default=6.0)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "poison.json")
    args = p.parse_args(argv)
    port = free_port()
    proc, cold = start_server({}, port)
    real: dict[str, list[dict[str, object]]] = {k: [] for k in KINDS}
    poison: dict[str, list[dict[str, object]]] = {k: [] for k in KINDS[1:]}
    try:
        for r in range(args.rounds):
            for kind in KINDS[r % 3 :] + KINDS[: r % 3]:
                if kind == "clean":
                    real[kind].append(load(port, proc.pid, args.seconds, **REAL))
                    continue
                rate = ATTACK_RPS if kind == "attack" else None
                good, bad = poisoned(port, proc.pid, args.seconds, rate)
                real[kind].append(good)
                poison[kind].append(bad)
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    def median(runs: list[dict[str, object]], key: str) -> float:
        return statistics.median(float(r[key]) for r in runs)  # type: ignore[arg-type]

    clean_rps = median(real["clean"], "rps")
    print(f"real traffic: 64 connections of single headlines, median of {args.rounds} rounds")
    print("| | real req/s | p50 ms | p99 ms | poison req/s | real / clean | all / clean |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    rows = {}
    for kind in KINDS:
        rps = median(real[kind], "rps")
        bad = median(poison[kind], "rps") if kind in poison else 0.0
        rows[kind] = {
            "real_rps": rps,
            "p50_ms": median(real[kind], "p50_ms"),
            "p99_ms": median(real[kind], "p99_ms"),
            "poison_rps": bad,
            "real_over_clean": round(rps / clean_rps, 3),
            "all_over_clean": round((rps + bad) / clean_rps, 3),
        }
        row = rows[kind]
        print(
            f"| {kind} | {rps:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {bad:.0f} | "
            f"{row['real_over_clean']:.2f} | {row['all_over_clean']:.2f} |"
        )
    errors = sum(int(r["errors"]) for runs in real.values() for r in runs)  # type: ignore[call-overload]
    answered = all(r["errors"] == 0 for runs in poison.values() for r in runs)
    print(f"every poison request answered 4xx: {answered}; real-traffic errors: {errors}")
    save_json(
        args.out,
        {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "cold_start_s": cold,
            "rounds": args.rounds,
            "seconds": args.seconds,
            "attack_rps": ATTACK_RPS,
            "real": real,
            "poison": poison,
            "medians": rows,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
