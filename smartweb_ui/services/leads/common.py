"""Shared pieces of the lead services: the open statuses and the inbox's organization settings."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlmodel import Session, select

from ...models import LeadStatus, User
from ..core.org import OrgContext

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


def lead_settings(org: OrgContext) -> dict[str, Any]:
    """The organization's settings merged over the inbox defaults."""
    return {**DEFAULT_SETTINGS, **org.settings}


def user_names(session: Session, organization_id: UUID) -> dict[UUID, str]:
    rows = session.exec(
        select(User.id, User.full_name, User.email).where(User.organization_id == organization_id)
    ).all()
    return {uid: (name or email) for uid, name, email in rows}
