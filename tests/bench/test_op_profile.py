"""The model-call profile: op names to parts of the graph, and times from a real trace."""

from __future__ import annotations

import tensorflow as tf

from bench.op_profile import part_of, trace

CHAR_NGRAMS = (
    "StatefulPartitionedCall/headline_sentiment_1/ngram_branch_1/ngram_probs_1/"
    "char_ngrams_1/StringNGrams/StringNGrams:StringNGrams"
)
LOOP_MATMUL = (
    "StatefulPartitionedCall/headline_sentiment_1/sequence_branch_1/bilstm_1/"
    "forward_lstm_1_1/while/body/_28/headline_sentiment_1/sequence_branch_1/bilstm_1/"
    "forward_lstm_1_1/while/lstm_cell_1/MatMul:MatMul"
)


def test_ops_are_named_by_their_layer() -> None:
    assert part_of(CHAR_NGRAMS) == "ngram_branch/ngram_probs/char_ngrams"
    assert part_of(LOOP_MATMUL) == "sequence_branch/bilstm/forward_lstm loop"
    assert part_of("dense/MatMul:MatMul") == "dense"


def test_trace_splits_a_calls_time_by_part_and_op_type() -> None:
    x = tf.random.stateless_normal([160, 160], seed=[1, 2])

    @tf.function
    def call(x: tf.Tensor) -> tf.Tensor:
        with tf.name_scope("heavy"):
            y = x
            for _ in range(8):
                y = tf.linalg.matmul(y, x) / 160.0
        with tf.name_scope("light"):
            z = tf.reduce_sum(x)
        return y + z

    call(x)
    parts, types, executor = trace(lambda: call(x), calls=5)
    assert parts["heavy"] > 5 * parts["light"] > 0
    assert types["MatMul"] > 0.8 * parts["heavy"]
    # The executor's envelope holds every op's time.
    assert executor >= sum(parts.values()) > 0
