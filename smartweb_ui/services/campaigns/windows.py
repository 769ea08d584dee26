"""Calling windows: the campaign's days and hours on each lead's own clock, narrowed by the
lead's best time to call when the two overlap. Pure functions (tested across zones and DST)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# What people write as their best time to call -> local hours (start, end).
BEST_TIMES: tuple[tuple[str, time, time], ...] = (
    ("early morning", time(7, 0), time(8, 0)),
    ("before 8", time(7, 0), time(8, 0)),
    ("morning", time(8, 0), time(12, 0)),
    ("lunch", time(12, 0), time(13, 0)),
    ("afternoon", time(12, 0), time(17, 0)),
    ("after 5", time(17, 0), time(20, 0)),
    ("evening", time(17, 0), time(20, 0)),
)


@dataclass(frozen=True)
class Window:
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time

    def label(self) -> str:
        days = ", ".join(DAY_NAMES[d] for d in sorted(self.days)) or "no days"
        return f"{days} · {self.start:%H:%M}–{self.end:%H:%M}"


def best_hours(best_call_time: str | None) -> tuple[time, time] | None:
    text = (best_call_time or "").strip().lower()
    for key, start, end in BEST_TIMES:
        if key in text:
            return start, end
    return None


def lead_window(campaign: Window, best_call_time: str | None) -> Window:
    """The campaign's window, narrowed to the lead's best hours when they overlap."""
    best = best_hours(best_call_time)
    if best is None:
        return campaign
    start, end = max(campaign.start, best[0]), min(campaign.end, best[1])
    if start >= end:
        return campaign  # no overlap: the campaign's hours are the rule
    return Window(campaign.days, start, end)


def in_window(now: datetime, tz: ZoneInfo, window: Window) -> bool:
    """Is ``now`` (aware) inside the window on the ``tz`` wall clock?"""
    local = now.astimezone(tz)
    return local.weekday() in window.days and window.start <= local.time() < window.end


def next_opening(now: datetime, tz: ZoneInfo, window: Window) -> datetime | None:
    """The next moment (UTC-aware) the window opens or is open, within a week."""
    if in_window(now, tz, window):
        return now
    local = now.astimezone(tz)
    for offset in range(8):
        day = (local + timedelta(days=offset)).date()
        if day.weekday() not in window.days:
            continue
        opening = datetime.combine(day, window.start, tz)
        if opening > now:
            return opening
    return None
