"""Where one sentiment model call's time goes, op by op (TensorFlow's own profiler).

    python -m bench.op_profile [--batch 32] [--calls 50] [--model-dir models/sentiment/4]

Times calls alone, then traces `--calls` more and sums, per call, the time TensorFlow's
threads spent in each part of the graph (each branch's layers, the BiLSTM's two loops)
and in each op family (a matmul is `MatMul` whichever kernel ran it). The branches run
side by side on two threads, so the op time can exceed the wall time; the part that
takes longest sets the call's length when the cores are free. py-spy (`make profile`)
cannot see inside the graph; this can. Writes bench/results/op-profile-<batch>.json.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bench import headlines, server_stats
from bench.harness import ROOT, load_model, save_json

# Keras numbers layers it rebuilds ("bilstm_1"); the profile names the layer, not the copy.
_COPY = re.compile(r"(_\d+)+$")
ENVELOPE = "ExecutorState::Process"


def part_of(op: str) -> str:
    """The layer an op belongs to: `a_1/b_1/c_1/.../Op:Type` -> `b/c` (+ ` loop` in a while)."""
    scopes = [_COPY.sub("", s) for s in op.split(":")[0].split("/")]
    if scopes and scopes[0] == "StatefulPartitionedCall":
        scopes = scopes[2:]  # the call wrapper and the model's own name
    name = "/".join(scopes[:3]) if len(scopes) > 3 else "/".join(scopes[:-1]) or scopes[-1]
    return name + (" loop" if "/while/" in op else "")


# One kernel family under several names: oneDNN builds (the default on CPUs with
# AVX-512) trace `MatMul` as `_MklMatMul`, and grappler fuses a matmul with its bias
# into `_FusedMatMul`. Grouping by what the op computes keeps profiles comparable
# across machines.
_KERNEL_PREFIX = re.compile(r"^_?(Mkl|OneDnn)?(Native)?(Fused)?")


def op_family(op_type: str) -> str:
    """`_MklFusedMatMul` -> `MatMul`; `BatchMatMulV2` -> `MatMul`; others lose only the
    kernel library's prefix."""
    name = _KERNEL_PREFIX.sub("", op_type) or op_type
    return "MatMul" if "MatMul" in name else name


def summarise(space: object, calls: int) -> tuple[Counter[str], Counter[str], float]:
    """Op time per part of the graph and per op family, and the executor's whole time
    (op time plus its own scheduling), each in ms per call, from a profiler XSpace."""
    parts: Counter[str] = Counter()
    types: Counter[str] = Counter()
    executor = 0
    for plane in space.planes:  # type: ignore[attr-defined]
        names = {k: v.name for k, v in plane.event_metadata.items()}
        for line in plane.lines:
            if not line.name.startswith("tf_Compute"):
                continue
            for event in line.events:
                name = names.get(event.metadata_id, "")
                if name == ENVELOPE:
                    executor += event.duration_ps
                elif ":" in name:
                    parts[part_of(name)] += event.duration_ps
                    types[op_family(name.rsplit(":", 1)[1])] += event.duration_ps
    per_call = 1e9 * calls  # picoseconds per ms, times calls
    return (
        Counter({k: v / per_call for k, v in parts.items()}),
        Counter({k: v / per_call for k, v in types.items()}),
        executor / per_call,
    )


def record(call: Callable[[], object], calls: int) -> object:
    """TensorFlow's profiler over `calls` runs of `call`: the XSpace it writes."""
    import tensorflow as tf
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        for _ in range(calls):
            call()
        tf.profiler.experimental.stop()
        (path,) = Path(logdir).glob("plugins/profile/*/*.xplane.pb")
        return xplane_pb2.XSpace.FromString(path.read_bytes())


def trace(call: Callable[[], object], calls: int) -> tuple[Counter[str], Counter[str], float]:
    return summarise(record(call, calls), calls)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--calls", type=int, default=50)
    p.add_argument("--model-dir", type=Path, help="one version's folder (default: newest)")
    p.add_argument("--top", type=int, default=12)
    args = p.parse_args()
    model = load_model(args.model_dir)
    batch = headlines.batch(args.batch)
    for _ in range(10):  # trace the graph for this shape and warm the pools
        model.predict(batch)
    times = []
    before = server_stats.thread_seconds(os.getpid())
    for _ in range(args.calls):
        start = time.perf_counter()
        model.predict(batch)
        times.append(1000 * (time.perf_counter() - start))
    after = server_stats.thread_seconds(os.getpid())
    wall = statistics.median(times)
    # CPU, not wall time: what a call costs the machine when nothing else competes. This
    # process's main thread, which server_stats names the event loop, makes the calls here.
    cpu = {
        name: 1000 * (after[group] - before[group]) / args.calls
        for name, group in (("tensorflow", "tensorflow"), ("calling_thread", "event_loop"))
    }
    parts, types, executor = trace(lambda: model.predict(batch), args.calls)
    ops = sum(parts.values())
    print(f"sentiment v{model.version}, batch {args.batch}: {wall:.2f} ms per call alone")
    print(
        f"CPU per call: {cpu['tensorflow']:.2f} ms on TensorFlow's threads, "
        f"{cpu['calling_thread']:.2f} ms on the calling thread "
        f"({1000 * cpu['tensorflow'] / args.batch:.0f} us of TensorFlow CPU per headline)"
    )
    print(
        f"op time on TensorFlow's threads: {ops:.2f} ms per call "
        f"(with the executor's own work {executor:.2f} ms)\n"
    )
    for title, shares in (("part of the graph", parts), ("op family", types)):
        print(f"{title:58s} {'ms/call':>8s} {'share':>6s}")
        for name, ms in shares.most_common(args.top):
            print(f"{name:58s} {ms:8.3f} {100 * ms / ops:5.1f}%")
        print()
    out = ROOT / "bench" / "results" / f"op-profile-{args.batch}.json"
    save_json(
        out,
        {
            "model_version": model.version,
            "batch": args.batch,
            "calls": args.calls,
            "wall_ms_median": round(wall, 3),
            "cpu_ms_per_call": {k: round(v, 3) for k, v in cpu.items()},
            "op_ms_per_call": round(ops, 3),
            "executor_ms_per_call": round(executor, 3),
            "parts_ms": {k: round(v, 3) for k, v in parts.most_common()},
            "op_types_ms": {k: round(v, 3) for k, v in types.most_common()},
        },
    )
    print(f"results in {out}")


if __name__ == "__main__":
    main()
