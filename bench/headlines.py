"""Real headlines for the benchmarks: the first 1,024 titles of SEntFiN 1.0's test split.

A batch's cost depends on its headlines: the BiLSTM runs to the longest one and the
n-gram branch grows with their length, so a few short, repeated made-up headlines made
large batches look cheaper than real traffic (batch 64: 6.1 against 10.4 ms). SEntFiN
1.0 is MIT-licensed (bench/headlines-LICENSE). Regenerate with

    python -m bench.headlines [path to SEntFiN.csv]
"""

from __future__ import annotations

import sys
from pathlib import Path

PATH = Path(__file__).with_name("headlines.txt")
COUNT = 1024
HEADLINES: list[str] = PATH.read_text(encoding="utf-8").splitlines()


def batch(size: int, start: int = 0) -> list[str]:
    """`size` consecutive headlines from `start`, wrapping around the list."""
    return [HEADLINES[(start + i) % len(HEADLINES)] for i in range(size)]


def write(source: Path | None = None) -> None:
    from app.atomic_file import write_atomic
    from training.sentiment import sentfin

    _, test = sentfin.split(sentfin.load(sentfin.locate(source)))
    # One headline per line: titles that would break a line are left out, not altered.
    one_line = (row.title for row in test if row.title.splitlines() == [row.title])
    titles = list(dict.fromkeys(one_line))[:COUNT]
    write_atomic(PATH, ("\n".join(titles) + "\n").encode())


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
