"""Calling windows on each lead's own clock, across zones and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from smartweb_ui.services.campaigns import Window, in_window, lead_window

WEEKDAYS = Window(frozenset({0, 1, 2, 3, 4}), time(9, 0), time(17, 0))
NY, LA, CHI = (
    ZoneInfo("America/New_York"),
    ZoneInfo("America/Los_Angeles"),
    ZoneInfo("America/Chicago"),
)


def test_the_same_moment_is_inside_for_one_zone_and_outside_for_another() -> None:
    moment = datetime(2026, 12, 2, 14, 30, tzinfo=UTC)  # 09:30 New York, 06:30 Los Angeles
    assert in_window(moment, NY, WEEKDAYS)
    assert not in_window(moment, LA, WEEKDAYS)


def test_the_window_ends_at_its_end_on_the_leads_clock() -> None:
    assert in_window(datetime(2026, 12, 2, 16, 59, tzinfo=NY), NY, WEEKDAYS)
    assert not in_window(datetime(2026, 12, 2, 17, 0, tzinfo=NY), NY, WEEKDAYS)


def test_days_are_the_leads_days() -> None:
    # Friday 23:30 in Los Angeles is already Saturday in UTC; Monday 08:00 UTC is Sunday in LA.
    assert not in_window(datetime(2026, 12, 7, 8, 0, tzinfo=UTC), LA, WEEKDAYS)
    late = Window(frozenset({4}), time(20, 0), time(23, 59))
    assert in_window(datetime(2026, 12, 5, 7, 30, tzinfo=UTC), LA, late)


def test_daylight_saving_moves_the_window_in_utc() -> None:
    # Before the March change 09:00 New York is 14:00 UTC; after it, 13:00 UTC.
    assert not in_window(datetime(2026, 3, 6, 13, 30, tzinfo=UTC), NY, WEEKDAYS)
    assert in_window(datetime(2026, 3, 9, 13, 30, tzinfo=UTC), NY, WEEKDAYS)
    # November: back again.
    assert in_window(datetime(2026, 10, 30, 13, 30, tzinfo=UTC), NY, WEEKDAYS)
    assert not in_window(datetime(2026, 11, 2, 13, 30, tzinfo=UTC), NY, WEEKDAYS)


def test_best_call_time_narrows_the_window_when_they_overlap() -> None:
    assert lead_window(WEEKDAYS, "Afternoons") == Window(WEEKDAYS.days, time(12, 0), time(17, 0))
    assert lead_window(WEEKDAYS, "Lunch (12–1pm)").end == time(13, 0)
    assert lead_window(WEEKDAYS, "Early morning (before 8am)") == WEEKDAYS  # no overlap
    assert lead_window(WEEKDAYS, None) == WEEKDAYS
    morning = lead_window(WEEKDAYS, "Mornings")
    assert not in_window(datetime(2026, 12, 2, 13, 0, tzinfo=CHI), CHI, morning)
    assert in_window(datetime(2026, 12, 2, 10, 0, tzinfo=CHI), CHI, morning)
