"""Shared pieces of the lead services: organization settings, row scope, loading, formatting."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlmodel import Session, select

from ...models import Company, Lead, LeadStatus, Organization, User, UserStatus
from ..core.errors import NotFound, as_uuid
from ..core.security import Actor, require

OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED)

# Organization settings the lead inbox reads (``organizations.settings``), with their defaults.
DEFAULT_SETTINGS: dict[str, Any] = {
    "sla_first_contact_hours": 4,
    # weekday -> [open, close] in the organization's timezone; a missing day is closed.
    "business_hours": {d: ["09:00", "17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
    "holidays": [],
    # open leads a rep may hold before round-robin skips them (users.open_lead_capacity wins).
    "rep_open_lead_capacity": 200,
}


def org_settings(session: Session, organization_id: UUID) -> tuple[dict[str, Any], str]:
    """The organization's settings merged over the defaults, and its timezone name."""
    org = session.get(Organization, organization_id)
    if org is None:
        raise NotFound("Organization not found.")
    merged = {**DEFAULT_SETTINGS, **(org.settings or {})}
    return merged, org.timezone or "America/New_York"


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def fmt_dt(value: datetime | None, tz: str | ZoneInfo, *, with_year: bool = False) -> str:
    """A short local date-time for display ('' when missing)."""
    if value is None:
        return ""
    local = value.astimezone(tz if isinstance(tz, ZoneInfo) else zone(tz))
    return local.strftime("%b %d %Y, %H:%M" if with_year else "%b %d, %H:%M")


def scope_clause(actor: Actor) -> sa.ColumnElement[bool]:
    """Rows of ``leads`` the actor may see: all with leads.read_all, else own + unassigned."""
    if actor.can("leads.read_all"):
        return sa.true()
    return sa.or_(Lead.assigned_to == actor.user_id, Lead.assigned_to.is_(None))  # type: ignore[union-attr]


def in_scope(actor: Actor, lead: Lead) -> bool:
    return (
        lead.organization_id == actor.organization_id
        and lead.deleted_at is None
        and (
            actor.can("leads.read_all")
            or lead.assigned_to is None
            or lead.assigned_to == actor.user_id
        )
    )


def load_lead(
    session: Session, actor: Actor, lead_id: UUID | str, *, for_update: bool = False
) -> Lead:
    """The lead if it is in the actor's organization and scope, else NotFound."""
    require(actor, "leads.read")
    lid = as_uuid(lead_id, "Lead")
    stmt = select(Lead).where(Lead.id == lid)
    if for_update:
        stmt = stmt.with_for_update()
    lead = session.exec(stmt).first()
    if lead is None or not in_scope(actor, lead):
        raise NotFound("Lead not found.")
    return lead


def load_leads(
    session: Session, actor: Actor, lead_ids: Iterable[UUID | str], *, for_update: bool = True
) -> list[Lead]:
    """Every listed lead (all in scope) or NotFound before anything is written."""
    require(actor, "leads.read")
    ids = list(dict.fromkeys(as_uuid(i, "Lead") for i in lead_ids))
    if not ids:
        return []
    stmt = select(Lead).where(Lead.id.in_(ids)).order_by(Lead.id)  # type: ignore[attr-defined]
    if for_update:
        stmt = stmt.with_for_update()
    rows = list(session.exec(stmt).all())
    if len(rows) != len(ids) or not all(in_scope(actor, r) for r in rows):
        raise NotFound("Lead not found.")
    order = {lid: n for n, lid in enumerate(ids)}
    return sorted(rows, key=lambda r: order[r.id])


def company_of(session: Session, lead: Lead) -> Company:
    company = session.get(Company, lead.company_id)
    if company is None or company.organization_id != lead.organization_id:
        raise NotFound("Company not found.")
    return company


def load_active_user(session: Session, actor: Actor, user_id: UUID | str) -> User:
    """An active (not suspended, not deleted) user of the actor's organization."""
    uid = as_uuid(user_id, "User")
    user = session.get(User, uid)
    if user is None or user.organization_id != actor.organization_id or user.deleted_at:
        raise NotFound("User not found.")
    if user.status != UserStatus.ACTIVE:
        raise NotFound("That user is not active.")
    return user


def user_names(session: Session, organization_id: UUID) -> dict[UUID, str]:
    rows = session.exec(
        select(User.id, User.full_name, User.email).where(User.organization_id == organization_id)
    ).all()
    return {uid: (name or email) for uid, name, email in rows}
