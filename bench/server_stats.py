"""Where a loaded server's time goes, sampled from outside while the load runs.

CPU per thread group comes from /proc (Linux): the event loop (the main thread), the
TensorFlow threads (named `tf_*`), and the other Python threads (the inference
thread, the thread pool). The model's side comes from the server's own Prometheus
histograms: headlines per call and seconds per call, so a row shows whether the
model was busy and how fast its calls ran under that load.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BATCH_SERIES = (
    "sentiment_batch_headlines_sum",
    "sentiment_batch_headlines_count",
    "sentiment_batch_seconds_sum",
)
CPU_GROUPS = ("event_loop", "other_python", "tensorflow", "load_generator")


PROC = Path("/proc")


def _stat_seconds(path: Path) -> tuple[str, float]:
    """(thread name, user + system CPU seconds) from a /proc stat file."""
    text = path.read_text()
    # The name may hold spaces and parentheses: it ends at the last ")".
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return name, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def thread_seconds(pid: int, proc: Path = PROC) -> dict[str, float]:
    """CPU seconds so far per thread group of process `pid`."""
    out = {"event_loop": 0.0, "other_python": 0.0, "tensorflow": 0.0}
    for task in (proc / str(pid) / "task").iterdir():
        try:
            name, seconds = _stat_seconds(task / "stat")
        except OSError:
            continue  # the thread ended in between
        if task.name == str(pid):
            out["event_loop"] += seconds
        elif name.startswith("tf_"):
            out["tensorflow"] += seconds
        else:
            out["other_python"] += seconds
    return out


def process_seconds(pid: int, proc: Path = PROC) -> float:
    return _stat_seconds(proc / str(pid) / "stat")[1]


def batch_totals(port: int) -> dict[str, float] | None:
    """The model-call counters, or None from a server without them (the plain peer)."""
    answer = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    if answer.status_code != 200:
        return None
    text = answer.text
    totals = dict.fromkeys(BATCH_SERIES, 0.0)
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name in totals:
            totals[name] = float(value)
    return totals


@dataclass
class Sample:
    at: float
    threads: dict[str, float]
    load: float
    batches: dict[str, float] | None


def sample(server_pid: int, load_pids: list[int], port: int) -> Sample:
    return Sample(
        time.perf_counter(),
        thread_seconds(server_pid),
        sum(process_seconds(pid) for pid in load_pids),
        batch_totals(port),
    )


def between(a: Sample, b: Sample) -> dict[str, float | None]:
    """Cores used per group and by the load generator, and the model's calls, from a to b."""
    wall = b.at - a.at
    out: dict[str, float | None] = {
        f"cpu_{group}": round((b.threads[group] - a.threads[group]) / wall, 2)
        for group in a.threads
    }
    out["cpu_load_generator"] = round((b.load - a.load) / wall, 2)
    if a.batches is None or b.batches is None:
        return {**out, "mean_batch": None, "mean_call_ms": None, "model_busy": None}
    calls = (
        b.batches["sentiment_batch_headlines_count"] - a.batches["sentiment_batch_headlines_count"]
    )
    headlines = (
        b.batches["sentiment_batch_headlines_sum"] - a.batches["sentiment_batch_headlines_sum"]
    )
    busy = b.batches["sentiment_batch_seconds_sum"] - a.batches["sentiment_batch_seconds_sum"]
    out["mean_batch"] = round(headlines / calls, 1) if calls else None
    out["mean_call_ms"] = round(1000 * busy / calls, 2) if calls else None
    out["model_busy"] = round(busy / wall, 2)
    return out


def cpu_per_request(row: dict[str, object], cores: int) -> dict[str, int]:
    """A row's CPU per request in microseconds, per group and in all, and the request
    rate `cores` would allow at that cost: a bound that no scheduling can beat."""
    rps = float(row["rps"])  # type: ignore[arg-type]
    out = {g: round(1e6 * float(row[f"cpu_{g}"]) / rps) for g in CPU_GROUPS}  # type: ignore[arg-type]
    out["total"] = sum(out.values())
    out["bound_rps"] = round(cores * 1e6 / out["total"])
    return out
