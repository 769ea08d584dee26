"""The acting organization: name, currency, timezone and settings — resolved in ONE place.

Every service that needs the organization's clock or currency calls ``org_context``. The
result is cached on the session for the rest of the transaction, so a service that calls
others pays for one look-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from ...models import Organization
from ...models.base import utcnow
from .errors import NotFound
from .security import Actor

FALLBACK_ZONE = "UTC"
_CACHE_KEY = "smartweb.org_context"


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


def org_context(session: Session, actor: Actor | UUID) -> OrgContext:
    """The organization of ``actor`` (or of an organization id, for jobs and routes)."""
    org_id = actor if isinstance(actor, UUID) else actor.organization_id
    cached = session.info.get(_CACHE_KEY)
    if isinstance(cached, OrgContext) and cached.id == org_id:
        return cached
    org = session.get(Organization, org_id)
    if org is None or org.id != org_id:
        raise NotFound("Organization not found.")
    ctx = OrgContext(
        id=org.id,
        name=org.name,
        currency=(org.currency or "USD").upper(),
        tz=zone(org.timezone),
        settings=dict(org.settings or {}),
    )
    session.info[_CACHE_KEY] = ctx
    return ctx


def forget_org_context(session: Session) -> None:
    """Drop the cached context (after the organization row itself changed)."""
    session.info.pop(_CACHE_KEY, None)
