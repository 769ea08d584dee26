"""First-contact SLA counted in business hours of the organization's timezone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from smartweb_ui.services.leads.sla import (
    add_business_hours,
    first_contact_due,
    parse_business_hours,
)

NY = ZoneInfo("America/New_York")
WEEKDAYS = {d: ["09:00", "17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


def test_friday_afternoon_lead_is_due_monday_morning() -> None:
    # Fri 2026-11-20 15:00 NY + 4 business hours: 2 h on Friday, 2 h on Monday -> Mon 11:00.
    due = add_business_hours(ny(2026, 11, 20, 15, 0), 4, "America/New_York", WEEKDAYS)
    assert due == ny(2026, 11, 23, 11, 0)
    assert due.tzinfo == UTC


def test_weekend_lead_starts_counting_on_monday() -> None:
    due = add_business_hours(ny(2026, 11, 21, 10, 0), 4, "America/New_York", WEEKDAYS)
    assert due == ny(2026, 11, 23, 13, 0)


def test_after_hours_lead_counts_from_next_opening() -> None:
    due = add_business_hours(ny(2026, 11, 24, 20, 0), 1, "America/New_York", WEEKDAYS)
    assert due == ny(2026, 11, 25, 10, 0)


def test_across_the_dst_change_hours_are_wall_clock_business_hours() -> None:
    # DST ends Sun 2026-11-01; Fri Oct 30 16:00 EDT + 2 h -> Mon Nov 2 10:00 EST.
    due = add_business_hours(ny(2026, 10, 30, 16, 0), 2, "America/New_York", WEEKDAYS)
    assert due == ny(2026, 11, 2, 10, 0)


def test_holidays_are_skipped() -> None:
    due = add_business_hours(
        ny(2026, 12, 24, 16, 0), 2, "America/New_York", WEEKDAYS, ["2026-12-25"]
    )
    assert due == ny(2026, 12, 28, 10, 0)


def test_seed_style_business_hours_and_defaults() -> None:
    schedule = parse_business_hours({"start": "08:00", "end": "18:00", "days": [0, 1, 2, 3, 4]})
    assert sorted(schedule) == [0, 1, 2, 3, 4]
    settings = {
        "sla_first_contact_hours": 2,
        "business_hours": {"start": "08:00", "end": "18:00", "days": [0, 1, 2, 3, 4]},
    }
    # Saturday 12:00 Chicago -> Monday 10:00 Chicago
    due = first_contact_due(
        datetime(2026, 11, 21, 12, 0, tzinfo=ZoneInfo("America/Chicago")),
        settings,
        "America/Chicago",
    )
    assert due == datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("America/Chicago"))
    assert (
        first_contact_due(
            ny(2026, 11, 21, 12, 0), {"sla_first_contact_hours": 0}, "America/New_York"
        )
        is None
    )


def test_no_business_hours_means_around_the_clock() -> None:
    due = add_business_hours(ny(2026, 11, 21, 10, 0), 5, "America/New_York", {})
    assert due == ny(2026, 11, 21, 15, 0)
