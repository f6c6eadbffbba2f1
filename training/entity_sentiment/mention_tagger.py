"""An experiment, not served: a BiLSTM that tags the mentions SEntFiN annotates, scored on
the project's press sets beside what `"auto"` finds (`docs/models/entity_sentiment.md`,
"Measured after v42: a mention tagger learnt from SEntFiN's spans").

    python -m training.entity_sentiment.mention_tagger [--epochs 15] [--seed 7]

Each word of a title is tagged outside, first word of a mention or a later one, from its
pretrained vector and its case. It learns from the annotated entities of SEntFiN's
training titles (validation carved out by the headline rule), and is scored on the test
titles' spans and on every set of `written.NAMED_SETS`: alone, with the service's checks
of a name (`subjects`: no place, market body, currency or ordinary word alone), and
beside `"auto"`'s finds.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from app.model_store import version_dir
from app.sentiment import subjects
from app.sentiment.entities import Gazetteer, find, gazetteer_path
from app.sentiment.spans import Span, overlap
from training.entity_sentiment import written
from training.entity_sentiment.evaluate import ROOT, auto_spans
from training.sentiment import sentfin
from training.sentiment.parts import is_validation_title

# A word, with what joins words inside a name ("AT&T", "L.B.", "D-Link", "Kakaku.com"), or
# one other character.
_WORD = re.compile(r"\w[\w&'.\-]*\w|\w|\S")
MAX_WORDS = 40
OUTSIDE, FIRST, LATER = 0, 1, 2
_POSSESSIVE = re.compile(r"['\u2019]s$")

Token = tuple[str, Span]
Vectors = Callable[[list[str]], np.ndarray]


def tokens(text: str) -> list[Token]:
    return [(m.group(), m.span()) for m in _WORD.finditer(text)][:MAX_WORDS]


def tags(words: Sequence[Token], mentions: Sequence[Span]) -> list[int]:
    """Each word's tag: FIRST where a mention starts, LATER inside it, else OUTSIDE."""
    out = []
    for j, (_, span) in enumerate(words):
        held = next((m for m in mentions if overlap(m, span)), None)
        if held is None:
            out.append(OUTSIDE)
        else:
            starts = j == 0 or not overlap(held, words[j - 1][1])
            out.append(FIRST if starts else LATER)
    return out


def mentions_of(words: Sequence[Token], tagged: Sequence[int]) -> list[Span]:
    """The spans the tags mark; a LATER with no mention open starts one."""
    out: list[Span] = []
    open_at: int | None = None
    end = 0
    for (_, (a, b)), tag in zip(words, tagged, strict=False):
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


def _case(word: str, position: int) -> list[float]:
    return [
        float(word[:1].isupper()),
        float(word.isupper() and len(word) > 1),
        float(word.islower()),
        float(any(c.isdigit() for c in word)),
        float(position == 0),
        float(not word[:1].isalnum()),
        float(bool(_POSSESSIVE.search(word))),
    ]


def features(rows: Sequence[Sequence[Token]], vectors: Vectors) -> np.ndarray:
    """[titles, MAX_WORDS, vector + case features]; padding is all zeros."""
    words = sorted({w.lower() for row in rows for w, _ in row})
    table = dict(zip(words, vectors(words), strict=True)) if words else {}
    size = next(iter(table.values())).shape[0] if table else 0
    out = np.zeros((len(rows), MAX_WORDS, size + 7), np.float32)
    for i, row in enumerate(rows):
        for j, (w, _) in enumerate(row):
            out[i, j, :size] = table[w.lower()]
            out[i, j, size:] = _case(w, j)
    return out


def build(width: int, units: int) -> object:
    import tensorflow as tf

    inputs = tf.keras.Input((MAX_WORDS, width))
    x = tf.keras.layers.Masking()(inputs)
    x = tf.keras.layers.Bidirectional(
        tf.keras.layers.LSTM(units, return_sequences=True, dropout=0.2)
    )(x)
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(3, activation="softmax")(x))
    model.compile("adam", "sparse_categorical_crossentropy", weighted_metrics=["accuracy"])
    return model


def train(
    titles: Sequence[tuple[str, Sequence[Span]]],
    vectors: Vectors,
    *,
    units: int = 64,
    epochs: int = 15,
    seed: int = 7,
    verbose: int = 2,
) -> Callable[[Sequence[str]], list[list[Span]]]:
    """A tagger learnt from (title, mentions) pairs, early-stopped on the validation
    titles; returns the function from titles to the spans it tags."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)
    rows = [(tokens(t), m, is_validation_title(t)) for t, m in titles]
    parts = {held: [(w, tags(w, m)) for w, m, v in rows if v == held] for held in (False, True)}

    def arrays(part: list[tuple[list[Token], list[int]]]) -> tuple[np.ndarray, ...]:
        x = features([w for w, _ in part], vectors)
        y = np.zeros(x.shape[:2], np.int32)
        mask = np.zeros(x.shape[:2], np.float32)
        for i, (_, t) in enumerate(part):
            y[i, : len(t)], mask[i, : len(t)] = t, 1.0
        return x, y, mask

    fit, held = arrays(parts[False]), arrays(parts[True])
    model = build(fit[0].shape[2], units)
    model.fit(  # type: ignore[attr-defined]
        *fit[:2],
        sample_weight=fit[2],
        validation_data=held if len(parts[True]) else None,
        epochs=epochs,
        batch_size=64,
        verbose=verbose,
        callbacks=[tf.keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)]
        if len(parts[True])
        else [],
    )

    def tag(texts: Sequence[str]) -> list[list[Span]]:
        rows = [tokens(t) for t in texts]
        scores = model.predict(features(rows, vectors), batch_size=256, verbose=0)  # type: ignore[attr-defined]
        best = scores.argmax(-1)
        return [mentions_of(w, list(b[: len(w)])) for w, b in zip(rows, best, strict=True)]

    return tag


def a_name(text: str, span: Span, ordinary: frozenset[str]) -> Span | None:
    """The span a tagged mention names a company by, as the service's checks read a name
    (a possessive taken off: "Spain's" is Spain), or None."""
    start, end = span
    if owned := _POSSESSIVE.search(text[start:end]):
        end = start + owned.start()
    name = text[start:end]
    if not name[:1].isupper() or not subjects._name_run(name.split(), ordinary):
        return None
    return (start, end) if subjects._a_company(name, ordinary, cased=True) else None


def main(argv: list[str] | None = None) -> int:
    from training.sentiment.word_vectors import Pretrained

    p = argparse.ArgumentParser(prog="python -m training.entity_sentiment.mention_tagger")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--entity-model", type=Path, default=None, help="default: the newest")
    args = p.parse_args(argv)
    headlines = sentfin.load(sentfin.COMMITTED)
    spans = {
        h.title: [s for e in h.entities if (s := find(e, h.title)) is not None] for h in headlines
    }
    test = [h.title for h in headlines if h.is_test]
    held_out = set(test)
    tag = train(
        [(t, m) for t, m in spans.items() if t not in held_out],
        Pretrained(192).vectors,
        epochs=args.epochs,
        seed=args.seed,
    )
    hit = found = gold = 0
    for title, tagged in zip(test, tag(test), strict=True):
        hit += len(set(tagged) & set(spans[title]))
        found += len(tagged)
        gold += len(spans[title])
    print(f"SEntFiN test titles: precision {hit / found:.3f}, recall {hit / gold:.3f}")
    entity_dir = args.entity_model or version_dir(ROOT / "models" / "entity_sentiment")
    known = Gazetteer.load(gazetteer_path(entity_dir))
    words = known.ordinary_words
    print("| set (companies) | auto | tagger | tagger, names checked | auto and those |")
    print("| --- | --- | --- | --- | --- |")
    for path in written.NAMED_SETS.values():
        sets = written.named(path)
        auto = [auto_spans(h.text, known) for h in sets]
        alone = tag([h.text for h in sets])
        checked = [
            [s for m in row if (s := a_name(h.text, m, words)) is not None]
            for h, row in zip(sets, alone, strict=True)
        ]
        both = [
            a + [s for s in c if not any(overlap(s, x) for x in a)]
            for a, c in zip(auto, checked, strict=True)
        ]
        cells = []
        for found_spans in (auto, alone, checked, both):
            f = written.finding(sets, found_spans)
            cells.append(f"{f['found']} ({f['other_finds']} / {f['finds_where_none_named']})")
        named = sum(len(h.names) for h in sets)
        print(f"| {path.name} ({named}) | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
