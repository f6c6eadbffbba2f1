"""Accuracy on text as other sources encode its characters, read as sent and as the
service reads it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from training.sentiment import evaluate
from training.sentiment.source_encodings import REWRITES, accuracies

LABELS = ("negative", "neutral", "positive")


def by_ascii_words(texts: Sequence[str]) -> np.ndarray:
    """Positive when a text holds the word "beats" between ASCII spaces, else negative:
    a model whose tokens are what plain spaces separate."""
    rows = [[0.0, 0.1, 0.9] if "beats" in t.split(" ") else [0.9, 0.1, 0.0] for t in texts]
    return np.array(rows)


TEXTS = ["Acme beats estimates", "Globex beats forecasts", "Initech misses", "Acme's 'beats' fail"]
TRUTH = ["positive", "positive", "negative", "negative"]


def test_the_service_reading_undoes_each_rewrite() -> None:
    got = accuracies(by_ascii_words, TEXTS, TRUTH, LABELS)
    assert set(got) == {"as written", *(name for name, _ in REWRITES)}
    assert got["as written"] == {"as sent": 1.0, "read": 1.0}
    # No plain space is left to find "beats" by: both positives are lost as sent.
    assert got["no-break spaces"] == {"as sent": 0.5, "read": 1.0}
    assert got["full-width characters"] == {"as sent": 0.5, "read": 1.0}
    # "beats\u200b" is not "beats" until the invisible character is dropped.
    assert got["zero-width spaces"] == {"as sent": 0.5, "read": 1.0}
    # Escaping touches the fourth headline only, and its word "'beats'" was never "beats".
    assert got["HTML character references"] == {"as sent": 1.0, "read": 1.0}


def test_evaluation_reports_every_test_set() -> None:
    sets = {name: (TEXTS, TRUTH) for name in (*evaluate.CONTRAST, "held out")}
    out = evaluate.encoding_rates(sets, by_ascii_words)
    assert set(out) == set(sets)
    assert out["held out"]["no-break spaces"]["as sent"] == 0.5


def by_brackets(texts: Sequence[str]) -> np.ndarray:
    """Negative when a text holds a bracket, else positive: a model a tag decides."""
    return np.array([[0.9, 0.1, 0.0] if "(" in t or "<" in t else [0.0, 0.1, 0.9] for t in texts])


def test_the_service_reading_takes_html_tags_out() -> None:
    texts = ["Acme beats estimates", "Globex beats forecasts"]
    got = accuracies(by_brackets, texts, ["positive"] * 2, LABELS)
    assert got["HTML tags: the first word in bold"] == {"as sent": 0.0, "read": 1.0}


def test_the_service_reading_takes_exchange_tags_out() -> None:
    texts = ["Acme (NYSE:ACME) beats", "Globex <GBX.N> beats", "Initech beats"]
    got = accuracies(by_brackets, texts, ["positive"] * 3, LABELS)
    assert got["as written"] == {"as sent": round(1 / 3, 4), "read": 1.0}
