"""What the language check costs: one server with it, one without, rounds alternating.

    python -m bench.language [--rounds 5] [--seconds 8] [--out bench/results/language.json]

First, in this process, the check alone on the bench's headlines and on the
hand-written foreign ones: microseconds a headline asked about, and the share its word
list settles as English before the identifier runs. Then two servers of the committed
models, LANGUAGE_CHECK=true and false, take the same loads in turn, round after round,
each first in every other round, so drift hits both alike: 64-headline requests of the
test split's titles and 64-entity requests (bench/entities.py's), at 8 connections. Each
row gives medians over the rounds and the cost with the check over the cost without.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from app.sentiment.language import LanguageCheck, holds_english_word, words
from bench import headlines
from bench.harness import ROOT, cost_table, save_results, side_by_side
from training.sentiment.languages import FOREIGN

CASES = {
    "64 headlines": ({"path": "/sentiment", "headlines": 64, "concurrency": 8}, "headlines_per_s"),
    "64 entities": ({"path": "/sentiment", "entities": 64, "concurrency": 8}, "entities_per_s"),
}
SERVERS = {"on": "true", "off": "false"}  # the check


def in_process(texts: list[str], repeats: int = 5) -> dict[str, float]:
    """The check alone: median µs a headline over `repeats` passes, and the share of
    headlines one English word settles."""
    check = LanguageCheck()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        check.languages(texts)
        times.append((time.perf_counter() - start) / len(texts) * 1e6)
    settled = sum(holds_english_word(words(t)) for t in texts)
    return {
        "headlines": len(texts),
        "us_per_headline": round(statistics.median(times), 2),
        "settled_by_a_word": round(settled / len(texts), 3),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.language", description=__doc__.splitlines()[0]
    )
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "language.json")
    args = p.parse_args(argv)

    alone = {
        "bench headlines": in_process(headlines.HEADLINES),
        "foreign headlines": in_process([t for _, t in FOREIGN]),
    }
    for name, row in alone.items():
        print(
            f"the check alone on {row['headlines']} {name}: {row['us_per_headline']} µs a "
            f"headline; {row['settled_by_a_word']:.1%} settled by an English word"
        )
    runs = side_by_side(
        {name: ({"LANGUAGE_CHECK": flag}, ROOT) for name, flag in SERVERS.items()},
        {case: kw for case, (kw, _) in CASES.items()},
        args.rounds,
        args.seconds,
    )

    keys = {case: key for case, (_, key) in CASES.items()}
    summary = cost_table(runs, keys, ("on", "off"), "cost on / off")
    save_results(
        args.out,
        {
            "rounds": args.rounds,
            "seconds_per_run": args.seconds,
            "in_process": alone,
            "summary": summary,
            "runs": runs,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
