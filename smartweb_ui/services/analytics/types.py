"""Plain results of the dashboard services (money as Decimal, percentages as Decimal 0.1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .periods import Period

CENT = Decimal("0.01")
TENTH = Decimal("0.1")

# What the database hands back for a number (SUM of nothing is NULL).
Number = Decimal | int | float | str | None


def money(value: Number) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def tenth(value: Number) -> Decimal | None:
    """A number rounded to one decimal (None stays None)."""
    return None if value is None else Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP)


def pct(part: Number, whole: Number) -> Decimal | None:
    """``part / whole`` as a percentage with one decimal; None when ``whole`` is zero."""
    whole_d = Decimal(whole or 0)
    if whole_d == 0:
        return None
    return (Decimal(part or 0) * 100 / whole_d).quantize(TENTH, rounding=ROUND_HALF_UP)


def change_pct(current: Decimal, previous: Decimal) -> Decimal | None:
    """Relative change in percent (None when the previous value is zero)."""
    if previous == 0:
        return None
    return ((current - previous) * 100 / previous).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Kpis:
    won_revenue: Decimal
    won_deals: int
    prev_won_revenue: Decimal
    prev_won_deals: int
    won_change_pct: Decimal | None
    lost_deals: int
    prev_lost_deals: int
    open_pipeline: Decimal
    open_deals: int
    weighted_forecast: Decimal
    win_rate: Decimal | None
    prev_win_rate: Decimal | None
    avg_deal_size: Decimal | None
    prev_avg_deal_size: Decimal | None
    avg_cycle_days: Decimal | None
    prev_avg_cycle_days: Decimal | None
    proposals_sent: int
    proposals_accepted: int
    acceptance_rate: Decimal | None
    prev_acceptance_rate: Decimal | None


@dataclass(frozen=True)
class MonthPoint:
    """Won revenue of one month, and of the same month a year earlier."""

    month: date
    revenue: Decimal
    deals: int
    prev_year_revenue: Decimal
    prev_year_deals: int


@dataclass(frozen=True)
class ForecastCell:
    """Open deals expected to close in one bucket, in one stage."""

    bucket: str  # "overdue" | "YYYY-MM" | "later" | "none"
    stage_id: str
    stage_name: str
    stage_position: int
    pipeline_id: str
    pipeline_name: str
    deals: int
    value: Decimal
    weighted: Decimal


@dataclass(frozen=True)
class Forecast:
    buckets: list[tuple[str, str]]  # (key, label) in display order
    cells: list[ForecastCell]
    current_month: date


@dataclass(frozen=True)
class FunnelStep:
    stage_id: str
    name: str
    position: int
    is_won: bool
    deals: int  # deals of the cohort that reached this stage or a later one
    conversion_pct: Decimal | None  # from the previous step (None on the first)
    drop_off_pct: Decimal | None
    of_first_pct: Decimal | None


@dataclass(frozen=True)
class Funnel:
    pipeline_id: str | None
    pipeline_name: str
    cohort: int  # deals created in the period on this pipeline
    steps: list[FunnelStep]


@dataclass(frozen=True)
class ReasonRow:
    status: str  # "won" | "lost"
    reason: str  # "" = none recorded, "__other__" = every reason past the top ones
    label: str
    deals: int
    value: Decimal


@dataclass(frozen=True)
class RepRow:
    rank: int
    owner_id: str | None
    name: str
    won_revenue: Decimal
    won_deals: int
    lost_deals: int
    win_rate: Decimal | None


@dataclass(frozen=True)
class SourceRow:
    source: str  # lead_source value, or "none" for deals without a lead
    label: str
    leads: int  # leads created in the period
    converted: int  # of those, converted so far
    conversion_pct: Decimal | None
    won_deals: int  # deals won in the period whose lead came from this source
    revenue: Decimal


@dataclass(frozen=True)
class CampaignRow:
    campaign_id: str
    name: str
    leads_called: int
    leads_reached: int
    interested: int
    deals: int
    won_deals: int
    revenue: Decimal


@dataclass(frozen=True)
class DashboardData:
    period: Period
    currency: str
    timezone: str
    kpis: Kpis
    monthly: list[MonthPoint]
    forecast: Forecast
    funnel: Funnel
    reasons: list[ReasonRow]
    reps: list[RepRow]
    sources: list[SourceRow]
    campaigns: list[CampaignRow]
    timings_ms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class DealRow:
    id: str
    name: str
    company: str
    owner: str
    stage: str
    status: str
    value: Decimal
    closed_on: date | None
    expected_close: date | None
    pipeline_id: str


@dataclass(frozen=True)
class DealList:
    """The deals behind one bar: the first ``rows`` and the exact total over all of them."""

    title: str
    total: int
    total_value: Decimal
    rows: list[DealRow]
    link_url: str = ""  # the same records on the pipeline board / lead inbox, when expressible
    link_label: str = ""
