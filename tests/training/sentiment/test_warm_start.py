"""A network started from the committed headline model's BiLSTM and output layer."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.conftest import ROOT
from training.export import export_model
from training.sentiment.distill import Counterfactuals
from training.sentiment.mixture import fit_mixture
from training.sentiment.model import SentimentConfig, sequence_branch
from training.sentiment.options import warm_branches, warm_start_record
from training.sentiment.soft_labels import SoftLabels
from training.sentiment.train import INPUT_SPEC, parse_args
from training.sentiment.warm_start import saved_weights, souped, start_record, warm_started
from training.sentiment.word_vectors import Pretrained

HEADLINE_MODEL = ROOT / "models" / "sentiment" / "7"
TEXTS = tf.constant(["xtargetx profit rises", "xtargetx loss narrows, xotherx slips"])


@pytest.fixture(scope="module")
def pretrained() -> Pretrained:
    """The vectors at the committed model's width (the shared fixture keeps all 256)."""
    return Pretrained(SentimentConfig().word_dimensions)


@pytest.fixture(scope="module")
def weights() -> dict[str, list[np.ndarray]]:
    return saved_weights(HEADLINE_MODEL)


def test_the_saved_layers_come_in_the_networks_weight_order(
    weights: dict[str, list[np.ndarray]],
) -> None:
    # Forward kernel, recurrent kernel, bias; then the backward cell's; then the output.
    assert [w.shape for w in weights["bilstm"]] == [(192, 256), (64, 256), (256,)] * 2
    assert [w.shape for w in weights["sequence_probs"]] == [(128, 3), (3,)]
    assert not np.array_equal(weights["bilstm"][0], weights["bilstm"][3])


# The max over the steps has the last states' width: the same layers start from the
# same weights, and only what the output layer reads differs.
@pytest.mark.parametrize("pooling", ["last", "max"])
def test_a_warm_started_network_starts_from_the_saved_model(
    pretrained: Pretrained, weights: dict[str, list[np.ndarray]], pooling: str
) -> None:
    cfg = SentimentConfig(pretrained_vocabulary=False, drop_links=True, pooling=pooling)
    fit, serve = warm_started(sequence_branch, HEADLINE_MODEL)(cfg, TEXTS, pretrained)
    cold, _ = sequence_branch(cfg, TEXTS, pretrained)
    for name, values in weights.items():
        started, random = fit.get_layer(name), cold.get_layer(name)
        for got, want, cold_value in zip(
            started.get_weights(), values, random.get_weights(), strict=True
        ):
            np.testing.assert_array_equal(got, want)
            assert not np.array_equal(cold_value, want)
    # The model to serve shares the started layers.
    np.testing.assert_array_equal(serve.get_layer("bilstm").get_weights()[1], weights["bilstm"][1])


def test_a_network_of_another_size_is_refused(pretrained: Pretrained) -> None:
    cfg = SentimentConfig(pretrained_vocabulary=False, lstm_units=8, drop_links=True)
    with pytest.raises(ValueError, match="bilstm"):
        warm_started(sequence_branch, HEADLINE_MODEL)(cfg, TEXTS, pretrained)


SOFT_EXTRA = ("variant", "unlabelled", "composed")
TINY = SentimentConfig(
    pretrained_vocabulary=False,
    lstm_units=4,
    max_epochs=2,
    word_ngram_tokens=300,
    char_ngram_tokens=600,
)
GOOD = ["profit rises", "sales jump", "order win lifts shares", "upgrade to buy"]
BAD = ["loss widens", "sales slump", "fined for fraud", "downgrade to sell"]
FLAT = ["board meets monday", "index rejig due", "annual meeting held", "new chair named"]


def tiny_parts() -> tuple[tuple[tf.Tensor, np.ndarray], ...]:
    texts = [*BAD, *FLAT, *GOOD]
    labels = np.repeat(np.arange(3), 4)
    fit = [i for i in range(12) if i % 4]
    val = [i for i in range(12) if not i % 4]

    def part(rows: list[int]) -> tuple[tf.Tensor, np.ndarray]:
        return tf.constant([texts[i] for i in rows]), labels[rows]

    return part(fit), part(val), part(list(range(12)))


@pytest.mark.eager
def test_without_a_refit_the_probe_is_the_export_and_a_later_probe_starts_from_it(
    pretrained: Pretrained, tmp_path: Path
) -> None:
    fit, val, train = tiny_parts()
    fitted = fit_mixture(TINY, pretrained, fit, val, train, 0, refit=False)
    # The model is the probe: it scores validation as the choice of weight recorded.
    assert fitted.fits["ngram"]["refit_rows"] is None
    answers = fitted.model.predict(val[0], verbose=0)["probabilities"]
    right = float((answers.argmax(1) == val[1]).mean())
    assert right == pytest.approx(fitted.fits["mixture"]["validation_accuracy"], abs=1e-4)
    made_by = "python -m training.sentiment.train --no-refit --out /tmp/probe"
    probe = export_model(fitted.model, tmp_path, INPUT_SPEC, "probabilities", {"command": made_by})
    # --probe-init-from starts the probe from that export; --init-from the refit, here
    # from a network of another width, which the refit's builder refuses.
    args = parse_args(["--init-from", str(HEADLINE_MODEL), "--probe-init-from", str(probe)])
    # The export names each start by the weights it took and the command that made it,
    # so a probe rebuilt under /tmp can be checked against the one the run had.
    starts = warm_start_record(args)["starts"]
    assert starts["probe_init_from"]["made_by"] == made_by
    assert starts["init_from"]["made_by"] is None  # v7 predates the record
    digests = {k: v["weights_sha256"] for k, v in starts.items()}
    assert len(set(digests.values())) == 2
    assert start_record(probe)["weights_sha256"] == digests["probe_init_from"]
    refit_branch, probe_branch = warm_branches(args, sequence_branch)
    started, _ = probe_branch(TINY, fit[0], pretrained)
    for name, values in saved_weights(probe).items():
        for got, want in zip(started.get_layer(name).get_weights(), values, strict=True):
            np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(
        started.get_layer("bilstm").get_weights()[0],
        fitted.sequence_fit.get_layer("bilstm").get_weights()[0],
    )
    with pytest.raises(ValueError, match="bilstm"):
        refit_branch(TINY, fit[0], pretrained)
    # Without either option both builders are the branch itself.
    assert warm_branches(parse_args([]), sequence_branch) == (sequence_branch, sequence_branch)
    assert warm_start_record(parse_args([]))["starts"] == {}


def weights_alone(model: keras.Model, path: Path) -> Path:
    """A SavedModel of `model`'s variables and nothing else, which `saved_weights` reads
    as it reads an export (the test above reads a fitted probe's export): a soup averages
    weights, and what made them does not change the mean."""
    tf.saved_model.save(tf.train.Checkpoint(variables=[v.value for v in model.variables]), path)
    return path


@pytest.mark.eager
def test_a_soup_is_the_mean_of_the_probes_weights_and_takes_probes_alone(
    pretrained: Pretrained, tmp_path: Path
) -> None:
    fit, val, train = tiny_parts()
    members = []
    for seed in (1, 2):
        keras.utils.set_random_seed(seed)
        _, serve = sequence_branch(TINY, fit[0], pretrained)
        # Fitted probes move apart from their start, biases too; noise stands in for that.
        noise = np.random.default_rng(seed)
        for v in serve.trainable_variables:
            v.assign(v + noise.normal(0.0, 0.1, v.shape).astype(np.float32))
        members.append(weights_alone(serve, tmp_path / str(seed)))
    keras.utils.set_random_seed(3)
    own, _ = sequence_branch(TINY, fit[0], pretrained)
    before = {name: own.get_layer(name).get_weights() for name in ("bilstm", "sequence_probs")}
    souped(own, members)
    saved = [saved_weights(m) for m in members]
    for name, values in before.items():
        got_all = own.get_layer(name).get_weights()
        for i, (got, mine) in enumerate(zip(got_all, values, strict=True)):
            want = (mine + saved[0][name][i] + saved[1][name][i]) / 3
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
            assert not np.allclose(got, saved[0][name][i])
    # In a run: the soup's answers choose the weight, and the export serves them.
    keras.utils.set_random_seed(4)
    fitted = fit_mixture(TINY, pretrained, fit, val, train, 0, refit=False, soup_with=members)
    soup = fitted.fits["sequence"]["soup"]
    assert soup["members"] == [m.as_posix() for m in members]
    answers = fitted.sequence_fit.predict(val[0], verbose=0)
    assert soup["validation_accuracy"] == pytest.approx(
        float((answers.argmax(1) == val[1]).mean()), abs=1e-4
    )
    # With a refit, each member's refit joins the refit's soup (the probes stand in here):
    # the refit is the one the same run makes without a soup, averaged with theirs.
    refits = []
    for soup_with in ([], members):
        keras.utils.set_random_seed(4)
        refits.append(
            fit_mixture(
                TINY, pretrained, fit, val, train, 0, soup_with=soup_with, refit_soup_with=soup_with
            )
        )
    assert refits[1].fits["sequence"]["soup"]["refit_members"] == soup["members"]
    alone, mean = (r.sequence_fit.get_layer("bilstm").get_weights()[0] for r in refits)
    want = (alone + saved[0]["bilstm"][0] + saved[1]["bilstm"][0]) / 3
    np.testing.assert_allclose(mean, want, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="its run's refit"):
        fit_mixture(TINY, pretrained, fit, val, train, 0, soup_with=members)
    # A member of another width is refused by name.
    with pytest.raises(ValueError, match="bilstm"):
        souped(own, [HEADLINE_MODEL])


@pytest.mark.eager
@pytest.mark.parametrize("with_counterfactuals", [False, True], ids=["sequence", "both"])
def test_a_distilled_ngram_branch_learns_the_teachers_rows_and_counterfactuals_if_asked(
    pretrained: Pretrained, with_counterfactuals: bool
) -> None:
    fit, val, train = tiny_parts()
    texts = [t.decode() for t in train[0].numpy()]
    none: list[str] = []
    teacher = SoftLabels(
        {"fit": texts, "variant": none, "unlabelled": none, "composed": none},
        {"fit": 4.0 * np.eye(3)[train[1]], **{k: np.zeros((0, 3)) for k in SOFT_EXTRA}},
    )
    turned = Counterfactuals((), ngram=with_counterfactuals)
    fitted = fit_mixture(
        TINY,
        pretrained,
        fit,
        val,
        train,
        0,
        teacher=teacher,
        counterfactuals=turned,
        ngram_teacher=True,
    )
    flipped = fitted.fits["sequence"]["teacher"]["counterfactuals"]["refit"]
    assert flipped > 0  # "profit rises" -> "profit falls", and so on
    ngram = fitted.fits["ngram"]
    assert ngram["targets"] == "the teacher's probabilities"
    assert ngram["refit_rows"] == len(texts) + (flipped if with_counterfactuals else 0)
    with pytest.raises(ValueError, match="only with a teacher"):
        fit_mixture(TINY, pretrained, fit, val, train, 0, ngram_teacher=True)
