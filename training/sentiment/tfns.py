"""Twitter Financial News Sentiment 1.0.0 (data/tfns/, MIT): US market headlines.

Its validation file is a fixed test set: nothing here trains on it, stops early on it or
selects a model by it. Labels are mapped to this project's names.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / "data" / "tfns"
TRAIN = FOLDER / "sent_train.csv"
TEST = FOLDER / "sent_valid.csv"
# The dataset's own ids: 0 bearish, 1 bullish, 2 neutral.
LABELS = {"0": "negative", "1": "positive", "2": "neutral"}


@dataclass(frozen=True)
class Headline:
    text: str
    label: str


def load(path: Path) -> list[Headline]:
    # Some texts are quoted and span lines: the csv module reads them whole.
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != ["text", "label"]:
            raise ValueError(f"{path}: expected columns text,label, got {reader.fieldnames}")
        return [Headline(row["text"].strip(), LABELS[row["label"]]) for row in reader]
