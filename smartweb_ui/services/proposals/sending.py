"""Sending a proposal: only the latest version of a draft, with a client e-mail, inside its
validity, and — when its discount is above the organization's threshold — once approved
(``approvals``). It creates the client's link (``public``), writes the e-mail to the outbox
(``outbox``, and queues its delivery when SMTP is configured) and logs it on the lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlmodel import Session, col, select

from ...config import settings
from ...models import (
    Contact,
    Contract,
    Interaction,
    InteractionType,
    Opportunity,
    Proposal,
    ProposalLink,
    ProposalStatus,
)
from ...models.base import utcnow
from ..core import audit
from ..core.errors import Conflict, Invalid
from ..core.formatting import format_datetime
from ..core.org import org_context
from ..core.scope import can_edit_deal
from ..core.security import Actor
from ..core.text import clean_text
from . import approvals, jobs, outbox, public
from .lifecycle import (
    LIFECYCLE_FIELDS,
    _touch,
    check_transition,
    clean_email,
    is_expired,
    is_latest_version,
    load_proposal,
)

S = ProposalStatus


@dataclass(frozen=True)
class SentProposal:
    """What the sender sees once: the client's link (its token is stored only hashed)."""

    proposal_id: str
    status: str
    link_path: str
    outbox_id: str
    sent_to_email: str


def send_proposal(
    session: Session,
    actor: Actor,
    proposal_id: UUID | str,
    to_email: str,
    message: str = "",
) -> SentProposal:
    """Send a draft to its client: link, outbox e-mail, interaction on the lead, audit."""
    proposal = load_proposal(session, actor, proposal_id, lock=True, write=True)
    check_transition(proposal, S.SENT)
    email = clean_email(to_email)
    note = clean_text(message, "The message", max_length=2000, multiline=True)
    if not is_latest_version(session, proposal):
        raise Conflict("Only the latest version of a proposal can be sent.")
    org = org_context(session, actor)
    if is_expired(proposal, org.today()):
        raise Invalid("Its valid-until date has passed; set a new one before sending.")
    if proposal.total_amount <= 0:
        raise Invalid("Add at least one priced line before sending.")
    approvals.require_approval_if_needed(session, actor, proposal)
    before = audit.snapshot(proposal, LIFECYCLE_FIELDS)
    now = utcnow()
    proposal.status = S.SENT
    proposal.sent_at = now
    proposal.sent_to_email = email
    proposal.updated_at = now
    session.add(proposal)
    token, _link = public.create_link(session, actor, proposal)
    mail = outbox.queue_proposal_email(session, actor, proposal, token, email, note)
    if settings.smtp_url:
        jobs.defer_delivery(session, actor.organization_id, mail.id)
    _log_on_lead(session, actor, proposal, email)
    audit.record(
        session,
        actor,
        "proposal.send",
        "proposal",
        proposal.id,
        before=before,
        after=audit.snapshot(proposal, LIFECYCLE_FIELDS),
    )
    session.flush()
    _touch(session, proposal)
    return SentProposal(
        proposal_id=str(proposal.id),
        status=proposal.status.value,
        link_path=public.link_path(token),
        outbox_id=str(mail.id),
        sent_to_email=email,
    )


def _log_on_lead(session: Session, actor: Actor, proposal: Proposal, email: str) -> None:
    """The sent proposal shows in the lead's history as an outbound e-mail."""
    deal = session.get(Opportunity, proposal.opportunity_id)
    if deal is None or deal.lead_id is None:
        return
    row = Interaction(
        organization_id=proposal.organization_id,
        lead_id=deal.lead_id,
        opportunity_id=deal.id,
        type=InteractionType.EMAIL,
        direction="outbound",
        subject=f"Proposal {proposal.proposal_number} v{proposal.version} sent to {email}",
        content=proposal.title,
        initiated_by=actor.user_id,
        participated_users=[actor.user_id],
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "interaction.email",
        "interaction",
        row.id,
        after={"lead_id": deal.lead_id, "subject": row.subject},
    )


@dataclass(frozen=True)
class DeliveryView:
    """The builder's delivery card: where the proposal stands with its client."""

    proposal_id: str
    status: str
    can_send: bool
    default_email: str
    sent_to: str
    sent_at: str
    viewed_at: str
    view_count: int
    live_link: bool
    contract_id: str
    contract_number: str
    approval: approvals.ApprovalState


def delivery_view(session: Session, actor: Actor, proposal_id: UUID | str) -> DeliveryView:
    proposal = load_proposal(session, actor, proposal_id)
    org = org_context(session, actor)
    deal = session.get(Opportunity, proposal.opportunity_id)
    contact_email = ""
    if proposal.contact_id is not None:
        contact = session.get(Contact, proposal.contact_id)
        if contact is not None and contact.organization_id == actor.organization_id:
            contact_email = contact.email or ""
    live = session.exec(
        select(ProposalLink.id).where(
            ProposalLink.organization_id == actor.organization_id,
            ProposalLink.proposal_id == proposal.id,
            col(ProposalLink.revoked_at).is_(None),
        )
    ).first()
    contract = session.exec(
        select(Contract.id, Contract.contract_number).where(
            Contract.organization_id == actor.organization_id,
            Contract.proposal_id == proposal.id,
        )
    ).first()
    may_send = (
        actor.can("proposals.write")
        and deal is not None
        and can_edit_deal(actor, deal.owner_id)
        and proposal.status == S.DRAFT
        and is_latest_version(session, proposal)
    )
    return DeliveryView(
        proposal_id=str(proposal.id),
        status=proposal.status.value,
        can_send=may_send,
        default_email=proposal.sent_to_email or contact_email,
        sent_to=proposal.sent_to_email or "",
        sent_at=format_datetime(proposal.sent_at, org.tz),
        viewed_at=format_datetime(proposal.viewed_at, org.tz),
        view_count=proposal.view_count,
        live_link=live is not None,
        contract_id=str(contract[0]) if contract else "",
        contract_number=contract[1] if contract else "",
        approval=approvals.approval_state(session, actor, proposal.id),
    )
