"""Label changes under news sources' tags, counted against each headline's own label."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from training.sentiment import evaluate
from training.sentiment.source_tags import TAGS, label_changes, tagged


def by_words(texts: Sequence[str]) -> np.ndarray:
    """Positive when a text says "beats", flipped to negative by "Bloomberg": a model
    whose label one source's name decides."""
    rows = []
    for text in texts:
        positive = ("beats" in text) != ("Bloomberg" in text)
        rows.append([0.0, 0.2, 0.8] if positive else [0.8, 0.2, 0.0])
    return np.array(rows)


def test_only_the_tag_that_moves_the_label_counts() -> None:
    texts = ["Acme beats estimates", "Acme misses estimates", "Globex beats", "Initech flat"]
    rates = label_changes(by_words, texts)
    assert rates["(Bloomberg)"] == 1.0
    assert all(rates[tag.strip()] == 0.0 for _, tag in TAGS if "Bloomberg" not in tag)
    assert rates["mean"] == round(1 / len(TAGS), 4)
    assert set(rates) == {tag.strip() for _, tag in TAGS} | {"mean"}


def test_a_tag_goes_where_a_feed_writes_it() -> None:
    assert tagged("Acme beats", "prefix", "UPDATE 1-") == "UPDATE 1-Acme beats"
    assert tagged("Acme beats", "suffix", " - Reuters") == "Acme beats - Reuters"
    # Each tag is whitespace-trimmed into a distinct name for the report.
    assert len({tag.strip() for _, tag in TAGS}) == len(TAGS)


def test_the_evaluation_reports_each_peer_on_both_fixed_test_sets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    texts = ["Acme beats estimates", "Acme misses estimates"]
    sets = {name: (texts, ["positive", "negative"]) for name in evaluate.CONTRAST}
    got = evaluate.tag_changes(sets, {"stub": by_words})
    assert set(got["stub"]) == set(evaluate.CONTRAST)
    assert got["stub"]["sentfin_test"]["(Bloomberg)"] == 1.0
    assert "| stub | 0.111 / 1.000 ((Bloomberg)) | 0.111 / 1.000 ((Bloomberg)) |" in (
        capsys.readouterr().out
    )
