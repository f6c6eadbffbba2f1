"""The page in a real browser: Debian's chromium, headless, driven by Playwright.

Playwright's own browser download is not used: `make test` installs Debian's chromium
(as root, when it is missing), and this test is skipped, saying so, where it cannot be.
Screenshots go to artifacts/ for a person to look at.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.conftest import ROOT, Server

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "artifacts"
# Headless on a closed network: no sync, updates or background fetches to time out on.
FLAGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TWO = [
    "Acme Corp shares surge 12% after record quarterly profit",
    "Acme Corp shares plunge as losses widen and debt soars",
]
UNREADABLE = "日経平均株価が急落"
FRENCH = "La Bourse de Paris termine en baisse"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.is_file(),
    reason=f"no chromium at {CHROMIUM}: `make test` installs Debian's chromium only as root",
)


def until(page: Page, check: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Poll from Python: the page's CSP forbids the eval a JS predicate would need."""
    for _ in range(int(seconds / 0.05)):
        if check():
            return True
        page.wait_for_timeout(50)
    return check()


def test_page_shows_the_fan_chart_and_scores_headlines(server: Server) -> None:
    with server.client() as client:
        forecast = client.get("/forecast").json()
        expected = client.post("/sentiment", json={"headlines": TWO}).json()["results"]
    problems: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("requestfailed", lambda r: problems.append(f"{r.url}: {r.failure}"))
            page.goto(server.url + "/")

            # Four forecast points, after the last observed quarter, for the right quarters.
            page.wait_for_selector("#chart circle.forecast-point")
            points = page.locator("#chart circle.forecast-point")
            assert points.count() == 4
            last = page.locator("#chart circle.last-observed")
            assert last.get_attribute("data-quarter") == forecast["last_observed_quarter"]
            xs = [float(points.nth(i).get_attribute("cx") or "nan") for i in range(4)]
            assert float(last.get_attribute("cx") or "nan") < xs[0] < xs[1] < xs[2] < xs[3]
            assert [points.nth(i).get_attribute("data-quarter") for i in range(4)] == [
                f["quarter"] for f in forecast["forecasts"]
            ]

            # The recent view by default: 12 quarters, so the forecast is a quarter of the
            # chart's width rather than its last few pixels; the long view one click away.
            def plotted() -> int:
                line = page.locator("#chart .history-line").get_attribute("points") or ""
                return len(line.split())

            width = float((page.locator("#chart").get_attribute("viewBox") or "0 0 0 0").split()[2])
            assert plotted() == 12 and (xs[3] - xs[0]) / width > 0.15
            assert page.locator("#view-recent").get_attribute("aria-pressed") == "true"
            page.click("#view-long")
            assert until(page, lambda: plotted() == 40)
            assert page.locator("#view-long").get_attribute("aria-pressed") == "true"
            assert page.locator("#chart circle.forecast-point").count() == 4
            page.screenshot(path=str(ARTIFACTS / "page-long-view.png"), full_page=True)
            page.click("#view-recent")
            assert until(page, lambda: plotted() == 12)
            assert page.locator("#chart .fan").count() == 1
            assert page.locator("#forecast-table tbody tr").count() == 4
            inputs = page.locator("#inputs").inner_text()
            assert "embedded snapshot" in inputs
            # The quarter being forecast, and what of it is already published.
            assert "2026Q3: CPIAUCSL 1 of 3, UNRATE 1 of 3" in inputs
            assert "GDPC1 2026Q2, CPIAUCSL 2026-07, UNRATE 2026-07, INDPRO 2025-08" in inputs
            # The snapshot's industrial production is too old for the bridge, and it says so.
            assert "INDPRO not read: its newest month, 2025-08, is older than 2026-06" in inputs
            assert "Real GDP growth" in page.locator("#chart").inner_html()

            # Two headlines in, two labels out: the API's own labels for them.
            page.fill("#headlines", "\n".join([*TWO, UNREADABLE, FRENCH]))
            page.click("#score")
            page.wait_for_selector(".result:nth-child(4)")
            results = page.locator(".result")
            assert results.count() == 4
            # A headline the model cannot read says so, and names its language; one it
            # reads whole needs no note.
            for i, code in ((2, "ja"), (3, "fr")):
                note = results.nth(i).locator(".coverage").inner_text()
                assert "reads English only" in note and f"another language ({code})" in note
            assert results.nth(0).locator(".coverage").count() == 0
            for i, want in enumerate(expected):
                label = results.nth(i).locator(".label").inner_text()
                assert label.split()[0] == want["label"]
                assert results.nth(i).locator(".fill").count() == 3
            page.screenshot(path=str(ARTIFACTS / "page-wide.png"), full_page=True)

            # A training report opens in a dialog, and Escape closes it.
            # Two figures for each of the three models.
            assert page.locator(".report-link").count() == 6
            page.locator(".report-link").first.click()
            page.wait_for_selector("#report-dialog[open]")
            image = page.locator("#report-image")
            assert (image.get_attribute("src") or "").startswith("blob:")
            assert until(page, lambda: (image.bounding_box() or {}).get("width", 0) > 100)
            assert (image.bounding_box() or {})["height"] > 100
            page.keyboard.press("Escape")
            page.wait_for_selector("#report-dialog", state="hidden")

            # The keyboard alone: Ctrl+Enter in the box submits.
            page.fill("#headlines", "Rupee slumps to record low\nRBI holds rates\nSensex rallies")
            page.focus("#headlines")
            page.keyboard.press("Control+Enter")
            # The four answers above stay on the page until the new ones replace them.
            assert until(
                page,
                lambda: (
                    page.locator(".result").count() == 3
                    and page.locator(".result .headline").first.inner_text()
                    == "Rupee slumps to record low"
                ),
            )

            # A line ending "| names" is answered per company, as the API answers it.
            opposite = "Infosys gains 3%, TCS slips after weak guidance"
            asked = {"text": opposite, "entities": ["Infosys", "TCS"]}
            with server.client() as client:
                (api,) = client.post("/sentiment", json={"headlines": [asked]}).json()["results"]
            many = (
                "Infosys, TCS, Wipro, HCL Technologies, Tech Mahindra, Reliance Industries, "
                "HDFC Bank, ICICI Bank, Axis Bank, Tata Motors, Maruti Suzuki, Bajaj Auto, "
                "Hero MotoCorp, Sun Pharma, Cipla, Lupin, Titan, Asian Paints gain"
            )
            page.fill(
                "#headlines",
                f"{opposite} | Infosys, TCS\nMarkets rally on rate hopes | auto\n{many} | auto",
            )
            page.click("#score")
            page.wait_for_selector(".result:nth-child(3) .entities")
            first, second = page.locator(".result").nth(0), page.locator(".result").nth(1)
            # Past the limit per headline, the page says how many more "auto" found.
            third = page.locator(".result").nth(2)
            assert third.locator(".entity").count() == 16
            assert "2 more found" in third.locator(".entities").inner_text()
            assert first.locator(".headline").inner_text() == opposite
            rows = first.locator(".entity")
            assert rows.count() == 2
            for k, want in enumerate(api["entities"]):
                assert rows.nth(k).locator(".entity-name").inner_text() == want["name"]
                assert rows.nth(k).locator(".label").inner_text().split()[0] == want["label"]
            assert "No company found" in second.locator(".entities").inner_text()

            # A phone's width: the chart redraws to fit and nothing sticks out sideways.
            page.set_viewport_size({"width": 390, "height": 844})
            chart = page.locator("#chart")
            assert until(page, lambda: float(chart.get_attribute("viewBox").split()[2]) <= 390)
            for part in ("header", "main", "#chart", "#results", "#inputs", "footer"):
                box = page.locator(part).bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, part
            page.screenshot(path=str(ARTIFACTS / "page-phone.png"), full_page=True)
        finally:
            browser.close()
    assert problems == [], problems


def test_page_shows_a_quarantined_vintage(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    from tests.app.forecast.test_forecast_api import fred_env, wait_for_refresh
    from tests.fred_standin import FredStandIn

    with FredStandIn() as fred:
        srv = server_factory(fred_env(fred, tmp_path / "data"))
        with srv.client() as http:
            wait_for_refresh(http)
            fred.mode = "absurd"
            assert http.post("/admin/refresh").status_code == 502
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            try:
                page = browser.new_page()
                page.goto(srv.url + "/")
                held = page.locator("#inputs dd.quarantined")
                held.wait_for()
                text = held.inner_text()
            finally:
                browser.close()
    assert "not used" in text and "GDPC1: 2026-07 moves +141.6 %" in text
