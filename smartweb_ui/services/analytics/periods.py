"""Dashboard filters and reporting periods, computed on the organization's local calendar.

Pure functions (no database): a period is a range of local calendar dates; the UTC instants
that bound it (for ``timestamptz`` columns) come from the organization's timezone, so a deal
won at 23:30 on March 31 in Chicago belongs to March even though it is April 1 in UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar, Self
from uuid import UUID
from zoneinfo import ZoneInfo

from ..core.dates import parse_date
from ..core.errors import Invalid
from ..core.query import QueryFilters

PRESETS: dict[str, str] = {
    "month": "This month",
    "quarter": "This quarter",
    "year": "This year",
    "last12": "Last 12 months",
    "custom": "Custom range",
}
MAX_CUSTOM_DAYS = 366 * 5
FORECAST_MIN_MONTHS = 6


@dataclass(frozen=True)
class DashboardFilters(QueryFilters):
    """What the dashboard is narrowed to. ``as_of`` pins "today" (tests, reproducible runs).

    In links: ``period`` (a PRESETS key), ``start``/``end`` (custom range), ``pipeline``, ``owner``.
    """

    QUERY_KEYS: ClassVar[dict[str, str]] = {
        "pipeline_id": "pipeline",
        "owner_id": "owner",
        "as_of": "",
    }

    period: str = "quarter"
    start: date | None = None
    end: date | None = None
    pipeline_id: UUID | None = None
    owner_id: UUID | None = None
    as_of: date | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> Self:
        raw = dict(raw or {})
        period = str(raw.get("period") or "quarter")
        if period not in PRESETS:
            raise Invalid("Unknown period.")

        def uuid(key: str, what: str) -> UUID | None:
            value = raw.get(key)
            if value in (None, ""):
                return None
            try:
                return value if isinstance(value, UUID) else UUID(str(value))
            except ValueError:
                raise Invalid(f"Unknown {what}.") from None

        return cls(
            period=period,
            start=parse_date(raw.get("start"), "The start date"),
            end=parse_date(raw.get("end"), "The end date"),
            pipeline_id=uuid("pipeline_id", "pipeline"),
            owner_id=uuid("owner_id", "team member"),
            as_of=parse_date(raw.get("as_of"), "The reference date"),
        )

    def with_owner(self, owner_id: UUID | None) -> DashboardFilters:
        return replace(self, owner_id=owner_id)


@dataclass(frozen=True)
class Period:
    """Inclusive local dates of the period, and of the comparable span before it."""

    start: date
    end: date
    prev_start: date
    prev_end: date
    today: date
    label: str
    prev_label: str


def month_start(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, months: int) -> date:
    """First day of the month ``months`` after ``d``'s month."""
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(d: date) -> date:
    return add_months(d, 1) - timedelta(days=1)


def _fmt_range(a: date, b: date) -> str:
    """As people say a span: "Mar 5, 2026", "Nov 1–30, 2025", "Oct 1 – Dec 31, 2026"."""
    if a == b:
        return f"{a:%b} {a.day}, {a.year}"
    if a.year == b.year:
        if a.month == b.month:
            return f"{a:%b} {a.day}–{b.day}, {a.year}"
        return f"{a:%b} {a.day} – {b:%b} {b.day}, {a.year}"
    return f"{a:%b} {a.day}, {a.year} – {b:%b} {b.day}, {b.year}"


def _preset_bounds(kind: str, today: date) -> tuple[date, date, date, date]:
    """(start, end, prev_start, prev_end) of a preset, before the to-date clipping."""
    if kind == "month":
        start = month_start(today)
        end = month_end(today)
        prev_start = add_months(start, -1)
    elif kind == "quarter":
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = month_end(add_months(start, 2))
        prev_start = add_months(start, -3)
    elif kind == "year":
        start = date(today.year, 1, 1)
        end = date(today.year, 12, 31)
        prev_start = date(today.year - 1, 1, 1)
    else:  # last12: the current month and the 11 before it
        start = add_months(today, -11)
        end = month_end(today)
        prev_start = add_months(start, -12)
    return start, end, prev_start, start - timedelta(days=1)


def resolve_period(filters: DashboardFilters, today: date) -> Period:
    """The period a filter means on ``today`` (the organization's local date).

    The comparison span is "the same point in the previous period": on March 15, "this month"
    compares March 1–15 with February 1–15, not with the whole of February.
    """
    kind = filters.period if filters.period in PRESETS else "quarter"
    if kind == "custom":
        if filters.start is None or filters.end is None:
            raise Invalid("Pick both a start and an end date.")
        start, end = filters.start, filters.end
        if end < start:
            raise Invalid("The end date is before the start date.")
        if (end - start).days > MAX_CUSTOM_DAYS:
            raise Invalid("Pick a range of five years or less.")
        length = (end - start).days + 1
        prev_start, prev_full_end = start - timedelta(days=length), start - timedelta(days=1)
        label = _fmt_range(start, end)
    else:
        start, end, prev_start, prev_full_end = _preset_bounds(kind, today)
        label = {
            "month": f"{start:%B %Y}",
            "quarter": f"Q{(start.month - 1) // 3 + 1} {start.year}",
            "year": f"{start.year}",
            "last12": _fmt_range(start, min(end, today)),
        }[kind]
    elapsed = (min(end, today) - start).days if start <= today else (end - start).days
    prev_end = min(prev_full_end, prev_start + timedelta(days=elapsed))
    return Period(
        start, end, prev_start, prev_end, today, label, _prev_label(kind, prev_start, prev_end, prev_full_end)
    )  # fmt: skip


def _prev_label(kind: str, prev_start: date, prev_end: date, prev_full_end: date) -> str:
    """The comparison span as people say it: the previous period's own name when it is
    compared whole ("Q3 2026", "November 2025", "2025"), else its dates ("Feb 1–15, 2026")."""
    if prev_end == prev_full_end and kind in ("month", "quarter", "year"):
        return {
            "month": f"{prev_start:%B %Y}",
            "quarter": f"Q{(prev_start.month - 1) // 3 + 1} {prev_start.year}",
            "year": f"{prev_start.year}",
        }[kind]
    return _fmt_range(prev_start, prev_end)


def local_today(tz: ZoneInfo, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(tz).date()


def utc_bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[first instant of ``start``, first instant after ``end``) in the local zone, as UTC."""
    lo = datetime.combine(start, time.min, tzinfo=tz).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    return lo, hi


def chart_months(period: Period) -> tuple[date, date]:
    """First and last month of the monthly revenue chart: the chosen period's months (its
    amounts are clipped to the period's own days, see ``queries.won_by_month``)."""
    return month_start(period.start), month_start(period.end)


def forecast_months(period: Period) -> tuple[date, date]:
    """Forecast window: from the current month to the period's end (at least six months)."""
    first = month_start(period.today)
    last = max(month_start(period.end), add_months(first, FORECAST_MIN_MONTHS - 1))
    return first, last


def month_list(first: date, last: date) -> list[date]:
    out, cur = [], first
    while cur <= last:
        out.append(cur)
        cur = add_months(cur, 1)
    return out
