"""First-contact SLA: deadlines counted in the organization's business hours and timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..core.org import zone

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Schedule = dict[int, tuple[time, time]]


def _time(value: Any) -> time:
    if isinstance(value, time):
        return value
    hours, _, minutes = str(value).strip().partition(":")
    return time(int(hours), int(minutes or 0))


def _day_index(key: Any) -> int:
    if isinstance(key, int):
        return key % 7
    text = str(key).strip().lower()
    if text.isdigit():
        return int(text) % 7
    return DAY_KEYS.index(text[:3])


def parse_business_hours(raw: Any) -> Schedule:
    """Accepts ``{"mon": ["09:00", "17:00"], ...}``, ``{"mon": {"start": .., "end": ..}}`` or
    ``{"days": ["mon", ...] | [0..6], "start": "09:00", "end": "17:00"}``; {} means always open."""
    schedule: Schedule = {}
    if not isinstance(raw, dict) or not raw:
        return schedule
    if "days" in raw:
        start, end = _time(raw.get("start", "09:00")), _time(raw.get("end", "17:00"))
        for day in raw["days"]:
            schedule[_day_index(day)] = (start, end)
        return schedule
    for key, window in raw.items():
        try:
            idx = _day_index(key)
        except ValueError:
            continue
        if not window:
            continue
        if isinstance(window, dict):
            start, end = (
                window.get("start") or window.get("open"),
                window.get("end") or window.get("close"),
            )
        else:
            start, end = window[0], window[1]
        if start is None or end is None:
            continue
        schedule[idx] = (_time(start), _time(end))
    return schedule


def _holidays(raw: Any) -> set[date]:
    out: set[date] = set()
    for item in raw or []:
        try:
            out.add(item if isinstance(item, date) else date.fromisoformat(str(item)))
        except ValueError:
            continue
    return out


def add_business_hours(
    start: datetime,
    hours: float,
    tz: str | ZoneInfo,
    business_hours: Any,
    holidays: Any = (),
) -> datetime:
    """``start`` plus ``hours`` of open business time, as an aware UTC datetime."""
    tzinfo = tz if isinstance(tz, ZoneInfo) else zone(tz)
    schedule = parse_business_hours(business_hours)
    remaining = timedelta(hours=float(hours))
    if not schedule or all(s >= e for s, e in schedule.values()):
        return (start + remaining).astimezone(UTC)
    closed = _holidays(holidays)
    cursor = start.astimezone(tzinfo)
    for _ in range(3660):  # at most ten years of days
        day = cursor.date()
        window = schedule.get(day.weekday())
        if window and day not in closed and window[0] < window[1]:
            opens = datetime.combine(day, window[0], tzinfo).astimezone(UTC)
            closes = datetime.combine(day, window[1], tzinfo).astimezone(UTC)
            now = max(cursor.astimezone(UTC), opens)
            if now < closes:
                available = closes - now
                if remaining <= available:
                    return now + remaining
                remaining -= available
        cursor = datetime.combine(day + timedelta(days=1), time(0), tzinfo)
    raise ValueError("business hours never open")


def first_contact_due(
    created_at: datetime, settings: dict[str, Any], tz: str | ZoneInfo
) -> datetime | None:
    """The SLA deadline for a lead created at ``created_at`` (None when the SLA is off)."""
    hours = settings.get("sla_first_contact_hours")
    if hours in (None, "", 0):
        return None
    return add_business_hours(
        created_at, float(hours), tz, settings.get("business_hours"), settings.get("holidays")
    )
