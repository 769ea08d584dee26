"""The actor of a campaign's own work (its calls and what their outcomes change): not a person,
so audit rows carry ``via: campaign:<id>`` and no user."""

from __future__ import annotations

from uuid import UUID

from ..core.security import NO_USER, Actor

CAMPAIGN_PERMISSIONS = frozenset(
    {"leads.read", "leads.read_all", "leads.write", "leads.assign", "tasks.write",
     "campaigns.view"}
)  # fmt: skip


def campaign_actor(organization_id: UUID, campaign_id: UUID | None) -> Actor:
    return Actor(
        user_id=NO_USER,
        organization_id=organization_id,
        permissions=CAMPAIGN_PERMISSIONS,
        via=f"campaign:{campaign_id}" if campaign_id else "campaign",
    )
