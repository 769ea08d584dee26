"""The acting user and permission checks used by every service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID

from .errors import Forbidden

if TYPE_CHECKING:
    from .org_context import OrgContext

# The permission catalog: code -> (category, description). Migration 0001 seeds the same list.
PERMISSIONS: dict[str, tuple[str, str]] = {
    "leads.read": ("leads", "See leads and companies"),
    "leads.read_all": ("leads", "See every lead, not only own and unassigned"),
    "leads.write": ("leads", "Create and edit leads, log interactions"),
    "leads.assign": ("leads", "Assign leads to people"),
    "leads.import": ("leads", "Import and export leads"),
    "pipeline.read": ("pipeline", "See pipelines and deals"),
    "pipeline.move": ("pipeline", "Move deals between stages"),
    "pipeline.manage": ("pipeline", "Edit pipelines, stages, and anyone's deals"),
    "proposals.write": ("proposals", "Build and send proposals"),
    "proposals.approve": ("proposals", "Approve discounts and contracts"),
    "campaigns.view": ("campaigns", "See AI call campaigns and their calls"),
    "campaigns.manage": ("campaigns", "Run AI call campaigns"),
    "analytics.view": ("analytics", "See revenue dashboards"),
    "tasks.write": ("tasks", "Create and complete tasks"),
    "admin.users": ("admin", "Manage users"),
    "admin.roles": ("admin", "Manage roles and permissions"),
    "admin.audit": ("admin", "Read the audit trail"),
    "admin.settings": ("admin", "Edit organization settings"),
}

# System roles created for every organization, with their grants.
SYSTEM_ROLES: dict[str, tuple[str, frozenset[str]]] = {
    "Admin": ("Full access to the organization", frozenset(PERMISSIONS)),
    "Sales Manager": (
        "Runs the team: every lead and deal, pipelines, approvals, analytics",
        frozenset(
            {
                "leads.read",
                "leads.read_all",
                "leads.write",
                "leads.assign",
                "leads.import",
                "pipeline.read",
                "pipeline.move",
                "pipeline.manage",
                "proposals.write",
                "proposals.approve",
                "campaigns.view",
                "campaigns.manage",
                "analytics.view",
                "tasks.write",
            }
        ),
    ),
    "Sales Rep": (
        "Works own and unassigned leads and own deals",
        frozenset(
            {
                "leads.read",
                "leads.write",
                "pipeline.read",
                "pipeline.move",
                "proposals.write",
                "tasks.write",
            }
        ),
    ),
    "Executive": (
        "Reads everything, changes nothing",
        frozenset(
            {"leads.read", "leads.read_all", "pipeline.read", "analytics.view", "campaigns.view"}
        ),
    ),
}


NO_USER = UUID(int=0)  # the user id of an actor that is not a person (a campaign's calls)


@dataclass(frozen=True)
class Actor:
    """Who is acting: loaded server-side from the session row, never from the browser."""

    user_id: UUID
    organization_id: UUID
    permissions: frozenset[str] = field(default_factory=frozenset)
    is_super_admin: bool = False
    ip: str | None = None
    session_id: UUID | None = None  # the sign-in session acting (None for jobs and the seed)
    via: str | None = None  # a non-person acting ("campaign:<id>"); then user_id is NO_USER
    # The organization as the per-event session look-up read it (saves each transaction of the
    # event its own read of it; ``org_context`` reads the row when this is None).
    org: OrgContext | None = field(default=None, compare=False, repr=False)

    @property
    def is_person(self) -> bool:
        return self.user_id != NO_USER

    def can(self, permission: str) -> bool:
        return self.is_super_admin or permission in self.permissions


def holds_all(actor: Actor, permissions: frozenset[str] | set[str]) -> bool:
    """Whether the actor holds every one of ``permissions`` (nobody hands out more than they have)."""
    return actor.is_super_admin or set(permissions) <= actor.permissions


def require(actor: Actor, permission: str) -> None:
    """Raise Forbidden unless the actor holds ``permission``."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    if not actor.can(permission):
        raise Forbidden("You do not have permission to do that.")
