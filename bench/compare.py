"""Two builds of the service side by side: does a change make serving slower?

    python -m bench.compare BASELINE_DIR [--rounds 4] [--seconds 6] [--out FILE]

BASELINE_DIR is another source tree of the project (e.g. `git worktree add /tmp/before
<commit>`), run with this checkout's virtualenv. Both servers stay up together and the
rows alternate between them, round after round (`harness.side_by_side`), so the
machine's drift hits both alike; the table gives each side's median and the ratio, with
the spread of the rounds.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from bench.harness import ROOT, save_results, side_by_side

ROWS: list[tuple[str, str, dict[str, object]]] = [
    ("single headlines, c=64", "rps", {"path": "/sentiment", "headlines": 1, "concurrency": 64}),
    (
        "64-headline requests, c=8",
        "headlines_per_s",
        {"path": "/sentiment", "headlines": 64, "concurrency": 8},
    ),
    (
        "64-entity requests, c=8",
        "entities_per_s",
        {"path": "/sentiment", "entities": 64, "concurrency": 8},
    ),
    ("/forecast, c=64", "rps", {"path": "/forecast", "concurrency": 64}),
]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("baseline", type=Path, help="the other source tree (before the change)")
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--seconds", type=float, default=6.0)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "compare.json")
    args = p.parse_args()
    trees = {"before": args.baseline.resolve(), "after": ROOT}
    runs = side_by_side(
        {side: ({}, tree) for side, tree in trees.items()},
        {row: case for row, _, case in ROWS},
        args.rounds,
        args.seconds,
    )
    figures = {
        row: {s: [float(r[key]) for r in runs[row][s]] for s in trees}  # type: ignore[arg-type]
        for row, key, _ in ROWS
    }
    table = []
    print(f"\n{'row':28s} {'before':>10s} {'after':>10s} {'ratio':>6s}   rounds before | after")
    for row, _, _ in ROWS:
        before, after = (statistics.median(figures[row][s]) for s in trees)
        spread = " | ".join(f"{min(figures[row][s]):.0f}-{max(figures[row][s]):.0f}" for s in trees)
        print(f"{row:28s} {before:10.0f} {after:10.0f} {after / before:6.2f}   {spread}")
        table.append(
            {
                "row": row,
                "before": before,
                "after": after,
                "ratio": round(after / before, 3),
                "rounds": figures[row],
            }
        )
    save_results(
        args.out,
        {
            "baseline": str(trees["before"]),
            "seconds_per_run": args.seconds,
            "rows": table,
        },
    )


if __name__ == "__main__":
    main()
