"""Train, evaluate and export the entity sentiment model.

    python -m training.entity_sentiment.train [--data PATH] [--out models/entity_sentiment]

Reads top to bottom: pairs, baseline, floor, model, evaluate, export. Each SEntFiN entity
is one (headline, entity, label) pair; the model reads the headline with that entity's
mention replaced by a marker and the other entities' by another (app.sentiment.entities),
so one network answers for every entity of a headline. The network is the headline
model's (training/sentiment/model.py: BiLSTM over frozen pretrained word vectors beside
an n-gram logistic regression, mixed and calibrated on validation) trained on marked
text. The split is SEntFiN's fixed headline split; validation is carved out of the
training headlines by the same hash rule as the headline model's, whole headlines at a
time. TFNS's training headlines join the pairs (`--tfns`; `--no-tfns` for SEntFiN's
alone), each with its label and the first company the export's gazetteer finds marked,
so that the model reads US headlines as well as Indian ones; a bank or broker named for
its call on that company is a pair of its own, neutral (pairs.ANALYSTS).
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

import numpy as np
import tensorflow as tf

from app.model_store import ModelLoadError, version_dir
from app.sentiment.entities import OTHER_MARK
from app.sentiment.service import model_text
from training import reports
from training.entity_sentiment import behaviour, finentity, gazetteer
from training.entity_sentiment.evaluate import (
    floor,
    majority,
    marked_baseline,
    print_table,
    report,
)
from training.entity_sentiment.model import READS
from training.entity_sentiment.model import sequence_branch as target_branch
from training.entity_sentiment.pairs import (
    Pair,
    add_tfns_arguments,
    joined_pairs,
    marked,
    pairs,
    synthetic_pairs,
    turned_pairs,
)
from training.export import check_version_free, command_line, export_model
from training.metrics import calibrated_report
from training.sentiment import baseline, sentfin, soft_labels
from training.sentiment.distill import one_hot, read_teacher, teacher_record
from training.sentiment.mixture import COMPOSITION_SEED, fit_mixture
from training.sentiment.model import sequence_branch as headline_branch
from training.sentiment.options import (
    add_network_arguments,
    add_teacher_arguments,
    add_weight_rule_argument,
    check_network_arguments,
    check_teacher_arguments,
    network_config,
    warm_branches,
    warm_start_record,
)
from training.sentiment.parts import fit_and_validation
from training.sentiment.word_vectors import NOTICE, SOURCE, Pretrained, tokens

ROOT = Path(__file__).resolve().parents[2]
ENTITY_UNITS = 48  # LSTM units a direction (the headline model: 64)
MODEL_NAME = "entity_sentiment"
INPUT_SPEC = tf.TensorSpec([None], tf.string, name="marked_headlines")
OUTPUT_NAME = "probabilities"
LABELS = sentfin.LABELS
ANCHOR = (
    "fine-tuned RoBERTa / FinBERT: about 0.94 accuracy and 0.93 macro-F1 entity-level "
    "(the SEntFiN paper), on a split of their own, not this sha256 split"
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m training.entity_sentiment.train", description=__doc__.splitlines()[0]
    )
    p.add_argument("--data", type=Path, default=sentfin.COMMITTED, help="SEntFiN csv")
    p.add_argument("--entities", type=Path, default=gazetteer.COMMITTED, help="entity list csv")
    add_tfns_arguments(p)
    p.add_argument("--out", type=Path, default=Path("models") / MODEL_NAME)
    p.add_argument("--version", type=int, help="integer version (default: next free)")
    p.add_argument(
        "--headline-model",
        type=Path,
        help="sentiment SavedModel for the floor (default: the newest; none: no floor)",
    )
    p.add_argument("--no-floor", action="store_true", help="skip the headline-model floor")
    p.add_argument("--max-rows", type=int, help="use only the first N headlines (smoke tests)")
    add_network_arguments(p, drop_links=True, poolings=("last", "max"))
    # Within noise of 64 on validation over two seeds, and a quarter cheaper a call: the
    # served cost per entity is bound by this network (docs/models/entity_sentiment.md).
    p.set_defaults(lstm_units=ENTITY_UNITS)
    p.add_argument(
        "--read",
        choices=READS,
        default="last",
        help="the BiLSTM's last states, as the headline model reads it; its states at the "
        "target marker beside a max over steps (tried: a point lower); or the last states "
        "beside the states weighted by their match to the target's, started from a "
        "last-state export with zero weight on the latter (default: last, as served)",
    )
    p.add_argument(
        "--attention-reach",
        type=int,
        default=0,
        metavar="TOKENS",
        help="with --read attention: a learnt bias on each step's score for its distance "
        "to the target, clipped to TOKENS (default: 0, none)",
    )
    p.add_argument(
        "--ngram-window",
        type=int,
        default=0,
        metavar="TOKENS",
        help="the n-gram branch also reads the words within TOKENS of the target marker, "
        "each tagged with its side (training/sentiment/target_window.py; default: 0, none)",
    )
    p.add_argument(
        "--same-marks",
        action="store_true",
        help="with --read target: the BiLSTM reads the target's mention as another "
        "entity's, so that one pass over a headline could answer for all its entities "
        "(model.sequence_branch; default: off, as served)",
    )
    p.add_argument(
        "--position",
        type=int,
        default=0,
        metavar="DIMS",
        help="learnt dimensions per step for its signed distance to the target marker, "
        "beside the frozen word vectors (tried: 8 is no better on validation and worse on "
        "the behavioural cases; default: 0, none, as served)",
    )
    p.add_argument(
        "--synthetic",
        type=int,
        default=1000,
        help="rule-labelled headlines naming two companies (training/sentiment/synthetic.py) "
        "added to the sequence branch's fit, two pairs each (default: 1000, as served)",
    )
    p.add_argument(
        "--analyst-calls",
        type=int,
        default=0,
        help="rule-labelled broker calls (training/entity_sentiment/analyst_calls.py) added "
        "beside them, the company with the call's sign and the broker neutral, or the "
        "teacher's answers on them where it was taught them (tried: 300 are learnt by rote "
        "and do not carry over either way; default: 0, as served)",
    )
    p.add_argument(
        "--joined",
        type=int,
        default=0,
        metavar="N",
        help="N texts joining two one-company fit headlines of different labels, each "
        "company keeping its own headline's label or the teacher's answer on it, added to "
        "the sequence branch's fit (pairs.joined_pairs; tried: the headlines whose entities "
        "disagree read better, held-out text from elsewhere worse; default: 0, as served)",
    )
    p.add_argument(
        "--turned",
        action="store_true",
        help="each fit headline whose entities stand in two clauses, again with the clauses "
        "the other way round, each entity keeping its label or the teacher's answer on the "
        "headline as written, added to the sequence branch's fit (pairs.turned_pairs; tried: "
        "the clauses turned round read no better; default: off, as served)",
    )
    p.add_argument(
        "--several-times",
        type=int,
        default=1,
        metavar="K",
        help="each fit text that marks another entity beside the target (a pair of a "
        "headline naming several, or the teacher's variant of one) counted K times in the "
        "sequence branch's fit and refit, with the teacher's answer (needs a teacher; "
        "default: 1, as served)",
    )
    p.add_argument(
        "--joined-any-labels",
        action="store_true",
        help="join headlines whatever their labels, not only those whose labels differ",
    )
    add_teacher_arguments(p, soft_labels.ENTITY_COMMITTED)
    # With TFNS's pairs validation favours the n-gram branch beside the BiLSTM; with its
    # character grams its share of a call takes the cost per entity past its bound, so
    # v12 keeps it reading words alone: --weight-rule best --char-ngram-tokens 0
    # (docs/performance.md). The default stays what reproduces the earlier versions.
    add_weight_rule_argument(p, default="sequence")
    args = p.parse_args(argv)
    check_version_free(p, args)
    check_network_arguments(p, args)
    if args.weight_rule == "one-se" and not args.synthetic:
        p.error("--weight-rule one-se needs --synthetic N (for --synthetic 0: --weight-rule best)")
    if args.ngram_targets == "teacher" and (args.no_teacher or args.teacher is None):
        p.error("--ngram-targets teacher needs a teacher")
    check_teacher_arguments(p, args)
    if args.joined_any_labels and not args.joined:
        p.error("--joined-any-labels needs --joined N")
    if args.several_times < 1:
        p.error(f"--several-times must be 1 or more, got {args.several_times}")
    if args.several_times > 1 and args.no_teacher:
        p.error("--several-times repeats the teacher's answers: it needs a teacher")
    if args.ngram_window < 0:
        p.error(f"--ngram-window must be 0 or more, got {args.ngram_window}")
    if args.attention_reach and args.read != "attention":
        p.error("--attention-reach needs --read attention")
    if args.attention_reach < 0:
        p.error(f"--attention-reach must be 0 or more, got {args.attention_reach}")
    if args.same_marks and args.read != "target":
        p.error("--same-marks needs --read target")
    if args.same_marks and args.position:
        p.error("--same-marks with --position: the steps differ per entity, so no one pass")
    if args.pooling != "last" and (args.read != "last" or args.position):
        p.error(
            "--pooling is how the last-state network reads: not with --read target or --position"
        )
    return args


def own_labels(us: list[Pair], teacher: soft_labels.SoftLabels) -> dict[str, int]:
    """The TFNS pairs that learn their label in place of the teacher's answer: each
    analyst's (a teacher that learnt the headline's label on the first company found
    answers there for the company the analyst speaks of) and each the teacher never
    answered (its subject, when an analyst came first)."""
    out = {}
    for q in us:
        text = marked(q)
        if q.analyst or text not in teacher:
            out[text] = LABELS.index(q.label)
    return out


def arrays(part: list[Pair]) -> tuple[tf.Tensor, np.ndarray]:
    return (
        tf.constant([marked(q) for q in part]),
        np.array([LABELS.index(q.label) for q in part], dtype=np.int64),
    )


def added(
    made: list[Pair],
    joins: list[tuple[Pair, Pair]],
    teacher: soft_labels.SoftLabels | None,
    temperature: float,
) -> tuple[tf.Tensor, np.ndarray] | None:
    """What joins the sequence branch's fit beside the real pairs: the rule-labelled
    pairs with their labels, and the joined pairs with their own headline's label, or
    with a teacher its answer on that headline (as probabilities)."""
    if not made and not joins:
        return None
    texts, labels = arrays(made + [q for q, _ in joins])
    if teacher is None or not joins:
        return texts, labels
    kept = teacher.probabilities([marked(source) for _, source in joins], temperature)
    return texts, np.concatenate([one_hot(labels[: len(made)]), kept.astype(np.float32)])


def joined_rows(
    *parts: tuple[tf.Tensor, np.ndarray] | None,
) -> tuple[tf.Tensor, np.ndarray] | None:
    """The rows of `parts` that are not None, one after the other; labels become
    one-hot rows where another part carries probabilities."""
    given = [part for part in parts if part is not None]
    if len(given) <= 1:
        return given[0] if given else None
    rows = [y if y.ndim == 2 else one_hot(y) for _, y in given]
    return tf.concat([x for x, _ in given], 0), np.concatenate(rows).astype(np.float32)


def several(
    fit: list[Pair], teacher: soft_labels.SoftLabels | None, temperature: float, times: int
) -> tuple[tf.Tensor, np.ndarray] | None:
    """`times - 1` more copies of each fit text that marks another entity beside the
    target, and of each of the teacher's variants that does, with the teacher's answers:
    the texts where which mention is asked about decides the answer, weighted `times`.
    Fit texts alone, never validation's, so that the probe's early stopping stays fair."""
    if times == 1 or teacher is None:
        return None
    own = [marked(q) for q in fit]
    texts = [t for t in own + teacher.texts["variant"] if OTHER_MARK in t] * (times - 1)
    return tf.constant(texts), teacher.probabilities(texts, temperature).astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = network_config(args)
    started = time.perf_counter()

    # Pairs
    headlines = sentfin.load(args.data)[: args.max_rows]
    all_pairs = pairs(headlines)
    train = [q for q in all_pairs if not q.is_test]
    test = [q for q in all_pairs if q.is_test]
    # With --tfns, TFNS train joins the training pairs, carved into fit and validation by
    # the same rule; its validation file stays the headline model's test set.
    pretrained = Pretrained(cfg.word_dimensions)
    english = gazetteer.english_words(pretrained)
    # The names the export ships; --tfns-targets gazetteer marks with those its teachers'
    # answers were made on.
    keys = gazetteer.shipped(args.entities, english)
    us = (
        []
        if args.tfns is None
        else gazetteer.tfns_pairs_for(
            args.tfns, args.tfns_targets, gazetteer.for_pairs(args.entities, english)
        )
    )
    train += us
    fit, val = fit_and_validation(train)
    us_pairs = set(us)
    from_tfns = np.array([q in us_pairs for q in val], dtype=bool)
    print(
        f"{len(all_pairs)} pairs from {len(headlines)} headlines and {len(us)} of TFNS "
        f"({sum(q.span is not None for q in us)} with a target, {args.tfns_targets}; "
        f"{sum(q.analyst for q in us)} of them analysts'): {len(fit)} fit, "
        f"{len(val)} validation, {len(test)} test ({sum(q.disagree for q in test)} in "
        f"headlines whose entities disagree)",
        flush=True,
    )

    # Baseline on the same pairs, and the floor
    start = time.perf_counter()
    held_out = finentity.load()
    baseline_report, baseline_held_out = marked_baseline(train, test, held_out)
    baseline_seconds = round(time.perf_counter() - start, 1)
    headline_model = args.headline_model
    if headline_model is None and not args.no_floor:
        try:
            headline_model = version_dir(ROOT / "models" / "sentiment")
        except ModelLoadError:
            headline_model = None
    floor_report, floor_held_out = (
        (None, None)
        if args.no_floor or headline_model is None
        else floor(headline_model, test, held_out)
    )

    # Model; the one-se rule reads composition on other draws of the two-company frames.
    made = synthetic_pairs(args.synthetic, analyst=args.analyst_calls)
    drawn = {q.title for q in made}
    held = (
        [q for q in synthetic_pairs(args.synthetic, COMPOSITION_SEED) if q.title not in drawn]
        if args.weight_rule == "one-se"
        else []
    )
    try:
        teacher = read_teacher(
            args, [marked(q) for q in train], lambda answers: own_labels(us, answers)
        )
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    joins = (
        joined_pairs(
            fit,
            args.joined,
            args.seed,
            lambda texts: [len(t) for t in tokens(texts, drop_links=cfg.drop_links)],
            cfg.sequence_length,
            differ=not args.joined_any_labels,
        )
        if args.joined
        else []
    )
    if joins:
        print(f"{len(joins) // 2} joined headlines, {len(joins)} pairs", flush=True)
    turns = turned_pairs(fit) if args.turned else []
    if turns:
        print(
            f"{len({q.title for q, _ in turns})} turned headlines, {len(turns)} pairs", flush=True
        )
    branch = (
        headline_branch
        if args.read == "last" and not args.position
        else functools.partial(
            target_branch,
            read=args.read,
            position=args.position,
            same_marks=args.same_marks,
            attention_reach=args.attention_reach,
        )
    )
    branch, probe_branch = warm_branches(args, branch, widen=args.read == "attention")
    fitted = fit_mixture(
        cfg,
        pretrained,
        arrays(fit),
        arrays(val),
        arrays(train),
        args.verbose,
        branch,
        synthetic=joined_rows(
            added(made, joins + turns, teacher, args.distill_temperature),
            several(fit, teacher, args.distill_temperature, args.several_times),
        ),
        composition=arrays(held) if held else None,
        teacher=teacher,
        distill_temperature=args.distill_temperature,
        distill_loss=args.distill_loss,
        val_sources={"SEntFiN": ~from_tfns, "TFNS": from_tfns},
        sequence_alone=args.weight_rule == "sequence",
        probe_branch=probe_branch,
        refit=not args.no_refit,
        soup_with=args.soup_with,
        refit_soup_with=args.refit_soup_with,
        ngram_teacher=args.ngram_targets == "teacher",
        calibration_rule=args.calibration,
    )
    model = fitted.model

    def predict(texts: list[str]) -> np.ndarray:
        return model.predict(tf.constant(texts), batch_size=256, verbose=0)["probabilities"]

    # Evaluate
    x_test, y_test = arrays(test)
    probs = predict([marked(q) for q in test])
    predicted = [LABELS[i] for i in probs.argmax(1)]
    model_report = report(test, predicted)
    branches = {
        name: report(test, [LABELS[i] for i in branch.predict(x_test, verbose=0).argmax(1)])
        for name, branch in (("sequence", fitted.sequence_fit), ("ngram", fitted.ngram))
    }
    calibration = calibrated_report(y_test, probs, LABELS)
    cases = behaviour.evaluate(predict)
    rows = {
        "model": model_report,
        "sequence branch alone": branches["sequence"],
        "n-gram branch alone": branches["ngram"],
        "TF-IDF + LR, target marked (same run)": baseline_report,
    }
    if floor_report is not None:
        rows[f"floor: {floor_report['model']} headline label"] = floor_report
    print_table(rows)
    held_marked = [marked(q) for q in held_out]
    held_rows = {
        "model": report(held_out, [LABELS[i] for i in predict(held_marked).argmax(1)]),
        # Each marked passage as the service reads it (app.sentiment.service.model_text:
        # Reuters' "<SLB.N>" and other exchange tags, links and look-alikes out).
        "model, as the service reads each text": report(
            held_out,
            [LABELS[i] for i in predict([model_text(t) for t in held_marked]).argmax(1)],
        ),
        "TF-IDF + LR, target marked (same run)": baseline_held_out,
        "majority class": majority(held_out),
    }
    if floor_held_out is not None:
        held_rows[f"floor: {floor_held_out['model']} headline label"] = floor_held_out
    print(f"FinEntity, held out ({len(held_out)} mentions):")
    print_table(held_rows)
    print(f"behaviour: {behaviour.said(cases)}", flush=True)
    vectors = fitted.sequence.get_layer("word_vectors")
    names = list(keys)
    shipped = gazetteer.served(keys, args.entities)
    reach = gazetteer.reaches(shipped, test, held_out)
    print(f"gazetteer: {len(names)} names; {gazetteer.said(reach['test'])}", flush=True)
    print(f"gazetteer on FinEntity: {gazetteer.said(reach['finentity'], 'FinEntity')}", flush=True)

    # Export
    version = export_model(
        model,
        args.out,
        INPUT_SPEC,
        OUTPUT_NAME,
        {
            "name": MODEL_NAME,
            "command": command_line("training.entity_sentiment.train", argv),
            "labels": list(LABELS),
            "input": "the headline with the target mention replaced by 'xtargetx' and the "
            "other entities' mentions by 'xotherx' (app.sentiment.entities.mark)",
            "label_rule": "each entity's own SEntFiN label",
            "split_rule": sentfin.SPLIT_RULE,
            "data": {
                "file": args.data.name,
                "sha256": sentfin.file_sha256(args.data),
                "pairs": len(all_pairs),
                "fit": len(fit),
                "validation": len(val),
                "test": len(test),
                "test_disagree": sum(q.disagree for q in test),
                "without_mention": sum(q.span is None for q in all_pairs),
                "tfns": None
                if args.tfns is None
                else {
                    "file": args.tfns.name,
                    "sha256": sentfin.file_sha256(args.tfns),
                    "rows": sum(not q.analyst for q in us),
                    "targets": args.tfns_targets,
                    "with_target": sum(q.span is not None and not q.analyst for q in us),
                    "analysts_neutral": sum(q.analyst for q in us),
                },
            },
            "config": {
                **cfg.to_dict(),
                "seed": args.seed,
                "sequence_weight": fitted.weight,
                "temperature": float(fitted.calibration["temperature"]),
                "read": args.read,
                "position": args.position,
                "same_marks": args.same_marks,
                "attention_reach": args.attention_reach,
                **warm_start_record(args),
                "synthetic_headlines": args.synthetic,
                "analyst_calls": args.analyst_calls,
                "joined_headlines": len(joins) // 2,
                "joined_labels": "any" if args.joined_any_labels else "differ",
                "turned_headlines": len({q.title for q, _ in turns}),
                "several_times": args.several_times,
                "weight_rule": args.weight_rule,
            },
            "word_vectors": {
                "source": SOURCE,
                "vocabulary": vectors.vocabulary_size,
                "dimensions": vectors.dim,
            },
            "teacher": teacher_record(args.teacher, teacher),
            "calibration": fitted.calibration,
            "metrics": {
                "test": calibration,
                "entity": model_report,
                "branches": branches,
            },
            "baseline": {"config": baseline.CONFIG, "seconds": baseline_seconds, **baseline_report},
            "floor": floor_report,
            "held_out": {
                "finentity": {
                    "file": finentity.PATH.name,
                    "sha256": sentfin.file_sha256(finentity.PATH),
                    "mentions": len(held_out),
                    "disagree": sum(q.disagree for q in held_out),
                    "rows": held_rows,
                }
            },
            "anchor": ANCHOR,
            "behaviour": {k: v for k, v in cases.items() if k != "failures"},
            "gazetteer": {"file": gazetteer.FILE, "names": len(names), **reach},
            "training": {**fitted.fits, "seconds": round(time.perf_counter() - started, 1)},
            "parameters": int(model.count_params()),
        },
        version=args.version,
        extra_files={
            "WORD_VECTORS.md": NOTICE,
            gazetteer.FILE: gazetteer.export_file(keys, args.entities),
        },
        reports=reports.sentiment_reports,
    )
    print(f"exported {version}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
