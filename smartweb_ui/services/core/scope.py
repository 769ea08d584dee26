"""Row scope: what an actor may see and touch, one rule per entity, used by every service.

* Leads: everyone with ``leads.read_all`` sees all; others see their own and unassigned leads.
* Companies: as their leads (a company with no lead yet is everyone's).
* Deals: everyone with ``pipeline.read`` sees the board; ``pipeline.manage`` edits any deal,
  ``pipeline.move`` edits its own. A deal's lead (phone, e-mail) shows only as the lead rule says.
* Tasks: visible with their deal (board scope) or their lead; added to a deal only by who may
  edit the deal; completed by their assignee or creator, a manager, or whoever owns the lead or
  deal they are about.

The loaders re-read every id under the actor's organization and scope and raise ``NotFound``
for anything else (another organization's id, a colleague's lead, a malformed id), so a forged
id from the browser behaves exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ...models import Company, Lead, Opportunity, Task, User, UserStatus
from .changes import Change
from .errors import NotFound, as_uuid
from .security import Actor, require


# ------------------------------------------------------------------ leads
def sees_every_lead(actor: Actor) -> bool:
    """Every lead of the organization, or only the actor's own and unassigned ones."""
    return actor.can("leads.read_all")


def may_show_lead_change(actor: Actor, change: Change) -> bool:
    """Could this change touch a lead the actor sees (the change feed names the assignees of
    the leads it wrote, or says it cannot)? Lets a rep's live pages skip colleagues' leads."""
    return sees_every_lead(actor) or change.may_show_lead_of(actor.user_id)


def lead_scope(actor: Actor, leads: Any = Lead) -> sa.ColumnElement[bool]:
    """SQL predicate over ``leads`` (or an alias of it): the rows the actor may see."""
    if sees_every_lead(actor):
        return sa.true()
    return sa.or_(leads.assigned_to == actor.user_id, leads.assigned_to.is_(None))


def can_see_lead(actor: Actor, lead: Lead) -> bool:
    return (
        lead.organization_id == actor.organization_id
        and lead.deleted_at is None
        and (
            sees_every_lead(actor) or lead.assigned_to is None or lead.assigned_to == actor.user_id
        )
    )


def load_lead(
    session: Session, actor: Actor, lead_id: UUID | str, *, for_update: bool = False
) -> Lead:
    """The lead if it is in the actor's organization and scope, else NotFound."""
    require(actor, "leads.read")
    stmt = select(Lead).where(Lead.id == as_uuid(lead_id, "Lead"))
    if for_update:
        stmt = stmt.with_for_update()
    lead = session.exec(stmt).first()
    if lead is None or not can_see_lead(actor, lead):
        raise NotFound("Lead not found.")
    return lead


def load_leads(
    session: Session, actor: Actor, lead_ids: Iterable[UUID | str], *, for_update: bool = True
) -> list[Lead]:
    """Every listed lead (all in scope, in the given order) or NotFound before anything is written."""
    require(actor, "leads.read")
    ids = list(dict.fromkeys(as_uuid(i, "Lead") for i in lead_ids))
    if not ids:
        return []
    stmt = select(Lead).where(col(Lead.id).in_(ids)).order_by(col(Lead.id))
    if for_update:
        stmt = stmt.with_for_update()
    rows = list(session.exec(stmt).all())
    if len(rows) != len(ids) or not all(can_see_lead(actor, r) for r in rows):
        raise NotFound("Lead not found.")
    order = {lid: n for n, lid in enumerate(ids)}
    return sorted(rows, key=lambda r: order[r.id])


def company_scope(actor: Actor) -> sa.ColumnElement[bool]:
    """SQL predicate over ``companies``: the rows the actor may see (through their leads)."""
    if actor.can("leads.read_all"):
        return sa.true()
    own = aliased(Lead)
    alive = sa.and_(col(own.company_id) == Company.id, col(own.deleted_at).is_(None))
    visible = sa.exists().where(alive, lead_scope(actor, own)).correlate(Company)
    return sa.or_(visible, ~sa.exists().where(alive).correlate(Company))


def load_company(session: Session, actor: Actor, company_id: UUID | str) -> Company:
    """A company of the actor's organization that the actor may see, else NotFound."""
    require(actor, "leads.read")
    company = session.exec(
        select(Company).where(
            Company.id == as_uuid(company_id, "Company"),
            Company.organization_id == actor.organization_id,
            col(Company.deleted_at).is_(None),
            company_scope(actor),
        )
    ).first()
    if company is None:
        raise NotFound("Company not found.")
    return company


def company_of(session: Session, lead: Lead) -> Company:
    company = session.get(Company, lead.company_id)
    if company is None or company.organization_id != lead.organization_id:
        raise NotFound("Company not found.")
    return company


# ------------------------------------------------------------------ deals
def can_edit_deal(actor: Actor, owner_id: UUID | None) -> bool:
    """Move, edit or add work to a deal: managers any, reps with ``pipeline.move`` their own."""
    if actor.can("pipeline.manage"):
        return True
    return actor.can("pipeline.move") and owner_id == actor.user_id


def load_deal(
    session: Session, actor: Actor, deal_id: UUID | str, *, lock: bool = False
) -> Opportunity:
    """A live deal of the actor's organization (board scope), else NotFound."""
    require(actor, "pipeline.read")
    stmt = select(Opportunity).where(
        Opportunity.id == as_uuid(deal_id, "Deal"),
        Opportunity.organization_id == actor.organization_id,
        col(Opportunity.deleted_at).is_(None),
    )
    deal = session.exec(stmt.with_for_update() if lock else stmt).first()
    if deal is None or deal.organization_id != actor.organization_id:
        raise NotFound("Deal not found.")
    return deal


# ------------------------------------------------------------------ people
def load_active_user(session: Session, actor: Actor, user_id: UUID | str) -> User:
    """An active (not suspended, not deleted) user of the actor's organization."""
    user = session.get(User, as_uuid(user_id, "User"))
    if user is None or user.organization_id != actor.organization_id or user.deleted_at:
        raise NotFound("User not found.")
    if user.status != UserStatus.ACTIVE:
        raise NotFound("That user is not active.")
    return user


def load_org_user(session: Session, actor: Actor, user_id: UUID | str) -> User:
    """Any (not deleted) user of the actor's organization, active or not."""
    user = session.get(User, as_uuid(user_id, "User"))
    if user is None or user.organization_id != actor.organization_id or user.deleted_at:
        raise NotFound("User not found.")
    return user


# ------------------------------------------------------------------ tasks
def load_task(session: Session, actor: Actor, task_id: UUID | str, *, lock: bool = True) -> Task:
    """A task the actor may see (NotFound otherwise: forged, foreign, out of scope)."""
    stmt = select(Task).where(Task.id == as_uuid(task_id, "Task"))
    task = session.exec(stmt.with_for_update() if lock else stmt).first()
    if task is None or task.organization_id != actor.organization_id or task.deleted_at is not None:
        raise NotFound("Task not found.")
    mine = actor.user_id in (task.assigned_to, task.created_by)
    if task.opportunity_id is not None and actor.can("pipeline.read"):
        return task  # deal tasks are as visible as the deals on the board
    if task.lead_id is not None:
        lead = session.get(Lead, task.lead_id)
        if (lead is None or not can_see_lead(actor, lead)) and not mine:
            raise NotFound("Task not found.")
    elif not mine and not actor.can("leads.read_all"):
        raise NotFound("Task not found.")
    return task


def can_complete_task(session: Session, actor: Actor, task: Task) -> bool:
    """Its assignee or creator, a manager, or whoever owns the lead or deal it is about."""
    if actor.user_id in (task.assigned_to, task.created_by):
        return True
    if actor.can("leads.read_all") or actor.can("pipeline.manage"):
        return True
    if task.opportunity_id is not None:
        owner = session.exec(
            select(Opportunity.owner_id).where(Opportunity.id == task.opportunity_id)
        ).first()
        if owner == actor.user_id:
            return True
    if task.lead_id is not None:
        assignee = session.exec(select(Lead.assigned_to).where(Lead.id == task.lead_id)).first()
        return assignee == actor.user_id
    return False
