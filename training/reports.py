"""Training reports: PNG figures drawn from what an export records, kept beside it.

Each training run writes these into its model's assets.extra/, and GET /models links to
them. They are drawn from the metadata (and the backtest's forecasts) alone, so

    python -m training.reports models/gdp_forecast/5

draws an exported model's figures again without training it.
"""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display here, and none needed for files

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from app.atomic_file import write_atomic

DPI = 110


def png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    # Fixed metadata, so the same figures give the same bytes.
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def recorded_history(history: dict[str, list[float]]) -> dict[str, list[float]]:
    """A Keras history as the metadata keeps it for the curves (4 decimals)."""
    return {k: [round(float(v), 4) for v in vs] for k, vs in history.items()}


Panel = tuple[dict[str, list[float]], str, int, str]  # history, metric, kept epoch, title


def curves_figure(panels: Sequence[Panel], title: str) -> bytes:
    """One panel per (history, metric): training and validation per epoch, with the epoch
    early stopping kept (by its own monitor) marked."""
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 3.6), squeeze=False)
    for ax, (history, metric, best_epoch, panel_title) in zip(axes[0], panels, strict=True):
        epochs = np.arange(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], marker="o", ms=3, label="training")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], marker="o", ms=3, label="validation")
        if f"val_{metric}_average" in history:
            mean = history[f"val_{metric}_average"]
            ax.plot(epochs, mean, marker="o", ms=3, label="validation, averaged weights")
        ax.axvline(best_epoch, color="grey", ls="--", lw=1, label=f"kept: epoch {best_epoch}")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric.replace("_", " "))
        if panel_title:
            ax.set_title(panel_title, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return png(fig)


def confusion_figure(labels: Sequence[str], counts: Sequence[Sequence[int]], title: str) -> bytes:
    """Counts, shaded by the share of each true class (rows sum to 100 %)."""
    m = np.asarray(counts, dtype=float)
    share = m / m.sum(axis=1, keepdims=True)
    fig, ax = plt.subplots(figsize=(4.8, 4.2))
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(labels)):
        for j in range(len(labels)):
            colour = "white" if share[i, j] > 0.5 else "black"
            text = f"{int(m[i, j])}\n{share[i, j]:.0%}"
            ax.text(j, i, text, ha="center", va="center", color=colour, fontsize=9)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    return png(fig)


def backtest_figure(results: pd.DataFrame, models: Sequence[str], title: str) -> bytes:
    """Per horizon: outcomes and each model's forecast for that target quarter."""
    horizons = sorted(results["horizon"].unique())
    fig, axes = plt.subplots(len(horizons), 1, figsize=(9, 2.4 * len(horizons)), sharex=True)
    for ax, h in zip(np.atleast_1d(axes), horizons, strict=True):
        part = results[results["horizon"] == h].sort_values("target")
        ax.plot(part["target"], part["actual"], color="black", lw=1.6, label="outcome")
        for name in models:
            rmse = float(np.sqrt(((part[name] - part["actual"]) ** 2).mean()))
            ax.plot(part["target"], part[name], lw=1, label=f"{name} (RMSE {rmse:.2f})")
        ax.axvspan(pd.Timestamp("2020-01-01"), pd.Timestamp("2021-12-31"), color="grey", alpha=0.12)
        ax.axhline(0, color="grey", lw=0.6)
        ax.set_ylabel(f"h{h}: % y/y")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, ncols=len(models) + 1, loc="lower left")
    np.atleast_1d(axes)[-1].set_xlabel("target quarter (2020-21 shaded)")
    fig.suptitle(title)
    fig.tight_layout()
    return png(fig)


def sentiment_reports(metadata: dict[str, Any]) -> dict[str, bytes]:
    name = f"{metadata['name']} v{metadata.get('version', '?')}"
    out: dict[str, bytes] = {}
    fit = metadata["training"]["sequence"]
    if fit.get("history"):
        out["training_curves.png"] = curves_figure(
            [(fit["history"], m, fit["best_epoch"], "") for m in ("loss", "accuracy")],
            f"{name}: sequence branch, early stopping on validation accuracy",
        )
    cm = metadata["metrics"]["test"]["confusion_matrix"]
    acc = metadata["metrics"]["test"]["accuracy"]
    out["confusion_matrix.png"] = confusion_figure(
        cm["labels"], cm["rows_true_cols_pred"], f"{name}: test split, accuracy {acc:.3f}"
    )
    return out


def forecast_reports(metadata: dict[str, Any], backtest_csv: str | None) -> dict[str, bytes]:
    name = f"{metadata['name']} v{metadata.get('version', '?')}"
    out: dict[str, bytes] = {}
    histories = metadata["training"].get("histories")
    if histories:
        # Each member's final fit restores the weights of its lowest validation loss.
        panels: list[Panel] = [
            (h, "loss", int(np.argmin(h["val_loss"])) + 1, f"member {k} of {len(histories)}")
            for k, h in enumerate(histories, start=1)
        ]
        out["training_curves.png"] = curves_figure(
            panels, f"{name}: final fit, early stopping on validation loss (Huber)"
        )
    if backtest_csv:
        results = pd.read_csv(io.StringIO(backtest_csv), parse_dates=["origin", "target"])
        title = f"{name}: rolling-origin backtest, forecasts vs outcomes"
        if "months_known" in results:
            # One forecast per target quarter and horizon: the origin the SPF lines up with.
            results = results[results["months_known"] == 1]
            title += " (origins knowing one month of the quarter)"
        plotted = metadata["backtest"].get("plotted", ["lstm", "ar4"])
        out["backtest.png"] = backtest_figure(results, plotted, title)
    return out


def reports_for(version_dir: Path) -> dict[str, bytes]:
    extra = version_dir / "assets.extra"
    metadata = json.loads((extra / "metadata.json").read_text())
    if "backtest" in metadata:
        csv = extra / "backtest.csv"
        return forecast_reports(metadata, csv.read_text() if csv.exists() else None)
    return sentiment_reports(metadata)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m training.reports", description=__doc__.splitlines()[0]
    )
    p.add_argument("version_dirs", nargs="+", type=Path, help="e.g. models/sentiment/4")
    args = p.parse_args(argv)
    for version_dir in args.version_dirs:
        for file, data in reports_for(version_dir).items():
            write_atomic(version_dir / "assets.extra" / file, data)
            print(f"wrote {version_dir / 'assets.extra' / file} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
