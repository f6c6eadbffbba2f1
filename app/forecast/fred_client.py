"""Fetching FRED series through pandas-datareader, from a configurable base URL.

pandas-datareader's FRED reader has a fixed URL and parses whatever comes back; this
subclass takes the URL from settings, fetches with a `requests.Session` that has a
timeout and retries with backoff, and hands the raw text to `fred_csv.parse`, which
rejects anything that is not the series asked for.
"""

from __future__ import annotations

import pandas as pd
import requests
from pandas_datareader.fred import FredReader
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.util.retry import Retry

from app import fred_csv


class FetchError(RuntimeError):
    """FRED could not be reached, or answered with something unusable."""


def make_session(retries: int, backoff: float) -> requests.Session:
    session = requests.Session()
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=("GET",),
        raise_on_status=False,
    )
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers["User-Agent"] = "market-signals/0.1"
    return session


def transport_failure(exc: requests.RequestException, timeout: float) -> str:
    """What stopped a request that got no HTTP answer, once the session's retries ran out."""
    # The session's retries wrap the last error in MaxRetryError inside requests' own.
    cause = exc.args[0].reason if exc.args and isinstance(exc.args[0], MaxRetryError) else exc
    # urllib3 makes a refused connection a subclass of its timeout error: not one here.
    timed_out = isinstance(exc, requests.Timeout) or isinstance(cause, Urllib3Timeout)
    if timed_out and not isinstance(cause, NewConnectionError):
        return f"timed out after {timeout:g} s"
    return f"{type(exc).__name__}: {cause}"


class ValidatingFredReader(FredReader):
    """FredReader with a base URL of our choosing and validation of every answer."""

    def __init__(
        self, symbols: list[str], base_url: str, timeout: float, session: requests.Session
    ) -> None:
        # The session retries with backoff; the reader's own loop makes one attempt.
        super().__init__(
            symbols, start="1900-01-01", retry_count=0, pause=0.0, timeout=timeout, session=session
        )
        self._base_url = base_url

    @property
    def url(self) -> str:
        return self._base_url

    def _get_response(
        self, url: str, params: object = None, headers: object = None
    ) -> requests.Response:
        # pandas-datareader's version reports every failure as "Unable to read URL": an
        # operator must see whether FRED answered an error status, was too slow, or was
        # not reached at all.
        try:
            response = self.session.get(
                url, params=params, headers=headers or self.headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise FetchError(f"{transport_failure(exc, self.timeout)} ({url})") from exc
        if response.status_code != requests.codes.ok:
            raise FetchError(f"HTTP {response.status_code} {response.reason} ({url})")
        return response

    def read_validated(self) -> dict[str, pd.Series]:
        try:
            return {name: self._read_series(name) for name in self.symbols}
        finally:
            self.close()

    def _read_series(self, name: str) -> pd.Series:
        try:
            text = self._read_url_as_StringIO(f"{self.url}?id={name}").getvalue()
        except FetchError as exc:
            raise FetchError(f"{name}: {exc}") from exc
        except Exception as exc:  # what else pandas-datareader raises, e.g. on an empty body
            raise FetchError(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0]}") from exc
        try:
            return fred_csv.parse(text, name)
        except fred_csv.InvalidSeries as exc:
            raise FetchError(str(exc)) from exc


def fetch(
    names: list[str], base_url: str, timeout: float, retries: int, backoff: float
) -> dict[str, pd.Series]:
    """All series or a FetchError: a refresh never uses part of an answer."""
    reader = ValidatingFredReader(names, base_url, timeout, make_session(retries, backoff))
    return reader.read_validated()
