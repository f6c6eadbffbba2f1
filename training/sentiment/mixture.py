"""The two-branch model: the BiLSTM fitted with early stopping beside the n-gram logistic
regression solved exactly, the weight that mixes them and the temperature chosen on
validation, then both fitted again on the fit and validation parts together."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from training import reports
from training.metrics import (
    bias_temperature_scale,
    expected_calibration_error,
    fit_bias_temperature,
    fit_temperature,
    log_loss,
    rounded_accuracy,
    temperature_scale,
)
from training.sentiment import checklist, soft_labels
from training.sentiment.distill import (
    Counterfactuals,
    Data,
    one_hot,
    synthetic_targets,
    teacher_targets,
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
from training.sentiment.warm_start import souped
from training.sentiment.word_vectors import Pretrained
from training.weight_average import TailAverage


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


WEIGHTS = np.round(np.linspace(0.0, 1.0, 21), 2)
COMPOSITION_SEED = 99  # synthetic.generate's seed for the one-se rule's held-out draws


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
        "bias": [0.0] * probabilities.shape[1],
    }


def choose_calibration(probabilities: np.ndarray, y: np.ndarray, rule: str) -> dict[str, object]:
    """`choose_temperature`, or with `rule="bias"` also a shift per class fitted with it
    (`fit_bias_temperature`).

    The shifts change answers, so the choice between the two is made on answers neither
    was fitted to: validation in two halves (alternate rows), each calibration fitted on
    one half and scored on the other. The shifts are kept only if that cross-fitted
    log-loss is lower than the temperature's alone; either way the final fit is on all
    of validation.
    """
    chosen = choose_temperature(probabilities, y)
    if rule == "temperature":
        return chosen
    halves = [np.arange(len(y)) % 2 == i for i in (0, 1)]
    crossed: dict[str, np.ndarray] = {
        "temperature": np.zeros_like(probabilities),
        "bias": np.zeros_like(probabilities),
    }
    for fit_half, score_half in (halves, halves[::-1]):
        p_fit, y_fit, p_score = probabilities[fit_half], y[fit_half], probabilities[score_half]
        crossed["temperature"][score_half] = temperature_scale(
            p_score, fit_temperature(p_fit, y_fit)
        )
        crossed["bias"][score_half] = bias_temperature_scale(
            p_score, *fit_bias_temperature(p_fit, y_fit)
        )
    scores = {
        name: {
            "log_loss": round(log_loss(p, y), 4),
            "accuracy": rounded_accuracy(p, y),
            "ece": expected_calibration_error(p, y),
        }
        for name, p in crossed.items()
    }
    temperature, bias = fit_bias_temperature(probabilities, y)
    kept = scores["bias"]["log_loss"] < scores["temperature"]["log_loss"]
    scaled = bias_temperature_scale(probabilities, temperature, bias)
    return {
        **chosen,
        "rule": "bias-corrected temperature, if it lowers the cross-fitted log-loss",
        "cross_fitted": scores,
        "fitted_bias_temperature": temperature,
        "fitted_bias": bias,
        "validation_ece_after_bias": expected_calibration_error(scaled, y),
        "bias_kept": kept,
        **({"temperature": temperature, "bias": bias} if kept else {}),
    }


def checklist_by_weight(
    sequence: keras.Model,
    ngram: keras.Model,
    coverage: np.ndarray,
    temperature: float = 1.0,
    bias: Sequence[float] | None = None,
) -> dict[str, object]:
    """The behavioural suite at every mixing weight of the exported branches.

    A record of what the weight trades, read after the choice: the suite is a test, so
    it never chooses the weight (validation and the held-out draws of the grammars do).
    `coverage` is the export's for the suite's headlines, in order; each row's answers
    are the export's at that weight, calibrated as the export is (`temperature` and
    `bias`: shifts per class reorder answers, and with them so does the temperature).
    """
    texts = tf.constant([case.text for case in checklist.CASES])
    p_seq, p_ngram = (m.predict(texts, batch_size=256, verbose=0) for m in (sequence, ngram))

    def served(w: float) -> np.ndarray:
        probs = Calibrated(temperature, bias)(
            tf.constant(mix(p_seq, p_ngram, w)), tf.constant(coverage)
        )
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
    distill_loss: str = "cross-entropy",
    val_sources: dict[str, np.ndarray] | None = None,
    sequence_alone: bool = False,
    counterfactuals: Counterfactuals | None = None,
    source_tags: int | None = None,
    probe_branch: SequenceBranch | None = None,
    refit: bool = True,
    ngram_teacher: bool = False,
    soup_with: Sequence[Path] = (),
    refit_soup_with: Sequence[Path] = (),
    calibration_rule: str = "temperature",
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
    `counterfactuals.ngram`. With `source_tags` (a seed) the sequence branch also learns
    each fitted headline with a news source's tag and its own answer
    (`distill.teacher_targets`).

    With `ngram_teacher` the n-gram branch learns the teacher's probabilities too, on the
    same rows as the sequence branch (the counterfactuals only if `counterfactuals.ngram`),
    instead of the labels: the teacher's reading reaches both branches.

    `probe_branch` builds the probe's sequence branch where it must start elsewhere than
    the refit's (a warm start from a model that never saw validation). Without `refit`
    the probe is the model: fitted on the fit part alone, it has never seen validation.
    With `soup_with` (probes of other runs from the same start) the fitted sequence
    branch becomes the mean of its weights and theirs (`warm_start.souped`) before
    anything is chosen; the refit then becomes the mean of its weights and those of
    `refit_soup_with`, the same runs' refits."""
    if len(refit_soup_with) != (len(soup_with) if refit else 0):
        raise ValueError(
            "each probe in a soup needs its run's refit beside it, and a soup without a "
            "refit takes none"
        )
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
            teacher_targets(d, teacher, distill_temperature, counterfactuals, source_tags)
            for d in (fit, train)
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
        compile_classifier(sequence_probe, cfg.lstm_learning_rate, soft, distill_loss)
    # Against soft targets Keras wants the validation labels one-hot too.
    val_targets = (val[0], one_hot(val[1])) if soft else val
    fits["sequence"] = fit_branch(sequence_probe, fit, val_targets, cfg, verbose)
    if teacher is not None:
        fits["sequence"]["teacher"] = {
            "targets": "the teacher's probabilities",
            "temperature": distill_temperature,
            "loss": distill_loss,
            "variants": len(teacher.texts["variant"]),
            "unlabelled": len(teacher.texts["unlabelled"]),
            "composed": len(teacher.texts["composed"]),
            "synthetic": synthetic_answered,
            "source_tags": source_tags is not None,
        }
        if counterfactuals is not None:
            fits["sequence"]["teacher"]["counterfactuals"] = {
                "fit": flipped,
                "refit": flipped_refit,
                "objects": counterfactuals.objects,
                "pool": counterfactuals.pool,
                "branches": "both" if counterfactuals.ngram else "sequence",
            }
    p_val_sequence = sequence_probe.predict(val[0], verbose=0)
    if soup_with:
        own = rounded_accuracy(p_val_sequence, val[1])
        souped(sequence_probe, soup_with)
        p_val_sequence = sequence_probe.predict(val[0], verbose=0)
        fits["sequence"]["soup"] = {
            "members": [p.as_posix() for p in soup_with],
            "own_validation_accuracy": own,
            "validation_accuracy": rounded_accuracy(p_val_sequence, val[1]),
        }
        print(f"soup: {fits['sequence']['soup']}", flush=True)
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
        "validation_accuracy": rounded_accuracy(p_val, val[1]),
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
    calibration = choose_calibration(p_val, val[1], calibration_rule)
    temperature = float(calibration["temperature"])
    bias = [float(b) for b in calibration["bias"]]
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
            combine(probe_serve, ngram_probe, weight, temperature, bias),
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
        compile_classifier(sequence_fit, cfg.lstm_learning_rate, soft, distill_loss)
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
    if refit_soup_with:
        souped(sequence_fit, refit_soup_with)
        fits["sequence"]["soup"]["refit_members"] = [p.as_posix() for p in refit_soup_with]
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
        combine(sequence, ngram, weight, temperature, bias),
        sequence_fit,
        sequence,
        ngram,
        weight,
        calibration,
        fits,
    )
