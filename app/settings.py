"""Service configuration, read once from environment variables (and an optional .env file).

A value the service cannot run with is refused at start, before anything is served, in
one line per setting naming the variable, the value and what it may be
(`startup_settings`).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def usable_cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", protected_namespaces=())

    host: str = Field("127.0.0.1", description="interface the server binds")
    port: int = Field(8000, ge=0, le=65535)
    # uvicorn's levels, "trace" (below "debug") included.
    log_level: Literal["critical", "error", "warning", "info", "debug", "trace"] = Field(
        "info", description="uvicorn and service log level"
    )
    log_format: Literal["json", "text"] = Field("json", description="log lines as JSON or text")
    api_token: SecretStr | None = Field(
        None,
        description="if set, every endpoint but /healthz, /readyz and the page needs it as a "
        "bearer",
    )
    models_dir: Path = Field(PROJECT_ROOT / "models", description="TF Serving-layout model root")
    sentiment_model: str = "sentiment"
    sentiment_version: int | None = Field(None, description="pin a version; default: the newest")
    max_headlines: int = Field(256, ge=1, description="most headlines in one request")
    entity_sentiment_model: str = Field(
        "entity_sentiment", description="the per-entity model; empty: no per-entity answers"
    )
    entity_sentiment_version: int | None = Field(None, description="pin a version")
    mention_tagger: bool = Field(
        True,
        description='with "entities": "auto", also ask the entity model\'s mention tagger, '
        "where its version ships one, for the companies no list holds",
    )
    max_entities_per_headline: int = Field(
        16, ge=1, description="most entities asked about, or found, in one headline"
    )
    max_headline_chars: int = Field(1000, ge=1, description="longest headline after trimming")
    language_check: bool = Field(
        True, description="answer a headline in another language than English as unread"
    )
    batch_max_size: int = Field(128, ge=1, description="headlines per model call; 1 = off")
    batch_max_wait_ms: float = Field(
        0.0, ge=0, description="how long a batch may wait for more while the model idles"
    )
    batch_queue_max: int = Field(4096, ge=1, description="queued headlines before 503")
    inference_workers: int = Field(
        default_factory=usable_cores,
        ge=1,
        description="model calls that may run at once, each on its own batch; "
        "default: one per usable core",
    )
    # 256 headlines of 1,000 characters, each written as a JSON escape ("\ud83d\ude80" is
    # 12 bytes), run to 3 MB: the count and length limits must be reachable within it.
    max_body_bytes: int = Field(4 << 20, ge=1024, description="larger request bodies get 413")
    header_timeout_seconds: float = Field(
        10.0, gt=0, description="a request's headers must arrive within this, else 408"
    )
    body_timeout_seconds: float = Field(
        30.0, gt=0, description="a request's body must arrive within this, else 408"
    )
    max_connections: int = Field(
        1000, ge=1, description="open connections beyond this are answered 503 and closed"
    )
    model_load_timeout_seconds: float = Field(
        300.0, gt=0, description="a model still loading after this counts as failed to load"
    )
    exit_on_model_error: bool = Field(
        True, description="exit 1 when a model cannot load; false: stay up, /readyz says why"
    )
    hot_paths: bool = Field(
        True, description="answer well-formed /sentiment and /forecast requests below FastAPI"
    )
    tf_intra_op_threads: int = Field(1, ge=0, description="threads inside one op; 0 = TF's choice")
    tf_inter_op_threads: int = Field(
        default_factory=lambda: max(2, usable_cores()),
        ge=0,
        description="ops run at once, across all calls; default: one per usable core, "
        "at least 2; 0 = TF's choice",
    )

    forecast_model: str = "gdp_forecast"
    forecast_version: int | None = None
    fred_url: str = Field(
        "https://fred.stlouisfed.org/graph/fredgraph.csv",
        description="an http(s) URL with a host, asked for ?id=SERIES",
    )
    fred_timeout_seconds: float = Field(10.0, gt=0)
    fred_retries: int = Field(2, ge=0, description="retries per request, with backoff")
    fred_backoff_seconds: float = Field(0.5, ge=0)
    fred_deadline_seconds: float = Field(
        120.0, gt=0, description="a whole refresh, every series and retry, within this"
    )
    fred_max_bytes: int = Field(
        4 << 20, ge=1024, description="largest answer for one series, after decompression"
    )
    data_dir: Path = Field(
        PROJECT_ROOT / "var", description="vintage store, refresh status and scheduler lock"
    )
    scheduler_enabled: bool = True
    refresh_interval_minutes: float = Field(360.0, gt=0)
    refresh_retry_seconds: float = Field(60.0, gt=0, description="first retry after a failure")
    stale_after_hours: float = Field(72.0, gt=0)
    store_reload_seconds: float = Field(
        300.0, ge=0, description="non-refreshing processes re-read DATA_DIR; 0 = only at start"
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_any_case(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("fred_url")
    @classmethod
    def _http_url_with_a_host(cls, value: str) -> str:
        # Refused here rather than at the first refresh, minutes after a deploy.
        try:
            parts = urlsplit(value)
            # .port raises ValueError for a port that is not a number in 0-65535.
            has_host = bool(parts.hostname) and parts.port != 0
        except ValueError as exc:
            raise ValueError(f"must be an http:// or https:// URL with a host: {exc}") from None
        if parts.scheme not in ("http", "https") or not has_host:
            raise ValueError("must be an http:// or https:// URL with a host")
        return value

    @field_validator("api_token", mode="before")
    @classmethod
    def _empty_token_is_none(cls, value: object) -> object:
        # API_TOKEN= in an env file means no token, not the empty token.
        return None if value == "" else value


@lru_cache
def get_settings() -> Settings:
    return Settings()


class SettingRefused(ValueError):
    """Settings the service cannot start with: one line for each, naming the
    environment variable, its value and what it may be."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines


def startup_settings() -> Settings:
    """The settings, checked for what a start needs, or SettingRefused."""
    try:
        settings = get_settings()
    except ValidationError as exc:
        raise SettingRefused([_refusal(error) for error in exc.errors()]) from None
    data_dir_problem = _data_dir_problem(settings)
    if data_dir_problem is not None:
        raise SettingRefused([f"DATA_DIR={str(settings.data_dir)!r}: {data_dir_problem}"])
    return settings


def _refusal(error: ErrorDetails) -> str:
    field = str(error["loc"][0]) if error["loc"] else "?"
    value = "(hidden)" if field == "api_token" else repr(error.get("input"))
    # pydantic's own sentence says what is allowed ("Input should be 'json' or 'text'").
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{field.upper()}={value}: {message[:1].lower()}{message[1:]}"


def _data_dir_problem(settings: Settings) -> str | None:
    """Why DATA_DIR cannot be used, or None; a process that refreshes creates it here."""
    path = settings.data_dir
    try:
        if path.exists() and not path.is_dir():
            return "is a file, not a folder"
        # Only a process that refreshes writes there; the others may find it missing or
        # read-only (API replicas mount it so) and serve the embedded snapshot meanwhile.
        if settings.scheduler_enabled:
            path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or exc
        return f"cannot be created ({reason}): it must be a folder, or one this process can make"
    return None
