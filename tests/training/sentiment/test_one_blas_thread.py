"""The logistic regressions give the same solution whatever the number of cores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf
from threadpoolctl import threadpool_limits

from training.sentiment import baseline, sentfin
from training.sentiment.model import SentimentConfig, fit_ngram_exact, ngram_branch


def headlines(path: Path, n: int) -> tuple[list[str], np.ndarray]:
    rows = sentfin.load(path)[:n]
    return [r.title for r in rows], np.array([sentfin.LABELS.index(r.label) for r in rows])


def test_the_baseline_is_the_same_on_one_core_and_two(sentfin_path: Path) -> None:
    # BLAS splits its sums by thread: unpinned, these 2,000 headlines gave coefficients
    # 2e-12 apart with one BLAS thread and two, and the full data 0.2 points of accuracy.
    texts, labels = headlines(sentfin_path, 2000)
    coefs = []
    for threads in (1, 2):
        with threadpool_limits(threads, user_api="blas"):
            coefs.append(baseline.fit(texts, labels).named_steps["lr"].coef_)
    assert np.array_equal(*coefs)


def test_the_ngram_branch_is_the_same_on_one_core_and_two(sentfin_path: Path) -> None:
    texts, labels = headlines(sentfin_path, 2000)
    x = tf.constant(texts)
    kernels = []
    for threads in (1, 2):
        cfg = SentimentConfig(word_ngram_tokens=3000, char_ngram_tokens=20_000)
        model = ngram_branch(cfg, x)
        with threadpool_limits(threads, user_api="blas"):
            fit_ngram_exact(model, x, labels, c=10.0)
        kernels.append(model.get_layer("ngram_probs").kernel.numpy())
    assert np.array_equal(*kernels)
