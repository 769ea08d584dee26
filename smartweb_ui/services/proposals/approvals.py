"""Discount approval: a proposal discounted beyond the organization's threshold is sent only
once a ``proposals.approve`` user approved that discount (request / approve / decline).

The discount measured is everything the client is given off list price: per-line discounts
plus the proposal-level discount, as a share of the lines' list value. An approval covers the
discount it was asked for; a larger one later needs a new request. Approvers send their own
proposals without a request (their send is audited like any other).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from sqlmodel import Session, col, select

from ...models import ApprovalRequest, Opportunity, Proposal, ProposalLineItem, User
from ...models.base import utcnow
from ..core import audit
from ..core.changes import mark_changed
from ..core.errors import Conflict, Invalid, NotFound, as_uuid
from ..core.formatting import format_datetime, format_money
from ..core.money import quantize_money
from ..core.org import OrgContext, org_context
from ..core.security import Actor, require
from ..core.text import clean_text
from .lifecycle import load_proposal

THRESHOLD_SETTING = "proposal_discount_approval_percent"
DEFAULT_THRESHOLD = Decimal("15")
PENDING, APPROVED, DECLINED = "pending", "approved", "declined"
STATUS_LABELS = {PENDING: "Waiting for approval", APPROVED: "Approved", DECLINED: "Declined"}
HUNDRED = Decimal(100)
PCT = Decimal("0.01")


@dataclass(frozen=True)
class ApprovalState:
    """What the send panel shows about a proposal's discount and its approval."""

    discount_percent: str
    threshold_percent: str
    needs_approval: bool
    approved: bool
    request_status: str  # "" | pending | approved | declined
    request_label: str
    decision_comment: str
    can_approve: bool


@dataclass(frozen=True)
class PendingApproval:
    """One request on an approver's Today."""

    id: str
    proposal_id: str
    number: str
    title: str
    deal: str
    requested_by: str
    requested_at: str
    discount: str
    total: str
    comment: str


def threshold(org: OrgContext) -> Decimal:
    """The organization's discount threshold in percent (settings; 15 % by default)."""
    raw: Any = org.settings.get(THRESHOLD_SETTING, DEFAULT_THRESHOLD)
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return DEFAULT_THRESHOLD
    return value if value.is_finite() and 0 <= value <= HUNDRED else DEFAULT_THRESHOLD


def discount_percent(session: Session, proposal: Proposal) -> Decimal:
    """Line and proposal discounts together, as a percent of the lines' list value."""
    lines = session.exec(
        select(
            col(ProposalLineItem.quantity),
            col(ProposalLineItem.unit_price),
            col(ProposalLineItem.line_total),
        ).where(
            ProposalLineItem.organization_id == proposal.organization_id,
            ProposalLineItem.proposal_id == proposal.id,
        )
    ).all()
    gross = sum((quantize_money(q * p) for q, p, _ in lines), Decimal(0))
    if gross <= 0:
        return Decimal(0)
    net = sum((t for _, _, t in lines), Decimal(0))
    given = gross - net + (proposal.discount_amount or Decimal(0))
    return (given * HUNDRED / gross).quantize(PCT, rounding=ROUND_HALF_UP)


def _latest_request(session: Session, proposal: Proposal) -> ApprovalRequest | None:
    return session.exec(
        select(ApprovalRequest)
        .where(
            ApprovalRequest.organization_id == proposal.organization_id,
            ApprovalRequest.proposal_id == proposal.id,
        )
        .order_by(col(ApprovalRequest.created_at).desc())
        .limit(1)
    ).first()


def _covered(session: Session, proposal: Proposal, percent: Decimal) -> bool:
    return (
        session.exec(
            select(ApprovalRequest.id).where(
                ApprovalRequest.organization_id == proposal.organization_id,
                ApprovalRequest.proposal_id == proposal.id,
                ApprovalRequest.status == APPROVED,
                col(ApprovalRequest.discount_percent) >= percent,
            )
        ).first()
        is not None
    )


def require_approval_if_needed(session: Session, actor: Actor, proposal: Proposal) -> None:
    """Refuse sending a discount above the threshold that nobody approved."""
    org = org_context(session, actor)
    percent, limit = discount_percent(session, proposal), threshold(org)
    if percent <= limit or actor.can("proposals.approve") or _covered(session, proposal, percent):
        return
    raise Conflict(
        f"Its {percent:f} % discount is above the {limit:f} % your organization allows without "
        "approval. Request approval before sending."
    )


def approval_state(session: Session, actor: Actor, proposal_id: UUID | str) -> ApprovalState:
    proposal = load_proposal(session, actor, proposal_id)
    org = org_context(session, actor)
    percent, limit = discount_percent(session, proposal), threshold(org)
    latest = _latest_request(session, proposal)
    status = latest.status if latest else ""
    return ApprovalState(
        discount_percent=f"{percent:f}",
        threshold_percent=f"{limit:f}",
        needs_approval=percent > limit,
        approved=percent <= limit or _covered(session, proposal, percent),
        request_status=status,
        request_label=STATUS_LABELS.get(status, ""),
        decision_comment=latest.decision_comment if latest else "",
        can_approve=actor.can("proposals.approve"),
    )


def request_approval(
    session: Session, actor: Actor, proposal_id: UUID | str, comment: str = ""
) -> ApprovalState:
    """Ask the approvers to approve this draft's discount."""
    proposal = load_proposal(session, actor, proposal_id, lock=True, write=True)
    if proposal.status.value != "draft":
        raise Conflict("Only a draft needs its discount approved.")
    note = clean_text(comment, "The comment", max_length=1000, multiline=True)
    percent = discount_percent(session, proposal)
    if percent <= threshold(org_context(session, actor)):
        raise Invalid("This discount is within your organization's limit; no approval is needed.")
    if _covered(session, proposal, percent):
        raise Conflict("This discount is already approved.")
    latest = _latest_request(session, proposal)
    if latest is not None and latest.status == PENDING:
        raise Conflict("Approval has already been requested.")
    row = ApprovalRequest(
        organization_id=actor.organization_id,
        proposal_id=proposal.id,
        discount_percent=percent,
        total_amount=proposal.total_amount,
        comment=note,
        requested_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "proposal.approval_request",
        "approval_request",
        row.id,
        after={"proposal_id": proposal.id, "discount_percent": percent, "comment": note},
    )
    mark_changed(session, actor.organization_id, "approval", [row.id])
    return approval_state(session, actor, proposal.id)


def decide(
    session: Session, actor: Actor, request_id: UUID | str, approve: bool, comment: str = ""
) -> PendingApproval:
    """Approve or decline a pending request (declining needs a comment)."""
    require(actor, "proposals.approve")
    row = session.exec(
        select(ApprovalRequest)
        .where(
            ApprovalRequest.id == as_uuid(request_id, "Approval request"),
            ApprovalRequest.organization_id == actor.organization_id,
        )
        .with_for_update()
    ).first()
    if row is None:
        raise NotFound("Approval request not found.")
    view = _pending_view(session, actor, row)
    if row.status != PENDING:
        raise Conflict(f"This request was already {row.status}.")
    if row.requested_by == actor.user_id and not actor.is_super_admin:
        raise Conflict("Someone else has to decide on your own request.")
    note = clean_text(comment, "The comment", max_length=1000, multiline=True)
    if not approve and not note:
        raise Invalid("Say why you decline the discount.")
    before = audit.snapshot(row, ["status", "decided_by", "decided_at", "decision_comment"])
    row.status = APPROVED if approve else DECLINED
    row.decided_by = actor.user_id
    row.decided_at = utcnow()
    row.decision_comment = note
    row.updated_at = row.decided_at
    session.add(row)
    audit.record(
        session,
        actor,
        "proposal.approval_approve" if approve else "proposal.approval_decline",
        "approval_request",
        row.id,
        before=before,
        after=audit.snapshot(row, ["status", "decided_by", "decided_at", "decision_comment"]),
    )
    mark_changed(session, actor.organization_id, "approval", [row.id])
    mark_changed(session, actor.organization_id, "proposal", [row.proposal_id])
    return view


def _pending_view(session: Session, actor: Actor, row: ApprovalRequest) -> PendingApproval:
    org = org_context(session, actor)
    found = session.exec(
        select(Proposal, Opportunity.name, User.full_name)
        .join(Opportunity, col(Opportunity.id) == Proposal.opportunity_id)
        .outerjoin(User, col(User.id) == row.requested_by)
        .where(Proposal.id == row.proposal_id, Proposal.organization_id == actor.organization_id)
    ).first()
    if found is None:
        raise NotFound("Approval request not found.")
    proposal, deal, who = found
    return PendingApproval(
        id=str(row.id),
        proposal_id=str(proposal.id),
        number=f"{proposal.proposal_number} v{proposal.version}",
        title=proposal.title,
        deal=deal,
        requested_by=who or "",
        requested_at=format_datetime(row.created_at, org.tz, with_year=False),
        discount=f"{row.discount_percent:f} %",
        total=format_money(row.total_amount, org.currency, cents=True),
        comment=row.comment,
    )


def pending_approvals(session: Session, actor: Actor, limit: int = 20) -> list[PendingApproval]:
    """Requests waiting for an approver (empty for anyone who cannot approve)."""
    if not actor.can("proposals.approve"):
        return []
    rows = session.exec(
        select(ApprovalRequest)
        .join(Proposal, col(Proposal.id) == ApprovalRequest.proposal_id)
        .where(
            ApprovalRequest.organization_id == actor.organization_id,
            ApprovalRequest.status == PENDING,
            col(Proposal.deleted_at).is_(None),
        )
        .order_by(col(ApprovalRequest.created_at))
        .limit(limit)
    ).all()
    return [_pending_view(session, actor, r) for r in rows]
