"""Fetching FRED series through pandas-datareader's public `DataReader`, from a
configurable base URL.

pandas-datareader's FRED reader asks a fixed URL and parses whatever comes back. Its
public API takes a `requests.Session`, so the session does the rest: an adapter mounted
for every URL sends each request to `FRED_URL` with the timeout and retries with
backoff, and lets through only an answer that `fred_csv.parse` accepts as the series
asked for. Anything else stops the whole fetch with a `FetchError` naming the series
and what went wrong, before pandas-datareader reads a byte of it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import requests
from pandas_datareader import data as pdr
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.util.retry import Retry

from app.forecast import fred_csv

# What pandas-datareader's FRED reader asks for, `?id=SERIES`.
READER_PATH = "/graph/fredgraph.csv"


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


class ValidatingAdapter(HTTPAdapter):
    """Sends the reader's requests to `base_url` and keeps each series that validates."""

    def __init__(self, base_url: str, timeout: float, retries: int, backoff: float) -> None:
        super().__init__(
            max_retries=Retry(
                total=retries,
                connect=retries,
                read=retries,
                status=retries,
                backoff_factor=backoff,
                status_forcelist=(429, 500, 502, 503, 504),
                allowed_methods=("GET",),
                raise_on_status=False,
            )
        )
        self.base_url = base_url
        self.timeout = timeout
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
        kwargs["timeout"] = self.timeout
        try:
            response = super().send(request, **kwargs)
        except requests.RequestException as exc:
            failure = transport_failure(exc, self.timeout)
            raise FetchError(f"{name}: {failure} ({request.url})") from exc
        # An operator must see whether FRED answered an error status, was too slow, or
        # was not reached at all.
        if response.status_code != requests.codes.ok:
            raise FetchError(
                f"{name}: HTTP {response.status_code} {response.reason} ({request.url})"
            )
        try:
            self.series[name] = fred_csv.parse(response.text, name)
        except fred_csv.InvalidSeries as exc:
            raise FetchError(str(exc)) from exc
        return response


def fetch(
    names: list[str], base_url: str, timeout: float, retries: int, backoff: float
) -> dict[str, pd.Series]:
    """All series or a FetchError: a refresh never uses part of an answer."""
    adapter = ValidatingAdapter(base_url, timeout, retries, backoff)
    with requests.Session() as session:
        session.headers["User-Agent"] = "market-signals/0.1"
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
