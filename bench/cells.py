"""What is claimed for gated cells, measured here: LSTM against GRU, Keras's own
layers against the from-scratch cells, on both of the product's models.

    python -m bench.cells [--cells lstm gru ...] [--out bench/results/cells.json]

Each variant is a full training run of its own (`training.sentiment.train` and
`training.forecast.train` with `--cell`, default settings otherwise) into a scratch
folder, one after the other; the committed models are not touched. Read from each
export: parameters, seconds per epoch, the sentiment sequence branch's test accuracy and
macro-F1 (the branch the cell is in; the served mix adds the n-gram branch), the
forecast's backtest RMSE per horizon; and, loaded back from disk, the sentiment
SavedModel's headlines/s at batch 1 and 64 with the server's thread settings.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.harness import save_json
from training.cells import CELLS

ROOT = Path(__file__).resolve().parents[1]


def train(module: str, cell: str, out: Path) -> tuple[Path, float]:
    start = time.perf_counter()
    cmd = [sys.executable, "-m", module, "--cell", cell, "--out", str(out), "--version", "1"]
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return out / "1", time.perf_counter() - start


def throughput(version_dir: Path, repeats: int) -> dict[int, float]:
    """In a fresh process, so every variant starts from the same TensorFlow state."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from bench.harness import ceiling, load_model\n"
        "predict = load_model(Path(sys.argv[1])).predict\n"
        "print(json.dumps(ceiling(predict, int(sys.argv[2]), (1, 64))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(version_dir), str(repeats)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return {int(k): v for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items()}


def measure(cell: str, scratch: Path, repeats: int) -> dict[str, Any]:
    sentiment_dir, sentiment_s = train("training.sentiment.train", cell, scratch / "sentiment")
    s_meta = json.loads((sentiment_dir / "assets.extra" / "metadata.json").read_text())
    forecast_dir, forecast_s = train("training.forecast.train", cell, scratch / "gdp_forecast")
    f_meta = json.loads((forecast_dir / "assets.extra" / "metadata.json").read_text())
    seq = s_meta["training"]["sequence"]
    return {
        "cell": cell,
        "sentiment": {
            "recurrent_parameters": s_meta["recurrent_parameters"],
            "parameters": s_meta["parameters"],
            "seconds_per_epoch": seq["seconds_per_epoch"],
            "epochs_run": seq["epochs_run"],
            "test_accuracy": s_meta["metrics"]["branch_test_accuracy"]["sequence"],
            "test_macro_f1": s_meta["metrics"]["sequence_branch_macro_f1"],
            "served_mix_accuracy": s_meta["metrics"]["test"]["accuracy"],
            "headlines_per_second": throughput(sentiment_dir, repeats),
            "run_seconds": round(sentiment_s, 1),
        },
        "forecast": {
            "recurrent_parameters": f_meta["recurrent_parameters"],
            "parameters": f_meta["parameters"],
            "seconds_per_epoch": f_meta["training"]["seconds_per_epoch"],
            "backtest_rmse": f_meta["backtest"]["scores"]["all"]["by_horizon"]["network"],
            "backtest_rmse_excl_2020_21": f_meta["backtest"]["scores"]["excl_2020_21"][
                "by_horizon"
            ]["network"],
            "run_seconds": round(forecast_s, 1),
        },
    }


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| cell | sentiment recurrent params | s/epoch | hl/s batch 1 | hl/s batch 64 "
        "| test acc | macro-F1 | forecast recurrent params | s/epoch | backtest RMSE h1-h4 |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    )
    lines = []
    for r in rows:
        s, f = r["sentiment"], r["forecast"]
        hps = s["headlines_per_second"]
        rmse = " / ".join(f"{v:.2f}" for v in f["backtest_rmse"])
        lines.append(
            f"| {r['cell']} | {s['recurrent_parameters']:,} | {s['seconds_per_epoch']:.2f} "
            f"| {hps[1]:,.0f} | {hps[64]:,.0f} | {s['test_accuracy']:.4f} "
            f"| {s['test_macro_f1']:.4f} | {f['recurrent_parameters']:,} "
            f"| {f['seconds_per_epoch']:.3f} | {rmse} |"
        )
    return head + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.cells", description=__doc__.splitlines()[0])
    p.add_argument("--cells", nargs="+", choices=CELLS, default=list(CELLS))
    p.add_argument("--repeats", type=int, default=30, help="timed calls per batch size")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "cells.json")
    args = p.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="cells-") as tmp:
        for cell in args.cells:
            print(f"--- {cell}", flush=True)
            rows.append(measure(cell, Path(tmp) / cell, args.repeats))
            print(json.dumps(rows[-1]), flush=True)
    print(table(rows))
    save_json(
        args.out,
        {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "rows": rows,
        },
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
