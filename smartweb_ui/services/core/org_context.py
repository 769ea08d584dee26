"""What services know of an organization (``OrgContext``), apart from how it is looked up
(``org``): the per-event session look-up builds it too, and an ``Actor`` carries it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...models.base import utcnow

FALLBACK_ZONE = "UTC"


def zone(name: str | None) -> ZoneInfo:
    """The zone called ``name``; an empty or unknown name falls back to UTC (never raises)."""
    try:
        return ZoneInfo(name or FALLBACK_ZONE)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo(FALLBACK_ZONE)


@dataclass(frozen=True)
class OrgContext:
    """What services need to know about the actor's organization."""

    id: UUID
    name: str
    currency: str
    tz: ZoneInfo
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def tz_name(self) -> str:
        return self.tz.key

    def local(self, moment: datetime) -> datetime:
        """``moment`` (aware, UTC in the database) on the organization's wall clock."""
        return moment.astimezone(self.tz)

    def today(self) -> date:
        return utcnow().astimezone(self.tz).date()


def org_of_row(
    org_id: UUID, name: str, currency: str | None, timezone: str | None, settings: Any
) -> OrgContext:
    """The context from an organization row's columns (the row, or a query that joined it)."""
    return OrgContext(
        id=org_id,
        name=name,
        currency=(currency or "USD").upper(),
        tz=zone(timezone),
        settings=dict(settings or {}),
    )
