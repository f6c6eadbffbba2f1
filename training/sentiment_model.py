"""The headline sentiment network: raw strings in, class probabilities out.

Two branches read the same raw string inside one graph:

- the sequence branch, the teaching material's model: word ids ->
  Embedding -> Bidirectional(LSTM) -> softmax;
- the n-gram branch: TF-IDF weighted word 1-2 grams and character 2-5 grams,
  L2-normalised, -> softmax: a logistic regression written as a layer, its
  weights solved exactly.

Each branch is fitted on its own (trained jointly, the LSTM memorises the
training set within two epochs and the n-gram weights stop learning); their
probabilities are mixed with a weight chosen on the validation part, and both
are then refitted on all non-test headlines (10 % more data is worth about 0.8
points of accuracy here). The exported SavedModel takes raw strings: no tokenizer runs
in Python at serving time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from training.sentfin import LABELS


@dataclass(frozen=True)
class SentimentConfig:
    vocab_size: int = 20_000
    sequence_length: int = 32
    embedding_dim: int = 64
    lstm_units: int = 64
    dropout: float = 0.3
    lstm_learning_rate: float = 1e-3
    word_ngram_tokens: int = 30_000
    char_ngram_tokens: int = 150_000
    ngram_c: float = 10.0
    batch_size: int = 64
    max_epochs: int = 30
    patience: int = 3

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _compile(model: keras.Model, learning_rate: float) -> keras.Model:
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def sequence_branch(cfg: SentimentConfig, texts: tf.Tensor) -> keras.Model:
    """Word ids -> Embedding -> BiLSTM -> class probabilities; vocabulary fitted on `texts`."""
    vectorize = layers.TextVectorization(
        max_tokens=cfg.vocab_size,
        output_mode="int",
        output_sequence_length=cfg.sequence_length,
        name="word_ids",
    )
    vectorize.adapt(texts, batch_size=1024)
    inputs = keras.Input(shape=(), dtype="string", name="headline")
    x = layers.Embedding(
        vectorize.vocabulary_size(), cfg.embedding_dim, mask_zero=True, name="embedding"
    )(vectorize(inputs))
    x = layers.Bidirectional(layers.LSTM(cfg.lstm_units), name="bilstm")(x)
    x = layers.Dropout(cfg.dropout)(x)
    outputs = layers.Dense(len(LABELS), activation="softmax", name="sequence_probs")(x)
    return _compile(keras.Model(inputs, outputs, name="sequence_branch"), cfg.lstm_learning_rate)


def ngram_branch(cfg: SentimentConfig, texts: tf.Tensor) -> keras.Model:
    """TF-IDF word and char n-grams -> linear softmax; vocabularies and IDF fitted on `texts`."""
    words = layers.TextVectorization(
        max_tokens=cfg.word_ngram_tokens, ngrams=(1, 2), output_mode="tf_idf", name="word_ngrams"
    )
    chars = layers.TextVectorization(
        max_tokens=cfg.char_ngram_tokens,
        # Keep punctuation ("%", "-", "$") in character grams: it carries signal here.
        standardize="lower",
        split="character",
        ngrams=(2, 3, 4, 5),
        output_mode="tf_idf",
        name="char_ngrams",
    )
    for vectorize in (words, chars):
        vectorize.adapt(texts, batch_size=1024)
    inputs = keras.Input(shape=(), dtype="string", name="headline")
    # L2-normalised like scikit-learn's TfidfVectorizer, so length does not scale the logits.
    features = layers.Concatenate(name="ngrams")(
        [layers.UnitNormalization()(words(inputs)), layers.UnitNormalization()(chars(inputs))]
    )
    outputs = layers.Dense(len(LABELS), activation="softmax", name="ngram_probs")(features)
    return keras.Model(inputs, outputs, name="ngram_branch")


def fit_ngram_exact(model: keras.Model, texts: tf.Tensor, labels: np.ndarray, c: float) -> None:
    """Solve the n-gram branch's softmax layer as an L2-regularised logistic regression.

    The problem is convex, so L-BFGS reaches its optimum where Adam with early
    stopping stopped about a point of accuracy short. The features come from the
    branch's own TextVectorization layers, so serving sees exactly what was fitted.
    """
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    features = keras.Model(model.inputs, model.get_layer("ngrams").output)
    blocks = [
        sparse.csr_matrix(features(texts[i : i + 512], training=False).numpy())
        for i in range(0, int(texts.shape[0]), 512)
    ]
    solver = LogisticRegression(C=c, max_iter=3000).fit(sparse.vstack(blocks), labels)
    coef = np.zeros((len(LABELS), solver.coef_.shape[1]), dtype=np.float32)
    bias = np.zeros(len(LABELS), dtype=np.float32)
    # A label absent from a tiny training set gets zero weights and a very low bias.
    bias[:] = -30.0
    coef[solver.classes_] = (
        solver.coef_
        if len(solver.classes_) > 2
        else np.vstack([-solver.coef_[0] / 2, solver.coef_[0] / 2])
    )
    bias[solver.classes_] = (
        solver.intercept_
        if len(solver.classes_) > 2
        else np.array([-solver.intercept_[0] / 2, solver.intercept_[0] / 2])
    )
    model.get_layer("ngram_probs").set_weights([coef.T, bias])


def combine(sequence: keras.Model, ngram: keras.Model, sequence_weight: float) -> keras.Model:
    """One graph: raw strings in, the weighted mean of both branches' probabilities out."""
    inputs = keras.Input(shape=(), dtype="string", name="headline")
    mixed = layers.Add(name="probabilities")(
        [
            layers.Rescaling(sequence_weight, name="sequence_weight")(sequence(inputs)),
            layers.Rescaling(1.0 - sequence_weight, name="ngram_weight")(ngram(inputs)),
        ]
    )
    return keras.Model(inputs, mixed, name="headline_sentiment")
