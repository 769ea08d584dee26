"""Follow-up tasks on a lead or a deal: add, complete, list — one implementation for every page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from uuid import UUID

from sqlmodel import Session, col, select

from ...models import Task, TaskPriority, TaskStatus, User
from ...models.base import utcnow
from ..access.abilities import load_holder, may_delegate_tasks
from ..core import audit
from ..core.changes import touch_deal
from ..core.dates import parse_local_datetime
from ..core.errors import Conflict, Forbidden, Invalid
from ..core.formatting import format_datetime
from ..core.org import org_context
from ..core.scope import (
    can_complete_task,
    can_edit_deal,
    load_active_user,
    load_deal,
    load_lead,
    load_task,
)
from ..core.security import Actor, require
from ..core.text import clean_text

PRIORITIES = [p.value for p in TaskPriority]
# A task given a day but no time is due at this hour of the organization's day.
DEFAULT_DUE_TIME = time(9, 0)


@dataclass(frozen=True)
class TaskRow:
    """One task as the lead page and the deal drawer list it (display-ready)."""

    id: str
    title: str
    due: str
    overdue: bool
    priority: str
    status: str
    assignee: str
    done: bool


def add_task(
    session: Session,
    actor: Actor,
    *,
    lead_id: str | UUID | None = None,
    deal_id: str | UUID | None = None,
    title: str,
    due_at: datetime | str | None = None,
    due_on: date | None = None,
    assignee_id: str | UUID | None = None,
    priority: str = "normal",
    description: str = "",
) -> str:
    """A task on a lead or on a deal (and its lead); returns its id.

    ``due_at`` is a moment (a naive one is read on the organization's clock); ``due_on`` a day,
    due at DEFAULT_DUE_TIME. The assignee defaults to the actor; only people who hand out
    work (``leads.assign`` or ``leads.read_all``) give tasks to others.
    """
    require(actor, "tasks.write")
    if (lead_id is None) == (deal_id is None):
        raise Invalid("A task belongs to a lead or to a deal.")
    deal = None
    if deal_id is not None:
        deal = load_deal(session, actor, deal_id)
        if not can_edit_deal(actor, deal.owner_id):
            raise Forbidden("You can add tasks only to your own deals.")
        target_lead = deal.lead_id
    else:
        target_lead = load_lead(session, actor, lead_id or "").id
    title = clean_text(title, "The task title", max_length=200, required=True)
    if priority not in PRIORITIES:
        raise Invalid("Unknown priority.")
    org = org_context(session, actor)
    if due_at not in (None, ""):
        due = parse_local_datetime(due_at, org.tz, "The due date")
    elif due_on is not None:
        due = parse_local_datetime(datetime.combine(due_on, DEFAULT_DUE_TIME), org.tz)
    else:
        due = None
    assignee = (
        actor.user_id
        if assignee_id in (None, "")
        else load_active_user(session, actor, assignee_id or "").id
    )
    if assignee != actor.user_id and not may_delegate_tasks(actor):
        raise Invalid("You can only give tasks to yourself.")
    if assignee != actor.user_id:
        load_holder(session, actor, assignee, "lead")  # the same people the picker lists
    task = Task(
        organization_id=actor.organization_id,
        title=title,
        description=clean_text(description, "The description", max_length=5000, multiline=True),
        due_at=due,
        priority=TaskPriority(priority),
        assigned_to=assignee,
        created_by=actor.user_id,
        lead_id=target_lead,
        opportunity_id=deal.id if deal is not None else None,
    )
    session.add(task)
    session.flush()
    if deal is not None:
        touch_deal(session, deal.id, actor.organization_id)
    audit.record(
        session,
        actor,
        "task.create",
        "task",
        task.id,
        after={
            "title": title,
            "lead_id": target_lead,
            "opportunity_id": deal.id if deal is not None else None,
            "due_at": due,
            "assigned_to": assignee,
            "priority": priority,
        },
    )
    return str(task.id)


def complete_task(session: Session, actor: Actor, task_id: str | UUID) -> None:
    """Mark a task done — the one implementation used by Today, lead detail and the deal drawer."""
    require(actor, "tasks.write")
    task = load_task(session, actor, task_id)
    if not can_complete_task(session, actor, task):
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
    if task.opportunity_id is not None:  # the card shows the next task's due date
        touch_deal(session, task.opportunity_id, actor.organization_id)
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


def task_list(
    session: Session,
    actor: Actor,
    *,
    lead_id: str | UUID | None = None,
    deal_id: str | UUID | None = None,
    limit: int = 100,
) -> list[TaskRow]:
    """A lead's or a deal's tasks: open ones first (by due date), then the last done ones."""
    if deal_id is not None:
        where = Task.opportunity_id == load_deal(session, actor, deal_id).id
    else:
        where = Task.lead_id == load_lead(session, actor, lead_id or "").id
    org = org_context(session, actor)
    now = utcnow()
    rows = session.exec(
        select(Task, User.full_name)
        .join(User, col(User.id) == Task.assigned_to, isouter=True)
        .where(Task.organization_id == actor.organization_id, where, col(Task.deleted_at).is_(None))
        .order_by(
            col(Task.status) != TaskStatus.OPEN,
            col(Task.due_at).asc().nulls_last(),
            col(Task.created_at).desc(),
        )
        .limit(limit)
    ).all()
    return [
        TaskRow(
            id=str(t.id),
            title=t.title,
            due=format_datetime(t.due_at, org.tz, with_year=False, empty="No due date"),
            overdue=t.status == TaskStatus.OPEN and t.due_at is not None and t.due_at < now,
            priority=t.priority.value,
            status=t.status.value,
            assignee=name or "",
            done=t.status != TaskStatus.OPEN,
        )
        for t, name in rows
    ]
