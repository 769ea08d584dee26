"""Follow-up tasks on a lead: add, complete, list."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy import update
from sqlmodel import Session, col, select

from ...models import Lead, Opportunity, Task, TaskPriority, TaskStatus, User
from ...models.base import utcnow
from ..core import audit
from ..core.errors import Conflict, Forbidden, Invalid, NotFound
from ..core.security import Actor, require
from ..leads.common import as_uuid, fmt_dt, load_active_user, load_lead, org_settings, zone
from ..leads.interactions import parse_local_datetime

PRIORITIES = [p.value for p in TaskPriority]


def add_task(
    session: Session,
    actor: Actor,
    lead_id: str | UUID,
    *,
    title: str,
    due_at: Any = None,
    assignee_id: str | UUID | None = None,
    priority: str = "normal",
    description: str = "",
) -> str:
    """A task on a lead (assignee defaults to the actor); returns its id."""
    require(actor, "tasks.write")
    lead = load_lead(session, actor, lead_id)
    title = (title or "").strip()
    if not title:
        raise Invalid("The task needs a title.")
    if len(title) > 200:
        raise Invalid("Task titles are 200 characters at most.")
    if priority not in PRIORITIES:
        raise Invalid("Unknown priority.")
    _, tz_name = org_settings(session, actor.organization_id)
    due = parse_local_datetime(due_at, tz_name) if due_at not in (None, "") else None
    assignee = (
        actor.user_id
        if assignee_id in (None, "")
        else load_active_user(session, actor, assignee_id).id
    )
    if assignee != actor.user_id and not (actor.can("leads.assign") or actor.can("leads.read_all")):
        raise Invalid("You can only give tasks to yourself.")
    task = Task(
        organization_id=actor.organization_id,
        title=title,
        description=(description or "").strip()[:5000],
        due_at=due,
        priority=TaskPriority(priority),
        assigned_to=assignee,
        created_by=actor.user_id,
        lead_id=lead.id,
    )
    session.add(task)
    session.flush()
    audit.record(
        session,
        actor,
        "task.create",
        "task",
        task.id,
        after={
            "title": title,
            "lead_id": lead.id,
            "due_at": due,
            "assigned_to": assignee,
            "priority": priority,
        },
    )
    return str(task.id)


def _load_task(session: Session, actor: Actor, task_id: str | UUID) -> Task:
    """The task, if the actor may see it (NotFound otherwise: forged, foreign, out of scope)."""
    task = session.exec(
        select(Task).where(Task.id == as_uuid(task_id, "Task")).with_for_update()
    ).first()
    if task is None or task.organization_id != actor.organization_id or task.deleted_at is not None:
        raise NotFound("Task not found.")
    mine = actor.user_id in (task.assigned_to, task.created_by)
    if task.opportunity_id is not None and actor.can("pipeline.read"):
        return task  # deal tasks are as visible as the deals on the board
    if task.lead_id is not None:
        try:
            load_lead(session, actor, task.lead_id)
        except NotFound:
            if not mine:
                raise NotFound("Task not found.") from None
    elif not mine and not actor.can("leads.read_all"):
        raise NotFound("Task not found.")
    return task


def _may_complete(session: Session, actor: Actor, task: Task) -> bool:
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


def complete_task(session: Session, actor: Actor, task_id: str | UUID) -> None:
    """Mark a task done — the one implementation used by Today, lead detail and the deal drawer."""
    require(actor, "tasks.write")
    task = _load_task(session, actor, task_id)
    if not _may_complete(session, actor, task):
        raise Forbidden("You can complete only your own tasks.")
    if task.status != TaskStatus.OPEN:
        raise Conflict("This task is already closed.")
    before = audit.snapshot(task, ["status", "completed_at"])
    now = utcnow()
    task.status, task.completed_at, task.completed_by, task.updated_at = (
        TaskStatus.DONE,
        now,
        actor.user_id,
        now,
    )
    session.add(task)
    if task.opportunity_id is not None:
        # Open boards watch opportunities.updated_at; the card shows the next task's due date.
        session.execute(
            update(Opportunity)
            .where(col(Opportunity.id) == task.opportunity_id)
            .values(updated_at=sa.func.clock_timestamp())
        )
    audit.record(
        session,
        actor,
        "task.complete",
        "task",
        task.id,
        before=before,
        after=audit.snapshot(task, ["status", "completed_at"]),
    )
    session.flush()


def lead_tasks(session: Session, actor: Actor, lead_id: str | UUID) -> list[dict[str, Any]]:
    """Open tasks first (by due date), then the last done ones."""
    lead = load_lead(session, actor, lead_id)
    _, tz_name = org_settings(session, actor.organization_id)
    tz, now = zone(tz_name), utcnow()
    rows = session.exec(
        select(Task, User.full_name)
        .join(User, col(User.id) == Task.assigned_to, isouter=True)
        .where(
            Task.organization_id == actor.organization_id,
            Task.lead_id == lead.id,
            col(Task.deleted_at).is_(None),
        )
        .order_by(
            col(Task.status) != TaskStatus.OPEN,
            col(Task.due_at).asc().nulls_last(),
            col(Task.created_at).desc(),
        )
        .limit(100)
    ).all()
    return [
        {
            "id": str(t.id),
            "title": t.title,
            "due": fmt_dt(t.due_at, tz),
            "overdue": t.status == TaskStatus.OPEN and t.due_at is not None and t.due_at < now,
            "priority": t.priority.value,
            "status": t.status.value,
            "assignee": name or "",
            "done": t.status != TaskStatus.OPEN,
        }
        for t, name in rows
    ]
