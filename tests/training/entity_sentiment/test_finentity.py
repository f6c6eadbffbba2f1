"""FinEntity as held-out data: its sentences with one label, for the headline model."""

from __future__ import annotations

import json
from pathlib import Path

from training.entity_sentiment import finentity


def test_sentences_keep_only_those_whose_companies_agree(tmp_path: Path) -> None:
    text = (
        "Acme Corp. shares rose 5% on U.S. demand. Beta Inc fell while Acme gained. "
        "Gamma said nothing. Delta slumped."
    )
    second_acme = text.index("Acme", 1)
    tags = [
        ("Acme Corp.", "Positive", 0),
        ("Beta Inc", "Negative", text.index("Beta")),
        ("Acme", "Positive", second_acme),
        ("Delta", "Negative", text.index("Delta")),
    ]
    annotations = [{"value": v, "tag": t, "start": i, "end": i + len(v)} for v, t, i in tags]
    path = tmp_path / "FinEntity.json"
    path.write_text(json.dumps([{"content": text, "annotations": annotations}]))
    # "U.S. demand" does not end a sentence; the second sentence's companies disagree;
    # the third names no annotated company.
    assert finentity.sentences(path) == [
        ("Acme Corp. shares rose 5% on U.S. demand.", "positive"),
        ("Delta slumped.", "negative"),
    ]


def test_the_committed_set() -> None:
    held = finentity.sentences()
    counts = {
        label: sum(1 for _, y in held if y == label)
        for label in ("negative", "neutral", "positive")
    }
    assert counts == {"negative": 228, "neutral": 590, "positive": 238}
    assert all(t == t.strip() and t for t, _ in held)
