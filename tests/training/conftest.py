"""Training tests write only under their tmp_path: the committed models and data stay
as they are, whatever a test's arguments say. The pretrained word vectors are read once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from training.sentiment.word_vectors import Pretrained


def normalise(text: str) -> str:
    """Letters and digits only, lower-cased: a headline however it is cased or punctuated."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def assert_one_se_choice(meta: dict) -> None:
    """The exported weight is the one-se rule's: within one standard error of the best
    validation accuracy, the best reading of the held-out composition headlines."""
    mixture = meta["training"]["mixture"]
    assert mixture["weight_rule"] == "one standard error, then composition"
    val, read = mixture["validation_accuracy_by_weight"], mixture["composition_accuracy"]
    assert len(val) == len(read) == len(mixture["weights"]) == 21
    chosen = mixture["weights"].index(meta["config"]["sequence_weight"])
    eligible = [mixture["weights"].index(w) for w in mixture["eligible"]]
    # The rule's own verdicts agree with the stored figures wherever rounding cannot decide.
    for i, v in enumerate(val):
        if abs(v - mixture["floor"]) > 1e-4:
            assert (i in eligible) == (v > mixture["floor"])
    assert chosen in eligible and read[chosen] == max(read[i] for i in eligible)
    assert mixture["validation_accuracy"] == val[chosen] > 0


# A network small enough for a test: training words only, few n-grams, 4 units, 1 epoch.
TINY_NETWORK = [
    "--training-words-only",
    "--word-ngram-tokens",
    "300",
    "--char-ngram-tokens",
    "600",
    "--lstm-units",
    "4",
    "--max-epochs",
    "1",
    "--verbose",
    "0",
]


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture(autouse=True)
def committed_files_untouched() -> Iterator[None]:
    before = {name: _tree(ROOT / name) for name in ("models", "data")}
    yield
    for name, files in before.items():
        assert _tree(ROOT / name) == files, f"a training test wrote into {name}/"


@pytest.fixture(scope="session")
def pretrained() -> Pretrained:
    """The pretrained word vectors (a 16 MB read), shared by every test that builds a
    sentiment network."""
    return Pretrained()
