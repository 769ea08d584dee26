"""The organization's monthly AI-call quota (``max_ai_calls_per_month``), counted on its clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col

from ...models import AICall, Organization
from ...models.base import utcnow
from ..core.org import org_context


@dataclass(frozen=True)
class Quota:
    limit: int
    used: int

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


def month_start(session: Session, organization_id: UUID, now: datetime | None = None) -> datetime:
    tz = org_context(session, organization_id).tz
    local = (now or utcnow()).astimezone(tz)
    return datetime(local.year, local.month, 1, tzinfo=tz)


def quota(session: Session, organization_id: UUID, now: datetime | None = None) -> Quota:
    """Calls placed this month (every call row counts once it is queued) against the limit."""
    org = session.get(Organization, organization_id)
    limit = int(org.max_ai_calls_per_month) if org is not None else 0
    used = session.execute(
        sa.select(sa.func.count())
        .select_from(AICall)
        .where(
            col(AICall.organization_id) == organization_id,
            col(AICall.created_at) >= month_start(session, organization_id, now),
        )
    ).scalar_one()
    return Quota(limit, int(used))
