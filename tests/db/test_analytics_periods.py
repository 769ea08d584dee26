"""Reporting periods on the organization's calendar (pure functions, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from smartweb_ui.services.analytics.periods import (
    DashboardFilters,
    chart_months,
    forecast_months,
    local_today,
    resolve_period,
    utc_bounds,
)
from smartweb_ui.services.core.errors import Invalid

CHI = ZoneInfo("America/Chicago")


def period(kind: str, today: date, **kw: object) -> tuple[date, date, date, date]:
    p = resolve_period(DashboardFilters(period=kind, **kw), today)  # type: ignore[arg-type]
    return p.start, p.end, p.prev_start, p.prev_end


@pytest.mark.parametrize(
    ("kind", "today", "expected"),
    [
        ("month", "2026-03-15", "2026-03-01 2026-03-31 2026-02-01 2026-02-15"),
        # March 31: February has no 31st, the comparison stops at its end.
        ("month", "2026-03-31", "2026-03-01 2026-03-31 2026-02-01 2026-02-28"),
        ("month", "2026-01-10", "2026-01-01 2026-01-31 2025-12-01 2025-12-10"),
        ("quarter", "2026-05-20", "2026-04-01 2026-06-30 2026-01-01 2026-02-19"),
        ("year", "2026-03-31", "2026-01-01 2026-12-31 2025-01-01 2025-03-31"),
        ("last12", "2026-03-31", "2025-04-01 2026-03-31 2024-04-01 2025-03-31"),
    ],
)
def test_presets_compare_with_the_same_point_of_the_previous_period(
    kind: str, today: str, expected: str
) -> None:
    got = period(kind, date.fromisoformat(today))
    assert " ".join(d.isoformat() for d in got) == expected


def test_custom_range_compares_with_the_span_just_before() -> None:
    got = period("custom", date(2026, 3, 31), start=date(2026, 1, 1), end=date(2026, 1, 31))
    assert got == (date(2026, 1, 1), date(2026, 1, 31), date(2025, 12, 1), date(2025, 12, 31))
    with pytest.raises(Invalid):
        period("custom", date(2026, 3, 31), start=date(2026, 2, 1), end=date(2026, 1, 1))
    with pytest.raises(Invalid):
        period("custom", date(2026, 3, 31), start=date(2026, 2, 1))
    with pytest.raises(Invalid):
        period("custom", date(2026, 3, 31), start=date(2010, 1, 1), end=date(2026, 1, 1))


def test_unknown_preset_falls_back_to_the_quarter() -> None:
    assert period("forever", date(2026, 3, 31))[:2] == (date(2026, 1, 1), date(2026, 3, 31))


def test_utc_bounds_follow_the_local_calendar_and_daylight_saving() -> None:
    lo, hi = utc_bounds(date(2026, 3, 1), date(2026, 3, 31), CHI)
    assert lo == datetime(2026, 3, 1, 6, tzinfo=UTC)  # CST, UTC-6
    assert hi == datetime(2026, 4, 1, 5, tzinfo=UTC)  # CDT since March 8, UTC-5
    # 23:30 on March 31 in Chicago is April 1 in UTC, yet inside March's bounds.
    won = datetime(2026, 3, 31, 23, 30, tzinfo=CHI)
    assert won.astimezone(UTC).date() == date(2026, 4, 1)
    assert lo <= won < hi
    assert local_today(CHI, datetime(2026, 4, 1, 4, 30, tzinfo=UTC)) == date(2026, 3, 31)


def test_chart_windows() -> None:
    p = resolve_period(DashboardFilters(period="month"), date(2026, 3, 31))
    assert chart_months(p) == (date(2026, 3, 1), date(2026, 3, 1))  # the chosen period only
    assert forecast_months(p) == (date(2026, 3, 1), date(2026, 8, 1))
    y = resolve_period(DashboardFilters(period="year"), date(2026, 3, 31))
    assert chart_months(y) == (date(2026, 1, 1), date(2026, 12, 1))
    assert forecast_months(y) == (date(2026, 3, 1), date(2026, 12, 1))


@pytest.mark.parametrize(
    ("kind", "today", "label", "prev"),
    [
        ("quarter", "2026-12-31", "Q4 2026", "Q3 2026"),  # compared whole: its own name
        ("quarter", "2026-11-15", "Q4 2026", "Jul 1 – Aug 15, 2026"),  # to the same day
        ("month", "2026-12-01", "December 2026", "Nov 1, 2026"),  # never "Nov 1–1"
        ("month", "2026-12-31", "December 2026", "November 2026"),
        ("month", "2026-03-15", "March 2026", "Feb 1–15, 2026"),
        ("year", "2026-12-31", "2026", "2025"),
    ],
)
def test_comparison_ranges_read_as_people_say_them(
    kind: str, today: str, label: str, prev: str
) -> None:
    p = resolve_period(DashboardFilters(period=kind), date.fromisoformat(today))
    assert (p.label, p.prev_label) == (label, prev)


def test_a_custom_range_compares_with_the_span_before_in_words() -> None:
    p = resolve_period(
        DashboardFilters(period="custom", start=date(2025, 12, 1), end=date(2025, 12, 30)),
        date(2026, 3, 1),
    )
    assert (p.label, p.prev_label) == ("Dec 1–30, 2025", "Nov 1–30, 2025")
