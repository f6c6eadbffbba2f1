"""Fetching FRED series through pandas-datareader's public `DataReader`, from a
configurable base URL.

pandas-datareader's FRED reader asks a fixed URL and parses whatever comes back. Its
public API takes a `requests.Session`, so the session does the rest: an adapter mounted
for every URL sends each request to `FRED_URL` with the timeout and retries with
backoff, and lets through only an answer that `fred_csv.parse` accepts as the series
asked for. Anything else stops the whole fetch with a `FetchError` naming the series
and what went wrong, before pandas-datareader reads a byte of it.

Per-request timeouts bound each socket read, not a whole answer: a server that drips a
byte now and then would hold a refresh for hours. So the adapter reads each body itself,
against one deadline for the whole fetch and a cap on its decompressed size.
"""

from __future__ import annotations

import io
import time
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import requests
from pandas_datareader import data as pdr
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError, MaxRetryError, NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from app.forecast import fred_csv

# What pandas-datareader's FRED reader asks for, `?id=SERIES`.
READER_PATH = "/graph/fredgraph.csv"
# The encodings the session asks for, and the zlib window that inflates each.
ACCEPTED_ENCODINGS: dict[str, int | None] = {
    "identity": None,
    "gzip": 16 + zlib.MAX_WBITS,
    "deflate": zlib.MAX_WBITS,
}


class FetchError(RuntimeError):
    """FRED could not be reached, or answered with something unusable."""


def transport_failure(exc: requests.RequestException, timeout: float) -> str:
    """What stopped a request that got no HTTP answer, once the session's retries ran out."""
    # The session's retries wrap the last error in MaxRetryError inside requests' own.
    cause = exc.args[0].reason if exc.args and isinstance(exc.args[0], MaxRetryError) else exc
    # urllib3 makes a refused connection a subclass of its timeout error: not one here.
    timed_out = isinstance(exc, requests.Timeout) or isinstance(cause, Urllib3Timeout)
    if timed_out and not isinstance(cause, NewConnectionError):
        return f"timed out after {timeout:g} s"
    return f"{type(exc).__name__}: {cause}"


@dataclass(frozen=True)
class Limits:
    """How long and how much one refresh may take (settings FRED_*)."""

    timeout: float = 10.0  # seconds per socket operation
    retries: int = 2  # per request, on connection errors and 429/5xx
    backoff: float = 0.5
    deadline_seconds: float = 120.0  # the whole fetch: every series, every retry
    max_bytes: int = 4 << 20  # one answer, after decompression


class DeadlineRetry(Retry):
    """urllib3's retries, whose waits end by the refresh deadline: a 429 or 503 with
    `Retry-After` is waited out in full otherwise (hours, if FRED says so), under the
    adapter, where the deadline is not looked at, and the refresh would hold the
    scheduler's one refresh that long."""

    def __init__(self, *args: Any, deadline: float = float("inf"), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline  # time.monotonic() by which waiting stops

    def new(self, **kw: Any) -> DeadlineRetry:
        retry = super().new(**kw)
        retry.deadline = self.deadline
        return retry

    def _left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def get_backoff_time(self) -> float:
        return min(super().get_backoff_time(), self._left())

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        after = super().get_retry_after(response)
        return None if after is None else min(after, self._left())


class ValidatingAdapter(HTTPAdapter):
    """Sends the reader's requests to `base_url` and keeps each series that validates."""

    def __init__(self, base_url: str, limits: Limits) -> None:
        deadline = time.monotonic() + limits.deadline_seconds
        super().__init__(
            max_retries=DeadlineRetry(
                deadline=deadline,
                total=limits.retries,
                connect=limits.retries,
                read=limits.retries,
                status=limits.retries,
                backoff_factor=limits.backoff,
                status_forcelist=(429, 500, 502, 503, 504),
                allowed_methods=("GET",),
                raise_on_status=False,
            )
        )
        self.base_url = base_url
        self.timeout = limits.timeout
        self.deadline_seconds = limits.deadline_seconds
        self.deadline = deadline
        self.max_bytes = limits.max_bytes
        self.series: dict[str, pd.Series] = {}

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        asked = urlsplit(request.url or "")
        names = parse_qs(asked.query).get("id", [])
        if asked.path != READER_PATH or len(names) != 1:
            # A new pandas-datareader that asks for something else must fail loudly, not
            # reach the internet or hand back an unchecked answer.
            raise FetchError(f"pandas-datareader asked for {request.url}, not {READER_PATH}")
        name = names[0]
        request.url = f"{self.base_url}?id={name}"
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise self._past_deadline(name)
        kwargs["timeout"] = min(self.timeout, remaining)
        kwargs["stream"] = True
        try:
            response = super().send(request, **kwargs)
        except requests.RequestException as exc:
            failure = transport_failure(exc, self.timeout)
            raise FetchError(f"{name}: {failure} ({request.url})") from exc
        # An operator must see whether FRED answered an error status, was too slow, or
        # was not reached at all.
        if response.status_code != requests.codes.ok:
            response.close()
            raise FetchError(
                f"{name}: HTTP {response.status_code} {response.reason} ({request.url})"
            )
        # Read here, under the deadline and the cap; the reader then gets that body.
        response.raw = io.BytesIO(self._read_body(name, response))
        try:
            self.series[name] = fred_csv.parse(response.text, name)
        except fred_csv.InvalidSeries as exc:
            raise FetchError(str(exc)) from exc
        return response

    def _past_deadline(self, name: str) -> FetchError:
        return FetchError(
            f"{name}: no complete answer within the refresh deadline of {self.deadline_seconds:g} s"
        )

    def _read_body(self, name: str, response: requests.Response) -> bytes:
        """The whole decompressed body, or a FetchError once it is too slow or too big.

        Read with `read1`, which returns what one socket read brings, so the deadline is
        checked at least once per packet; and decompressed here, so the size cap holds
        for what the answer inflates to, not only for what crosses the wire.
        """
        encoding = response.headers.get("Content-Encoding", "identity").lower()
        if encoding not in ACCEPTED_ENCODINGS:
            response.close()
            raise FetchError(f"{name}: answer in an encoding not asked for: {encoding}")
        inflate = ACCEPTED_ENCODINGS[encoding]
        decoder = zlib.decompressobj(inflate) if inflate is not None else None
        chunks, size = [], 0
        try:
            while chunk := response.raw.read1(64 * 1024, decode_content=False):
                if time.monotonic() > self.deadline:
                    raise self._past_deadline(name)
                if decoder is not None:
                    # At most one byte past the cap: enough to know it is too big.
                    chunk = decoder.decompress(chunk, self.max_bytes + 1 - size)
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(f"{name}: answer larger than {self.max_bytes} bytes")
                chunks.append(chunk)
            if decoder is not None:
                chunks.append(decoder.flush())
        except (requests.RequestException, HTTPError, OSError, zlib.error) as exc:
            # What reading can raise: a read timeout, a reset, a broken gzip stream.
            raise FetchError(f"{name}: reading the answer: {type(exc).__name__}: {exc}") from exc
        finally:
            response.close()
        return b"".join(chunks)


def fetch(names: list[str], base_url: str, limits: Limits) -> dict[str, pd.Series]:
    """All series or a FetchError: a refresh never uses part of an answer."""
    adapter = ValidatingAdapter(base_url, limits)
    with requests.Session() as session:
        session.headers["User-Agent"] = "market-signals/0.1"
        session.headers["Accept-Encoding"] = ", ".join(ACCEPTED_ENCODINGS)
        for prefix in ("http://", "https://"):
            session.mount(prefix, adapter)
        try:
            # The adapter retries with backoff; the reader's own loop makes one attempt.
            pdr.DataReader(
                names, "fred", start="1900-01-01", retry_count=0, pause=0.0, session=session
            )
        except FetchError:
            raise
        except Exception as exc:  # what else pandas-datareader may raise on an answer
            raise FetchError(f"{type(exc).__name__}: {str(exc).splitlines()[0]}") from exc
    missing = [n for n in names if n not in adapter.series]
    if missing:
        raise FetchError(f"pandas-datareader did not ask for {missing}")
    return {name: adapter.series[name] for name in names}
