"""The signed-in user's day: open tasks (overdue first), uncontacted leads, open deals; for a
manager their team, for an executive the revenue in short (``team.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from ...models import (
    Company,
    Lead,
    LeadStatus,
    Opportunity,
    OpportunityStatus,
    PipelineStage,
    Task,
    TaskStatus,
)
from ...models.base import utcnow
from ..core.formatting import format_date, format_datetime, format_money
from ..core.org import org_context
from ..core.security import Actor
from ..proposals import PendingApproval, pending_approvals
from ..tasks.followups import complete_task
from .team import (
    RepLine,
    RevenueLine,
    StuckDeal,
    can_convert,
    lens_of,
    revenue_summary,
    stuck_deals,
    team_lines,
)

LIMIT = 25


@dataclass(frozen=True)
class TodayTask:
    id: str
    title: str
    due: str
    overdue: bool
    priority: str
    company: str
    lead_id: str


@dataclass(frozen=True)
class TodayLead:
    id: str
    company: str
    city: str
    phone: str
    score: int
    sla: str
    sla_overdue: bool


@dataclass(frozen=True)
class TodayDeal:
    id: str
    name: str
    company: str
    stage: str
    value: str
    weighted: str
    probability: str
    close: str
    close_overdue: bool


@dataclass
class Today:
    """Display-ready rows for the Today page."""

    tasks: list[TodayTask] = field(default_factory=list)
    overdue_tasks: int = 0
    open_tasks: int = 0
    leads: list[TodayLead] = field(default_factory=list)
    uncontacted_leads: int = 0
    deals: list[TodayDeal] = field(default_factory=list)
    open_deals: int = 0
    pipeline_value: str = ""
    weighted_value: str = ""
    approvals: list[PendingApproval] = field(default_factory=list)
    # Beyond one's own work (team.py): which view, and what it holds.
    lens: str = "own"  # own | team | revenue
    can_convert: bool = False
    team: list[RepLine] = field(default_factory=list)
    stuck: list[StuckDeal] = field(default_factory=list)
    revenue: list[RevenueLine] = field(default_factory=list)


def today_for(session: Session, actor: Actor) -> Today:
    """Everything on the user's Today page, in four small indexed queries."""
    org = org_context(session, actor)
    tz, currency = org.tz, org.currency
    now = utcnow()
    me = actor.user_id
    out = Today()

    open_task = (
        (col(Task.organization_id) == actor.organization_id)
        & (col(Task.assigned_to) == me)
        & (col(Task.status) == TaskStatus.OPEN)
        & col(Task.deleted_at).is_(None)
    )
    out.open_tasks, out.overdue_tasks = session.exec(
        select(func.count(), func.count().filter(col(Task.due_at) < now)).where(open_task)
    ).one()
    tasks = session.exec(
        select(Task, Company.name)
        .outerjoin(Lead, col(Lead.id) == Task.lead_id)
        .outerjoin(Company, col(Company.id) == Lead.company_id)
        .where(open_task)
        .order_by(case((col(Task.due_at) < now, 0), else_=1), col(Task.due_at).asc().nulls_last())
        .limit(LIMIT)
    ).all()
    out.tasks = [
        TodayTask(
            id=str(t.id),
            title=t.title,
            due=format_datetime(t.due_at, tz, empty="No due date"),
            overdue=bool(t.due_at and t.due_at < now),
            priority=t.priority.value,
            company=company or "",
            lead_id=str(t.lead_id or ""),
        )
        for t, company in tasks
    ]

    my_new = (
        (col(Lead.organization_id) == actor.organization_id)
        & (col(Lead.assigned_to) == me)
        & col(Lead.first_contact_at).is_(None)
        & col(Lead.status).in_([LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED])
        & col(Lead.deleted_at).is_(None)
    )
    out.uncontacted_leads = session.exec(select(func.count()).where(my_new)).one()
    leads = session.exec(
        select(Lead, Company)
        .join(Company, col(Company.id) == Lead.company_id)
        .where(my_new)
        .order_by(col(Lead.sla_due_at).asc().nulls_last(), col(Lead.lead_score).desc())
        .limit(LIMIT)
    ).all()
    out.leads = [
        TodayLead(
            id=str(lead.id),
            company=company.name,
            city=", ".join(p for p in [company.city, company.state] if p),
            phone=company.phone or "",
            score=int(lead.lead_score),
            sla=format_datetime(lead.sla_due_at, tz),
            sla_overdue=bool(lead.sla_due_at and lead.sla_due_at < now),
        )
        for lead, company in leads
    ]

    my_deals = (
        (col(Opportunity.organization_id) == actor.organization_id)
        & (col(Opportunity.owner_id) == me)
        & (col(Opportunity.status) == OpportunityStatus.OPEN)
        & col(Opportunity.deleted_at).is_(None)
        & ~col(Opportunity.is_archived)
    )
    n, total, weighted = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(Opportunity.value), 0),
            func.coalesce(func.sum(Opportunity.weighted_value), 0),
        ).where(my_deals)
    ).one()
    out.open_deals = n
    out.pipeline_value = format_money(Decimal(total), currency)
    out.weighted_value = format_money(Decimal(weighted), currency)
    deals = session.exec(
        select(Opportunity, PipelineStage.name, Company.name)
        .join(PipelineStage, col(PipelineStage.id) == Opportunity.current_stage_id)
        .outerjoin(Lead, col(Lead.id) == Opportunity.lead_id)
        .outerjoin(Company, col(Company.id) == Lead.company_id)
        .where(my_deals)
        .order_by(col(Opportunity.expected_close_date).asc().nulls_last())
        .limit(LIMIT)
    ).all()
    today = now.astimezone(tz).date()
    out.deals = [
        TodayDeal(
            id=str(o.id),
            name=o.name,
            company=company or "",
            stage=stage,
            value=format_money(o.value, currency),
            weighted=format_money(o.weighted_value, currency),
            probability=f"{o.probability.normalize():f}%",
            close=format_date(o.expected_close_date) or "—",
            close_overdue=bool(o.expected_close_date and o.expected_close_date < today),
        )
        for o, stage, company in deals
    ]
    out.approvals = pending_approvals(session, actor)  # empty unless the actor approves
    out.lens, out.can_convert = lens_of(actor), can_convert(actor)
    if out.lens == "team":
        out.team, out.stuck = team_lines(session, actor), stuck_deals(session, actor)
    if out.lens == "revenue" or (out.lens == "team" and actor.can("analytics.view")):
        out.revenue = revenue_summary(session, actor)
    return out


def complete_task_and_refresh(session: Session, actor: Actor, task_id: str) -> Today:
    """Tick a task off from Today and return the refreshed page (one transaction)."""
    complete_task(session, actor, task_id)
    return today_for(session, actor)
