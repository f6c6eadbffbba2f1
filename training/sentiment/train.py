"""Train, evaluate and export the headline sentiment model.

    python -m training.sentiment.train [--data PATH | --download] [--tfns PATH | --no-tfns]
        [--synthetic none|sequence|both] [--counterfactuals [objects]] [--out models/sentiment]

Reads top to bottom: data, baseline, model, fit, evaluate, export. The training data is
SEntFiN's training part and, unless --no-tfns, TFNS train; validation is carved out of
both by the same hash rule. With --synthetic, rule-labelled headlines
(training/sentiment/synthetic.py) join the fit of the sequence branch or of both; never
validation. The sequence branch learns the teacher's answers on them where a teacher
fine-tuned on them gave its answers (`make teacher ARGS=--synthetic`). With
--counterfactuals it also learns each training headline with its one deciding word
turned into its opposite, the teacher's answer swapped (counterfactual.py); with
--counterfactuals objects, also with the thing that moves turned from good to bad or
back ("profit rises" -> "costs rise", "costs fall"). The fixed
test sets (docs/reference.md) are scored at the end, the model beside the baseline
fitted on the same real headlines.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from training import reports
from training.cells import add_cell_arguments, check_cell_options
from training.export import check_version_free, command_line, export_model
from training.metrics import (
    calibrated_report,
    classification_report,
    expected_calibration_error,
    fit_temperature,
    temperature_scale,
)
from training.sentiment import (
    baseline,
    checklist,
    counterfactual,
    sentfin,
    soft_labels,
    synthetic,
    tfns,
)
from training.sentiment.model import (
    Calibrated,
    SentimentConfig,
    SequenceBranch,
    combine,
    compile_classifier,
    fit_ngram_exact,
    learning_rate_callbacks,
    mix,
    ngram_branch,
    sequence_branch,
)
from training.sentiment.parts import VALIDATION_RULE, fit_and_validation, headline_split
from training.sentiment.warm_start import start_record, warm_started
from training.sentiment.word_vectors import NOTICE, SOURCE, Pretrained
from training.weight_average import TailAverage

MODEL_NAME = "sentiment"
INPUT_SPEC = tf.TensorSpec([None], tf.string, name="headlines")
OUTPUT_NAME = "probabilities"
COMPOSITION_SEED = 99  # synthetic.generate's seed for the one-se rule's held-out draws


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
    add_teacher_arguments(parser, soft_labels.COMMITTED)
    parser.add_argument(
        "--counterfactuals",
        nargs="?",
        const="words",
        choices=("words", "objects"),
        help="the sequence branch also learns each training headline with its one deciding "
        "word turned into its opposite, the teacher's answer swapped; 'objects' adds its "
        "object swaps (training/sentiment/counterfactual.py; needs a teacher)",
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
    if args.counterfactual_branches == "both" and not args.counterfactuals:
        parser.error("--counterfactual-branches both needs --counterfactuals")
    if args.weight_rule == "one-se" and args.synthetic == "none":
        parser.error("--weight-rule one-se needs --synthetic sequence or both")
    return args


def add_weight_rule_argument(parser: argparse.ArgumentParser, default: str = "best") -> None:
    """--weight-rule, shared with the entity model's run (which passes default="sequence")."""
    parser.add_argument(
        "--weight-rule",
        choices=("best", "one-se", "sequence"),
        default=default,
        help="how validation picks the sequence branch's weight: the best accuracy, or, "
        "among weights within one standard error of it, the one that reads other draws "
        "of the rule-labelled headlines best (one-se; needs --synthetic), or none: the "
        f"sequence branch alone, a cheaper graph to serve (sequence; default: {default})",
    )


def add_network_arguments(parser: argparse.ArgumentParser, drop_links: bool = False) -> None:
    """The options of the network and its fit, shared with the entity model's run (which
    drops links by default, as its served model does)."""
    defaults = SentimentConfig()
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--max-epochs", type=int, default=defaults.max_epochs)
    parser.add_argument("--patience", type=int, default=defaults.patience)
    parser.add_argument(
        "--learning-rate-decay",
        choices=("constant", "cosine"),
        default=defaults.learning_rate_decay,
        help="the sequence branch's rate: constant, or cosine decay to zero at --max-epochs",
    )
    parser.add_argument(
        "--average-epochs",
        type=int,
        default=defaults.average_epochs,
        help="end the sequence branch on the mean of its last N epochs' weights, early "
        "stopping on the mean's validation accuracy (default: 0, its best epoch's own)",
    )
    parser.add_argument(
        "--learning-rate",
        type=float,
        default=defaults.lstm_learning_rate,
        help="the sequence branch's Adam rate (its start, with cosine decay)",
    )
    parser.add_argument(
        "--init-from",
        type=Path,
        help="a headline SavedModel (models/sentiment/7) whose BiLSTM and output layer "
        "the sequence branch starts from, in the probe and the refit (default: random, as "
        "served)",
    )
    parser.add_argument(
        "--probe-init-from",
        type=Path,
        help="the probe's start instead, where --init-from saw validation: an export of "
        "--no-refit, fitted on the fit part alone",
    )
    parser.add_argument(
        "--no-refit",
        action="store_true",
        help="export the probe, fitted on the fit part alone, instead of refitting on fit "
        "and validation (a start for --probe-init-from)",
    )
    parser.add_argument("--lstm-units", type=int, default=defaults.lstm_units)
    parser.add_argument(
        "--sequence-length",
        type=int,
        default=defaults.sequence_length,
        help="tokens the recurrent branch reads at most (a longer text is cut)",
    )
    add_cell_arguments(parser)
    parser.add_argument(
        "--training-words-only",
        action="store_true",
        help="vocabulary from the training headlines alone, without the pretrained "
        "tokenizer's words (small models for tests)",
    )
    links = "drop" if drop_links else "keep"
    parser.add_argument(
        "--links",
        choices=("keep", "drop"),
        default=links,
        help="read links as words or drop them before the words are read (default: "
        f"{links}, as the served model does)",
    )
    parser.add_argument(
        "--char-ngram-tokens",
        type=int,
        default=defaults.char_ngram_tokens,
        help="character 2-5 grams the n-gram branch reads (0: word n-grams alone)",
    )
    parser.add_argument("--word-ngram-tokens", type=int, default=defaults.word_ngram_tokens)
    parser.add_argument(
        "--verbose",
        type=int,
        default=2,
        choices=(0, 1, 2),
        help="Keras progress: 0 silent, 1 bar, 2 a line per epoch",
    )


def check_network_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Stop at the command line on what `add_network_arguments` cannot take."""
    if not args.learning_rate > 0:
        parser.error(f"--learning-rate must be above 0, got {args.learning_rate}")
    starts = {"--init-from": args.init_from, "--probe-init-from": args.probe_init_from}
    for option, folder in starts.items():
        if folder is not None and not (folder / "saved_model.pb").is_file():
            parser.error(f"{option} {folder}: no SavedModel there")
    if args.probe_init_from is not None and args.init_from is None and not args.no_refit:
        # The refit replays the probe's epoch count, which means nothing from another start.
        parser.error("--probe-init-from needs --init-from for the refit, or --no-refit")


def warm_branches(
    args: argparse.Namespace, branch: SequenceBranch
) -> tuple[SequenceBranch, SequenceBranch]:
    """`branch` for the refit and for the probe, each started where the options say."""
    refit = branch if args.init_from is None else warm_started(branch, args.init_from)
    start = args.probe_init_from or args.init_from
    return refit, branch if start is None else warm_started(branch, start)


def warm_start_record(args: argparse.Namespace) -> dict[str, object]:
    """Where the branch started and whether it was refitted, for an export's config;
    `starts` names each start by its weights' digest and the command that made it."""
    folders = {"init_from": args.init_from, "probe_init_from": args.probe_init_from}
    return {
        **{k: None if v is None else v.as_posix() for k, v in folders.items()},
        "starts": {k: start_record(v) for k, v in folders.items() if v is not None},
        "refit": not args.no_refit,
    }


def network_config(args: argparse.Namespace) -> SentimentConfig:
    """The config `add_network_arguments`' options give, checked; seeds Keras."""
    cfg = SentimentConfig(
        pretrained_vocabulary=not args.training_words_only,
        lstm_units=args.lstm_units,
        sequence_length=args.sequence_length,
        cell=args.cell,
        layer_norm=args.layer_norm,
        recurrent_dropout=args.recurrent_dropout,
        word_ngram_tokens=args.word_ngram_tokens,
        char_ngram_tokens=args.char_ngram_tokens,
        max_epochs=args.max_epochs,
        patience=args.patience,
        lstm_learning_rate=args.learning_rate,
        learning_rate_decay=args.learning_rate_decay,
        average_epochs=args.average_epochs,
        drop_links=args.links == "drop",
    )
    check_cell_options(cfg.cell, cfg.layer_norm, cfg.recurrent_dropout)
    if cfg.average_epochs < 0:
        raise ValueError(f"--average-epochs must be 0 or more, got {cfg.average_epochs}")
    keras.utils.set_random_seed(args.seed)
    return cfg


def fit_branch(
    model: keras.Model,
    train: tuple[tf.Tensor, np.ndarray],
    val: tuple[tf.Tensor, np.ndarray],
    cfg: SentimentConfig,
    verbose: int,
) -> dict[str, object]:
    print(f"--- fitting {model.name} ({model.count_params():,} parameters)", flush=True)
    start = time.perf_counter()
    if cfg.average_epochs:
        stopping: list[keras.callbacks.Callback] = [
            TailAverage(cfg.average_epochs, val, cfg.patience)
        ]
    else:
        stopping = [
            keras.callbacks.EarlyStopping(
                monitor="val_accuracy", patience=cfg.patience, restore_best_weights=True
            )
        ]
    history = model.fit(
        *train,
        validation_data=val,
        epochs=cfg.max_epochs,
        batch_size=cfg.batch_size,
        verbose=verbose,
        callbacks=[*stopping, *learning_rate_callbacks(cfg)],
    )
    seconds = time.perf_counter() - start
    val_acc = history.history["val_accuracy"]
    # The epoch kept is the best by what stopping watched: the mean's score, if averaged.
    kept = history.history.get("val_accuracy_average", val_acc)
    return {
        "epochs_run": len(val_acc),
        "best_epoch": int(np.argmax(kept)) + 1,
        "best_val_accuracy": round(float(max(kept)), 4),
        "averaged_epochs": cfg.average_epochs,
        "seconds": round(seconds, 1),
        "seconds_per_epoch": round(seconds / len(val_acc), 2),
        # Per epoch, for the training-curve report.
        "history": reports.recorded_history(history.history),
    }


def add_teacher_arguments(parser: argparse.ArgumentParser, default: Path | None) -> None:
    parser.add_argument(
        "--teacher",
        type=Path,
        default=default,
        help="the teacher's answers the sequence branch learns from (training/sentiment/"
        f"teacher.py; default: {'the committed ones' if default else 'none'})",
    )
    parser.add_argument(
        "--no-teacher", action="store_true", help="the sequence branch learns the labels alone"
    )
    parser.add_argument(
        "--unlabelled",
        action="store_true",
        help="learn the teacher's answers on unlabelled posts too (data/tfns_topic/; tried, "
        "not served: docs/models/sentiment.md)",
    )
    parser.add_argument(
        "--composed",
        action="store_true",
        help="learn the teacher's answers on the fit headlines negated, hedged and joined "
        "too (training/sentiment/compose.py; in the answers of `make teacher ARGS=--compose`)",
    )
    parser.add_argument(
        "--distill-temperature",
        type=float,
        default=1.0,
        help="the teacher's logits are divided by this before they become targets",
    )
    parser.add_argument(
        "--ngram-targets",
        choices=("labels", "teacher"),
        default="labels",
        help="what the n-gram branch learns: the labels (default, as served), or the "
        "teacher's probabilities on the sequence branch's rows (needs a teacher)",
    )


def read_teacher(
    args: argparse.Namespace,
    texts: Sequence[str],
    own_labels: Callable[[soft_labels.SoftLabels], Mapping[str, int]] | None = None,
) -> soft_labels.SoftLabels | None:
    """The answers `--teacher` names (None with `--no-teacher`), checked to hold every
    training text: a ValueError or OSError says what is wrong in one line. `own_labels`
    names, from the answers, the texts that learn their label in their place
    (`SoftLabels.relabelled`)."""
    if args.no_teacher or args.teacher is None:
        return None
    teacher = soft_labels.read(args.teacher)
    if own_labels is not None:
        edits = len(teacher.texts["variant"])
        teacher = teacher.relabelled(own_labels(teacher))
        print(
            f"{len(teacher.texts['label'])} pairs learn their own label; "
            f"{edits - len(teacher.texts['variant'])} of the teacher's edits were made from "
            "them and are left out",
            flush=True,
        )
    teacher.probabilities(texts)
    if args.composed and not teacher.texts["composed"]:
        raise ValueError(
            f"{args.teacher} holds no composed headlines: `make teacher` writes them with --compose"
        )
    for part, wanted in (("unlabelled", args.unlabelled), ("composed", args.composed)):
        if not wanted:
            teacher = teacher.without(part)
    return teacher


def teacher_record(
    path: Path | None, teacher: soft_labels.SoftLabels | None
) -> dict[str, object] | None:
    """What the metadata says of the teacher's answers."""
    if path is None or teacher is None:
        return None
    return {
        "file": path.name,
        "sha256": sentfin.file_sha256(path),
        # The rows read win over the counts its teacher.json recorded.
        **soft_labels.record(path),
        "rows": {part: len(texts) for part, texts in teacher.texts.items()},
        "used_for": "the sequence branch's targets in its fit and refit",
    }


def one_hot(labels: np.ndarray) -> np.ndarray:
    return np.eye(len(sentfin.LABELS), dtype=np.float32)[labels]


@dataclass(frozen=True)
class Counterfactuals:
    """What the training learns of training.sentiment.counterfactual."""

    exclude: Collection[str]  # validation and test headlines: never learnt, even turned
    objects: bool = False  # the object swaps too
    ngram: bool = False  # the n-gram branch learns them too, not only the sequence branch


def teacher_targets(
    data: Data,
    teacher: soft_labels.SoftLabels,
    temperature: float,
    counterfactuals: Counterfactuals | None = None,
) -> tuple[Data, int]:
    """The texts of `data`, the teacher's variants and the unlabelled and composed headlines
    it answered, with the teacher's probabilities at `temperature` (knowledge distillation:
    Hinton et al., 2015) in place of the labels; with `counterfactuals`, also the counterfactuals
    of `data`'s headlines, last. And how many counterfactuals."""
    texts = [t.decode() for t in data[0].numpy()]
    extra = teacher.texts["variant"] + teacher.texts["unlabelled"] + teacher.texts["composed"]
    targets = teacher.probabilities(texts + extra, temperature).astype(np.float32)
    flipped: list[str] = []
    if counterfactuals is not None:
        flipped, swapped = counterfactual.counterfactuals(
            texts, targets[: len(texts)], counterfactuals.exclude, counterfactuals.objects
        )
        targets = np.concatenate([targets, swapped.astype(np.float32)])
    return (
        tf.concat([data[0], tf.constant(extra + flipped, tf.string)], 0),
        targets,
    ), len(flipped)


def synthetic_targets(
    data: Data, teacher: soft_labels.SoftLabels, temperature: float
) -> tuple[Data, int]:
    """Rule-labelled headlines with the teacher's probabilities where it answered them (a
    teacher fine-tuned on them, `make teacher ARGS=--synthetic`), their labels one-hot
    elsewhere (rows given as probabilities stay as given); and how many it answered."""
    answered = set(teacher.texts["synthetic"])
    texts = [t.decode() for t in data[0].numpy()]
    mine = np.array([t in answered for t in texts])
    targets = data[1].copy() if data[1].ndim == 2 else one_hot(data[1])
    if mine.any():
        targets[mine] = teacher.probabilities(
            [t for t, m in zip(texts, mine, strict=True) if m], temperature
        )
    return (data[0], targets), int(mine.sum())


WEIGHTS = np.round(np.linspace(0.0, 1.0, 21), 2)


def mixture_accuracy(p_seq: np.ndarray, p_ngram: np.ndarray, y: np.ndarray) -> list[float]:
    """The mixture's accuracy at each sequence branch weight of WEIGHTS."""
    return [float((mix(p_seq, p_ngram, w).argmax(1) == y).mean()) for w in WEIGHTS]


def best_weight(scores: list[float]) -> float:
    """The sequence branch weight with the best validation accuracy (ties: nearest 0.5);
    `scores` are the accuracies at WEIGHTS."""
    best = max(scores)
    return float(
        min(
            (w for w, s in zip(WEIGHTS, scores, strict=True) if s == best),
            key=lambda w: abs(w - 0.5),
        )
    )


def one_se_weight(validation: list[float], n: int, composition: list[float]) -> dict[str, object]:
    """The one-standard-error rule (Breiman et al., 1984), with composition as the tie-breaker.

    Real validation headlines rarely need composition to be read, so their accuracy
    cannot tell weights apart that it puts within noise of each other. Among the weights
    whose validation accuracy is within one binomial standard error of the best, take
    the one that reads held-out rule-labelled headlines best; among equals, weight 1,
    the simplest model (the exported graph then leaves the n-gram branch out, and costs
    less to serve); then the better validation accuracy, then nearest 0.5. `validation`
    and `composition` are accuracies at WEIGHTS.
    """
    best = max(validation)
    se = float(np.sqrt(best * (1.0 - best) / n))
    eligible = [i for i, v in enumerate(validation) if v >= best - se - 1e-12]
    i = max(
        eligible,
        key=lambda i: (
            composition[i],
            WEIGHTS[i] >= 1.0,
            validation[i],
            -abs(WEIGHTS[i] - 0.5),
        ),
    )
    return {
        "weight": float(WEIGHTS[i]),
        "standard_error": round(se, 4),
        "floor": round(best - se, 4),
        # The exact comparison's outcome: the accuracies and the floor are stored rounded.
        "eligible": [float(WEIGHTS[j]) for j in eligible],
    }


def choose_temperature(probabilities: np.ndarray, y: np.ndarray) -> dict[str, object]:
    """Temperature scaling, kept only if it lowers the validation ECE (else 1.0)."""
    fitted = fit_temperature(probabilities, y)
    before = expected_calibration_error(probabilities, y)
    after = expected_calibration_error(temperature_scale(probabilities, fitted), y)
    return {
        "fitted_on": "validation part, branches fitted on the fit part",
        "fitted_temperature": fitted,
        "validation_ece_before": before,
        "validation_ece_after": after,
        "temperature": fitted if after < before else 1.0,
    }


def checklist_by_weight(
    sequence: keras.Model, ngram: keras.Model, coverage: np.ndarray
) -> dict[str, object]:
    """The behavioural suite at every mixing weight of the exported branches.

    A record of what the weight trades, read after the choice: the suite is a test, so
    it never chooses the weight (validation and the held-out draws of the grammars do).
    `coverage` is the export's for the suite's headlines, in order; each row's answers
    are the export's at that weight (the temperature reorders nothing, so it is left out).
    """
    texts = tf.constant([case.text for case in checklist.CASES])
    p_seq, p_ngram = (m.predict(texts, batch_size=256, verbose=0) for m in (sequence, ngram))

    def served(w: float) -> np.ndarray:
        probs = Calibrated(1.0)(tf.constant(mix(p_seq, p_ngram, w)), tf.constant(coverage))
        return keras.ops.convert_to_numpy(probs)

    runs = [checklist.evaluate(lambda _, w=w: served(w)) for w in WEIGHTS]
    overall = [round(r["overall"]["rate"], 4) for r in runs]
    pairs = ", ".join(f"{w:g} {r:.3f}" for w, r in zip(WEIGHTS, overall, strict=True))
    print(f"suite pass rate by sequence weight: {pairs}", flush=True)
    return {
        "used_for": "the record only; the weight is chosen on validation",
        "weights": [float(w) for w in WEIGHTS],
        "overall_rate": overall,
        "categories": {
            name: [round(r["categories"][name]["rate"], 4) for r in runs]
            for name in runs[0]["categories"]
        },
        "invariance_consistent": [r["invariance_consistency"]["passed"] for r in runs],
    }


@dataclass
class Fitted:
    model: keras.Model  # the serving graph: strings -> probabilities and coverage
    sequence_fit: keras.Model  # the sequence branch as fitted (strings -> probabilities)
    sequence: keras.Model  # the same branch with coverage
    ngram: keras.Model
    weight: float
    calibration: dict[str, object]
    fits: dict[str, dict[str, object]]


Data = tuple[tf.Tensor, np.ndarray]


def fit_mixture(
    cfg: SentimentConfig,
    pretrained: Pretrained,
    fit: Data,
    val: Data,
    train: Data,
    verbose: int,
    branch: SequenceBranch = sequence_branch,
    synthetic: Data | None = None,
    synthetic_ngram: bool = False,
    composition: Data | None = None,
    teacher: soft_labels.SoftLabels | None = None,
    distill_temperature: float = 1.0,
    val_sources: dict[str, np.ndarray] | None = None,
    sequence_alone: bool = False,
    counterfactuals: Counterfactuals | None = None,
    probe_branch: SequenceBranch | None = None,
    refit: bool = True,
    ngram_teacher: bool = False,
) -> Fitted:
    """The two-branch model: the sequence branch fitted with early stopping and the
    n-gram branch solved exactly, both on the fit part; the mixing weight and the
    temperature chosen on validation; then both branches refitted on `train` (fit and
    validation together; the LSTM for its best epoch count). `branch` builds the
    sequence branch (the entity model reads its BiLSTM differently).

    `synthetic` (rule-labelled headlines) joins the sequence branch's fit and refit, and
    the n-gram branch's only with `synthetic_ngram`: a bag of n-grams cannot learn how the
    words combine, only memorise the generated frames, and they cost it accuracy on real
    headlines. Validation never holds them.

    `composition` (rule-labelled headlines that neither branch is fitted on) switches the
    choice of the mixing weight from the best validation accuracy to `one_se_weight`.

    `teacher` (a pretrained encoder's answers, `training.sentiment.teacher`) replaces the
    sequence branch's targets with its probabilities, on the real headlines, on the
    variants of the fit part it labelled and on the rule-labelled headlines it answered;
    validation still scores against the labels. With `counterfactuals` the teacher's
    answers also go, negative and positive swapped where the sign turns, to the
    counterfactuals of the fitted headlines; to the n-gram branch too, as labels, if
    `counterfactuals.ngram`.

    With `ngram_teacher` the n-gram branch learns the teacher's probabilities too, on the
    same rows as the sequence branch (the counterfactuals only if `counterfactuals.ngram`),
    instead of the labels: the teacher's reading reaches both branches.

    `probe_branch` builds the probe's sequence branch where it must start elsewhere than
    the refit's (a warm start from a model that never saw validation). Without `refit`
    the probe is the model: fitted on the fit part alone, it has never seen validation."""
    if ngram_teacher and (teacher is None or synthetic_ngram):
        raise ValueError(
            "the n-gram branch learns a teacher's answers only with a teacher, and not "
            "beside rule-labelled headlines, which carry labels"
        )
    fits: dict[str, dict[str, object]] = {}

    def joined(a: Data, b: Data) -> Data:
        return tf.concat([a[0], b[0]], 0), np.concatenate([a[1], b[1]])

    fit_ngram, train_ngram = fit, train
    if synthetic is not None and synthetic_ngram:
        fit_ngram, train_ngram = joined(fit, synthetic), joined(train, synthetic)
    # The n-gram branch keeps the true labels (unless `ngram_teacher`); the sequence
    # branch learns the teacher's answers on the real headlines and their variants, and
    # on the rule-labelled ones when its teacher learnt them too (hard labels beside soft
    # answers pull it apart).
    synthetic_answered = 0
    if teacher is not None:
        (fit, flipped), (train, flipped_refit) = (
            teacher_targets(d, teacher, distill_temperature, counterfactuals) for d in (fit, train)
        )
        # The counterfactuals are the last rows teacher_targets returns.
        with_flipped = counterfactuals is not None and counterfactuals.ngram
        if ngram_teacher:

            def soft(d: Data, n: int) -> Data:
                return d if with_flipped or not n else (d[0][:-n], d[1][:-n])

            fit_ngram, train_ngram = soft(fit, flipped), soft(train, flipped_refit)
        elif with_flipped and flipped:

            def answered(d: Data, n: int) -> Data:
                return d[0][-n:], d[1][-n:].argmax(1).astype(val[1].dtype)

            fit_ngram = joined(fit_ngram, answered(fit, flipped))
            train_ngram = joined(train_ngram, answered(train, flipped_refit))
        if synthetic is not None:
            synthetic, synthetic_answered = synthetic_targets(
                synthetic, teacher, distill_temperature
            )
    if synthetic is not None:
        fit, train = joined(fit, synthetic), joined(train, synthetic)
    soft = teacher is not None
    sequence_probe, probe_serve = (probe_branch or branch)(cfg, fit[0], pretrained)
    if soft:  # the branch comes compiled for label indices
        compile_classifier(sequence_probe, cfg.lstm_learning_rate, soft)
    # Against soft targets Keras wants the validation labels one-hot too.
    val_targets = (val[0], one_hot(val[1])) if soft else val
    fits["sequence"] = fit_branch(sequence_probe, fit, val_targets, cfg, verbose)
    if teacher is not None:
        fits["sequence"]["teacher"] = {
            "targets": "the teacher's probabilities",
            "temperature": distill_temperature,
            "variants": len(teacher.texts["variant"]),
            "unlabelled": len(teacher.texts["unlabelled"]),
            "composed": len(teacher.texts["composed"]),
            "synthetic": synthetic_answered,
        }
        if counterfactuals is not None:
            fits["sequence"]["teacher"]["counterfactuals"] = {
                "fit": flipped,
                "refit": flipped_refit,
                "objects": counterfactuals.objects,
                "branches": "both" if counterfactuals.ngram else "sequence",
            }
    p_val_sequence = sequence_probe.predict(val[0], verbose=0)
    ngram_probe = ngram_branch(cfg, fit_ngram[0])
    fit_ngram_exact(ngram_probe, *fit_ngram, cfg.ngram_c)
    p_val_ngram = ngram_probe.predict(val[0], verbose=0)
    curve = mixture_accuracy(p_val_sequence, p_val_ngram, val[1])
    mixture: dict[str, object] = {"weight_rule": "best validation accuracy"}
    if sequence_alone:
        weight, mixture = 1.0, {"weight_rule": "the sequence branch alone"}
    elif composition is None:
        weight = best_weight(curve)
    else:
        p_seq, p_ngram = (
            m.predict(composition[0], verbose=0) for m in (sequence_probe, ngram_probe)
        )
        read = mixture_accuracy(p_seq, p_ngram, composition[1])
        rule = one_se_weight(curve, len(val[1]), read)
        weight = float(rule["weight"])
        mixture = {
            "weight_rule": "one standard error, then composition",
            **rule,
            "composition_headlines": len(composition[1]),
            "composition_accuracy": [round(a, 4) for a in read],
        }
    p_val = mix(p_val_sequence, p_val_ngram, weight)
    # What a choice between runs (seeds, options) may be made on: never a test set.
    fits["mixture"] = {
        "validation_accuracy": round(float((p_val.argmax(1) == val[1]).mean()), 4),
        "weights": [float(w) for w in WEIGHTS],
        "validation_accuracy_by_weight": [round(a, 4) for a in curve],
        **mixture,
    }
    if val_sources:
        # Before the refit, which trains on validation: later figures on it are not held out.
        right = p_val.argmax(1) == val[1]
        fits["mixture"]["validation_by_source"] = {
            name: {"n": int(mask.sum()), "accuracy": round(float(right[mask].mean()), 4)}
            for name, mask in val_sources.items()
            if mask.any()
        }
    calibration = choose_temperature(p_val, val[1])
    temperature = float(calibration["temperature"])
    # Printed before the refit: the figure runs are compared on is known this early.
    print(
        f"sequence branch weight {weight} (mixture validation accuracy "
        f"{fits['mixture']['validation_accuracy']}), temperature {temperature}",
        flush=True,
    )

    targets = "the teacher's probabilities" if ngram_teacher else "the labels"
    if not refit:
        fits["ngram"] = {
            "solver": "lbfgs",
            "C": cfg.ngram_c,
            "targets": targets,
            "refit_rows": None,
        }
        return Fitted(
            combine(probe_serve, ngram_probe, weight, temperature),
            sequence_probe,
            probe_serve,
            ngram_probe,
            weight,
            calibration,
            fits,
        )
    epochs = int(fits["sequence"]["best_epoch"])
    print(
        f"--- refitting on {len(train_ngram[1])} headlines (sequence branch: {epochs} epochs "
        f"on {len(train[1])} examples)",
        flush=True,
    )
    start = time.perf_counter()
    sequence_fit, sequence = branch(cfg, train[0], pretrained)
    if soft:
        compile_classifier(sequence_fit, cfg.lstm_learning_rate, soft)
    # The refit replays the probe's epochs and, averaged, ends on the same mean.
    average = [TailAverage(cfg.average_epochs)] if cfg.average_epochs else []
    sequence_fit.fit(
        *train,
        epochs=epochs,
        batch_size=cfg.batch_size,
        verbose=verbose,
        callbacks=[*average, *learning_rate_callbacks(cfg)],
    )
    fits["sequence"]["refit_seconds"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    ngram = ngram_branch(cfg, train_ngram[0])
    fit_ngram_exact(ngram, *train_ngram, cfg.ngram_c)
    fits["ngram"] = {
        "solver": "lbfgs",
        "C": cfg.ngram_c,
        "targets": targets,
        "refit_rows": len(train_ngram[1]),
        "refit_seconds": round(time.perf_counter() - start, 1),
    }
    return Fitted(
        combine(sequence, ngram, weight, temperature),
        sequence_fit,
        sequence,
        ngram,
        weight,
        calibration,
        fits,
    )


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
    tfns_test = [] if args.no_tfns else tfns.load(tfns.TEST)

    x_fit, y_fit = arrays(fit_rows)
    x_val, y_val = arrays(val_rows)
    x_test, y_test = arrays(test_rows)
    print(
        f"data: {path} (sha256 {data_sha256[:12]}…), {len(rows)} headlines; "
        f"{len(extra)} from {'no TFNS' if args.no_tfns else args.tfns.name}, "
        f"{len(made)} synthetic: "
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

    # The same baseline with the synthetic headlines too, for the record.
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
    fitted = fit_mixture(
        cfg,
        pretrained,
        (x_fit, y_fit),
        (x_val, y_val),
        (x_train, y_train),
        args.verbose,
        refit_branch,
        synthetic=arrays(made_rows) if made_rows else None,
        synthetic_ngram=args.synthetic == "both",
        composition=arrays(held_rows) if held_rows else None,
        teacher=teacher,
        distill_temperature=args.distill_temperature,
        sequence_alone=args.weight_rule == "sequence",
        counterfactuals=(
            Counterfactuals(
                [r.title for r in val_rows + test_rows] + [h.text for h in tfns_test],
                objects=args.counterfactuals == "objects",
                ngram=args.counterfactual_branches == "both",
            )
            if args.counterfactuals
            else None
        ),
        probe_branch=probe_branch,
        refit=not args.no_refit,
        ngram_teacher=args.ngram_targets == "teacher",
    )
    model, sequence_fit, ngram = fitted.model, fitted.sequence_fit, fitted.ngram
    weight, calibration, fits = fitted.weight, fitted.calibration, fitted.fits
    temperature = float(calibration["temperature"])

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
    scored: dict[str, dict[str, object]] = {}
    for name, (texts, y, answer) in test_sets.items():
        unscaled = temperature_scale(answer["probabilities"], 1.0 / temperature)
        scored[name] = {
            "model": {
                **calibrated_report(y, answer["probabilities"], sentfin.LABELS),
                "ece_before_temperature": expected_calibration_error(unscaled, y),
                "mean_coverage": round(float(answer["coverage"].mean()), 4),
            },
            "baseline": calibrated_report(y, base.predict_proba(texts), sentfin.LABELS),
        }
        if base_made is not None:
            scored[name]["baseline_with_synthetic"] = calibrated_report(
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
    behaviour_by_weight = checklist_by_weight(sequence_fit, ngram, suite["coverage"])
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
            "training": {**fits, "seconds": round(time.perf_counter() - started, 1)},
            "parameters": int(model.count_params()),
            "recurrent_parameters": int(sequence_fit.get_layer("bilstm").count_params()),
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
