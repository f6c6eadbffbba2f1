"""The forecast cache as a reader on another thread sees it while refreshes run."""

from __future__ import annotations

import threading
from pathlib import Path

from app import model_store
from app.forecast.service import ForecastService
from app.settings import Settings
from tests.conftest import ROOT
from tests.fred_standin import FredStandIn


def test_a_reader_never_sees_a_forecast_beside_another_refresh_outcome(tmp_path: Path) -> None:
    with FredStandIn() as fred:
        settings = Settings(fred_url=fred.url, data_dir=tmp_path, fred_retries=0)
        service = ForecastService(settings)
        service.set_model(model_store.load(ROOT / "models", "gdp_forecast"))
        start = service.current()
        assert start is not None
        allowed = {(start["inputs"]["vintage"], None)}
        seen: list[tuple[str, object]] = []
        stop = threading.Event()

        def read() -> None:
            while not stop.is_set():
                body = service.current()
                assert body is not None
                refresh = body["inputs"]["last_refresh"]
                seen.append((body["inputs"]["vintage"], refresh and refresh["at"]))

        reader = threading.Thread(target=read)
        reader.start()
        try:
            for mode in ("ok", "http_500", "new_quarter", "http_500", "new_quarter"):
                fred.mode = mode
                outcome = service.refresh()
                assert outcome.ok is (mode != "http_500")
                allowed.add((service.vintage.vintage, outcome.at.isoformat()))
        finally:
            stop.set()
            reader.join()
    # Every read pairs a vintage with the outcome of the refresh that left it served:
    # never a new vintage beside the failure before it, nor an old one beside its success.
    assert len(allowed) == 6
    assert seen and set(seen) <= allowed, sorted(set(seen) - allowed)
