"""The teacher's answers as committed for distillation (`data/teacher/soft_labels.csv.gz`,
and `data/entity_teacher/` for the per-entity model).

One row per text: the text, the part it came from (`fit`, `validation`, `variant`: an
edit of a fit headline, `unlabelled`: a headline no one labelled,
`training/sentiment/unlabelled.py`, or `synthetic`: a rule-labelled headline of
`training/sentiment/synthetic.py` or broker call of
`training/entity_sentiment/analyst_calls.py`, answered only by a teacher fine-tuned on
them, or `composed`: a fit headline negated, hedged or joined to another,
`training/sentiment/compose.py`), and the teacher's three logits. Written by
`training.sentiment.teacher`, read by `training.sentiment.train`; no torch either way.
A part `label`, never written, holds a training run's own labels, one-hot, for texts
whose answer it replaces (`SoftLabels.relabelled`).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from training.metrics import softmax
from training.sentiment.sentfin import LABELS

FILE_NAME = "soft_labels.csv.gz"
PARTS = ("fit", "validation", "variant", "unlabelled", "synthetic", "composed")
# A label as logits: softmax gives it all but 1e-13 of the probability, at any temperature
# the trainer offers (up to a few) all but 1e-6.
_ONE_HOT_LOGIT = 30.0
COLUMNS = ("text", "part", *(f"logit_{label}" for label in LABELS))
COMMITTED = Path(__file__).resolve().parents[2] / "data" / "teacher" / FILE_NAME
# The per-entity model's: marked headlines (training/entity_sentiment/pairs.py).
ENTITY_COMMITTED = COMMITTED.parents[1] / "entity_teacher" / FILE_NAME
# The mean of two headline teachers' answers on COMMITTED's texts (teacher --ensemble-with).
ENSEMBLE_COMMITTED = COMMITTED.parents[1] / "teacher_ensemble" / FILE_NAME
# The mean of two entity teachers' answers on ENTITY_COMMITTED's texts.
ENTITY_ENSEMBLE_COMMITTED = COMMITTED.parents[1] / "entity_teacher_ensemble" / FILE_NAME


def write(path: Path, texts: Mapping[str, Sequence[str]], logits: Mapping[str, np.ndarray]) -> None:
    """Rows part by part; gzip with no timestamp or name: the same answers, the same bytes."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(COLUMNS)
    for part in PARTS:  # a part left out has no rows
        for text, row in zip(texts.get(part, ()), logits.get(part, ()), strict=True):
            out.writerow([text, part, *(f"{v:.4f}" for v in row)])
    with path.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write(buffer.getvalue().encode("utf-8"))


@dataclass(frozen=True)
class SoftLabels:
    texts: dict[str, list[str]]  # per part
    logits: dict[str, np.ndarray]  # per part, (rows, len(LABELS))

    def without(self, part: str) -> SoftLabels:
        """These answers with `part` emptied."""
        return SoftLabels({**self.texts, part: []}, {**self.logits, part: self.logits[part][:0]})

    def only(self, part: str, keep: Collection[str]) -> SoftLabels:
        """These answers with `part` cut to its texts in `keep`, in their order."""
        rows = [i for i, text in enumerate(self.texts[part]) if text in keep]
        texts = {**self.texts, part: [self.texts[part][i] for i in rows]}
        return SoftLabels(texts, {**self.logits, part: self.logits[part][rows]})

    def relabelled(self, labels: Mapping[str, int]) -> SoftLabels:
        """These answers with each text of `labels` answered by its label (index into
        LABELS) instead, and without the variants made from those texts: the teacher's
        answers on them follow the answer replaced. For pairs whose label the run gives
        otherwise than the teacher learnt it, or which it never saw."""
        texts = list(labels)
        logits = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
        logits[np.arange(len(texts)), [labels[t] for t in texts]] = _ONE_HOT_LOGIT
        sources = [(t.split(), set(t.split())) for t in texts]
        keep = [
            i
            for i, variant in enumerate(self.texts["variant"])
            if not any(_edit_of(variant.split(), words, bag) for words, bag in sources)
        ]
        return SoftLabels(
            {**self.texts, "variant": [self.texts["variant"][i] for i in keep], "label": texts},
            {**self.logits, "variant": self.logits["variant"][keep], "label": logits},
        )

    @cached_property
    def _index(self) -> dict[str, tuple[str, int]]:
        # Built once: training asks for the fit texts, then the refit's, of one file.
        # Part by part, a later part's answer winning: `label`, when there, comes last.
        return {t: (part, i) for part, texts in self.texts.items() for i, t in enumerate(texts)}

    def __contains__(self, text: object) -> bool:
        return text in self._index

    def probabilities(self, texts: Sequence[str], temperature: float = 1.0) -> np.ndarray:
        """The teacher's probabilities for `texts`, each of which it must have answered, its
        logits divided by `temperature` (above 1, the softer targets of Hinton et al.)."""
        index = self._index
        missing = [t for t in texts if t not in index]
        if missing:
            raise ValueError(
                f"the teacher's answers lack {len(missing)} of {len(texts)} training texts "
                f"(first: {missing[0]!r}); were they made from other data? Run `make teacher`"
            )
        rows = np.stack([self.logits[part][i] for part, i in (index[t] for t in texts)])
        return softmax(rows / temperature)


def mean_of(
    other: SoftLabels, logits: Callable[[list[str]], np.ndarray], members: int = 1
) -> SoftLabels:
    """`other`'s texts with the mean of its logits and those `logits` gives them, part by
    part: one more teacher's answers joined to `other`, the mean of `members` teachers'
    already, each teacher weighing the same."""
    if members < 1:
        raise ValueError(f"members must be at least 1, got {members}")
    return SoftLabels(
        dict(other.texts),
        {
            part: (logits(texts) + members * other.logits[part]) / (members + 1)
            if texts
            else other.logits[part]
            for part, texts in other.texts.items()
        },
    )


def members(record: dict[str, object]) -> int:
    """How many teachers' answers a file's record (`teacher.json`) says it averages."""
    ensemble = record.get("ensemble")
    if not isinstance(ensemble, dict):
        return 1
    # The first averaged file, of two teachers, was written before the count was kept.
    return int(ensemble.get("members", 2))


def _edit_of(variant: list[str], words: list[str], bag: set[str]) -> bool:
    """Whether `variant` is `words` with some of them dropped (training/sentiment/augment.py's
    edits), the words in order."""
    if len(variant) >= len(words) or not bag.issuperset(variant):
        return False
    rest = iter(words)
    return all(w in rest for w in variant)


def record(path: Path) -> dict[str, object]:
    """What the teacher run wrote beside its answers (`teacher.json`), if anything."""
    beside = path.with_name("teacher.json")
    return json.loads(beside.read_text()) if beside.is_file() else {}


def read(path: Path) -> SoftLabels:
    texts: dict[str, list[str]] = {part: [] for part in PARTS}
    rows: dict[str, list[list[float]]] = {part: [] for part in PARTS}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = tuple(next(reader, ()))
        if header != COLUMNS:
            raise ValueError(f"{path}: expected columns {','.join(COLUMNS)}, got {header}")
        for text, part, *values in reader:
            texts[part].append(text)
            rows[part].append([float(v) for v in values])
    return SoftLabels(
        texts,
        {p: np.array(rows[p], dtype=np.float32).reshape(-1, len(LABELS)) for p in PARTS},
    )
