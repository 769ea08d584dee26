"""Which leads a campaign calls: a lead filter (or a saved inbox view, copied when the campaign
is saved), never do-not-call, converted, deleted or invalid-phone leads."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col

from ...models import Company, Lead, LeadStatus
from ..core.org import org_context
from ..core.security import Actor
from ..leads import LeadFilter
from ..leads.filters import where_clauses

EXCLUDED_STATUSES = (LeadStatus.CONVERTED, LeadStatus.LOST)


def lead_filter(raw: dict[str, Any] | None, owner: UUID | None) -> LeadFilter:
    """The stored filter; "me" means the campaign's creator (the dialer is nobody)."""
    flt = LeadFilter.parse(raw or {})
    if flt.assignee == "me":
        from dataclasses import replace

        flt = replace(flt, assignee=str(owner) if owner else "unassigned")
    return flt


def callable_clauses(actor: Actor) -> list[sa.ColumnElement[bool]]:
    return [
        col(Lead.do_not_call).is_(False),
        col(Lead.status).not_in(list(EXCLUDED_STATUSES)),
        col(Company.phone).is_not(None),
        col(Company.phone_invalid).is_(False),
        col(Company.deleted_at).is_(None),
    ]


def target_query(session: Session, actor: Actor, flt: LeadFilter) -> Any:
    """SELECT leads.id, score, timezone, best_call_time, phone of every callable target."""
    tz = org_context(session, actor).tz
    return (
        sa.select(
            col(Lead.id),
            col(Lead.lead_score),
            col(Lead.timezone),
            col(Lead.best_call_time),
            col(Company.phone),
        )
        .select_from(Lead)
        .join(Company, col(Company.id) == Lead.company_id)
        .where(*where_clauses(actor, flt, tz), *callable_clauses(actor))
    )


def count_targets(session: Session, actor: Actor, flt: LeadFilter) -> int:
    inner = target_query(session, actor, flt).subquery()
    return int(session.execute(sa.select(sa.func.count()).select_from(inner)).scalar_one())
