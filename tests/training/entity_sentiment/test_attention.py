"""The entity model's attention read: the last states beside the states weighted by their
match to the target's, and its start from a last-state export."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from app.sentiment.entities import OTHER_MARK, TARGET_MARK
from tests.conftest import ROOT
from training.entity_sentiment import train as train_entities
from training.entity_sentiment.model import TargetAttention, sequence_branch
from training.export import export_model
from training.sentiment.model import SentimentConfig, last_states
from training.sentiment.model import sequence_branch as headline_branch
from training.sentiment.train import INPUT_SPEC
from training.sentiment.warm_start import saved_weights, warm_started
from training.sentiment.word_vectors import Pretrained

# An export that reads the last states, at the entity model's 48 units a direction.
LAST_STATE_MODEL = ROOT / "models" / "entity_sentiment" / "10"
TEXTS = tf.constant(
    [
        f"{TARGET_MARK} gains 3% , {OTHER_MARK} slips after weak guidance",
        f"{OTHER_MARK} gains 3% , {TARGET_MARK} slips after weak guidance",
        "no company named here",
    ]
)


@pytest.fixture(scope="module")
def pretrained() -> Pretrained:
    """The vectors at the committed model's width (the shared fixture keeps all 256)."""
    return Pretrained(SentimentConfig().word_dimensions)


def test_the_last_states_are_the_forward_pass_at_its_last_word_and_the_backward_at_step_0():
    # Two units a direction; the second text's third step is padding.
    states = tf.constant(
        [
            [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 9.0, 9.0, 9.0]],
            [[1.0, 1.0, 2.0, 2.0], [3.0, 3.0, 4.0, 4.0], [0.0, 0.0, 0.0, 0.0]],
        ]
    )
    valid = tf.constant([[True, True, True], [True, True, False]])
    assert last_states(states, valid).numpy().tolist() == [
        [9.0, 9.0, 3.0, 4.0],
        [3.0, 3.0, 2.0, 2.0],
    ]


def attention(states: tf.Tensor, target: tf.Tensor, valid: tf.Tensor) -> np.ndarray:
    tf.keras.utils.set_random_seed(0)
    return TargetAttention(3)(states, target, valid).numpy()


def test_the_weighted_states_read_only_valid_steps_and_follow_the_target() -> None:
    rng = np.random.default_rng(0)
    states = tf.constant(rng.normal(size=(1, 4, 4)), tf.float32)
    valid = tf.constant([[True, True, True, False]])
    target = tf.constant([[1.0, 0.0, 0.0, 0.0]])
    out = attention(states, target, valid)
    assert out.shape == (1, 8)
    np.testing.assert_allclose(out[:, :4], last_states(states, valid).numpy())
    # The padding's state, however large, weighs nothing.
    padded = tf.concat([states[:, :3], tf.fill((1, 1, 4), 1e4)], axis=1)
    np.testing.assert_allclose(attention(padded, target, valid), out, rtol=1e-6)
    # The context lies in the valid states' span: a convex mix of them.
    context = out[0, 4:]
    lo, hi = states.numpy()[0, :3].min(axis=0), states.numpy()[0, :3].max(axis=0)
    assert np.all(context >= lo - 1e-6) and np.all(context <= hi + 1e-6)
    # The same states asked about another step weigh them otherwise.
    moved = attention(states, tf.constant([[0.0, 0.0, 1.0, 0.0]]), valid)
    assert not np.allclose(moved[0, 4:], context)


def test_with_a_reach_the_distance_to_the_target_moves_the_weights() -> None:
    rng = np.random.default_rng(1)
    states = tf.constant(rng.normal(size=(1, 5, 4)), tf.float32)
    target = tf.constant([[0.0, 0.0, 0.0, 1.0, 0.0]])
    valid = tf.constant([[True] * 5])
    tf.keras.utils.set_random_seed(0)  # the weights `attention` draws, and a zero bias
    layer = TargetAttention(3, reach=2)
    at_start = layer(states, target, valid).numpy()
    # The bias starts at zero: the same answer as without a reach.
    np.testing.assert_allclose(at_start, attention(states, target, valid), rtol=1e-6)
    w_states, w_query, bias, score, distance = layer.get_weights()
    assert distance.shape == (6,) and not distance.any()
    # Bucket 3 is distance 0: a large bias there puts all the weight on the target.
    distance[3] = 50.0
    layer.set_weights([w_states, w_query, bias, score, distance])
    np.testing.assert_allclose(layer(states, target, valid).numpy()[0, 4:], states[0, 3], atol=1e-5)


def test_the_reach_needs_the_attention_read(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        train_entities.parse_args(["--attention-reach", "4"])
    assert "--attention-reach needs --read attention" in capsys.readouterr().err
    chosen = train_entities.parse_args(["--read", "attention", "--attention-reach", "4"])
    assert chosen.attention_reach == 4


def test_a_text_with_no_valid_step_gets_no_context() -> None:
    states = tf.ones((1, 2, 4))
    out = attention(states, tf.zeros((1, 2)), tf.constant([[False, False]]))
    assert np.all(np.isfinite(out)) and np.all(out[0, 4:] == 0.0)


def test_started_from_a_last_state_export_it_answers_as_that_export(
    pretrained: Pretrained,
) -> None:
    cfg = SentimentConfig(pretrained_vocabulary=False, drop_links=True, lstm_units=48)
    attending = functools.partial(sequence_branch, read="attention")
    with pytest.raises(ValueError, match="sequence_probs"):
        warm_started(attending, LAST_STATE_MODEL)(cfg, TEXTS, pretrained)
    last, _ = warm_started(headline_branch, LAST_STATE_MODEL)(cfg, TEXTS, pretrained)
    fit, serve = warm_started(attending, LAST_STATE_MODEL, widen=True)(cfg, TEXTS, pretrained)
    kernel = fit.get_layer("sequence_probs").get_weights()[0]
    assert kernel.shape == (4 * 48, 3) and not kernel[2 * 48 :].any()
    want = last(TEXTS).numpy()
    np.testing.assert_allclose(fit(TEXTS).numpy(), want, atol=1e-6)
    np.testing.assert_allclose(serve(TEXTS)[0].numpy(), want, atol=1e-6)
    # The two companies of one headline get different answers from the start.
    assert not np.allclose(want[0], want[1])


@pytest.mark.parametrize("reach", [0, 2])
def test_an_attention_export_starts_a_network_with_its_attention(
    pretrained: Pretrained, tmp_path: Path, reach: int
) -> None:
    """Trained on from an export that reads by attention, the network starts with every
    weight of that export, the attention's too, and answers as it did."""
    cfg = SentimentConfig(pretrained_vocabulary=False, drop_links=True, lstm_units=4)
    attending = functools.partial(sequence_branch, read="attention", attention_reach=reach)
    tf.keras.utils.set_random_seed(1)
    first, _ = attending(cfg, TEXTS, pretrained)
    layer = first.get_layer("target_attention")
    if reach:  # a bias away from zero, so that a start without it would answer otherwise
        layer.set_weights([*layer.get_weights()[:4], np.linspace(-2, 2, 2 * reach + 2)])
    saved = export_model(first, tmp_path, INPUT_SPEC, "probabilities", {"command": "test"})
    assert set(saved_weights(saved)) == {"bilstm", "sequence_probs", "target_attention"}
    tf.keras.utils.set_random_seed(2)
    again, _ = warm_started(attending, saved)(cfg, TEXTS, pretrained)
    for got, want in zip(
        again.get_layer("target_attention").get_weights(),
        first.get_layer("target_attention").get_weights(),
        strict=True,
    ):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(again(TEXTS).numpy(), first(TEXTS).numpy(), atol=1e-6)
    # A network without the attention cannot start from it.
    with pytest.raises(ValueError, match=r"sequence_probs|target_attention"):
        warm_started(headline_branch, saved)(cfg, TEXTS, pretrained)
