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
