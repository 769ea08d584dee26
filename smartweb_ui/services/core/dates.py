"""Date and time parsing shared by every area (forms, URLs, jobs): one rule for what is sane."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from .errors import Invalid

# Business dates outside these years are typing mistakes (or attacks), never real data.
MIN_YEAR, MAX_YEAR = 1900, 2200


def in_range(day: date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def parse_date(raw: Any, what: str = "Date", *, required: bool = False) -> date | None:
    """A ``YYYY-MM-DD`` (or a ``date``) within the sane range; ``""``/None is None."""
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        day = raw
    elif raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise Invalid(f"{what} is required.")
        return None
    else:
        try:
            day = date.fromisoformat(str(raw).strip())
        except ValueError:
            raise Invalid(f"{what} must be a date like 2026-03-31.") from None
    if not in_range(day):
        raise Invalid(f"{what} must be between {MIN_YEAR} and {MAX_YEAR}.")
    return day


def parse_date_or_none(raw: Any) -> date | None:
    """Lenient form for links and saved filters: a bad value is simply no date."""
    try:
        return parse_date(raw)
    except Invalid:
        return None


def parse_local_datetime(raw: Any, tz: ZoneInfo, what: str = "Date and time") -> datetime:
    """A ``YYYY-MM-DDTHH:MM`` from a form, read on ``tz``'s wall clock, as an aware UTC time."""
    if isinstance(raw, datetime):
        moment = raw
    else:
        try:
            moment = datetime.fromisoformat(str(raw).strip())
        except ValueError:
            raise Invalid(f"{what} must be a valid date and time.") from None
    if not in_range(moment.date()):
        raise Invalid(f"{what} must be between {MIN_YEAR} and {MAX_YEAR}.")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)
