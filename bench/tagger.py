"""What asking the mention tagger costs `"auto"`: one server with it, one without,
rounds alternating.

    python -m bench.tagger [--rounds 5] [--seconds 8] [--out bench/results/tagger.json]

Two servers of the committed models, MENTION_TAGGER=true and false, take the same loads
in turn, round after round, each first in every other round, so drift hits both alike:
64-headline requests with every headline asked about with `"entities": "auto"`, at 8
connections and one at a time, and plain 64-headline requests, which never ask the
tagger (the two servers should be level there). The headlines are the bench's SEntFiN
test titles. Each row gives medians over the rounds and the cost with the tagger over the
cost without.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.harness import ROOT, cost_table, save_results, side_by_side

CASES = {
    "64 auto headlines": {"path": "/sentiment", "headlines": 64, "concurrency": 8, "auto": True},
    "64 auto, 1 at a time": {
        "path": "/sentiment",
        "headlines": 64,
        "concurrency": 1,
        "auto": True,
    },
    "64 headlines": {"path": "/sentiment", "headlines": 64, "concurrency": 8},
}
SERVERS = {"tagger": "true", "no tagger": "false"}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.tagger", description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "tagger.json")
    args = p.parse_args(argv)
    runs = side_by_side(
        {name: ({"MENTION_TAGGER": flag}, ROOT) for name, flag in SERVERS.items()},
        CASES,
        args.rounds,
        args.seconds,
    )
    keys = dict.fromkeys(CASES, "headlines_per_s")
    summary = cost_table(runs, keys, ("tagger", "no tagger"), "cost with / without")
    save_results(
        args.out,
        {"rounds": args.rounds, "seconds_per_run": args.seconds, "summary": summary, "runs": runs},
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
