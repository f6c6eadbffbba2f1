"""The committed model's accuracy on the fixed test split, measured through the service."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT, Server
from training.metrics import classification_report
from training.sentiment import sentfin


def test_committed_model_meets_the_baseline_over_http(server: Server, sentfin_path: Path) -> None:
    _, test = sentfin.split(sentfin.load(sentfin_path))
    titles = [r.title for r in test]
    predicted: list[str] = []
    with server.client() as http:
        version = http.get("/models").json()["models"][0]["version"]
        for i in range(0, len(titles), 256):
            response = http.post("/sentiment", json={"headlines": titles[i : i + 256]})
            assert response.status_code == 200, response.text
            predicted += [r["label"] for r in response.json()["results"]]
    ids = {name: i for i, name in enumerate(sentfin.LABELS)}
    report = classification_report(
        [ids[r.label] for r in test], [ids[p] for p in predicted], sentfin.LABELS
    )
    meta = json.loads(
        (
            ROOT / "models" / "sentiment" / str(version) / "assets.extra" / "metadata.json"
        ).read_text()
    )
    assert report["n"] == 2_162
    # What the service answers is what training measured for the exported model...
    assert abs(report["accuracy"] - meta["metrics"]["test"]["accuracy"]) <= 0.001
    # ...and it is at least the n-gram baseline's accuracy from the same training run.
    assert report["accuracy"] >= meta["baseline"]["test"]["accuracy"]
    assert report["accuracy"] >= 0.80
