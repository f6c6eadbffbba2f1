"""The headline sentiment network: raw strings in, class probabilities out.

Two branches read the same raw string inside one graph:

- the sequence branch, the textbook BiLSTM: word ids ->
  Embedding -> Bidirectional(LSTM) -> softmax;
- the n-gram branch: TF-IDF weighted word 1-2 grams and character 2-5 grams,
  L2-normalised, -> softmax: a logistic regression written as one layer that keeps
  the features sparse, its weights solved exactly.

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

from training.cells import recurrent_layer
from training.sentiment.sentfin import LABELS


@dataclass(frozen=True)
class SentimentConfig:
    vocab_size: int = 20_000
    sequence_length: int = 32
    embedding_dim: int = 64
    lstm_units: int = 64
    cell: str = "lstm"  # lstm | gru | scratch-lstm | scratch-gru (training/cells.py)
    layer_norm: bool = False  # scratch cells only
    recurrent_dropout: float = 0.0  # scratch cells only
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


class FitLength(layers.Layer):
    """Token ids padded only to the batch's longest headline, at most `max_length`.

    Headlines hold 10 tokens on average and 23 at most, so a fixed length of 32 made
    the LSTMs spend most of their steps on padding: 6.8 ms against 2.6 ms for a batch
    of 32. The mask makes both give the same answer. At least one step, so a batch
    with no known word still runs.
    """

    def __init__(self, max_length: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length

    def call(self, ids: tf.Tensor) -> tf.Tensor:
        ids = ids[:, : self.max_length]
        short = tf.maximum(1 - tf.shape(ids)[1], 0)
        return tf.pad(ids, [[0, 0], [0, short]])

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (input_shape[0], None)


def sequence_branch(cfg: SentimentConfig, texts: tf.Tensor) -> keras.Model:
    """Word ids -> Embedding -> BiLSTM -> class probabilities; vocabulary fitted on `texts`."""
    vectorize = layers.TextVectorization(
        max_tokens=cfg.vocab_size,
        output_mode="int",
        output_sequence_length=None,
        name="word_ids",
    )
    vectorize.adapt(texts, batch_size=1024)
    inputs = keras.Input(shape=(), dtype="string", name="headline")
    x = layers.Embedding(
        vectorize.vocabulary_size(), cfg.embedding_dim, mask_zero=True, name="embedding"
    )(FitLength(cfg.sequence_length, name="fit_length")(vectorize(inputs)))
    x = layers.Bidirectional(
        recurrent_layer(cfg.cell, cfg.lstm_units, cfg.layer_norm, cfg.recurrent_dropout),
        name="bilstm",
    )(x)
    x = layers.Dropout(cfg.dropout)(x)
    outputs = layers.Dense(len(LABELS), activation="softmax", name="sequence_probs")(x)
    return _compile(keras.Model(inputs, outputs, name="sequence_branch"), cfg.lstm_learning_rate)


class NgramTfidfSoftmax(layers.Layer):
    """Raw strings -> TF-IDF of word 1-2 and char 2-5 grams -> linear softmax, kept sparse.

    The features are scikit-learn's: sublinear term frequency, smooth IDF, each block
    (words, characters) L2-normalised. A headline touches ~200 of the ~180,000 n-grams,
    so the features stay a SparseTensor and the logits take one sparse-dense matmul
    per block.
    """

    def __init__(self, word_tokens: int, char_tokens: int, units: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.units = units
        self.words = layers.TextVectorization(
            max_tokens=word_tokens,
            ngrams=(1, 2),
            output_mode="count",
            sparse=True,
            name="word_ngrams",
        )
        self.chars = layers.TextVectorization(
            max_tokens=char_tokens,
            # Keep punctuation ("%", "-", "$") in character grams: it carries signal here.
            standardize="lower",
            split="character",
            ngrams=(2, 3, 4, 5),
            output_mode="count",
            sparse=True,
            name="char_ngrams",
        )

    def adapt(self, texts: tf.Tensor) -> None:
        """Fit the vocabularies and the IDF weights on `texts`; create the (zero) weights."""
        for vectorize in (self.words, self.chars):
            vectorize.adapt(texts, batch_size=1024)
        self.n_words = int(self.words.vocabulary_size())
        df = np.concatenate(
            [
                np.bincount(c.indices[:, 1].numpy(), minlength=int(c.dense_shape[1]))
                for c in (self.words(texts), self.chars(texts))
            ]
        )
        n = float(texts.shape[0])
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        size = len(idf)
        self.idf = self.add_weight(
            shape=(size,), initializer=keras.initializers.Constant(idf), trainable=False, name="idf"
        )
        self.kernel = self.add_weight(shape=(size, self.units), initializer="zeros", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")
        self.built = True

    def _block(self, counts: tf.SparseTensor, offset: int, n_rows: tf.Tensor) -> tf.SparseTensor:
        """One block's TF-IDF, L2-normalised per row, in the columns of the joint feature space.

        `offset` places the block's columns after the blocks before it (the characters'
        after the words'), so both blocks share one IDF vector and one kernel.
        """
        rows, cols = counts.indices[:, 0], counts.indices[:, 1] + offset
        tf_ = 1.0 + tf.math.log(tf.cast(counts.values, tf.float32))
        values = tf_ * tf.gather(tf.convert_to_tensor(self.idf), cols)
        sq = tf.math.unsorted_segment_sum(tf.square(values), rows, n_rows)
        values = values / tf.sqrt(tf.maximum(tf.gather(sq, rows), 1e-12))
        width = tf.shape(self.idf, out_type=tf.int64)[0]
        return tf.SparseTensor(tf.stack([rows, cols], axis=1), values, [n_rows, width])

    def _blocks(self, texts: tf.Tensor) -> tuple[tf.SparseTensor, tf.SparseTensor]:
        n_rows = tf.shape(texts, out_type=tf.int64)[0]
        words = self._block(self.words(texts), 0, n_rows)
        return words, self._block(self.chars(texts), self.n_words, n_rows)

    def features(self, texts: tf.Tensor) -> tf.SparseTensor:
        """The whole feature matrix (training: the exact fit reads it as one matrix)."""
        return tf.sparse.add(*self._blocks(texts))

    def call(self, texts: tf.Tensor) -> tf.Tensor:
        # One matmul per block rather than one over the joined matrix: joining the two
        # SparseTensors (SparseConcat) was the branch's costliest op at serving batch
        # sizes, and the blocks, now independent, can run on separate threads.
        kernel = tf.convert_to_tensor(self.kernel)
        words, chars = self._blocks(texts)
        logits = tf.sparse.sparse_dense_matmul(words, kernel)
        logits += tf.sparse.sparse_dense_matmul(chars, kernel)
        return tf.nn.softmax(logits + self.bias)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, int]:
        return (input_shape[0], self.units)


def ngram_branch(cfg: SentimentConfig, texts: tf.Tensor) -> keras.Model:
    """The n-gram branch with vocabularies and IDF fitted on `texts` (weights still zero)."""
    layer = NgramTfidfSoftmax(
        cfg.word_ngram_tokens, cfg.char_ngram_tokens, len(LABELS), name="ngram_probs"
    )
    layer.adapt(texts)
    inputs = keras.Input(shape=(), dtype="string", name="headline")
    return keras.Model(inputs, layer(inputs), name="ngram_branch")


def fit_ngram_exact(model: keras.Model, texts: tf.Tensor, labels: np.ndarray, c: float) -> None:
    """Solve the n-gram branch's softmax layer as an L2-regularised logistic regression.

    The problem is convex, so L-BFGS reaches its optimum where Adam with early
    stopping stopped about a point of accuracy short. The features come from the
    branch's own layers, so serving sees exactly what was fitted.
    """
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    layer: NgramTfidfSoftmax = model.get_layer("ngram_probs")
    x = layer.features(texts)
    idx = x.indices.numpy()
    matrix = sparse.csr_matrix(
        (x.values.numpy(), (idx[:, 0], idx[:, 1])), shape=tuple(int(d) for d in x.dense_shape)
    )
    solver = LogisticRegression(C=c, max_iter=3000).fit(matrix, labels)
    coef = np.zeros((len(LABELS), matrix.shape[1]), dtype=np.float32)
    # A label absent from a tiny training set keeps zero weights and a very low bias.
    bias = np.full(len(LABELS), -30.0, dtype=np.float32)
    if len(solver.classes_) > 2:
        coef[solver.classes_], bias[solver.classes_] = solver.coef_, solver.intercept_
    else:
        # Binary logistic regression as a two-way softmax.
        coef[solver.classes_] = np.vstack([-solver.coef_[0] / 2, solver.coef_[0] / 2])
        bias[solver.classes_] = [-solver.intercept_[0] / 2, solver.intercept_[0] / 2]
    layer.kernel.assign(coef.T)
    layer.bias.assign(bias)


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
