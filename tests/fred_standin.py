"""A local HTTP server speaking FRED's fredgraph.csv (`?id=SERIES`), with fault modes.

It serves the embedded snapshot's files; `mode` switches what it answers, so the
service's real client, retries and validation are exercised over real HTTP.
"""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "fred"

# One quarter beyond the snapshot: GDPC1 2026Q3, CPIAUCSL and UNRATE to 2026-09.
NEW_QUARTER = {
    "GDPC1": ["2026-07-01,24391.000"],
    "CPIAUCSL": ["2026-08-01,333.400", "2026-09-01,334.100"],
    "UNRATE": ["2026-08-01,4.2", "2026-09-01,4.2"],
}

MODES = (
    "ok",
    "new_quarter",
    "http_500",
    "http_404",
    "slow",
    "truncated",
    "html",
    "wrong_series",
    "non_numeric",
    "out_of_order",
    "shorter",
)


class FredStandIn:
    def __init__(self, slow_seconds: float = 3.0) -> None:
        self.mode = "ok"
        self.slow_seconds = slow_seconds
        self.requests: list[str] = []
        standin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                standin.requests.append(self.path)
                status, body, ctype = standin.answer(self.path)
                if standin.mode == "slow":
                    time.sleep(standin.slow_seconds)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (the timeout mode)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/graph/fredgraph.csv"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FredStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def series_text(self, name: str) -> str:
        text = (SNAPSHOT / f"{name}.csv").read_text()
        if self.mode == "new_quarter":
            text += "\n".join(NEW_QUARTER[name]) + "\n"
        return text

    def answer(self, path: str) -> tuple[int, bytes, str]:
        query = parse_qs(urlparse(path).query)
        name = query.get("id", [""])[0]
        if not (SNAPSHOT / f"{name}.csv").is_file() or self.mode == "http_404":
            return 404, b"<html><body>Series not found</body></html>", "text/html"
        if self.mode == "http_500":
            return 500, b"Internal Server Error", "text/plain"
        if self.mode == "html":
            return 200, b"<!DOCTYPE html><html><body>Maintenance</body></html>", "text/html"
        text = self.series_text(name)
        lines = text.splitlines()
        if self.mode == "truncated":
            text = text[: len(text) // 2]
        elif self.mode == "wrong_series":
            text = text.replace(f"observation_date,{name}", "observation_date,PAYEMS", 1)
        elif self.mode == "non_numeric":
            lines[-3] = lines[-3].split(",")[0] + ",n/a"
            text = "\n".join(lines) + "\n"
        elif self.mode == "out_of_order":
            lines[-1], lines[-2] = lines[-2], lines[-1]
            text = "\n".join(lines) + "\n"
        elif self.mode == "shorter":
            text = "\n".join(lines[:-2]) + "\n"
        return 200, text.encode(), "text/csv"
