"""Train, evaluate and export the headline sentiment model.

    python -m training.sentiment.train [--data PATH | --download] [--tfns PATH | --no-tfns]
        [--synthetic none|sequence|both] [--counterfactuals [objects|economy|wide]]
        [--economy-posts] [--out models/sentiment]

Reads top to bottom: data, baseline, model, fit, evaluate, export. The training data is
SEntFiN's training part and, unless --no-tfns, TFNS train; validation is carved out of
both by the same hash rule. With --synthetic, rule-labelled headlines
(training/sentiment/synthetic.py) join the fit of the sequence branch or of both; never
validation. The sequence branch learns the teacher's answers on them where a teacher
fine-tuned on them gave its answers (`make teacher ARGS=--synthetic`). With
--counterfactuals it also learns each training headline with its one deciding word
turned into its opposite, the teacher's answer swapped (counterfactual.py); with
--counterfactuals objects, also with the thing that moves turned from good to bad or
back ("profit rises" -> "costs rise", "costs fall"); with --counterfactuals economy, the
economy's indicators among the things put in ("unemployment rises"); with wide, nine
drawn from 47 things of both kinds. With --economy-posts, both branches also learn
the learnable part of the hand-labelled posts about the economy (economy_posts.py),
each economy_posts.REPEAT times, never validation. The fixed test sets
(docs/reference.md) and the economy posts' test part are scored at the end, the model
beside the baseline fitted on the same real headlines.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import tensorflow as tf

from app.sentiment.service import model_text
from training import reports
from training.export import check_version_free, command_line, export_model
from training.metrics import (
    bias_temperature_scale,
    calibrated_report,
    classification_report,
    expected_calibration_error,
)
from training.sentiment import (
    baseline,
    checklist,
    economy,
    economy_posts,
    sentfin,
    soft_labels,
    synthetic,
    tfns,
)
from training.sentiment.counterfactual import POOLS
from training.sentiment.distill import Counterfactuals, read_teacher, teacher_record
from training.sentiment.mixture import COMPOSITION_SEED, checklist_by_weight, fit_mixture
from training.sentiment.model import sequence_branch
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
from training.sentiment.parts import VALIDATION_RULE, fit_and_validation, headline_split
from training.sentiment.word_vectors import NOTICE, SOURCE, Pretrained

MODEL_NAME = "sentiment"
INPUT_SPEC = tf.TensorSpec([None], tf.string, name="headlines")
OUTPUT_NAME = "probabilities"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m training.sentiment.train", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--data",
        type=Path,
        help=f"SEntFiN csv (default: ${sentfin.ENV_VAR}, then the committed "
        f"{sentfin.COMMITTED}, then {sentfin.DEFAULT_DIR}/{sentfin.FILE_NAME})",
    )
    parser.add_argument(
        "--download",
        action="store_true",
        help=f"download SEntFiN into {sentfin.DEFAULT_DIR}/, checking its sha256",
    )
    parser.add_argument("--download-url", default=sentfin.DOWNLOAD_URL)
    parser.add_argument(
        "--tfns",
        type=Path,
        default=tfns.TRAIN,
        help="TFNS training file added to the training data (default: the committed one)",
    )
    parser.add_argument("--no-tfns", action="store_true", help="train on SEntFiN alone")
    parser.add_argument(
        "--synthetic",
        choices=("none", "sequence", "both"),
        default="none",
        help="add the rule-labelled composition headlines (training/sentiment/synthetic.py) "
        "to the sequence branch's fit, or to both branches' (default: none, as the served "
        "model was trained)",
    )
    parser.add_argument(
        "--economy-posts",
        action="store_true",
        help="both branches also learn the hand-labelled posts about the economy "
        "(data/economy_posts/, its learnable part, each post "
        f"{economy_posts.REPEAT} times; never validation)",
    )
    add_teacher_arguments(parser, soft_labels.COMMITTED)
    parser.add_argument(
        "--counterfactuals",
        nargs="?",
        const="words",
        choices=("words", "objects", "economy", "wide"),
        help="the sequence branch also learns each training headline with its one deciding "
        "word turned into its opposite, the teacher's answer swapped; 'objects' adds its "
        "object swaps, 'economy' the object swaps with the economy's indicators among the "
        "things put in, 'wide' nine of 47 things drawn a headline "
        "(training/sentiment/counterfactual.py; needs a teacher)",
    )
    parser.add_argument(
        "--counterfactual-branches",
        choices=("sequence", "both"),
        default="sequence",
        help="which branches learn the counterfactuals: the sequence branch (default), or "
        "both, the n-gram branch with the teacher's swapped answer as its label",
    )
    add_weight_rule_argument(parser)
    parser.add_argument(
        "--source-tags",
        action="store_true",
        help="the sequence branch also learns each training headline with a news source's "
        "tag (' - Reuters', 'UPDATE 1-'; training/sentiment/source_tags.py) and the "
        "teacher's answer unchanged (needs a teacher)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("models") / MODEL_NAME,
        help="model base directory; the export goes to <out>/<version>/",
    )
    parser.add_argument("--version", type=int, help="integer version (default: next free)")
    parser.add_argument("--max-rows", type=int, help="use only the first N rows (smoke tests)")
    add_network_arguments(parser)
    args = parser.parse_args(argv)
    check_version_free(parser, args)
    check_network_arguments(parser, args)
    if args.counterfactuals and args.no_teacher:
        parser.error("--counterfactuals swaps the teacher's answers: it needs a teacher")
    if args.ngram_targets == "teacher" and (args.no_teacher or args.synthetic == "both"):
        parser.error("--ngram-targets teacher needs a teacher, and no --synthetic both")
    check_teacher_arguments(parser, args)
    if args.source_tags and args.no_teacher:
        parser.error("--source-tags keeps the teacher's answers: it needs a teacher")
    if args.counterfactual_branches == "both" and not args.counterfactuals:
        parser.error("--counterfactual-branches both needs --counterfactuals")
    if args.pooling == "last-max" and (args.init_from or args.probe_init_from):
        parser.error("--pooling last-max doubles the output layer's inputs: no warm start")
    if args.weight_rule == "one-se" and args.synthetic == "none":
        parser.error("--weight-rule one-se needs --synthetic sequence or both")
    if args.economy_posts and (args.synthetic != "none" or args.ngram_targets == "teacher"):
        parser.error("--economy-posts goes with neither --synthetic nor --ngram-targets teacher")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = network_config(args)
    started = time.perf_counter()

    # Data
    try:
        path = (
            sentfin.download(url=args.download_url) if args.download else sentfin.locate(args.data)
        )
    except (sentfin.DatasetMissingError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    data_sha256 = sentfin.file_sha256(path)
    rows = sentfin.load(path)[: args.max_rows]
    extra = [] if args.no_tfns else tfns.load(args.tfns)
    train_rows, test_rows = headline_split(rows, extra)
    fit_rows, val_rows = fit_and_validation(train_rows)
    label_id = {name: i for i, name in enumerate(sentfin.LABELS)}

    def arrays(part: list[sentfin.Headline]) -> tuple[tf.Tensor, np.ndarray]:
        return (
            tf.constant([r.title for r in part]),
            np.array([label_id[r.label] for r in part], dtype=np.int64),
        )

    # Rule-labelled headlines join the fit of the sequence branch or of both (see
    # fit_mixture); early stopping, the mixing weight and the temperature stay on real
    # headlines.
    made = [] if args.synthetic == "none" else synthetic.generate()
    # Other draws of the same grammars, none of them a training headline: what the
    # one-se rule reads composition on.
    drawn = {h.text for h in made}
    held = (
        [h for h in synthetic.generate(seed=COMPOSITION_SEED) if h.text not in drawn]
        if args.weight_rule == "one-se"
        else []
    )
    if args.max_rows is not None:
        made, held = made[: args.max_rows // 4], held[: args.max_rows // 4]
    made_rows, held_rows = (
        [sentfin.Headline(h.text, {"": h.label}) for h in part] for part in (made, held)
    )
    # The posts about the economy join both branches' fit as the rule-labelled headlines
    # would (their labels one-hot: the teacher never read them); their test part is scored.
    posts_test = economy_posts.test_part()
    posts: list[economy_posts.Post] = []
    if args.economy_posts:
        # Only a run that learns them pays for the learnable part's near-copy filter.
        posts, _ = economy_posts.split(economy_posts.load())
        posts = posts[: args.max_rows // 4] if args.max_rows is not None else posts
        made_rows = [sentfin.Headline(t, {"": label}) for t, label in posts]
        made_rows *= economy_posts.REPEAT
    tfns_test = [] if args.no_tfns else tfns.load(tfns.TEST)

    x_fit, y_fit = arrays(fit_rows)
    x_val, y_val = arrays(val_rows)
    x_test, y_test = arrays(test_rows)
    print(
        f"data: {path} (sha256 {data_sha256[:12]}…), {len(rows)} headlines; "
        f"{len(extra)} from {'no TFNS' if args.no_tfns else args.tfns.name}, "
        f"{len(made)} synthetic, {len(posts)} economy posts: "
        f"{len(fit_rows)} fit, {len(val_rows)} validation, {len(test_rows)} SEntFiN test",
        flush=True,
    )

    # Baseline, trained on the same train+validation headlines the model sees
    start = time.perf_counter()
    base = baseline.fit([r.title for r in train_rows], [label_id[r.label] for r in train_rows])
    baseline_metrics = classification_report(
        y_test, base.predict([r.title for r in test_rows]), sentfin.LABELS
    )
    baseline_seconds = round(time.perf_counter() - start, 1)
    print(
        f"baseline: test accuracy {baseline_metrics['accuracy']:.4f}, "
        f"macro-F1 {baseline_metrics['macro_f1']:.4f} ({baseline_seconds}s)",
        flush=True,
    )

    # The same baseline with the synthetic headlines or the economy posts too: the model's
    # same-data peer when it learns them.
    base_made = None
    if made_rows:
        rows_made = train_rows + made_rows
        base_made = baseline.fit(
            [r.title for r in rows_made], [label_id[r.label] for r in rows_made]
        )

    try:
        teacher = read_teacher(args, [r.title for r in train_rows])
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    pretrained = Pretrained(cfg.word_dimensions)
    x_train, y_train = arrays(train_rows)
    refit_branch, probe_branch = warm_branches(args, sequence_branch)
    # "objects" swaps the companies' things; "words" swaps none.
    swaps = "companies" if args.counterfactuals == "objects" else args.counterfactuals
    fitted = fit_mixture(
        cfg,
        pretrained,
        (x_fit, y_fit),
        (x_val, y_val),
        (x_train, y_train),
        args.verbose,
        refit_branch,
        synthetic=arrays(made_rows) if made_rows else None,
        synthetic_ngram=args.synthetic == "both" or args.economy_posts,
        composition=arrays(held_rows) if held_rows else None,
        teacher=teacher,
        distill_temperature=args.distill_temperature,
        distill_loss=args.distill_loss,
        sequence_alone=args.weight_rule == "sequence",
        counterfactuals=(
            Counterfactuals(
                [r.title for r in val_rows + test_rows] + [h.text for h in tfns_test],
                objects=swaps in POOLS,
                pool=swaps if swaps in POOLS else "companies",
                ngram=args.counterfactual_branches == "both",
            )
            if args.counterfactuals
            else None
        ),
        source_tags=args.seed if args.source_tags else None,
        probe_branch=probe_branch,
        refit=not args.no_refit,
        soup_with=args.soup_with,
        refit_soup_with=args.refit_soup_with,
        ngram_teacher=args.ngram_targets == "teacher",
        calibration_rule=args.calibration,
    )
    model, sequence_fit, ngram = fitted.model, fitted.sequence_fit, fitted.ngram
    weight, calibration, fits = fitted.weight, fitted.calibration, fitted.fits
    temperature = float(calibration["temperature"])
    bias = [float(b) for b in calibration["bias"]]

    def predict(texts: Sequence[str]) -> dict[str, np.ndarray]:
        return model.predict(tf.constant(list(texts)), batch_size=256, verbose=0)

    # Evaluate
    out = predict([r.title for r in test_rows])
    probs = out["probabilities"]
    metrics = classification_report(y_test, probs.argmax(1), sentfin.LABELS)
    branch_reports = {
        name: classification_report(y_test, p.argmax(1), sentfin.LABELS)
        for name, p in (
            ("sequence", sequence_fit.predict(x_test, verbose=0)),
            ("ngram", ngram.predict(x_test, verbose=0)),
        )
    }
    branch_metrics = {name: r["accuracy"] for name, r in branch_reports.items()}
    # Both fixed test sets, the model beside the same-data baseline, with calibration
    # (and what it was before temperature scaling) and the share of known tokens.
    test_sets = {"sentfin_test": ([r.title for r in test_rows], y_test, out)}
    if tfns_test:
        texts = [h.text for h in tfns_test]
        y = np.array([label_id[h.label] for h in tfns_test])
        test_sets["tfns_validation"] = (texts, y, predict(texts))
    texts = [t for t, _ in posts_test]
    y = np.array([label_id[label] for _, label in posts_test])
    test_sets["economy_posts"] = (texts, y, predict(texts))
    scored: dict[str, dict[str, object]] = {}
    for name, (texts, y, answer) in test_sets.items():
        # softmax(T * (log p - b)) undoes softmax(log p / T + b).
        unscaled = bias_temperature_scale(
            answer["probabilities"], 1.0 / temperature, [-temperature * b for b in bias]
        )
        scored[name] = {
            "model": {
                **calibrated_report(y, answer["probabilities"], sentfin.LABELS),
                "ece_before_temperature": expected_calibration_error(unscaled, y),
                "mean_coverage": round(float(answer["coverage"].mean()), 4),
            },
            "baseline": calibrated_report(y, base.predict_proba(texts), sentfin.LABELS),
        }
        # The same, each text as the service reads it (app.sentiment.service.model_text:
        # look-alike characters folded, links, outlets' marks and exchange tags out).
        read = [model_text(t) for t in texts]
        same = read == list(texts)
        scored[name]["model_as_the_service_reads"] = calibrated_report(
            y, (answer if same else predict(read))["probabilities"], sentfin.LABELS
        )
        scored[name]["baseline_as_the_service_reads"] = calibrated_report(
            y, base.predict_proba(read), sentfin.LABELS
        )
        if base_made is not None:
            added = "economy_posts" if args.economy_posts else "synthetic"
            scored[name][f"baseline_with_{added}"] = calibrated_report(
                y, base_made.predict_proba(texts), sentfin.LABELS
            )
        print(
            f"{name}: model {scored[name]['model']['accuracy']:.4f}, "  # type: ignore[index]
            f"baseline {scored[name]['baseline']['accuracy']:.4f}",
            flush=True,
        )
    suite = predict([case.text for case in checklist.CASES])
    behaviour = checklist.evaluate(lambda _: suite["probabilities"])
    print(checklist.format_report(behaviour, failures=0), flush=True)
    behaviour_by_weight = checklist_by_weight(
        sequence_fit, ngram, suite["coverage"], temperature, bias
    )
    indicators = economy.evaluate(lambda texts: predict(texts)["probabilities"])
    print(
        "economy's indicators: "
        + ", ".join(
            f"{g} {r['accuracy']:.3f} ({r['bad_indicators']:.3f} of the bad)"
            for g, r in indicators.items()
        ),
        flush=True,
    )
    print(
        f"model: test accuracy {metrics['accuracy']:.4f}, macro-F1 {metrics['macro_f1']:.4f} "
        f"(branches alone: {branch_metrics})",
        flush=True,
    )
    print(f"confusion matrix (rows true, cols predicted, {', '.join(sentfin.LABELS)}):")
    for row in metrics["confusion_matrix"]["rows_true_cols_pred"]:
        print("   ", row)
    vectors = fitted.sequence.get_layer("word_vectors")

    # Export
    target = args.out
    version_dir = export_model(
        model,
        target,
        INPUT_SPEC,
        OUTPUT_NAME,
        {
            "name": MODEL_NAME,
            "command": command_line("training.sentiment.train", argv),
            "labels": list(sentfin.LABELS),
            "label_rule": sentfin.LABEL_RULE,
            "split_rule": sentfin.SPLIT_RULE,
            "validation_rule": VALIDATION_RULE,
            "data": {
                "file": path.name,
                "sha256": data_sha256,
                "rows": len(rows),
                "fit": len(fit_rows),
                "validation": len(val_rows),
                "test": len(test_rows),
                "tfns": None
                if args.no_tfns
                else {
                    "file": args.tfns.name,
                    "sha256": sentfin.file_sha256(args.tfns),
                    "rows": len(extra),
                },
            },
            "synthetic": None
            if not made
            else {
                "rows": len(made),
                "kinds": dict(Counter(h.kind for h in made)),
                "labels": dict(Counter(h.label for h in made)),
                "generator": "training/sentiment/synthetic.py",
                "used_for": (
                    "both branches' fit and refit"
                    if args.synthetic == "both"
                    else "the sequence branch's fit and refit"
                )
                + "; never validation or test",
            },
            "economy_posts": None
            if not args.economy_posts
            else {
                "file": economy_posts.FILE.name,
                "sha256": sentfin.file_sha256(economy_posts.FILE),
                "rows": len(posts),
                "repeat": economy_posts.REPEAT,
                "used_for": "both branches' fit and refit; never validation or test",
            },
            "teacher": teacher_record(args.teacher, teacher),
            "config": {
                **cfg.to_dict(),
                "seed": args.seed,
                "sequence_weight": weight,
                "temperature": temperature,
                **warm_start_record(args),
            },
            "word_vectors": {
                "source": SOURCE,
                "vocabulary": vectors.vocabulary_size,
                "dimensions": vectors.dim,
                "variance_retained": pretrained.retained,
                "storage": "int8, one float32 scale per row; frozen in training",
            },
            "calibration": calibration,
            "metrics": {
                "test": metrics,
                "branch_test_accuracy": branch_metrics,
                "sequence_branch_macro_f1": branch_reports["sequence"]["macro_f1"],
            },
            "baseline": {
                "config": baseline.CONFIG,
                "test": baseline_metrics,
                "seconds": baseline_seconds,
            },
            "test_sets": scored,
            "checklist": {k: v for k, v in behaviour.items() if k != "failures"},
            "checklist_by_weight": behaviour_by_weight,
            "economy": indicators,
            "training": {**fits, "seconds": round(time.perf_counter() - started, 1)},
            "parameters": int(model.count_params()),
            "recurrent_parameters": sum(
                int(layer.count_params())
                for layer in sequence_fit.layers
                if layer.name in ("bilstm", "bilstm_lower")
            ),
        },
        version=args.version,
        extra_files={"WORD_VECTORS.md": NOTICE},
        reports=reports.sentiment_reports,
    )
    verdict = "meets" if metrics["accuracy"] >= baseline_metrics["accuracy"] else "is below"
    print(
        f"exported {version_dir}: test accuracy {metrics['accuracy']:.4f} {verdict} the "
        f"baseline's {baseline_metrics['accuracy']:.4f}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
