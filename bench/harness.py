"""What the benches share: the model as the server loads it, its in-process ceiling,
real servers on loopback, load runs from a separate process, and results files."""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from app.atomic_file import write_atomic
from bench import headlines, server_stats

if TYPE_CHECKING:
    from app.model_store import LoadedModel

ROOT = Path(__file__).resolve().parents[1]
BATCHES = (1, 8, 32, 64, 128, 256)
CYCLE = 8  # distinct batches a ceiling cycles through


def load_model(model_dir: Path | None = None) -> LoadedModel:
    """The sentiment model with the TensorFlow thread settings the server uses.
    `model_dir`: one version's folder (default: the newest committed sentiment model)."""
    from app.model_store import configure_tensorflow, load
    from app.settings import Settings

    settings = Settings()
    configure_tensorflow(settings.tf_intra_op_threads, settings.tf_inter_op_threads)
    if model_dir is None:
        return load(ROOT / "models", "sentiment")
    return load(model_dir.parent.parent, model_dir.parent.name, int(model_dir.name))


def ceiling(
    predict: Callable[[list[str]], object], repeats: int, batches: tuple[int, ...] = BATCHES
) -> dict[int, float]:
    """Headlines/s of direct SavedModel calls, median over repeats, per batch size."""
    return {size: headlines_per_second(predict, size, repeats) for size in batches}


def warm_batches(predict: Callable[[list[str]], object], size: int) -> list[list[str]]:
    """CYCLE distinct batches of `size` real headlines, each called once (which traces
    the graph for the shape)."""
    batches = [headlines.batch(size, start=k * size) for k in range(CYCLE)]
    for batch in batches:
        predict(batch)
    return batches


def headlines_per_second(predict: Callable[[list[str]], object], size: int, repeats: int) -> float:
    """Median throughput of `predict` on batches of `size` distinct headlines, a different
    batch each call (after one warm-up call each, which traces the graph for the shape).
    The same batch over and over runs about a quarter faster: its strings and table
    entries stay in the caches, which a server's traffic does not allow."""
    batches = warm_batches(predict, size)
    times = []
    for k in range(repeats):
        start = time.perf_counter()
        predict(batches[k % CYCLE])
        times.append(time.perf_counter() - start)
    return round(size / statistics.median(times), 1)


def callers_ceiling(
    predict: Callable[[list[str]], object], size: int, callers: int, seconds: float
) -> float:
    """Headlines/s of `callers` threads calling `predict` at once on batches of `size`,
    each as soon as its last call returns: the most any server can get from the model
    with that many calls in flight."""
    batches = warm_batches(predict, size)
    done = [0] * callers
    stop_at = time.perf_counter() + seconds

    def call(k: int) -> None:
        n = k
        while time.perf_counter() < stop_at:
            predict(batches[n % CYCLE])
            done[k] += size
            n += 1

    threads = [threading.Thread(target=call, args=(k,)) for k in range(callers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(sum(done) / (time.perf_counter() - start), 1)


def save_json(path: Path, payload: object) -> None:
    """A bench's results file, written whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (json.dumps(payload, indent=2) + "\n").encode())


def save_results(path: Path, fields: dict[str, object]) -> None:
    """A bench run's results, dated, in `path` (as `save_json` writes it); says where."""
    save_json(path, {"date": datetime.now(UTC).isoformat(timespec="seconds"), **fields})
    print(f"results in {path}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def start_server(
    env: dict[str, str], port: int, cwd: Path = ROOT, module: str = "app"
) -> tuple[subprocess.Popen[bytes], float]:
    """`python -m app` (or another server `module`) from the source tree `cwd` on `port`;
    the process and its cold start (seconds to /readyz 200)."""
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
        [sys.executable, "-m", module],
        cwd=cwd,
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
    """The bench.load command line for a server on `port`; keywords become its flags
    (True: a flag without a value)."""
    args = [sys.executable, "-m", "bench.load", f"http://127.0.0.1:{port}"]
    args += ["--seconds", str(seconds)]
    for key, value in kw.items():
        args += [f"--{key}"] if value is True else [f"--{key}", str(value)]
    return args


def load(port: int, server_pid: int, seconds: float, **kw: object) -> dict[str, object]:
    """One bench.load run against the server on `port`, with the server's CPU per thread
    group and its model calls sampled over the counted part of the run."""
    return load_together(port, server_pid, seconds, [kw])[0]


def load_together(
    port: int, server_pid: int, seconds: float, cases: list[dict[str, object]]
) -> list[dict[str, object]]:
    """bench.load runs of `cases` at once against one server (a mixed load): a row per
    case, each with the server's stats over the same counted part of the run (the load
    generator column sums the generators)."""
    procs = [
        subprocess.Popen(
            load_command(port, seconds, **kw), cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for kw in cases
    ]
    # After the generators' start and their 1 s warm-up; stop before their last second.
    time.sleep(1.5)
    pids = [proc.pid for proc in procs]
    first = server_stats.sample(server_pid, pids, port)
    time.sleep(max(seconds - 1.0, 0.5))
    stats = server_stats.between(first, server_stats.sample(server_pid, pids, port))
    rows = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"bench.load exited with {proc.returncode}")
        rows.append({**json.loads(out.strip().splitlines()[-1]), **stats})
    return rows


def side_by_side(
    sides: dict[str, tuple[dict[str, str], Path]],
    cases: dict[str, dict[str, object]],
    rounds: int,
    seconds: float,
) -> dict[str, dict[str, list[dict[str, object]]]]:
    """Each side's server (its environment and source tree) up at once, every case run on
    each in turn, round after round, so the machine's drift hits all alike; the sides'
    order flips each round, so that none always runs just after another. Each case's load
    rows per side; a failed request stops the bench (a 4xx is answered faster)."""
    servers: dict[str, tuple[int, subprocess.Popen[bytes]]] = {}
    try:
        for side, (env, tree) in sides.items():
            port = free_port()
            proc, cold = start_server(env, port, cwd=tree)
            servers[side] = (port, proc)
            print(f"{side}: {tree} on port {port}, ready in {cold} s", flush=True)
        runs: dict[str, dict[str, list[dict[str, object]]]] = {
            case: {side: [] for side in sides} for case in cases
        }
        for k in range(rounds):
            order = list(servers.items())[:: 1 if k % 2 == 0 else -1]
            for case, kw in cases.items():
                for side, (port, proc) in order:
                    row = load(port, proc.pid, seconds, **kw)
                    if row["errors"]:
                        raise RuntimeError(f"{side} {case}: {row['errors']} requests failed")
                    runs[case][side].append(row)
                    print(f"round {k + 1} {side} {case}: {row['rps']} req/s", flush=True)
    finally:
        for _, proc in servers.values():
            proc.terminate()
            proc.wait(timeout=30)
    return runs


def find(runs: list[dict[str, object]], server: str, **match: object) -> dict[str, object]:
    for r in runs:
        if r["server"] == server and all(r.get(k) == v for k, v in match.items()):
            return r
    raise KeyError(f"no run {server} {match}")


def spread(row: dict[str, object], field: str = "rps") -> str:
    """min-max of `field` (req/s by default) over a row's rounds."""
    values = [r[field] for r in row.get("rounds", [row])]  # type: ignore[attr-defined]
    return f"{min(values):.0f}-{max(values):.0f}"


def cost_table(
    runs: dict[str, dict[str, list[dict[str, object]]]],
    keys: dict[str, str],
    sides: tuple[str, str],
    ratio_name: str,
) -> dict[str, dict[str, float]]:
    """Print and return, per case of `side_by_side`'s `runs`, each side's median of the
    case's items/s field (`keys`) and the first side's cost over the second's."""
    first, second = sides
    print(f"\n{'request':24s} {first:>12s} {second:>12s} {ratio_name:>16s}")
    summary = {}
    for case, key in keys.items():
        a, b = (statistics.median(float(r[key]) for r in runs[case][s]) for s in sides)  # type: ignore[arg-type]
        summary[case] = {f"items_per_s_{first}": a, f"items_per_s_{second}": b, "cost_ratio": b / a}
        print(f"{case:24s} {a:12.0f} {b:12.0f} {b / a:15.2f}x")
    return summary
