"""A proposal's lifecycle: draft → sent → viewed → accepted | rejected | expired.

``TRANSITIONS`` is the one table of legal moves; ``check_transition`` refuses anything else
with a sentence. Sending is the rep's act (``sending``); viewing, accepting and rejecting are the client's
(``public``); expiry is the sweep's (``expire_overdue``, run by a periodic job).
"""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from ...models import Proposal, ProposalStatus
from ...models.base import utcnow
from ..core import audit
from ..core.changes import mark_changed
from ..core.errors import Conflict, Forbidden, Invalid, NotFound, as_uuid
from ..core.org import org_context
from ..core.scope import can_edit_deal, load_deal
from ..core.security import Actor, require

S = ProposalStatus
TRANSITIONS: dict[ProposalStatus, frozenset[ProposalStatus]] = {
    S.DRAFT: frozenset({S.SENT}),
    S.SENT: frozenset({S.VIEWED, S.ACCEPTED, S.REJECTED, S.EXPIRED}),
    S.VIEWED: frozenset({S.ACCEPTED, S.REJECTED, S.EXPIRED}),
    S.ACCEPTED: frozenset(),
    S.REJECTED: frozenset(),
    S.EXPIRED: frozenset(),
}
STATUS_LABELS: dict[ProposalStatus, str] = {
    S.DRAFT: "Draft",
    S.SENT: "Sent",
    S.VIEWED: "Viewed",
    S.ACCEPTED: "Accepted",
    S.REJECTED: "Rejected",
    S.EXPIRED: "Expired",
}
_VERBS: dict[ProposalStatus, str] = {
    S.SENT: "sent",
    S.VIEWED: "viewed",
    S.ACCEPTED: "accepted",
    S.REJECTED: "rejected",
    S.EXPIRED: "marked expired",
}
EMAIL = re.compile(r"^[^@\s<>,;\"']{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
LIFECYCLE_FIELDS = [
    "status",
    "sent_at",
    "sent_to_email",
    "viewed_at",
    "view_count",
    "accepted_at",
    "rejected_at",
    "rejection_reason",
]


def check_transition(proposal: Proposal, to: ProposalStatus) -> None:
    """Refuse a move the lifecycle does not allow, saying why."""
    now = proposal.status
    if to in TRANSITIONS[now]:
        return
    if now == S.ACCEPTED:
        raise Conflict("This proposal was accepted; it is locked.")
    if now in (S.REJECTED, S.EXPIRED):
        raise Conflict(f"This proposal is {STATUS_LABELS[now].lower()}; revise it to send again.")
    if to == S.SENT:
        raise Conflict("This proposal has already been sent.")
    raise Conflict(f"A {STATUS_LABELS[now].lower()} proposal cannot be {_VERBS.get(to, to.value)}.")


def ensure_editable(proposal: Proposal) -> None:
    """Only a draft is edited; an accepted proposal is locked, a sent one is revised instead."""
    if proposal.status == S.ACCEPTED:
        raise Conflict("This proposal was accepted; it is locked.")
    if proposal.status != S.DRAFT:
        raise Conflict("This proposal has been sent; revise it to make changes.")


def load_proposal(
    session: Session,
    actor: Actor,
    proposal_id: UUID | str,
    *,
    lock: bool = False,
    write: bool = False,
) -> Proposal:
    """A live proposal of the actor's organization whose deal the actor may see (may edit,
    with ``write``), else NotFound / Forbidden."""
    stmt = select(Proposal).where(
        Proposal.id == as_uuid(proposal_id, "Proposal"),
        Proposal.organization_id == actor.organization_id,
        col(Proposal.deleted_at).is_(None),
    )
    proposal = session.exec(stmt.with_for_update() if lock else stmt).first()
    if proposal is None:
        raise NotFound("Proposal not found.")
    try:
        deal = load_deal(session, actor, proposal.opportunity_id)
    except NotFound:
        raise NotFound("Proposal not found.") from None
    if write:
        require(actor, "proposals.write")
        if not can_edit_deal(actor, deal.owner_id):
            raise Forbidden("You can send only proposals on your own deals.")
    return proposal


def is_latest_version(session: Session, proposal: Proposal) -> bool:
    if not proposal.is_latest:
        return False
    newest = session.exec(
        select(func.max(Proposal.version)).where(
            Proposal.organization_id == proposal.organization_id,
            Proposal.proposal_number == proposal.proposal_number,
            col(Proposal.deleted_at).is_(None),
        )
    ).one()
    return newest is None or proposal.version >= newest


def is_expired(proposal: Proposal, today: date) -> bool:
    return proposal.valid_until is not None and proposal.valid_until < today


def clean_email(raw: str | None) -> str:
    value = (raw or "").strip()
    if not value or len(value) > 254 or not EMAIL.match(value):
        raise Invalid("Enter the client's e-mail address.")
    return value


def _touch(session: Session, proposal: Proposal) -> None:
    mark_changed(session, proposal.organization_id, "proposal", [proposal.id])
    mark_changed(session, proposal.organization_id, "deal", [proposal.opportunity_id])


def apply_client_transition(
    session: Session, proposal: Proposal, to: ProposalStatus, **fields: object
) -> dict[str, object]:
    """Move a proposal as its client (or the sweep) did; returns the audit ``before``."""
    check_transition(proposal, to)
    before = audit.snapshot(proposal, LIFECYCLE_FIELDS)
    proposal.status = to
    for key, value in fields.items():
        setattr(proposal, key, value)
    proposal.updated_at = utcnow()
    session.add(proposal)
    return before


def expire_overdue(session: Session, organization_id: UUID) -> list[UUID]:
    """Mark this organization's sent or viewed proposals past their valid-until date expired
    (idempotent: what is already expired is left alone). Returns the ids it expired."""
    today = org_context(session, organization_id).today()
    rows = session.exec(
        select(Proposal)
        .where(
            Proposal.organization_id == organization_id,
            col(Proposal.status).in_([S.SENT, S.VIEWED]),
            col(Proposal.valid_until) < today,
            col(Proposal.deleted_at).is_(None),
        )
        .with_for_update(skip_locked=True)
    ).all()
    for proposal in rows:
        before = apply_client_transition(session, proposal, S.EXPIRED)
        audit.record(
            session,
            None,
            "proposal.expire",
            "proposal",
            proposal.id,
            organization_id=organization_id,
            before=before,
            after=audit.snapshot(proposal, LIFECYCLE_FIELDS),
        )
        _touch(session, proposal)
    session.flush()
    return [p.id for p in rows]


def organizations_with_overdue(session: Session) -> list[UUID]:
    """Organizations holding sent proposals past their date (owner session: the sweep's list)."""
    found = session.execute(
        text(
            "SELECT DISTINCT organization_id FROM proposals WHERE status IN ('sent', 'viewed') "
            "AND valid_until < (now() AT TIME ZONE 'UTC')::date + 1 AND deleted_at IS NULL"
        )
    ).scalars()
    return [UUID(str(v)) for v in found]
