"""The command-line options both sentiment trainers share, the headline model's and the
per-entity model's: the network and its fit, where the fit starts, the teacher, and how
validation picks the mixing weight and the calibration."""

from __future__ import annotations

import argparse
from pathlib import Path

import keras

from training.cells import add_cell_arguments, check_cell_options
from training.sentiment.model import DISTILL_LOSSES, POOLINGS, SentimentConfig, SequenceBranch
from training.sentiment.warm_start import start_record, warm_started


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
    parser.add_argument(
        "--calibration",
        choices=("temperature", "bias"),
        default="temperature",
        help="what validation fits to calibrate the mixture: a temperature, or a temperature "
        "and a shift per class (bias-corrected temperature scaling), the shifts kept only "
        "if they lower the log-loss of validation's halves fitted on each other",
    )


def add_network_arguments(
    parser: argparse.ArgumentParser,
    drop_links: bool = False,
    poolings: tuple[str, ...] = POOLINGS,
) -> None:
    """The options of the network and its fit, shared with the entity model's run (which
    drops links by default, as its served model does, and reads the BiLSTM in fewer
    ways: `poolings`)."""
    defaults = SentimentConfig()
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--pooling",
        choices=poolings,
        default=defaults.pooling,
        help="what the classifier reads of the BiLSTM: its last states (default, as "
        "served), the max over its steps (their width: a warm start fits)"
        + (", or both side by side" if "last-max" in poolings else ""),
    )
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
    parser.add_argument(
        "--soup-with",
        type=Path,
        nargs="+",
        default=[],
        metavar="EXPORT",
        help="the probe's BiLSTM and output layer become the mean of its own and these "
        "exports' (--no-refit runs from the same start; a model soup) before the weight "
        "and the temperature are chosen",
    )
    parser.add_argument(
        "--refit-soup-with",
        type=Path,
        nargs="+",
        default=[],
        metavar="EXPORT",
        help="the refit's soup: the refitted exports of the --soup-with runs, in their order",
    )
    parser.add_argument("--lstm-units", type=int, default=defaults.lstm_units)
    parser.add_argument(
        "--recurrent-layers",
        type=int,
        choices=(1, 2),
        default=defaults.recurrent_layers,
        help="BiLSTMs stacked in the sequence branch (default: 1, as served); 2 starts "
        "from scratch, as no export has the lower one",
    )
    parser.add_argument(
        "--adversarial",
        type=float,
        default=defaults.adversarial,
        metavar="EPSILON",
        help="fit the sequence branch on each batch and on its copy with the word vectors "
        "moved EPSILON (L2, over a headline) against it as well: adversarial training "
        "(default: 0, none)",
    )
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
    starts = [("--init-from", args.init_from), ("--probe-init-from", args.probe_init_from)]
    soups = [("--soup-with", f) for f in args.soup_with]
    soups += [("--refit-soup-with", f) for f in args.refit_soup_with]
    for option, folder in [*starts, *soups]:
        if folder is not None and not (folder / "saved_model.pb").is_file():
            parser.error(f"{option} {folder}: no SavedModel there")
    # The weight is chosen on the probes' soup, whose members never saw validation;
    # the refit's soup pairs each member's refit with its probe.
    if args.no_refit and args.refit_soup_with:
        parser.error("--refit-soup-with souped refits: it cannot go with --no-refit")
    if not args.no_refit and len(args.refit_soup_with) != len(args.soup_with):
        parser.error("--soup-with with a refit needs each member's refit in --refit-soup-with")
    if args.recurrent_layers == 2 and ([f for _, f in starts if f] or args.soup_with):
        parser.error("--recurrent-layers 2: no export has a lower BiLSTM to start from")
    if args.probe_init_from is not None and args.init_from is None and not args.no_refit:
        # The refit replays the probe's epoch count, which means nothing from another start.
        parser.error("--probe-init-from needs --init-from for the refit, or --no-refit")


def warm_branches(
    args: argparse.Namespace, branch: SequenceBranch, *, widen: bool = False
) -> tuple[SequenceBranch, SequenceBranch]:
    """`branch` for the refit and for the probe, each started where the options say
    (`widen`: as `warm_started` takes it)."""
    refit = branch if args.init_from is None else warm_started(branch, args.init_from, widen=widen)
    start = args.probe_init_from or args.init_from
    return refit, branch if start is None else warm_started(branch, start, widen=widen)


def warm_start_record(args: argparse.Namespace) -> dict[str, object]:
    """Where the branch started and whether it was refitted, for an export's config;
    `starts` names each start by its weights' digest and the command that made it."""
    folders = {"init_from": args.init_from, "probe_init_from": args.probe_init_from}
    return {
        **{k: None if v is None else v.as_posix() for k, v in folders.items()},
        "starts": {k: start_record(v) for k, v in folders.items() if v is not None},
        "refit": not args.no_refit,
        "soup_with": [start_record(f) for f in args.soup_with],
        "refit_soup_with": [start_record(f) for f in args.refit_soup_with],
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
        # The entity trainer's alone: a headline holds no target to stand beside.
        ngram_window=getattr(args, "ngram_window", 0),
        max_epochs=args.max_epochs,
        patience=args.patience,
        lstm_learning_rate=args.learning_rate,
        learning_rate_decay=args.learning_rate_decay,
        average_epochs=args.average_epochs,
        drop_links=args.links == "drop",
        pooling=args.pooling,
        recurrent_layers=args.recurrent_layers,
        adversarial=args.adversarial,
    )
    check_cell_options(cfg.cell, cfg.layer_norm, cfg.recurrent_dropout)
    if cfg.adversarial < 0:
        raise ValueError(f"--adversarial must be 0 or more, got {cfg.adversarial}")
    if cfg.average_epochs < 0:
        raise ValueError(f"--average-epochs must be 0 or more, got {cfg.average_epochs}")
    keras.utils.set_random_seed(args.seed)
    return cfg


def check_teacher_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Stop at the command line on what `add_teacher_arguments` cannot take."""
    teacher = not args.no_teacher and args.teacher is not None
    if args.distill_loss != "cross-entropy" and not teacher:
        parser.error(f"--distill-loss {args.distill_loss} needs a teacher")


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
        "--distill-loss",
        choices=DISTILL_LOSSES,
        default=DISTILL_LOSSES[0],
        help="how the sequence branch is held to the teacher's answers: cross-entropy "
        "(default, as served) or the squared distance between the centred logits",
    )
    parser.add_argument(
        "--ngram-targets",
        choices=("labels", "teacher"),
        default="labels",
        help="what the n-gram branch learns: the labels (default, as served), or the "
        "teacher's probabilities on the sequence branch's rows (needs a teacher)",
    )
