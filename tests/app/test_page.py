"""GET /, its assets, /forecast/history and the report figures, over real HTTP."""

from __future__ import annotations

import re

import pytest

from app.forecast import gdp_features
from app.forecast.vintage_store import load_snapshot
from tests.conftest import Server


def test_page_is_self_contained_and_revalidates(server: Server) -> None:
    with server.client() as http:
        page = http.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert "default-src 'self'" in page.headers["content-security-policy"]
        # Everything it loads comes from this service: no CDN, nothing absolute.
        refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert refs and all(r.startswith(("/", "#", "data:")) for r in refs), refs
        for asset, media in (
            ("/static/page.js", "text/javascript"),
            ("/static/page.css", "text/css"),
        ):
            assert asset in refs
            first = http.get(asset)
            assert first.status_code == 200 and first.headers["content-type"].startswith(media)
            again = http.get(asset, headers={"If-None-Match": first.headers["etag"]})
            assert again.status_code == 304 and again.content == b""
        assert "http" not in http.get("/static/page.js").text.replace("http://www.w3.org", "")
        missing = http.get("/static/nope.js")
        assert missing.status_code == 404 and "nope.js" in missing.json()["detail"]
        assert http.get("/static/../app/main.py").status_code == 404


def test_history_is_the_snapshot_behind_the_forecast(server: Server) -> None:
    table = gdp_features.build(load_snapshot(gdp_features.SERIES).series).table
    with server.client() as http:
        forecast = http.get("/forecast").json()
        body = http.get("/forecast/history").json()
        three = http.get("/forecast/history", params={"quarters": 3}).json()
        too_few = http.get("/forecast/history", params={"quarters": 0})
        too_many = http.get("/forecast/history", params={"quarters": 401})
    assert body["last_observed_quarter"] == forecast["last_observed_quarter"] == "2026Q2"
    assert body["vintage"] == forecast["inputs"]["vintage"] and body["source"] == "snapshot"
    rows = body["quarters"]
    assert len(rows) == 40 and rows[-1]["quarter"] == "2026Q2" and rows[0]["quarter"] == "2016Q3"
    assert three["quarters"] == rows[-3:]
    for row, (when, want) in zip(rows, table.iloc[-40:].iterrows(), strict=True):
        assert row["date"] == f"{when:%Y-%m-%d}"
        assert row["gdp_growth_yoy"] == pytest.approx(want["gdp_growth"], abs=1e-3)
        assert row["inflation_yoy"] == pytest.approx(want["inflation"], abs=1e-3)
        assert row["unemployment_rate"] == pytest.approx(want["unrate"], abs=1e-3)
    for bad in (too_few, too_many):
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"] == ["query", "quarters"]


def test_models_link_their_training_reports(server: Server) -> None:
    with server.client() as http:
        models = {m["name"]: m for m in http.get("/models").json()["models"]}
        names = {n: {r["name"] for r in m["reports"]} for n, m in models.items()}
        assert names["sentiment"] == {"confusion_matrix.png", "training_curves.png"}
        assert names["gdp_forecast"] == {"backtest.png", "training_curves.png"}
        for model in models.values():
            for report in model["reports"]:
                figure = http.get(report["url"])
                assert figure.status_code == 200
                assert figure.headers["content-type"] == "image/png"
                assert figure.content[:8] == b"\x89PNG\r\n\x1a\n"
        version = models["sentiment"]["version"]
        for path, named in (
            (f"/models/sentiment/{version}/reports/metadata.json", "metadata.json"),
            (f"/models/sentiment/{version + 1}/reports/confusion_matrix.png", "not loaded"),
            ("/models/nope/1/reports/confusion_matrix.png", "not loaded"),
        ):
            answer = http.get(path)
            assert answer.status_code == 404 and named in answer.json()["detail"]
        assert http.get("/models/sentiment/x/reports/a.png").status_code == 422
