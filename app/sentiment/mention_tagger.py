"""The mention tagger an entity model may ship (assets.extra/mention_tagger/): a small
BiLSTM SavedModel that tags each word of a headline outside, first or later word of a
mention, learnt from SEntFiN's annotated spans (training/entity_sentiment/
mention_tagger.py). `"entities": "auto"` asks it for the companies the gazetteer and the
readings of `subjects` leave unfound (`docs/models/entity_sentiment.md`).

Its graph cuts the words and answers with each word's byte span; this reads the tags
back into character spans and keeps a tagged mention only where `subjects` would read
its words as a company's name: it learnt SEntFiN's entities, which are also indices,
currencies, sectors and places.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from app.model_store import load_dir
from app.sentiment.spans import Span
from app.sentiment.subjects import tagged_name

DIRECTORY = "mention_tagger"
OUTSIDE, FIRST, LATER = 0, 1, 2


def tagger_path(export: Path) -> Path:
    """Where an entity model's export (a version's folder) keeps its tagger."""
    return export / "assets.extra" / DIRECTORY


def mentions_of(words: Sequence[Span], tagged: Sequence[int]) -> list[Span]:
    """The spans the tags of `words` (their spans) mark; a LATER with no mention open
    starts one."""
    out: list[Span] = []
    open_at: int | None = None
    end = 0
    for (a, b), tag in zip(words, tagged, strict=False):
        if tag == FIRST or (tag == LATER and open_at is None):
            if open_at is not None:
                out.append((open_at, end))
            open_at, end = a, b
        elif tag == LATER:
            end = b
        elif open_at is not None:
            out.append((open_at, end))
            open_at = None
    if open_at is not None:
        out.append((open_at, end))
    return out


def char_spans(text: str, starts: Sequence[int], ends: Sequence[int]) -> list[Span]:
    """The character spans of `text` that byte spans of its UTF-8 encoding cover."""
    if text.isascii():
        return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]
    at = np.cumsum([0] + [len(c.encode()) for c in text])
    return [
        (int(np.searchsorted(at, a)), int(np.searchsorted(at, b)))
        for a, b in zip(starts, ends, strict=True)
    ]


def read_tags(texts: Sequence[str], outputs: dict[str, np.ndarray]) -> list[list[Span]]:
    """Each text's tagged mentions, from the tagger's outputs for `texts`."""
    best = np.asarray(outputs["tags"]).argmax(-1)
    starts, ends = np.asarray(outputs["starts"]), np.asarray(outputs["ends"])
    out = []
    for text, tags, a, b in zip(texts, best, starts, ends, strict=True):
        n = int(np.count_nonzero(b > a))
        out.append(mentions_of(char_spans(text, a[:n], b[:n]), tags[:n].tolist()))
    return out


class MentionTagger:
    """A tagger loaded from its SavedModel folder."""

    def __init__(self, path: Path) -> None:
        metadata = json.loads((path / "assets.extra" / "metadata.json").read_text())
        self.model = load_dir(path, DIRECTORY, int(metadata["version"]))
        self.metadata = self.model.metadata

    def mentions(self, texts: Sequence[str]) -> list[list[Span]]:
        """Each text's tagged mentions, as tagged."""
        if not texts:
            return []
        return read_tags(texts, self.model.predict_outputs(list(texts)))

    def names(self, texts: Sequence[str], ordinary: frozenset[str]) -> list[list[Span]]:
        """Each text's tagged mentions that name a company as `subjects` reads a name."""
        return [
            [s for m in found if (s := tagged_name(text, m, ordinary)) is not None]
            for text, found in zip(texts, self.mentions(texts), strict=True)
        ]
