"""Where a loaded server's time goes: py-spy samples of `python -m app` under bench load.

    python -m bench.profile [--path /sentiment] [--concurrency 64] [--seconds 8]
        [--headlines 1 | --entities 64]

Writes py-spy's collapsed stacks to bench/results/profile-<path>[-entities].txt (open them with
speedscope or flamegraph.pl) and prints the share of samples per part of the stack:
the event loop's layers, the model call, JSON encoding and socket writes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench.harness import ROOT, free_port, load_command, start_server

# Frame substrings, in the order they are checked, and the part of the work they mark.
PARTS = [
    ("quick_execute", "TensorFlow: the model's graph"),
    ("concrete_function.py", "TensorFlow: Python side of the call"),
    ("(app/sentiment/entities.py", "app: finding and marking entities"),
    ("(app/sentiment/language.py", "app: telling each headline's language"),
    ("(py3langid/", "app: telling each headline's language"),
    # The service module checks a request's limits and entities and formats the answers.
    ("(app/sentiment/service.py", "app: request checks and answers to JSON"),
    ("(app/asgi/hot_paths.py", "app: hot path (parse, validate, queue)"),
    ("(app/sentiment/batching.py", "app: micro-batcher"),
    ("(app/asgi/request_context.py", "app: request id and metrics layer"),
    ("(app/asgi/content_type.py", "app: content-type and JSON response layers"),
    ("(app/asgi/json_response.py", "app: content-type and JSON response layers"),
    ("(prometheus_client/", "app: request id and metrics layer"),
    ("(fastapi/", "FastAPI and Starlette layers"),
    ("(starlette/", "FastAPI and Starlette layers"),
    ("httptools_impl.py", "uvicorn: HTTP parsing and socket writes"),
    ("asyncio/runners.py", "event loop itself (uvloop, in C)"),
    ("concurrent/futures/thread.py", "idle thread-pool workers (py-spy counts their wait)"),
]


def summarise(collapsed: Path, top: int = 12) -> list[tuple[str, float]]:
    """Share of all samples per part, by the innermost frame that matches one."""
    counts: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text(errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        samples = int(n)
        total += samples
        frames = stack.split(";")
        part = "other"
        for frame in reversed(frames):
            hit = next((name for key, name in PARTS if key in frame), None)
            if hit:
                part = hit
                break
        counts[part] += samples
    return [(part, 100 * n / max(total, 1)) for part, n in counts.most_common(top)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--path", default="/sentiment")
    p.add_argument(
        "--concurrency",
        type=int,
        help="connections; default 64, and 8 with --entities as in make bench-entities: 64 "
        "connections of 64-entity requests hold more than the queue's bound, and the "
        "profile would be of the 503s",
    )
    p.add_argument("--headlines", type=int, default=1)
    p.add_argument(
        "--entities", type=int, default=0, help="instead: requests asking about this many"
    )
    p.add_argument("--seconds", type=float, default=8.0)
    args = p.parse_args()
    if args.concurrency is None:
        args.concurrency = 8 if args.entities else 64
    kind = "-entities" if args.entities else ""
    out = ROOT / "bench" / "results" / f"profile-{args.path.strip('/')}{kind}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc, _ = start_server({}, port)
    try:
        command = load_command(
            port,
            args.seconds + 3,
            path=args.path,
            concurrency=args.concurrency,
            **({"entities": args.entities} if args.entities else {"headlines": args.headlines}),
        )
        load = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(2)  # past the generator's warm-up
        subprocess.run(
            [
                str(Path(sys.executable).with_name("py-spy")),
                "record",
                "--pid",
                str(proc.pid),
                "--rate",
                "200",
                "--duration",
                str(int(args.seconds)),
                "--format",
                "raw",
                "--output",
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        summary = load.communicate()[0].strip()
        print(summary)
        failed = json.loads(summary.splitlines()[-1]).get("errors", 0)
        if failed:
            print(f"WARNING: {failed} requests failed: the samples are partly of their answers")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"\nshare of samples, all threads ({out}):")
    for part, share in summarise(out):
        print(f"{share:5.1f} %  {part}")


if __name__ == "__main__":
    main()
