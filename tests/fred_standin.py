"""A local HTTP server speaking FRED's fredgraph.csv (`?id=SERIES`), with fault modes.

It serves the embedded snapshot's files; `mode` switches what it answers, so the
service's real client, retries and validation are exercised over real HTTP.
"""

from __future__ import annotations

import gzip
import http.server
import threading
import time
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, urlparse

import pandas as pd

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "fred"

# One quarter beyond the snapshot: GDPC1 2026Q3, CPIAUCSL and UNRATE to 2026-09, and
# INDPRO (which the snapshot holds to 2025-08) to 2026-09, so the bridge reads it.
INDPRO_MONTHS = pd.date_range("2025-09-01", "2026-09-01", freq="MS")
NEW_QUARTER = {
    "GDPC1": ["2026-07-01,24391.000"],
    "CPIAUCSL": ["2026-08-01,333.400", "2026-09-01,334.100"],
    "UNRATE": ["2026-08-01,4.2", "2026-09-01,4.2"],
    "INDPRO": [f"{m:%Y-%m-%d},{101.3 + 0.1 * k:.4f}" for k, m in enumerate(INDPRO_MONTHS)],
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
    "drip",
    "gzip_bomb",
    "absurd",
)
# Inside fred_csv's fixed bounds, far outside anything the series have done.
ABSURD = {
    "GDPC1": ["2026-07-01,99999.0"],
    "CPIAUCSL": ["2026-08-01,1999.0"],
    "UNRATE": ["2026-08-01,39.9"],
    "INDPRO": ["2025-09-01,999.0"],
}
# A gzip answer that inflates to 64 MiB: built once, on first use.
_BOMB: list[bytes] = []


def gzip_bomb() -> bytes:
    if not _BOMB:
        _BOMB.append(gzip.compress(b"0" * (64 << 20), compresslevel=9))
    return _BOMB[0]


class Arrival(NamedTuple):
    """One request as it arrived, with the mode it was answered in."""

    at: float  # seconds since the stand-in was made
    port: int  # the client's: a retry comes on a new connection
    series: str
    mode: str


class FredStandIn:
    def __init__(self, slow_seconds: float = 3.0, drip_seconds: float = 0.2) -> None:
        self.mode = "ok"
        self.slow_seconds = slow_seconds
        self.drip_seconds = drip_seconds
        # Every request in arrival order, never cleared: once a test sees an entry, that
        # request's answer is settled whatever `mode` becomes next.
        self.arrivals: list[Arrival] = []
        self._forgotten = 0  # arrivals before the last forget()
        self._start = time.monotonic()
        standin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                mode = standin.mode
                status, body, ctype = standin.answer(self.path, mode)
                at = round(time.monotonic() - standin._start, 3)
                standin.arrivals.append(
                    Arrival(at, self.client_address[1], series_id(self.path), mode)
                )
                if mode == "slow":
                    time.sleep(standin.slow_seconds)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    if mode == "busy":
                        # FRED's own words on when to come back: an hour.
                        self.send_header("Retry-After", "3600")
                    if mode == "gzip_bomb":
                        body = gzip_bomb()
                        self.send_header("Content-Encoding", "gzip")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if mode == "drip":
                        # A byte at a time, each well inside any read timeout: only a
                        # deadline on the whole answer stops it.
                        for k in range(len(body)):
                            self.wfile.write(body[k : k + 1])
                            self.wfile.flush()
                            time.sleep(standin.drip_seconds)
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (the timeout and deadline modes)

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

    @property
    def answered(self) -> list[tuple[str, str]]:
        """(series id, mode it was answered in) of each request since the last forget(),
        in arrival order."""
        return [(a.series, a.mode) for a in self.arrivals[self._forgotten :]]

    def forget(self) -> None:
        """Start `answered` and `asked` afresh (`arrivals` keeps every request)."""
        self._forgotten = len(self.arrivals)

    def asked(self, mode: str | None = None) -> list[str]:
        """Series ids asked for, in order; only those answered in `mode` if given."""
        return [name for name, answered_in in self.answered if mode in (None, answered_in)]

    def series_text(self, name: str, mode: str) -> str:
        text = (SNAPSHOT / f"{name}.csv").read_text()
        if mode == "new_quarter":
            text += "\n".join(NEW_QUARTER[name]) + "\n"
        elif mode == "absurd":
            text += "\n".join(ABSURD[name]) + "\n"
        return text

    def answer(self, path: str, mode: str) -> tuple[int, bytes, str]:
        name = series_id(path)
        if not (SNAPSHOT / f"{name}.csv").is_file() or mode == "http_404":
            return 404, b"<html><body>Series not found</body></html>", "text/html"
        if mode == "http_500":
            return 500, b"Internal Server Error", "text/plain"
        if mode == "busy":
            return 503, b"Service Unavailable", "text/plain"
        if mode == "html":
            return 200, b"<!DOCTYPE html><html><body>Maintenance</body></html>", "text/html"
        text = self.series_text(name, mode)
        lines = text.splitlines()
        if mode == "truncated":
            text = text[: len(text) // 2]
        elif mode == "wrong_series":
            text = text.replace(f"observation_date,{name}", "observation_date,PAYEMS", 1)
        elif mode == "non_numeric":
            lines[-3] = lines[-3].split(",")[0] + ",n/a"
            text = "\n".join(lines) + "\n"
        elif mode == "out_of_order":
            lines[-1], lines[-2] = lines[-2], lines[-1]
            text = "\n".join(lines) + "\n"
        elif mode == "shorter":
            text = "\n".join(lines[:-2]) + "\n"
        return 200, text.encode(), "text/csv"


def series_id(path: str) -> str:
    return parse_qs(urlparse(path).query).get("id", [""])[0]
