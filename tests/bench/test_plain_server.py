"""The plain FastAPI peer of the bench does the service's work: the same model, the same
answers in the same JSON shape, so the bench compares the serving design alone."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.model_store import load
from bench import headlines, plain_server
from tests.conftest import ROOT, Server


def test_the_plain_peer_answers_as_the_service_does(server: Server) -> None:
    batch = headlines.batch(24, start=100)
    model = load(ROOT / "models", "sentiment")
    with TestClient(plain_server.create_app(model)) as peer:
        plain = peer.post("/sentiment", json={"headlines": batch})
        assert peer.get("/readyz").status_code == 200
    with server.client() as client:
        ours = client.post("/sentiment", json={"headlines": batch})
    assert plain.status_code == ours.status_code == 200
    assert plain.json()["model"] == ours.json()["model"]
    for mine, theirs in zip(plain.json()["results"], ours.json()["results"], strict=True):
        assert set(mine) == set(theirs) == {"label", "scores", "coverage", "language"}
        assert mine["label"] == theirs["label"]
        assert mine["language"] == theirs["language"]
        assert (
            mine["coverage"] == round(theirs["coverage"], 4)
            or abs(mine["coverage"] - theirs["coverage"]) < 1e-4
        )
        for label, p in theirs["scores"].items():
            # Batched with other requests' headlines on the service's side: float32 rounding.
            assert abs(mine["scores"][label] - p) < 1e-4
