"""A batch of headlines and marked headlines runs both committed models in one
TensorFlow call, and every answer is the one each model gives on its own."""

from __future__ import annotations

import numpy as np
import pytest

from app.model_store import LoadedModel, ModelRegistry, joint_call, load
from app.sentiment.service import MarkedText, SentimentService, score
from app.settings import Settings
from tests.conftest import ROOT

HEADLINES = ["Infosys gains 3%, TCS slips after weak guidance", "Rupee slumps", "日本語"]
MARKED = [" xtargetx  gains 3%,  xotherx  slips after weak guidance", "xtargetx flat"]


@pytest.fixture(scope="module")
def models() -> tuple[LoadedModel, LoadedModel]:
    return load(ROOT / "models", "sentiment"), load(ROOT / "models", "entity_sentiment")


def test_one_call_gives_each_models_own_outputs(models: tuple[LoadedModel, LoadedModel]) -> None:
    headline, entity = models
    joint = joint_call([headline, entity])
    together = joint.predict_outputs([HEADLINES, MARKED])
    for model, texts, found in zip(models, (HEADLINES, MARKED), together, strict=True):
        alone = model.predict_outputs(texts)
        assert sorted(found) == sorted(alone) == ["coverage", "probabilities"]
        for name, values in alone.items():
            assert np.array_equal(found[name], values), name
    assert joint.serves(headline, entity)
    assert not joint.serves(entity, headline)
    assert not joint.serves(headline)


def test_a_mixed_batch_is_scored_as_each_model_alone(
    models: tuple[LoadedModel, LoadedModel],
) -> None:
    headline, entity = models
    registry = ModelRegistry(["sentiment", "entity_sentiment"])
    registry.put(headline)
    service = SentimentService(Settings(), registry)
    service.set_entity_model(entity)
    registry.put(entity)
    assert service._joint is not None and service._joint.serves(headline, entity)
    # Interleaved, as requests queue them: the answers come back in the batch's order.
    batch = [HEADLINES[0], MarkedText(MARKED[0]), HEADLINES[1], MarkedText(MARKED[1])]
    check = service.language_check
    plain, marked = score(headline, HEADLINES[:2], check), score(entity, MARKED, check)
    assert service._score(batch) == [plain[0], marked[0], plain[1], marked[1]]
    # One kind alone takes one model's own call.
    assert service._score([MarkedText(m) for m in MARKED]) == marked
    assert service._score(HEADLINES[:2]) == plain
