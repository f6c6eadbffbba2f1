"""GET /forecast, /forecast/history and POST /admin/refresh bodies, as in the OpenAPI
document."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from app.schemas import ModelRef


class Quarter(BaseModel):
    """A quarter by name and by its first day, as /forecast and /forecast/history give it."""

    quarter: str = Field(examples=["2026Q3"])
    date: str = Field(examples=["2026-07-01"], description="the quarter's first day")


class QuarterForecast(Quarter):
    gdp_growth_yoy: float = Field(description="point forecast, % year over year")
    lower: float = Field(description="lower end of the interval")
    upper: float = Field(description="upper end of the interval")


class RefreshStatus(BaseModel):
    ok: bool
    at: str = Field(description="when the refresh started (ISO 8601, UTC)")
    reason: str | None = Field(description="why it failed; null when it succeeded")
    vintage: str | None = Field(description="the vintage it stored; null when it failed")


class QuarantinedVintage(BaseModel):
    vintage: str
    at: str = Field(description="when it was fetched")
    reason: str = Field(description="each implausible move, against the series' history")


class CurrentQuarter(BaseModel):
    """The first forecast quarter, which the monthly data may already partly cover."""

    quarter: str = Field(examples=["2026Q3"])
    months_known: dict[str, int] = Field(
        examples=[{"CPIAUCSL": 1, "UNRATE": 1, "INDPRO": 0}],
        description="per monthly series, how many of the quarter's months are published "
        "(0-3): the forecast for this quarter uses them",
    )


class ForecastInputs(BaseModel):
    source: Literal["fred", "snapshot"] = Field(
        description="`fred`: fetched by a refresh; `snapshot`: the embedded snapshot, "
        "served until a refresh succeeds"
    )
    vintage: str
    fetched_at: str = Field(
        description="when these figures were last fetched successfully (the snapshot: "
        "the day it was taken), ISO 8601"
    )
    last_observation: dict[str, str]
    last_period: dict[str, str] = Field(
        examples=[{"GDPC1": "2026Q2", "CPIAUCSL": "2026-07", "UNRATE": "2026-07"}],
        description="per series, the newest quarter (GDPC1) or month the forecast uses",
    )
    interpolated_months: dict[str, list[str]]
    age_hours: float = Field(
        description="hours since `fetched_at`, the last successful fetch, to 0.1 h: not "
        "the age of the newest observation, which is in `last_observation`"
    )
    stale: bool = Field(description="the data is older than STALE_AFTER_HOURS")
    last_refresh: RefreshStatus | None = Field(
        description="the last refresh's outcome (in a replica that does not refresh, the "
        "refresher's); null before the first"
    )
    quarantined: QuarantinedVintage | None = Field(
        description="the newest fetched vintage held back as implausible, while it is "
        "newer than the data served; it is never served"
    )


class BridgeStatus(BaseModel):
    """Whether the forecast reads the monthly indicator of the model's bridge regression."""

    series: str = Field(examples=["INDPRO"])
    used: bool = Field(
        description="true when the series reaches `needs`; otherwise the forecast is the "
        "blend without it, with weights chosen for that case"
    )
    last_period: str = Field(examples=["2026-07"], description="the series' newest month")
    needs: str = Field(
        examples=["2026-06"], description="the last month of the newest published GDP quarter"
    )


class ForecastResponse(BaseModel):
    model: ModelRef
    last_observed_quarter: str = Field(description="the newest quarter with published GDP")
    current_quarter: CurrentQuarter
    interval_coverage: float | None = Field(
        description="the share of outcomes the model's intervals are built to hold "
        "(0.8: 80 % intervals)"
    )
    forecasts: list[QuarterForecast]
    inputs: ForecastInputs
    bridge: BridgeStatus | None = Field(
        default=None, description="only for a model with a bridge regression"
    )


class ObservedQuarter(Quarter):
    gdp_growth_yoy: float = Field(description="real GDP growth, % year over year")
    inflation_yoy: float = Field(description="CPI inflation, % year over year, quarterly mean")
    unemployment_rate: float = Field(description="unemployment rate, %, quarterly mean")


class HistoryResponse(BaseModel):
    """The observed quarters behind the current forecast, oldest first."""

    last_observed_quarter: str
    source: Literal["fred", "snapshot"]
    vintage: str
    quarters: list[ObservedQuarter]


class RefreshResponse(RefreshStatus):
    """A refresh's outcome (`vintage`: the one it stored, if any) and what is served now."""

    source: Literal["fred", "snapshot"]
    current_vintage: str
    last_observed_quarter: str | None
