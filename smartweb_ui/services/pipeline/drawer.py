"""The deal drawer: one deal with its stage timeline, lead/company, tasks and proposals.

Also the company search behind "New deal" and the drawer's task add/complete.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlmodel import Session, col, select

from ...models import Company, Lead, Proposal, Task, TaskStatus, User
from ...models.base import utcnow
from ..core import audit
from ..core.errors import Invalid
from ..core.formatting import format_date, format_money
from ..core.security import Actor, require
from .common import as_uuid, can_move, initials, org_context
from .moves import load_deal


def _days(seconds: int | None) -> str:
    if seconds is None:
        return ""
    days = seconds / 86400
    return "less than a day" if days < 1 else f"{int(days)} day{'s' if int(days) != 1 else ''}"


def deal_pipeline_id(session: Session, actor: Actor, deal_id: str | UUID) -> str:
    """The pipeline a deal is on (``/pipeline?deal=<id>``); NotFound for a forged id."""
    require(actor, "pipeline.read")
    return str(load_deal(session, actor, as_uuid(deal_id, "Deal")).pipeline_id)


def deal_detail(session: Session, actor: Actor, deal_id: str | UUID) -> dict[str, Any]:
    """Everything the drawer shows, display-ready."""
    require(actor, "pipeline.read")
    deal = load_deal(session, actor, as_uuid(deal_id, "Deal"))
    currency, tz, _ = org_context(session, actor)
    now = utcnow()
    history = session.execute(
        text(
            "SELECT h.moved_at, h.seconds_in_from_stage, fs.name AS from_name, ts.name AS to_name, "
            "u.full_name AS who FROM opportunity_stage_history h "
            "LEFT JOIN pipeline_stages fs ON fs.id = h.from_stage_id "
            "JOIN pipeline_stages ts ON ts.id = h.to_stage_id "
            "LEFT JOIN users u ON u.id = h.moved_by "
            "WHERE h.organization_id = :org AND h.opportunity_id = :d ORDER BY h.moved_at DESC"
        ),
        {"org": actor.organization_id, "d": deal.id},
    ).all()
    stage_name = session.execute(
        text("SELECT name FROM pipeline_stages WHERE id = :s"), {"s": deal.current_stage_id}
    ).scalar_one()
    timeline = [
        {
            "title": (f"{h.from_name} → {h.to_name}" if h.from_name else f"Created in {h.to_name}"),
            "who": h.who or "Someone",
            "when": f"{format_date(h.moved_at.astimezone(tz))} {h.moved_at.astimezone(tz):%H:%M}",
            "spent": f"{_days(h.seconds_in_from_stage)} in {h.from_name}" if h.from_name else "",
        }
        for h in history
    ]
    company = lead = None
    if deal.lead_id:
        lead = session.get(Lead, deal.lead_id)
        company = session.get(Company, lead.company_id) if lead else None
    owner = session.get(User, deal.owner_id) if deal.owner_id else None
    tasks = session.exec(
        select(Task)
        .where(
            Task.organization_id == actor.organization_id,
            Task.opportunity_id == deal.id,
            col(Task.deleted_at).is_(None),
        )
        .order_by(col(Task.status), col(Task.due_at).asc().nulls_last())
        .limit(50)
    ).all()
    proposals = session.exec(
        select(Proposal)
        .where(
            Proposal.organization_id == actor.organization_id,
            Proposal.opportunity_id == deal.id,
            col(Proposal.deleted_at).is_(None),
        )
        .order_by(col(Proposal.created_at).desc())
    ).all()
    return {
        "id": str(deal.id),
        "name": deal.name,
        "value": f"{deal.value:f}",
        "value_display": format_money(deal.value, currency),
        "weighted_display": format_money(deal.weighted_value, currency),
        "expected_close": deal.expected_close_date.isoformat() if deal.expected_close_date else "",
        "actual_close": format_date(deal.actual_close_date),
        "closed_reason": deal.closed_reason or "",
        "competitor": deal.competitor_won or "",
        "owner_id": str(deal.owner_id or ""),
        "owner_name": owner.full_name if owner else "Unassigned",
        "owner_initials": initials(owner.full_name) if owner else "",
        "stage": stage_name,
        "status": deal.status.value,
        "days_in_stage": max(0, (now - deal.stage_entered_at).days),
        "version": deal.version,
        "can_edit": can_move(actor, deal.owner_id),
        "can_reassign": actor.can("pipeline.manage"),
        "lead_id": str(lead.id) if lead else "",
        "company": company.name if company else "",
        "company_place": ", ".join(p for p in [company.city, company.state] if p)
        if company
        else "",
        "company_phone": (company.phone or "") if company else "",
        "company_email": (company.email or "") if company else "",
        "history": timeline,
        "tasks": [
            {
                "id": str(t.id),
                "title": t.title,
                "due": format_date(t.due_at.astimezone(tz)) if t.due_at else "No due date",
                "overdue": bool(t.status == TaskStatus.OPEN and t.due_at and t.due_at < now),
                "done": t.status != TaskStatus.OPEN,
            }
            for t in tasks
        ],
        "proposals": [
            {
                "id": str(p.id),
                "number": f"{p.proposal_number} v{p.version}",
                "title": p.title,
                "status": p.status.value,
                "total": format_money(p.total_amount, currency),
            }
            for p in proposals
        ],
    }


def _touch_deal(session: Session, deal_id: UUID) -> None:
    """Boards watch opportunities; a task change shows on the card (next task due)."""
    session.execute(
        text("UPDATE opportunities SET updated_at = clock_timestamp() WHERE id = :d"),
        {"d": deal_id},
    )


def add_task(
    session: Session, actor: Actor, deal_id: str | UUID, title: str, due: date | None = None
) -> str:
    """A follow-up on the deal, assigned to the actor, due at 09:00 of ``due`` (org time)."""
    require(actor, "tasks.write")
    deal = load_deal(session, actor, as_uuid(deal_id, "Deal"))
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise Invalid("A task needs a title of at most 200 characters.")
    _, tz, _ = org_context(session, actor)
    due_at = datetime.combine(due, time(9, 0), tzinfo=tz) if due else None
    task = Task(
        organization_id=actor.organization_id,
        title=title,
        due_at=due_at,
        assigned_to=actor.user_id,
        created_by=actor.user_id,
        lead_id=deal.lead_id,
        opportunity_id=deal.id,
    )
    session.add(task)
    session.flush()
    _touch_deal(session, deal.id)
    audit.record(
        session,
        actor,
        "task.create",
        "task",
        task.id,
        after={"title": title, "opportunity_id": deal.id},
    )
    return str(task.id)


def search_companies(
    session: Session, actor: Actor, query: str, limit: int = 8
) -> list[dict[str, str]]:
    """Companies (with their lead, if any) matching a name, for "New deal"."""
    require(actor, "pipeline.read")
    q = (query or "").strip()
    if len(q) < 2:
        return []
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = session.exec(
        select(Company.id, Company.name, Company.city, Company.state, Lead.id)
        .outerjoin(Lead, Lead.company_id == Company.id)
        .where(
            Company.organization_id == actor.organization_id,
            col(Company.deleted_at).is_(None),
            col(Company.name).ilike(f"%{escaped}%"),
        )
        .order_by(col(Company.name))
        .limit(limit)
    ).all()
    return [
        {
            "id": str(cid),
            "name": name,
            "place": ", ".join(p for p in [city, state] if p),
            "lead": "lead" if lead_id else "",
        }
        for cid, name, city, state, lead_id in rows
    ]
