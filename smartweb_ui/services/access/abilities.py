"""What the actor may do, one rule per action: services refuse with it, pages show only what it
allows (the ``can_*`` flags every page state receives are computed here, server-side).

* Lead actions need their permissions *and* the lead in the actor's row scope
  (``core.scope.can_see_lead``): an executive reads every lead but changes none; a rep works own
  and unassigned leads.
* Timeline entries are edited or deleted by their author or by a manager (``leads.read_all`` with
  ``leads.write``).
* Holders: who may be given a lead (``leads.write``) or own a deal (``pipeline.move``). People
  whose role administers the organization (``admin.users``) run the system and carry no book,
  so the assignee and owner pickers never list them, nor the executive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from sqlmodel import Session, col, select

from ...models import Lead, LeadStatus, Permission, RolePermission, User, UserRole, UserStatus
from ..core.errors import Forbidden, NotFound, as_uuid
from ..core.results import Option
from ..core.scope import can_see_lead
from ..core.security import Actor

# action -> the permissions it needs (all of them)
LEAD_ACTIONS: dict[str, tuple[str, ...]] = {
    "edit": ("leads.write",),
    "log": ("leads.write",),
    "tag": ("leads.write",),
    "status": ("leads.write",),
    "task": ("tasks.write",),
    "convert": ("leads.write", "pipeline.move"),
    "assign": ("leads.assign",),
}
CLOSED = (LeadStatus.CONVERTED, LeadStatus.LOST, LeadStatus.UNQUALIFIED)
HoldKind = Literal["lead", "deal"]
HOLD_PERMISSION: dict[str, str] = {"lead": "leads.write", "deal": "pipeline.move"}
NOT_HOLDERS = "admin.users"  # administrators configure the organization; they hold no book


def may(actor: Actor, action: str, lead: Lead | None = None) -> bool:
    """Whether the actor may do ``action`` (on ``lead``, which must be in their row scope)."""
    needed = LEAD_ACTIONS[action]
    if not all(actor.can(p) for p in needed):
        return False
    return lead is None or can_see_lead(actor, lead)


def ensure(actor: Actor, action: str, lead: Lead | None = None) -> None:
    """Raise Forbidden unless ``may(actor, action, lead)``."""
    if not may(actor, action, lead):
        raise Forbidden("You do not have permission to do that.")


def may_change_entry(actor: Actor, lead: Lead, author_id: UUID | None) -> bool:
    """Edit or delete a timeline entry: its author, or a manager, with the lead in scope."""
    if not may(actor, "log", lead):
        return False
    return author_id == actor.user_id or actor.can("leads.read_all")


@dataclass(frozen=True)
class LeadAbilities:
    """The buttons and forms of the lead page the actor may use (display only; services re-check)."""

    can_edit: bool = False
    can_log: bool = False
    can_tag: bool = False
    can_status: bool = False
    can_task: bool = False
    can_convert: bool = False
    can_assign: bool = False


def lead_abilities(actor: Actor, lead: Lead) -> LeadAbilities:
    return LeadAbilities(
        can_edit=may(actor, "edit", lead),
        can_log=may(actor, "log", lead),
        can_tag=may(actor, "tag", lead),
        can_status=may(actor, "status", lead) and lead.status != LeadStatus.CONVERTED,
        can_task=may(actor, "task", lead),
        can_convert=may(actor, "convert", lead) and lead.status not in CLOSED,
        can_assign=may(actor, "assign", lead),
    )


# ------------------------------------------------------------------ who may hold leads and deals
def _holder_ids(session: Session, organization_id: UUID, kind: HoldKind) -> Any:
    def granted(code: str) -> Any:
        return (
            select(UserRole.user_id)
            .join(RolePermission, col(RolePermission.role_id) == UserRole.role_id)
            .join(Permission, col(Permission.id) == RolePermission.permission_id)
            .where(UserRole.organization_id == organization_id, Permission.code == code)
        )

    return (
        select(User.id, User.full_name, User.email)
        .where(
            User.organization_id == organization_id,
            User.status == UserStatus.ACTIVE,
            col(User.deleted_at).is_(None),
            ~col(User.is_super_admin),
            col(User.id).in_(granted(HOLD_PERMISSION[kind])),
            col(User.id).not_in(granted(NOT_HOLDERS)),
        )
        .order_by(col(User.full_name), col(User.email))
    )


def holders(session: Session, actor: Actor, kind: HoldKind) -> list[Option]:
    """The people a lead may be assigned to (``"lead"``) or a deal owned by (``"deal"``)."""
    rows = session.exec(_holder_ids(session, actor.organization_id, kind)).all()
    return [Option(id=str(uid), name=name or email) for uid, name, email in rows]


def load_holder(session: Session, actor: Actor, user_id: UUID | str, kind: HoldKind) -> UUID:
    """The id of a person who may hold a lead / own a deal, else NotFound (one rule with the
    pickers: a forged id, a suspended user, the executive or an admin are all refused)."""
    uid = as_uuid(user_id, "User")
    stmt = _holder_ids(session, actor.organization_id, kind).where(User.id == uid)
    if session.exec(stmt).first() is None:
        who = "leads" if kind == "lead" else "deals"
        raise NotFound(f"That person cannot hold {who}.")
    return uid


@dataclass(frozen=True)
class InboxAbilities:
    """What the lead inbox offers this user (row scope is re-checked per lead by the services)."""

    can_create: bool = False
    can_tag: bool = False
    can_status: bool = False
    can_assign: bool = False
    can_import: bool = False
    can_select: bool = False  # any bulk action at all: otherwise no checkboxes


def inbox_abilities(session: Session, actor: Actor) -> InboxAbilities:
    tag, status, assign = may(actor, "tag"), may(actor, "status"), may(actor, "assign")
    return InboxAbilities(
        can_create=may(actor, "edit"),
        can_tag=tag,
        can_status=status,
        can_assign=assign,
        can_import=actor.can("leads.import"),
        can_select=tag or status or assign,
    )


def may_delegate_tasks(actor: Actor) -> bool:
    """Whether the actor may give a task to someone else (else only to themselves)."""
    return actor.can("leads.assign") or actor.can("leads.read_all")


def task_assignees(session: Session, actor: Actor) -> list[Option]:
    """Who the actor may give a task to: lead holders for those who hand out work, else only
    themselves (the rule ``tasks.add_task`` applies)."""
    if may_delegate_tasks(actor):
        return holders(session, actor, "lead")
    me = session.get(User, actor.user_id)
    return [Option(id=str(actor.user_id), name=(me.full_name or me.email) if me else "Me")]
