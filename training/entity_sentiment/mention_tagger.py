"""Train the mention tagger `"auto"` asks for the companies no list holds, score it, and
export it (`docs/models/entity_sentiment.md`, "The mention tagger").

    python -m training.entity_sentiment.mention_tagger [--out DIR] [--epochs 15] [--seed 7]

Each word of a title is tagged outside, first word of a mention or a later one, from its
pretrained vector and how it is written (`tagger_model`). It learns from the annotated
entities of SEntFiN's training titles (validation carved out by the headline rule), is
exported (to `--out`, else a temporary folder) and scored from that export: on the test
titles' spans, and on every set of `written.NAMED_SETS` alone, with the service's checks
of a name, and beside what the gazetteer and the readings find. `make regazetteer
ARGS="--tagger DIR"` ships an export with the next entity model version.
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from app.model_store import version_dir
from app.sentiment.entities import Gazetteer, find, gazetteer_path
from app.sentiment.mention_tagger import FIRST, LATER, OUTSIDE, MentionTagger, char_spans
from app.sentiment.spans import Span, overlap
from training.entity_sentiment import written
from training.entity_sentiment.evaluate import ROOT, auto_items, spans_of
from training.entity_sentiment.tagger_model import MAX_WORDS, build, words_and_spans
from training.export import METADATA_FILE, command_line, export_model, write_json_atomic
from training.sentiment import sentfin
from training.sentiment.parts import is_validation_title


def tags(words: Sequence[Span], mentions: Sequence[Span]) -> list[int]:
    """Each word's tag (`words` are their spans): FIRST where a mention starts, LATER
    inside it, else OUTSIDE."""
    out = []
    for j, span in enumerate(words):
        held = next((m for m in mentions if overlap(m, span)), None)
        if held is None:
            out.append(OUTSIDE)
        else:
            starts = j == 0 or not overlap(held, words[j - 1])
            out.append(FIRST if starts else LATER)
    return out


def word_spans(texts: Sequence[str]) -> list[list[Span]]:
    """Each text's words' character spans, as the tagger's graph cuts them."""
    import tensorflow as tf

    words, starts, ends = words_and_spans(tf.constant(list(texts)))
    counts = words.row_lengths().numpy()
    return [
        char_spans(t, a[:n], b[:n])
        for t, a, b, n in zip(texts, starts.numpy(), ends.numpy(), counts, strict=True)
    ]


def names_swapped(
    titles: Sequence[tuple[str, Sequence[Span]]],
    names: Sequence[str],
    copies: int,
    seed: int,
) -> list[tuple[str, list[Span]]]:
    """`copies` of each title with each capitalised mention in it replaced by a name
    drawn from `names`, and the spans of the new names: the same sentences about
    companies named as other markets name theirs."""
    rng = np.random.default_rng(seed)
    out = []
    for title, mentions in titles:
        named = sorted(m for m in mentions if title[m[0] : m[0] + 1].isupper())
        if not named:
            continue
        for _ in range(copies):
            text, spans, at = "", [], 0
            for start, end in named:
                if start < at:
                    continue  # overlapping annotations: the first stands
                name = names[int(rng.integers(len(names)))]
                text += title[at:start]
                spans.append((len(text), len(text) + len(name)))
                text += name
                at = end
            out.append((text + title[at:], spans))
    return out


def fit(
    titles: Sequence[tuple[str, Sequence[Span]]],
    words: list[str],
    vectors: np.ndarray,
    *,
    units: int = 64,
    epochs: int = 15,
    seed: int = 7,
    verbose: int = 2,
    more: Sequence[tuple[str, Sequence[Span]]] = (),
    learning_rate: float = 1e-3,
) -> tuple[object, dict[str, object]]:
    """The serving model learnt from (title, mentions) pairs, early-stopped on the
    validation titles, and its training record. `more`: pairs to fit on besides, never
    validated on (titles made from the fit titles)."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)
    parts: dict[bool, list[tuple[str, Sequence[Span]]]] = {False: [], True: []}
    for title, mentions in titles:
        parts[is_validation_title(title)].append((title, mentions))
    made = len(more)
    parts[False] += more

    def arrays(part: list[tuple[str, Sequence[Span]]]) -> tuple[tf.Tensor, np.ndarray, ...]:
        texts = [t for t, _ in part]
        y = np.zeros((len(part), MAX_WORDS), np.int32)
        mask = np.zeros((len(part), MAX_WORDS), np.float32)
        for i, (spans, (_, mentions)) in enumerate(zip(word_spans(texts), part, strict=True)):
            t = tags(spans, mentions)[:MAX_WORDS]
            y[i, : len(t)], mask[i, : len(t)] = t, 1.0
        return tf.constant(texts), y, mask

    model, serve = build(words, vectors, units, learning_rate)
    train, held = arrays(parts[False]), arrays(parts[True])
    history = model.fit(
        train[0],
        train[1],
        sample_weight=train[2],
        validation_data=held if parts[True] else None,
        epochs=epochs,
        batch_size=64,
        verbose=verbose,
        callbacks=[tf.keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)]
        if parts[True]
        else [],
    )
    losses = history.history.get("val_loss", history.history["loss"])
    record = {
        "titles": {
            "fit": len(parts[False]) - made,
            "validation": len(parts[True]),
            "made": made,
        },
        "units": units,
        "learning_rate": learning_rate,
        "seed": seed,
        "epochs_run": len(losses),
        "best_epoch": int(np.argmin(losses)) + 1,
        "validation_loss": round(float(min(losses)), 4),
    }
    return serve, record


def world_names() -> list[str]:
    """The project's world companies' names, as they are written (not in capitals alone)."""
    with (ROOT / "data" / "world_companies" / "companies.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = {n for row in rows for n in row["names"].split("|")}
    return sorted(n for n in names if n[:1].isupper() and not n.isupper())


def export(serve: object, out: Path, record: dict[str, object]) -> Path:
    """`serve` written as a SavedModel at `out` (which must not exist), its record in
    its metadata."""
    import tensorflow as tf

    staging = out.parent / f".{out.name}-versions"
    path = export_model(
        serve,  # type: ignore[arg-type]
        staging,
        tf.TensorSpec([None], tf.string, name="text"),
        "tags",
        record,
        version=1,
    )
    path.rename(out)
    staging.rmdir()
    return out


def scored(tagger: MentionTagger, known: Gazetteer) -> dict[str, dict[str, object]]:
    """On each press set: companies found by `"auto"` without the tagger, by the tagger
    alone, by its names checked, and by `"auto"` with the tagger, as the service asks it
    (`written.finding`'s counts)."""
    out: dict[str, dict[str, object]] = {}
    for path in written.NAMED_SETS.values():
        sets = written.named(path)
        texts = [h.text for h in sets]
        auto = [spans_of(item) for item in auto_items(texts, known)]
        alone = tagger.mentions(texts)
        checked = tagger.names(texts, known.ordinary_words)
        both = [spans_of(item) for item in auto_items(texts, known, tagger)]
        out[path.name] = {
            "named": sum(len(h.names) for h in sets),
            **{
                kind: written.finding(sets, found)
                for kind, found in (
                    ("auto", auto),
                    ("alone", alone),
                    ("names_checked", checked),
                    ("auto_with_tagger", both),
                )
            },
        }
    return out


def main(argv: list[str] | None = None) -> int:
    from training.sentiment.word_vectors import Pretrained, vocabulary

    p = argparse.ArgumentParser(prog="python -m training.entity_sentiment.mention_tagger")
    p.add_argument("--out", type=Path, default=None, help="where the export goes (must not exist)")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--units", type=int, default=64)
    p.add_argument("--dimensions", type=int, default=64, help="of the word vectors")
    p.add_argument(
        "--swap-names",
        type=int,
        default=0,
        help="also fit on this many copies of each fit title with its names replaced by "
        "names of the project's world companies (names_swapped)",
    )
    p.add_argument("--entity-model", type=Path, default=None, help="default: the newest")
    args = p.parse_args(argv)
    if args.out is not None and args.out.exists():
        p.error(f"{args.out} exists")
    headlines = sentfin.load(sentfin.COMMITTED)
    spans = {
        h.title: [s for e in h.entities if (s := find(e, h.title)) is not None] for h in headlines
    }
    held_out = {h.title for h in headlines if h.is_test}
    pretrained = Pretrained(args.dimensions)
    words = vocabulary([], pretrained, drop_links=False)
    learnt = [(t, m) for t, m in spans.items() if t not in held_out]
    swapped = names_swapped(
        [(t, m) for t, m in learnt if not is_validation_title(t)],
        world_names(),
        args.swap_names,
        args.seed,
    )
    serve, record = fit(
        learnt,
        words,
        pretrained.vectors(words),
        units=args.units,
        epochs=args.epochs,
        seed=args.seed,
        more=swapped,
    )
    record = {
        "command": command_line("training.entity_sentiment.mention_tagger", argv),
        "swap_names": args.swap_names,
        "word_dimensions": args.dimensions,
        "vocabulary": len(words),
        **record,
    }
    with tempfile.TemporaryDirectory() as scratch:
        out = export(serve, args.out or Path(scratch) / "mention_tagger", record)
        tagger = MentionTagger(out)
        test = sorted(held_out)
        found = tagger.mentions(test)
        hit = sum(len(set(f) & set(spans[t])) for t, f in zip(test, found, strict=True))
        tagged, gold = sum(map(len, found)), sum(len(spans[t]) for t in test)
        print(f"SEntFiN test titles: precision {hit / tagged:.3f}, recall {hit / gold:.3f}")
        entity_dir = args.entity_model or version_dir(ROOT / "models" / "entity_sentiment")
        sets = scored(tagger, Gazetteer.load(gazetteer_path(entity_dir)))
        # Scored from the export, so its metadata is written again with the figures.
        meta_path = out / "assets.extra" / METADATA_FILE
        metadata = json.loads(meta_path.read_text())
        metadata["scored"] = {
            "entity_model": entity_dir.name,
            "sentfin_test": {
                "precision": round(hit / tagged, 4),
                "recall": round(hit / gold, 4),
                "titles": len(test),
            },
            "press_sets": sets,
        }
        write_json_atomic(meta_path, metadata)
    print("| set (companies) | auto | tagger | tagger, names checked | auto with the tagger |")
    print("| --- | --- | --- | --- | --- |")
    for name, row in sets.items():
        cells = [
            f"{f['found']} ({f['other_finds']} / {f['finds_where_none_named']})"  # type: ignore[index]
            for f in (row["auto"], row["alone"], row["names_checked"], row["auto_with_tagger"])
        ]
        print(f"| {name} ({row['named']}) | " + " | ".join(cells) + " |")
    if args.out is not None:
        print(f"exported {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
