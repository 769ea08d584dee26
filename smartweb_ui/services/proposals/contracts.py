"""Contracts: drawn up when a client accepts a proposal, active once signed internally.

``create_from_acceptance`` (called in the acceptance's transaction) numbers the contract
``C-YYYY-NNNN``, takes the accepted total, payment terms and schedule, a start and end date,
records the client's typed name, time and address as the client signature
(``pending_signature``), and moves the deal to its pipeline's Won stage through
``pipeline.move_deal`` (history and audit, value = the accepted total). It is idempotent: a
proposal has at most one contract. ``sign_internally`` makes it ``active``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from ...models import (
    Company,
    Contract,
    ContractStatus,
    Lead,
    Opportunity,
    OpportunityStatus,
    PipelineStage,
    Product,
    Proposal,
    ProposalLineItem,
    User,
)
from ...models.base import utcnow
from ..core import audit
from ..core.changes import mark_changed
from ..core.errors import Conflict, NotFound, as_uuid
from ..core.formatting import format_date, format_datetime, format_money
from ..core.money import quantize_money
from ..core.org import OrgContext, org_context
from ..core.security import Actor, require
from ..core.text import contains_pattern
from ..pipeline import move_deal
from .numbering import next_number

PAYMENT_TERMS_SETTING = "contract_payment_terms"
DEFAULT_PAYMENT_TERMS = "Net 30"
TERM_MONTHS = 12
PAGE_SIZE = 25
STATUS_LABELS = {
    ContractStatus.DRAFT: "Draft",
    ContractStatus.PENDING_SIGNATURE: "Awaiting our signature",
    ContractStatus.ACTIVE: "Active",
    ContractStatus.COMPLETED: "Completed",
    ContractStatus.CANCELLED: "Cancelled",
    ContractStatus.EXPIRED: "Expired",
}
CONTRACT_FIELDS = ["status", "internal_signed_by", "internal_signed_at"]


@dataclass(frozen=True)
class ContractRow:
    id: str
    number: str
    title: str
    deal: str
    client: str
    status: str
    status_label: str
    total: str
    start: str
    end: str


@dataclass(frozen=True)
class ContractPage:
    rows: list[ContractRow]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class ScheduleEntry:
    label: str
    due: str
    amount: str


@dataclass(frozen=True)
class ContractDetail:
    id: str
    number: str
    title: str
    status: str
    status_label: str
    deal_id: str
    deal: str
    client: str
    proposal_id: str
    proposal: str
    total: str
    payment_terms: str
    schedule: list[ScheduleEntry] = field(default_factory=list)
    start: str = ""
    end: str = ""
    auto_renew: bool = False
    client_signed_by: str = ""
    client_signed_at: str = ""
    client_signature_ip: str = ""
    internal_signed_by: str = ""
    internal_signed_at: str = ""
    can_sign: bool = False


# ------------------------------------------------------------------ acceptance
def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for dd in (day.day, 30, 29, 28):
        try:
            return date(year, month, dd)
        except ValueError:
            continue
    return date(year, month, 28)


def _schedule(total: Decimal, start: date, recurring: bool) -> list[dict[str, Any]]:
    """Half on signature and half on completion for a project; twelve monthly payments for
    a recurring service (the last one takes the rounding)."""
    if recurring:
        each = (total / TERM_MONTHS).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        out = [
            {
                "label": f"Month {i + 1}",
                "due": _add_months(start, i).isoformat(),
                "amount": str(each),
            }
            for i in range(TERM_MONTHS - 1)
        ]
        last = quantize_money(total - each * (TERM_MONTHS - 1))
        out.append(
            {
                "label": f"Month {TERM_MONTHS}",
                "due": _add_months(start, TERM_MONTHS - 1).isoformat(),
                "amount": str(last),
            }
        )
        return out
    half = (total / 2).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return [
        {"label": "On signature", "due": start.isoformat(), "amount": str(half)},
        {
            "label": "On completion",
            "due": (start + timedelta(days=90)).isoformat(),
            "amount": str(quantize_money(total - half)),
        },
    ]


def _recurring(session: Session, proposal: Proposal) -> bool:
    return (
        session.exec(
            select(ProposalLineItem.id)
            .join(Product, col(Product.id) == ProposalLineItem.product_id)
            .where(
                ProposalLineItem.organization_id == proposal.organization_id,
                ProposalLineItem.proposal_id == proposal.id,
                col(Product.is_recurring).is_(True),
            )
            .limit(1)
        ).first()
        is not None
    )


def _payment_terms(org: OrgContext) -> str:
    raw = org.settings.get(PAYMENT_TERMS_SETTING)
    return str(raw).strip()[:200] if raw and str(raw).strip() else DEFAULT_PAYMENT_TERMS


def create_from_acceptance(
    session: Session, proposal: Proposal, client_name: str, ip: str | None, accepted_at: datetime
) -> Contract:
    """The contract of an accepted proposal (the existing one when it was already drawn up)."""
    existing = session.exec(
        select(Contract).where(
            Contract.organization_id == proposal.organization_id,
            Contract.proposal_id == proposal.id,
        )
    ).first()
    if existing is not None:
        return existing
    org = org_context(session, proposal.organization_id)
    start = accepted_at.astimezone(org.tz).date()
    recurring = _recurring(session, proposal)
    total = quantize_money(proposal.total_amount)
    contract = Contract(
        organization_id=proposal.organization_id,
        proposal_id=proposal.id,
        opportunity_id=proposal.opportunity_id,
        contract_number=next_number(session, proposal.organization_id, "contract", start.year),
        title=proposal.title,
        type="recurring" if recurring else "service",
        status=ContractStatus.PENDING_SIGNATURE,
        start_date=start,
        end_date=_add_months(start, TERM_MONTHS) - timedelta(days=1),
        auto_renew=recurring,
        renewal_terms="Renews for another year unless cancelled 30 days before the end."
        if recurring
        else None,
        total_value=total,
        payment_terms=_payment_terms(org),
        payment_schedule=_schedule(total, start, recurring),
        client_signature_required=True,
        client_signed_at=accepted_at,
        client_signed_by=client_name,
        client_signature_ip=ip,
        created_by=proposal.created_by,
    )
    session.add(contract)
    session.flush()
    audit.record(
        session,
        None,
        "contract.create",
        "contract",
        contract.id,
        organization_id=proposal.organization_id,
        after={
            "contract_number": contract.contract_number,
            "proposal_id": proposal.id,
            "total_value": total,
            "client_signed_by": client_name,
        },
        ip=ip,
    )
    _win_deal(session, proposal, total, start)
    mark_changed(session, proposal.organization_id, "contract", [contract.id])
    return contract


def _win_deal(session: Session, proposal: Proposal, total: Decimal, day: date) -> None:
    """Move the deal to its pipeline's Won stage (as its owner: the move is theirs to make)."""
    deal = session.get(Opportunity, proposal.opportunity_id)
    if deal is None or deal.deleted_at is not None or deal.status == OpportunityStatus.WON:
        return
    won = session.exec(
        select(PipelineStage)
        .where(
            PipelineStage.organization_id == deal.organization_id,
            PipelineStage.pipeline_id == deal.pipeline_id,
            col(PipelineStage.is_won).is_(True),
        )
        .order_by(col(PipelineStage.position))
        .limit(1)
    ).first()
    if won is None:
        return
    owner = deal.owner_id or proposal.created_by
    if owner is None:
        return
    on_behalf = Actor(
        user_id=owner,
        organization_id=deal.organization_id,
        permissions=frozenset({"pipeline.read", "pipeline.move", "pipeline.manage"}),
    )
    move_deal(
        session,
        on_behalf,
        deal.id,
        won.id,
        0,
        deal.version,
        close_date=day,
        final_value=total,
    )


# ------------------------------------------------------------------ the app's pages
def _load(
    session: Session, actor: Actor, contract_id: UUID | str, *, lock: bool = False
) -> Contract:
    require(actor, "pipeline.read")
    stmt = select(Contract).where(
        Contract.id == as_uuid(contract_id, "Contract"),
        Contract.organization_id == actor.organization_id,
    )
    contract = session.exec(stmt.with_for_update() if lock else stmt).first()
    if contract is None:
        raise NotFound("Contract not found.")
    return contract


def _client_names(session: Session, deal_ids: list[UUID]) -> dict[UUID, str]:
    if not deal_ids:
        return {}
    rows = session.exec(
        select(Opportunity.id, Company.name)
        .join(Lead, col(Lead.id) == Opportunity.lead_id)
        .join(Company, col(Company.id) == Lead.company_id)
        .where(col(Opportunity.id).in_(deal_ids))
    ).all()
    return dict(rows)


def list_contracts(
    session: Session,
    actor: Actor,
    status: str = "",
    search: str = "",
    page: int = 1,
) -> ContractPage:
    """One page of the organization's contracts, newest first, filtered by status and text."""
    require(actor, "pipeline.read")
    org = org_context(session, actor)
    where: list[Any] = [Contract.organization_id == actor.organization_id]
    if status:
        with contextlib.suppress(ValueError):
            where.append(Contract.status == ContractStatus(status))
    if search.strip():
        pattern = contains_pattern(search.strip())
        where.append(
            or_(
                col(Contract.contract_number).ilike(pattern),
                col(Contract.title).ilike(pattern),
                col(Opportunity.name).ilike(pattern),
            )
        )
    base = select(Contract, Opportunity.name).join(
        Opportunity, col(Opportunity.id) == Contract.opportunity_id
    )
    count = session.exec(
        select(func.count())
        .select_from(Contract)
        .join(Opportunity, col(Opportunity.id) == Contract.opportunity_id)
        .where(*where)
    ).one()
    pages = max(1, -(-count // PAGE_SIZE))
    page = max(1, min(page, pages))
    found = session.exec(
        base.where(*where)
        .order_by(col(Contract.created_at).desc(), col(Contract.id))
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    clients = _client_names(session, [c.opportunity_id for c, _ in found])
    return ContractPage(
        rows=[
            ContractRow(
                id=str(c.id),
                number=c.contract_number,
                title=c.title,
                deal=deal,
                client=clients.get(c.opportunity_id, ""),
                status=c.status.value,
                status_label=STATUS_LABELS[c.status],
                total=format_money(c.total_value, org.currency, cents=True),
                start=format_date(c.start_date),
                end=format_date(c.end_date),
            )
            for c, deal in found
        ],
        total=count,
        page=page,
        pages=pages,
    )


def contract_detail(session: Session, actor: Actor, contract_id: UUID | str) -> ContractDetail:
    contract = _load(session, actor, contract_id)
    org = org_context(session, actor)
    deal = session.get(Opportunity, contract.opportunity_id)
    proposal = session.get(Proposal, contract.proposal_id) if contract.proposal_id else None
    signer = session.get(User, contract.internal_signed_by) if contract.internal_signed_by else None
    schedule = [
        ScheduleEntry(
            label=str(e.get("label", "")),
            due=format_date(date.fromisoformat(e["due"])) if e.get("due") else "",
            amount=format_money(Decimal(str(e.get("amount", "0"))), org.currency, cents=True),
        )
        for e in contract.payment_schedule or []
        if isinstance(e, dict)
    ]
    return ContractDetail(
        id=str(contract.id),
        number=contract.contract_number,
        title=contract.title,
        status=contract.status.value,
        status_label=STATUS_LABELS[contract.status],
        deal_id=str(contract.opportunity_id),
        deal=deal.name if deal else "",
        client=_client_names(session, [contract.opportunity_id]).get(contract.opportunity_id, ""),
        proposal_id=str(proposal.id) if proposal else "",
        proposal=f"{proposal.proposal_number} v{proposal.version}" if proposal else "",
        total=format_money(contract.total_value, org.currency, cents=True),
        payment_terms=contract.payment_terms or "",
        schedule=schedule,
        start=format_date(contract.start_date),
        end=format_date(contract.end_date),
        auto_renew=contract.auto_renew,
        client_signed_by=contract.client_signed_by or "",
        client_signed_at=format_datetime(contract.client_signed_at, org.tz),
        client_signature_ip=str(contract.client_signature_ip or ""),
        internal_signed_by=signer.full_name if signer else "",
        internal_signed_at=format_datetime(contract.internal_signed_at, org.tz),
        can_sign=contract.status == ContractStatus.PENDING_SIGNATURE
        and actor.can("proposals.approve"),
    )


def sign_internally(session: Session, actor: Actor, contract_id: UUID | str) -> ContractDetail:
    """Countersign for the organization: pending_signature → active."""
    require(actor, "proposals.approve")
    contract = _load(session, actor, contract_id, lock=True)
    if contract.status != ContractStatus.PENDING_SIGNATURE:
        raise Conflict(
            f"This contract is {STATUS_LABELS[contract.status].lower()}; it can't be signed."
        )
    if contract.client_signature_required and contract.client_signed_at is None:
        raise Conflict("The client has not signed yet.")
    before = audit.snapshot(contract, CONTRACT_FIELDS)
    contract.status = ContractStatus.ACTIVE
    contract.internal_signed_by = actor.user_id
    contract.internal_signed_at = utcnow()
    contract.updated_at = contract.internal_signed_at
    session.add(contract)
    audit.record(
        session,
        actor,
        "contract.sign",
        "contract",
        contract.id,
        before=before,
        after=audit.snapshot(contract, CONTRACT_FIELDS),
    )
    session.flush()
    return contract_detail(session, actor, contract.id)


def contract_for_deal(session: Session, actor: Actor, deal_id: UUID | str) -> tuple[str, str]:
    """(id, number) of a deal's newest contract, or ("", "")."""
    require(actor, "pipeline.read")
    row = session.exec(
        select(Contract.id, Contract.contract_number)
        .where(
            Contract.organization_id == actor.organization_id,
            Contract.opportunity_id == as_uuid(deal_id, "Deal"),
        )
        .order_by(col(Contract.created_at).desc())
        .limit(1)
    ).first()
    return (str(row[0]), row[1]) if row else ("", "")
