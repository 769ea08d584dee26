"""Round-robin assignment: fair over time, skipping suspended users and reps at capacity.

The turn order lives in ``lead_round_robin`` (one row per user: ``last_turn``), so fairness
survives restarts and is shared by every backend worker. A transaction-scoped advisory lock
serializes round-robin runs of one organization.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import Session, col, select

from ...models import (
    Lead,
    LeadRoundRobin,
    Permission,
    Role,
    RolePermission,
    User,
    UserRole,
    UserStatus,
)
from ...models.base import utcnow
from ..core import audit
from ..core.errors import Conflict, Invalid, NotFound, as_uuid
from ..core.org import org_context
from ..core.scope import load_leads
from ..core.security import Actor, require
from .common import OPEN_STATUSES, lead_settings


@dataclass
class Candidate:
    user_id: UUID
    name: str
    capacity: int | None
    open_leads: int
    last_turn: int

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.open_leads >= self.capacity


def _rr_settings(settings: dict[str, Any]) -> dict[str, Any]:
    raw = settings.get("round_robin")
    return raw if isinstance(raw, dict) else {}


def pool_user_ids(session: Session, actor: Actor, settings: dict[str, Any]) -> list[UUID]:
    """Default pool: holders of the roles in ``round_robin.eligible_roles`` (else of a role that
    can work leads but not see all of them, i.e. reps)."""
    roles = _rr_settings(settings).get("eligible_roles")
    base = (
        select(UserRole.user_id)
        .join(Role, col(Role.id) == UserRole.role_id)
        .where(UserRole.organization_id == actor.organization_id)
    )
    if roles:
        stmt = base.where(col(Role.name).in_(list(roles)))
    else:
        writers = (
            select(RolePermission.role_id)
            .join(Permission, col(Permission.id) == RolePermission.permission_id)
            .where(Permission.code == "leads.write")
        )
        readers_all = (
            select(UserRole.user_id)
            .join(RolePermission, col(RolePermission.role_id) == UserRole.role_id)
            .join(Permission, col(Permission.id) == RolePermission.permission_id)
            .where(Permission.code == "leads.read_all")
        )
        stmt = base.where(col(Role.id).in_(writers), col(UserRole.user_id).not_in(readers_all))
    return sorted(set(session.exec(stmt).all()))


def candidates(
    session: Session, actor: Actor, pool: list[UUID] | None = None
) -> tuple[list[Candidate], list[str]]:
    """Active pool members with their capacity and open-lead count; plus who was skipped and why."""
    settings = lead_settings(org_context(session, actor))
    ids = pool if pool else pool_user_ids(session, actor, settings)
    respect = _rr_settings(settings).get("respect_capacity", True)
    default_cap = settings.get("rep_open_lead_capacity")
    users = session.exec(
        select(User).where(User.organization_id == actor.organization_id, col(User.id).in_(ids))
    ).all()
    if pool and len(users) != len(set(pool)):
        raise NotFound("User not found.")
    skipped: list[str] = []
    active: list[User] = []
    for user in users:
        if user.status != UserStatus.ACTIVE or user.deleted_at is not None:
            skipped.append(f"{user.full_name or user.email}: {user.status.value}")
        else:
            active.append(user)
    uids = [u.id for u in active]
    open_counts = dict(
        session.execute(
            sa.select(col(Lead.assigned_to), sa.func.count())
            .where(
                col(Lead.organization_id) == actor.organization_id,
                col(Lead.assigned_to).in_(uids),
                col(Lead.status).in_([s.value for s in OPEN_STATUSES]),
                col(Lead.deleted_at).is_(None),
            )
            .group_by(col(Lead.assigned_to))
        ).all()
    )
    turns = dict(
        session.execute(
            sa.select(col(LeadRoundRobin.user_id), col(LeadRoundRobin.last_turn)).where(
                col(LeadRoundRobin.organization_id) == actor.organization_id,
                col(LeadRoundRobin.user_id).in_(uids),
            )
        ).all()
    )
    out = []
    for user in active:
        cap = user.open_lead_capacity if user.open_lead_capacity is not None else default_cap
        out.append(
            Candidate(
                user_id=user.id,
                name=user.full_name or user.email,
                capacity=int(cap) if (respect and cap not in (None, "")) else None,
                open_leads=int(open_counts.get(user.id, 0)),
                last_turn=int(turns.get(user.id, 0)),
            )
        )
    return out, skipped


def assign_round_robin(
    session: Session, actor: Actor, lead_ids: list[str | UUID], pool: list[str | UUID] | None = None
) -> dict[str, Any]:
    """Deal the leads out in turn; all of them or none (when everyone is at capacity)."""
    require(actor, "leads.assign")
    if not lead_ids:
        raise Invalid("Select at least one lead.")
    session.execute(
        sa.text("SELECT pg_advisory_xact_lock(hashtextextended('lead_rr:' || :org, 0))"),
        {"org": str(actor.organization_id)},
    )
    leads = load_leads(session, actor, lead_ids)
    pool_ids = [as_uuid(p, "User") for p in pool] if pool else None
    people, skipped = candidates(session, actor, pool_ids)
    if not people:
        raise Conflict("Nobody is available for round-robin (no active reps in the pool).")
    by_id = {c.user_id: c for c in people}
    for lead in leads:  # leads moving away free a slot of their current owner
        owner = lead.assigned_to
        if owner is not None and owner in by_id and lead.status in OPEN_STATUSES:
            by_id[owner].open_leads -= 1
    turn = int(
        session.execute(
            sa.select(sa.func.coalesce(sa.func.max(LeadRoundRobin.last_turn), 0)).where(
                col(LeadRoundRobin.organization_id) == actor.organization_id
            )
        ).scalar_one()
    )
    plan: list[tuple[Lead, Candidate]] = []
    for lead in leads:
        free = [c for c in people if not c.full]
        if not free:
            raise Conflict(
                f"Only {len(plan)} of {len(leads)} leads fit: every rep in the pool is at capacity."
            )
        pick = min(free, key=lambda c: (c.last_turn, str(c.user_id)))
        turn += 1
        pick.last_turn = turn
        if lead.status in OPEN_STATUSES:
            pick.open_leads += 1
        plan.append((lead, pick))
    now = utcnow()
    counts: dict[str, int] = {}
    for lead, pick in plan:
        before = audit.snapshot(lead, ["assigned_to"])
        lead.assigned_to, lead.assigned_at, lead.updated_at = pick.user_id, now, now
        session.add(lead)
        audit.record(
            session, actor, "lead.assign", "lead", lead.id,
            before=before, after={"assigned_to": pick.user_id, "method": "round_robin"},
        )  # fmt: skip
        counts[pick.name] = counts.get(pick.name, 0) + 1
    for person in people:
        stmt = (
            pg_insert(LeadRoundRobin)
            .values(
                user_id=person.user_id,
                organization_id=actor.organization_id,
                last_turn=person.last_turn,
                assigned_total=sum(1 for _, p in plan if p is person),
                updated_at=now,
            )
            .on_conflict_do_update(
                index_elements=["user_id"],
                set_={
                    "last_turn": person.last_turn,
                    "assigned_total": LeadRoundRobin.assigned_total
                    + sum(1 for _, p in plan if p is person),
                    "updated_at": now,
                },
            )
        )
        session.execute(stmt)
    session.flush()
    return {
        "assigned": counts,
        "skipped": skipped
        + [f"{c.name}: at capacity" for c in people if c.full and c.name not in counts],
    }
