"""The deal drawer: one deal with its stage timeline, lead/company, tasks and proposals.

Also the company search behind "New deal".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy import text
from sqlmodel import Session, col, select

from ...models import Company, Contract, Lead, Proposal, User
from ...models.base import utcnow
from ..core.formatting import format_date, format_datetime, format_money, initials
from ..core.org import org_context
from ..core.scope import can_edit_deal, can_see_lead, company_scope, lead_scope, load_deal
from ..core.security import Actor, require
from ..core.text import contains_pattern
from ..tasks.followups import TaskRow, task_list


@dataclass(frozen=True)
class StageStep:
    """One move on the deal's stage timeline."""

    title: str
    who: str
    when: str
    spent: str


@dataclass(frozen=True)
class ProposalRef:
    id: str
    number: str
    title: str
    status: str
    total: str


@dataclass(frozen=True)
class DealDetail:
    """Everything the drawer shows, display-ready (money as strings, dates formatted)."""

    id: str
    name: str
    value: str  # plain decimal, for the edit form
    value_display: str
    weighted_display: str
    expected_close: str  # ISO date, for the date input
    actual_close: str
    closed_reason: str
    competitor: str
    owner_id: str
    owner_name: str
    owner_initials: str
    stage: str
    status: str
    days_in_stage: int
    version: int
    can_edit: bool
    can_reassign: bool
    lead_id: str
    company: str
    company_place: str
    company_phone: str
    company_email: str
    history: list[StageStep] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)
    proposals: list[ProposalRef] = field(default_factory=list)
    contract_id: str = ""  # the deal's newest contract (drawn up when a proposal is accepted)
    contract_number: str = ""
    contract_status: str = ""


@dataclass(frozen=True)
class CompanyMatch:
    id: str
    name: str
    place: str
    lead: str  # "lead" when the company already has one


def _days(seconds: int | None) -> str:
    if seconds is None:
        return ""
    days = seconds / 86400
    return "less than a day" if days < 1 else f"{int(days)} day{'s' if int(days) != 1 else ''}"


def deal_pipeline_id(session: Session, actor: Actor, deal_id: str | UUID) -> str:
    """The pipeline a deal is on (``/pipeline?deal=<id>``); NotFound for a forged id."""
    return str(load_deal(session, actor, deal_id).pipeline_id)


def deal_detail(session: Session, actor: Actor, deal_id: str | UUID) -> DealDetail:
    """Everything the drawer shows."""
    deal = load_deal(session, actor, deal_id)
    org = org_context(session, actor)
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
    company = lead = None
    if deal.lead_id:
        lead = session.get(Lead, deal.lead_id)
        company = session.get(Company, lead.company_id) if lead else None
    # The company's name is the deal's; its lead and contact details are the lead's to show.
    lead_visible = lead is not None and can_see_lead(actor, lead)
    owner = session.get(User, deal.owner_id) if deal.owner_id else None
    proposals = session.exec(
        select(Proposal)
        .where(
            Proposal.organization_id == actor.organization_id,
            Proposal.opportunity_id == deal.id,
            col(Proposal.deleted_at).is_(None),
        )
        .order_by(col(Proposal.created_at).desc())
    ).all()
    contract = session.exec(
        select(Contract)
        .where(
            Contract.organization_id == actor.organization_id, Contract.opportunity_id == deal.id
        )
        .order_by(col(Contract.created_at).desc())
        .limit(1)
    ).first()
    return DealDetail(
        id=str(deal.id),
        name=deal.name,
        value=f"{deal.value:f}",
        value_display=format_money(deal.value, org.currency),
        weighted_display=format_money(deal.weighted_value, org.currency),
        expected_close=deal.expected_close_date.isoformat() if deal.expected_close_date else "",
        actual_close=format_date(deal.actual_close_date),
        closed_reason=deal.closed_reason or "",
        competitor=deal.competitor_won or "",
        owner_id=str(deal.owner_id or ""),
        owner_name=owner.full_name if owner else "Unassigned",
        owner_initials=initials(owner.full_name) if owner else "",
        stage=stage_name,
        status=deal.status.value,
        days_in_stage=max(0, (utcnow() - deal.stage_entered_at).days),
        version=deal.version,
        can_edit=can_edit_deal(actor, deal.owner_id),
        can_reassign=actor.can("pipeline.manage"),
        lead_id=str(lead.id) if lead and lead_visible else "",
        company=company.name if company else "",
        company_place=", ".join(p for p in [company.city, company.state] if p) if company else "",
        company_phone=(company.phone or "") if company and lead_visible else "",
        company_email=(company.email or "") if company and lead_visible else "",
        history=[
            StageStep(
                title=f"{h.from_name} → {h.to_name}" if h.from_name else f"Created in {h.to_name}",
                who=h.who or "Someone",
                when=format_datetime(h.moved_at, org.tz),
                spent=f"{_days(h.seconds_in_from_stage)} in {h.from_name}" if h.from_name else "",
            )
            for h in history
        ],
        tasks=task_list(session, actor, deal_id=deal.id, limit=50),
        proposals=[
            ProposalRef(
                id=str(p.id),
                number=f"{p.proposal_number} v{p.version}",
                title=p.title,
                status=p.status.value,
                total=format_money(p.total_amount, org.currency),
            )
            for p in proposals
        ],
        contract_id=str(contract.id) if contract else "",
        contract_number=contract.contract_number if contract else "",
        contract_status=contract.status.value.replace("_", " ") if contract else "",
    )


def search_companies(
    session: Session, actor: Actor, query: str, limit: int = 8
) -> list[CompanyMatch]:
    """Companies (with their lead, if any) matching a name, for "New deal"."""
    require(actor, "pipeline.read")
    q = (query or "").strip()
    if len(q) < 2:
        return []
    if not actor.can("leads.read"):
        return []
    # Five columns: more than sqlmodel's select() has typed overloads for, so SQLAlchemy's.
    rows = session.execute(
        sa.select(
            col(Company.id), col(Company.name), col(Company.city), col(Company.state), col(Lead.id)
        )
        .outerjoin(Lead, col(Lead.company_id) == Company.id)
        .where(
            col(Company.organization_id) == actor.organization_id,
            col(Company.deleted_at).is_(None),
            col(Company.name).ilike(contains_pattern(q)),
            company_scope(actor),
            sa.or_(col(Lead.id).is_(None), lead_scope(actor)),
        )
        .order_by(col(Company.name))
        .limit(limit)
    ).all()
    return [
        CompanyMatch(
            id=str(cid),
            name=name,
            place=", ".join(p for p in [city, state] if p),
            lead="lead" if lead_id else "",
        )
        for cid, name, city, state, lead_id in rows
    ]
