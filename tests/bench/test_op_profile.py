"""The model-call profile: op names to parts of the graph, kernels to op families, and
a trace summed per call. Times come from a synthetic trace whose answer is known; the
real profiler is only checked for what it records, never for how fast it ran."""

from __future__ import annotations

import pytest
import tensorflow as tf
from tensorflow.tsl.profiler.protobuf import xplane_pb2

from bench.op_profile import ENVELOPE, op_family, part_of, record, summarise

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


@pytest.mark.parametrize(
    ("kernel", "family"),
    [
        ("MatMul", "MatMul"),
        ("_MklMatMul", "MatMul"),
        ("_FusedMatMul", "MatMul"),
        ("_MklFusedMatMul", "MatMul"),
        ("_MklNativeFusedMatMul", "MatMul"),
        ("BatchMatMulV2", "MatMul"),
        ("_MklAdd", "Add"),
        ("AddV2", "AddV2"),
        ("StringNGrams", "StringNGrams"),
        ("Fill", "Fill"),
    ],
)
def test_kernels_are_grouped_by_what_they_compute(kernel: str, family: str) -> None:
    assert op_family(kernel) == family


def _space(events: list[tuple[str, str, int]]) -> xplane_pb2.XSpace:
    """An XSpace with one plane: (line name, op name, duration in ps) per event."""
    space = xplane_pb2.XSpace()
    plane = space.planes.add(name="/host:CPU")
    ids: dict[str, int] = {}
    lines: dict[str, xplane_pb2.XLine] = {}
    for line_name, op, ps in events:
        if op not in ids:
            ids[op] = len(ids) + 1
            plane.event_metadata[ids[op]].id = ids[op]
            plane.event_metadata[ids[op]].name = op
        if line_name not in lines:
            lines[line_name] = plane.lines.add(name=line_name)
        lines[line_name].events.add(metadata_id=ids[op], duration_ps=ps)
    return space


def test_a_trace_is_summed_per_part_and_family_per_call() -> None:
    ms = 10**9  # picoseconds in a millisecond
    space = _space(
        [
            ("tf_Compute/1", "heavy/MatMul:_MklMatMul", 6 * ms),
            ("tf_Compute/2", "heavy/MatMul_1:MatMul", 2 * ms),
            ("tf_Compute/1", "light/Sum:Sum", 2 * ms),
            ("tf_Compute/1", ENVELOPE, 12 * ms),
            # Not an executor thread: the Python side's own spans are not op time.
            ("python", "heavy/MatMul:MatMul", 50 * ms),
            ("tf_Compute/2", "no type here", 50 * ms),
        ]
    )
    parts, families, executor = summarise(space, calls=2)
    assert parts == {"heavy": 4.0, "light": 1.0}
    assert families == {"MatMul": 4.0, "Sum": 1.0}
    assert executor == 6.0


def test_the_profiler_records_a_real_calls_ops_by_scope() -> None:
    x = tf.random.stateless_normal([64, 64], seed=[1, 2])

    @tf.function
    def call(x: tf.Tensor) -> tf.Tensor:
        with tf.name_scope("heavy"):
            y = tf.linalg.matmul(x, x)
        with tf.name_scope("light"):
            z = tf.reduce_sum(x)
        return y + z

    call(x)
    parts, families, executor = summarise(record(lambda: call(x), calls=3), calls=3)
    # Which kernel ran (oneDNN or not) changes the op's name, not its family.
    assert {"heavy", "light"} <= set(parts)
    assert families["MatMul"] > 0 and families["Sum"] > 0
    assert executor > 0
