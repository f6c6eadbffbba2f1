"""The headline sentiment network: raw strings in, class probabilities out.

Two branches read the same raw string inside one graph:

- the sequence branch, the textbook BiLSTM over pretrained word vectors: tokens ->
  frozen vectors (word_vectors.py) -> Bidirectional(LSTM) (two stacked, with
  `recurrent_layers`) -> its last states (or, with `pooling`, the max over its steps)
  -> softmax;
- the n-gram branch: TF-IDF weighted word 1-2 grams and character 2-5 grams (and,
  for the entity model with `ngram_window`, the words beside the target marker,
  target_window.py), L2-normalised, -> softmax: a logistic regression written as one
  layer that keeps the features sparse, its weights solved exactly.

Each branch is fitted on its own (trained jointly, the LSTM memorises the
training set within two epochs and the n-gram weights stop learning); their
probabilities are mixed with a weight chosen on the validation part, and both
are then refitted on all non-test headlines (10 % more data is worth about 0.8
points of accuracy here). A temperature fitted on validation calibrates the mixture.
The exported SavedModel takes raw strings (no tokenizer runs in Python at serving
time) and returns the probabilities and each headline's coverage.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from training.adversarial import model_to_fit
from training.cells import recurrent_layer
from training.sentiment.char_ngrams import WIDTHS, CharNgramCounts
from training.sentiment.sentfin import LABELS
from training.sentiment.target_window import window_words
from training.sentiment.word_vectors import Pretrained, WordVectors, vocabulary


@dataclass(frozen=True)
class SentimentConfig:
    sequence_length: int = 32
    # Tokenizer words and their inflections join the training words (False: training
    # words only, for tiny test models).
    pretrained_vocabulary: bool = True
    # Leading principal directions of the pretrained vectors kept (256: all).
    word_dimensions: int = 192
    lstm_units: int = 64
    cell: str = "lstm"  # lstm | gru | scratch-lstm | scratch-gru (training/cells.py)
    layer_norm: bool = False  # scratch cells only
    recurrent_dropout: float = 0.0  # scratch cells only
    # What the classifier reads of the BiLSTM (POOLINGS): its last states, the max over
    # its steps, or both side by side.
    pooling: str = "last"
    # BiLSTMs stacked: 2 puts one that hands its steps on under the one the classifier
    # reads ("bilstm_lower"), with input dropout between them.
    recurrent_layers: int = 1
    input_dropout: float = 0.2
    dropout: float = 0.3
    lstm_learning_rate: float = 1e-3
    # constant | cosine: the sequence branch's rate falls to zero over max_epochs.
    learning_rate_decay: str = "constant"
    # The sequence branch ends on the mean of its last this many epochs' weights, each
    # mean validated (training/weight_average.py); 0: on its best epoch's own weights.
    average_epochs: int = 0
    word_ngram_tokens: int = 30_000
    char_ngram_tokens: int = 150_000
    # The entity model's n-gram branch: the words within this many tokens of the target
    # marker, tagged with their side, as a block of their own (0: none).
    ngram_window: int = 0
    ngram_c: float = 10.0
    batch_size: int = 64
    max_epochs: int = 30
    patience: int = 3
    # Links dropped before the words are read (the headline model v7 read them).
    drop_links: bool = False
    # The L2 distance the sequence branch's adversarial copies move a headline's word
    # vectors (training/adversarial.py); 0: fitted on the headlines alone.
    adversarial: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def learning_rate_callbacks(cfg: SentimentConfig) -> list[keras.callbacks.Callback]:
    """The sequence branch's rate per epoch. A rate that falls by epoch, not by step,
    lets the refit on more data replay the probe's rates epoch for epoch. Cosine decay
    (Loshchilov and Hutter, 2017) ends the fit on small steps, so the epoch validation
    picks is less a matter of where a noisy step happened to land."""
    if cfg.learning_rate_decay == "constant":
        return []

    def rate(epoch: int, _: float) -> float:
        return cfg.lstm_learning_rate * 0.5 * (1.0 + math.cos(math.pi * epoch / cfg.max_epochs))

    return [keras.callbacks.LearningRateScheduler(rate)]


DISTILL_LOSSES = ("cross-entropy", "logit-mse")
# Probabilities below this are read as this: the log of a one-hot row stays finite.
_LOG_FLOOR = 1e-7


def logit_mse(y_true: tf.Tensor, y_pred: tf.Tensor) -> tf.Tensor:
    """The squared distance between the student's and the teacher's logits, each centred
    on its row's mean (Tang et al., 2019, distilling into a BiLSTM). Softmax forgets a
    row's mean, so the centred log-probabilities are the logits up to it: the targets can
    stay probabilities. Unlike cross-entropy this also asks for the teacher's margins
    where it is sure, which the softmax squeezes to nothing."""

    def centred(p: tf.Tensor) -> tf.Tensor:
        logits = keras.ops.log(keras.ops.clip(p, _LOG_FLOOR, 1.0))
        return logits - keras.ops.mean(logits, axis=-1, keepdims=True)

    return keras.ops.mean(keras.ops.square(centred(y_pred) - centred(y_true)), axis=-1)


def compile_classifier(
    model: keras.Model, learning_rate: float, soft: bool = False, loss: str = "cross-entropy"
) -> keras.Model:
    """Cross-entropy against label indices, or with `soft` against probability rows (a
    teacher's answers; validation labels then come one-hot), by `loss` (DISTILL_LOSSES)."""
    if loss not in DISTILL_LOSSES or (loss != "cross-entropy" and not soft):
        raise ValueError(f"{loss!r} needs a teacher's probabilities; losses: {DISTILL_LOSSES}")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=(
            {"cross-entropy": "categorical_crossentropy", "logit-mse": logit_mse}[loss]
            if soft
            else "sparse_categorical_crossentropy"
        ),
        metrics=["accuracy"],
    )
    return model


# A network's builder: (the model to fit, the model to serve) for a config, the texts its
# vocabulary is fitted on and the pretrained vectors.
SequenceBranch = Callable[[SentimentConfig, tf.Tensor, Pretrained], tuple[keras.Model, keras.Model]]


def word_vectors(cfg: SentimentConfig, texts: tf.Tensor, pretrained: Pretrained) -> WordVectors:
    """The frozen word-vector layer over a vocabulary fitted on `texts` and, with
    `cfg.pretrained_vocabulary`, the pretrained tokenizer's words; links read as `cfg` says."""
    words = vocabulary(
        [t.decode() for t in texts.numpy()],
        pretrained,
        expand=cfg.pretrained_vocabulary,
        drop_links=cfg.drop_links,
    )
    return WordVectors(
        words,
        pretrained.vectors(words),
        cfg.sequence_length,
        drop_links=cfg.drop_links,
        name="word_vectors",
    )


POOLINGS = ("last", "max", "last-max")


def masked_max(states: tf.Tensor, valid: tf.Tensor) -> tf.Tensor:
    """[batch, steps, units] -> [batch, units]: the max over the unmasked steps, 0 for a
    headline with none (a batch of unreadable text still gets a finite answer)."""
    masked = tf.where(valid[:, :, None], states, tf.fill(tf.shape(states), -1e9))
    any_step = tf.reduce_any(valid, axis=1, keepdims=True)
    return tf.where(any_step, tf.reduce_max(masked, axis=1), tf.zeros_like(states[:, 0]))


def last_states(states: tf.Tensor, valid: tf.Tensor) -> tf.Tensor:
    """[batch, steps, 2 * units] BiLSTM states -> [batch, 2 * units]: the forward pass's
    state at the last valid step and the backward pass's at step 0, what the BiLSTM
    returns without its sequences (padding comes last; Bidirectional puts the forward
    half of each state first)."""
    units = states.shape[-1] // 2
    last = tf.maximum(tf.reduce_sum(tf.cast(valid, tf.int32), axis=1) - 1, 0)
    forward = tf.gather(states[:, :, :units], last, axis=1, batch_dims=1)
    return tf.concat([forward, states[:, 0, units:]], axis=-1)


class StatePooling(layers.Layer):
    """The BiLSTM's states at every step -> one vector per headline, as `pooling` says.

    The last states say how a headline ends, and with links kept (half of TFNS's posts end
    in one) the forward pass ends on link pieces; the max over the steps reads each unit
    where it fired most, wherever that was (BiLSTM-max, Conneau et al., 2017).
    """

    def __init__(self, pooling: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        if pooling not in POOLINGS[1:]:
            raise ValueError(f"pooling must be one of {POOLINGS[1:]}, got {pooling!r}")
        self.pooling = pooling

    def call(self, states: tf.Tensor, valid: tf.Tensor) -> tf.Tensor:
        peak = masked_max(states, valid)
        if self.pooling == "max":
            return peak
        return tf.concat([last_states(states, valid), peak], axis=-1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        width = input_shape[-1] * (1 if self.pooling == "max" else 2)
        return (input_shape[0], width)

    def compute_mask(self, inputs: object, previous_mask: object = None) -> None:
        return None  # one vector per headline: nothing left to mask

    def get_config(self) -> dict[str, object]:
        return {**super().get_config(), "pooling": self.pooling}


def lower_bilstm(cfg: SentimentConfig) -> Callable[..., tf.Tensor] | None:
    """With `cfg.recurrent_layers` 2, the BiLSTM under the one the classifier reads
    ("bilstm_lower"): (vectors, valid, training) -> its states at every step, after
    input dropout; with 1, None."""
    if cfg.recurrent_layers not in (1, 2):
        raise ValueError(f"recurrent_layers must be 1 or 2, got {cfg.recurrent_layers}")
    if cfg.recurrent_layers == 1:
        return None
    cell = recurrent_layer(
        cfg.cell, cfg.lstm_units, cfg.layer_norm, cfg.recurrent_dropout, return_sequences=True
    )
    lower = layers.Bidirectional(cell, name="bilstm_lower")
    dropout = layers.Dropout(cfg.input_dropout)

    def states(x: tf.Tensor, valid: tf.Tensor, training: bool | None) -> tf.Tensor:
        return dropout(lower(x, mask=valid, training=training), training=training)

    return states


def sequence_branch(
    cfg: SentimentConfig, texts: tf.Tensor, pretrained: Pretrained
) -> tuple[keras.Model, keras.Model]:
    """Frozen word vectors -> BiLSTM -> class probabilities, and the same graph with coverage.

    Returns (the model to fit: strings -> probabilities; the model to serve, sharing its
    layers: strings -> [probabilities, coverage]). The vocabulary is fitted on `texts`
    and, with `cfg.pretrained_vocabulary`, the pretrained tokenizer's words.
    """
    inputs = keras.Input(shape=(), dtype="string", name="headline")
    vectors_of = word_vectors(cfg, texts, pretrained)
    vectors, mask, coverage = vectors_of(inputs)
    input_dropout = layers.Dropout(cfg.input_dropout)
    pooled = cfg.pooling != "last"
    lower = lower_bilstm(cfg)
    bilstm = layers.Bidirectional(
        recurrent_layer(
            cfg.cell,
            cfg.lstm_units,
            cfg.layer_norm,
            cfg.recurrent_dropout,
            return_sequences=pooled,
        ),
        name="bilstm",
    )
    pooling = StatePooling(cfg.pooling, name="state_pooling") if pooled else None
    dropout = layers.Dropout(cfg.dropout)
    output = layers.Dense(len(LABELS), activation="softmax", name="sequence_probs")

    def head(
        x: tf.Tensor, extras: tuple[tf.Tensor, ...], training: bool | None = None
    ) -> tf.Tensor:
        (valid,) = extras
        x = input_dropout(x, training=training)
        if lower is not None:
            x = lower(x, valid, training)
        x = bilstm(x, mask=valid, training=training)
        if pooling is not None:
            x = pooling(x, valid)
        return output(dropout(x, training=training))

    def embed(strings: tf.Tensor) -> tuple[tf.Tensor, tuple[tf.Tensor, ...]]:
        read_vectors, valid, _ = vectors_of(strings)
        return read_vectors, (valid,)

    probs = head(vectors, (mask,))
    model = model_to_fit(inputs, probs, "sequence_branch", cfg.adversarial, embed, head)
    fit = compile_classifier(model, cfg.lstm_learning_rate)
    return fit, keras.Model(inputs, [probs, coverage], name="sequence_with_coverage")


class NgramTfidfSoftmax(layers.Layer):
    """Raw strings -> TF-IDF of word 1-2 and char 2-5 grams -> linear softmax, kept sparse.

    The features are scikit-learn's: sublinear term frequency, smooth IDF, each block
    (words, characters) L2-normalised. A headline touches ~200 of the ~180,000 n-grams,
    so the features stay a SparseTensor and the logits take one sparse-dense matmul
    per block. With `char_tokens` 0 the branch reads word n-grams alone: the character
    grams are nine in ten of a headline's n-grams and most of the branch's cost.
    """

    def __init__(
        self,
        word_tokens: int,
        char_tokens: int,
        units: int,
        window: int = 0,
        drop_links: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.units = units
        self.words = layers.TextVectorization(
            max_tokens=word_tokens,
            ngrams=(1, 2),
            output_mode="count",
            sparse=True,
            name="word_ngrams",
        )
        self.char_tokens = char_tokens
        self.window = window
        self.drop_links = drop_links
        self.window_words = (
            layers.TextVectorization(
                standardize=None, output_mode="count", sparse=True, name="window_words"
            )
            if window
            else None
        )

    def adapt(self, texts: tf.Tensor) -> None:
        """Fit the vocabularies and the IDF weights on `texts`; create the (zero) weights."""
        self.words.adapt(texts, batch_size=1024)
        self.n_words = int(self.words.vocabulary_size())
        self.chars = None
        blocks = [self.words(texts)]
        if self.char_tokens:
            self.chars = self._adapt_chars(texts)
            blocks.append(self.chars(texts))
        if self.window_words is not None:
            beside = self._beside(texts)
            self.window_words.adapt(beside, batch_size=1024)
            blocks.append(self.window_words(beside))
        # Each block's first column in the joint feature space, after the blocks before it.
        self.offsets = np.cumsum([0] + [int(b.dense_shape[1]) for b in blocks[:-1]]).tolist()
        df = np.concatenate(
            [np.bincount(c.indices[:, 1].numpy(), minlength=int(c.dense_shape[1])) for c in blocks]
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

    def _adapt_chars(self, texts: tf.Tensor) -> CharNgramCounts:
        # TextVectorization picks the character n-grams; serving counts them by key.
        chars = layers.TextVectorization(
            max_tokens=self.char_tokens,
            # Keep punctuation ("%", "-", "$") in character grams: it carries signal here.
            standardize="lower",
            split="character",
            ngrams=WIDTHS,
            output_mode="count",
            sparse=True,
        )
        chars.adapt(texts, batch_size=1024)
        return CharNgramCounts(chars.get_vocabulary(), name="char_ngrams")

    def _beside(self, texts: tf.Tensor) -> tf.Tensor:
        return window_words(texts, self.window, drop_links=self.drop_links)

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

    def _blocks(self, texts: tf.Tensor, ordered: bool = False) -> list[tf.SparseTensor]:
        n_rows = tf.shape(texts, out_type=tf.int64)[0]
        blocks = [self._block(self.words(texts), 0, n_rows)]
        if self.chars is not None:
            chars = self.chars(texts)
            if ordered:
                # Row norms summed in column order, as from the string lookup that counted
                # before: the fit then reads the same features to the last bit, so a refit
                # gives the same weights. Serving skips the sort (norms differ by an ulp).
                chars = tf.sparse.reorder(chars)
            blocks.append(self._block(chars, self.offsets[1], n_rows))
        if self.window_words is not None:
            counts = self.window_words(self._beside(texts))
            blocks.append(self._block(counts, self.offsets[-1], n_rows))
        return blocks

    def features(self, texts: tf.Tensor) -> tf.SparseTensor:
        """The whole feature matrix (training: the exact fit reads it as one matrix)."""
        return functools.reduce(tf.sparse.add, self._blocks(texts, ordered=True))

    def call(self, texts: tf.Tensor) -> tf.Tensor:
        # One matmul per block rather than one over the joined matrix: joining the two
        # SparseTensors (SparseConcat) was the branch's costliest op at serving batch
        # sizes, and the blocks, now independent, can run on separate threads.
        kernel = tf.convert_to_tensor(self.kernel)
        first, *rest = self._blocks(texts)
        logits = tf.sparse.sparse_dense_matmul(first, kernel)
        for block in rest:
            logits += tf.sparse.sparse_dense_matmul(block, kernel)
        return tf.nn.softmax(logits + self.bias)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, int]:
        return (input_shape[0], self.units)


def ngram_branch(cfg: SentimentConfig, texts: tf.Tensor) -> keras.Model:
    """The n-gram branch with vocabularies and IDF fitted on `texts` (weights still zero)."""
    layer = NgramTfidfSoftmax(
        cfg.word_ngram_tokens,
        cfg.char_ngram_tokens,
        len(LABELS),
        window=cfg.ngram_window,
        drop_links=cfg.drop_links,
        name="ngram_probs",
    )
    layer.adapt(texts)
    inputs = keras.Input(shape=(), dtype="string", name="headline")
    return keras.Model(inputs, layer(inputs), name="ngram_branch")


def fit_ngram_exact(model: keras.Model, texts: tf.Tensor, labels: np.ndarray, c: float) -> None:
    """Solve the n-gram branch's softmax layer as an L2-regularised logistic regression.

    The problem is convex, so L-BFGS reaches its optimum where Adam with early
    stopping stopped about a point of accuracy short. The features come from the
    branch's own layers, so serving sees exactly what was fitted.

    `labels` are label indices, or probabilities (rows summing to 1: a teacher's answers).
    Cross-entropy against probabilities is the sum over labels of each label's log loss
    weighted by its probability, so each row is solved as three rows, one per label,
    weighted by its probability: the same optimum, and the same regularisation per row.
    """
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    from training.sentiment.baseline import one_blas_thread

    layer: NgramTfidfSoftmax = model.get_layer("ngram_probs")
    x = layer.features(texts)
    idx = x.indices.numpy()
    matrix = sparse.csr_matrix(
        (x.values.numpy(), (idx[:, 0], idx[:, 1])), shape=tuple(int(d) for d in x.dense_shape)
    )
    weights = None
    if labels.ndim == 2:
        n = matrix.shape[0]
        matrix = sparse.vstack([matrix] * len(LABELS)).tocsr()
        weights = labels.T.reshape(-1).astype(np.float64)
        labels = np.repeat(np.arange(len(LABELS)), n)
    with one_blas_thread():
        solver = LogisticRegression(C=c, max_iter=3000).fit(matrix, labels, sample_weight=weights)
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


class Calibrated(layers.Layer):
    """Mixed probabilities -> calibrated probabilities; uniform without a known token.

    Temperature scaling (Guo et al., 2017) divides the log-probabilities by one number
    fitted on validation data, which changes confidence and never the ranking; `bias`,
    fitted with it (`choose_calibration`), adds a shift per class, which can. A headline
    with coverage 0 gives the network nothing to read, so it gets 1/3 each rather than
    whatever the biases say.
    """

    def __init__(
        self, temperature: float, bias: Sequence[float] | None = None, **kwargs: object
    ) -> None:
        super().__init__(**kwargs)
        self.temperature = temperature
        # A tuple: Keras would track a list attribute as if it held layers.
        self.bias = tuple(float(b) for b in bias) if bias is not None else (0.0,) * len(LABELS)

    def call(self, probs: tf.Tensor, coverage: tf.Tensor) -> tf.Tensor:
        logits = tf.math.log(tf.maximum(probs, 1e-12)) / self.temperature
        scaled = tf.nn.softmax(logits + tf.constant(self.bias, dtype=logits.dtype))
        uniform = tf.fill(tf.shape(scaled), 1.0 / len(LABELS))
        return tf.where(coverage[:, None] > 0.0, scaled, uniform)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return input_shape

    def get_config(self) -> dict[str, object]:
        return {**super().get_config(), "temperature": self.temperature, "bias": list(self.bias)}


def mix(p_sequence: np.ndarray, p_ngram: np.ndarray, sequence_weight: float) -> np.ndarray:
    return sequence_weight * p_sequence + (1.0 - sequence_weight) * p_ngram


def combine(
    sequence: keras.Model,
    ngram: keras.Model,
    sequence_weight: float,
    temperature: float = 1.0,
    bias: Sequence[float] | None = None,
) -> keras.Model:
    """One graph: raw strings in; the branches' weighted mean, calibrated, and coverage out.

    `sequence` is the serving form from `sequence_branch` (probabilities and coverage).
    At weight 1 the n-gram branch cannot change an answer, so the graph leaves it out
    and a call costs the sequence branch alone.
    """
    inputs = keras.Input(shape=(), dtype="string", name="headline")
    p_sequence, coverage = sequence(inputs)
    if sequence_weight >= 1.0:
        mixed = p_sequence
    else:
        mixed = layers.Add(name="mixed")(
            [
                layers.Rescaling(sequence_weight, name="sequence_weight")(p_sequence),
                layers.Rescaling(1.0 - sequence_weight, name="ngram_weight")(ngram(inputs)),
            ]
        )
    probs = Calibrated(temperature, bias, name="probabilities")(mixed, coverage)
    outputs = {"probabilities": probs, "coverage": layers.Identity(name="coverage")(coverage)}
    return keras.Model(inputs, outputs, name="headline_sentiment")
