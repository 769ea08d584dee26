"""The client's link to a sent proposal: an unguessable token, stored only as its keyed hash.

Sending creates a link (``create_link``); the sender may revoke it (``revoke_links``). The
public page (``api/public_proposals.py``) resolves a token with ``resolve`` (an owner session:
the organization is not known yet; a revoked or unknown token is simply not found), then does
everything else in a tenant transaction of that organization as the client
(``ClientTenant``): ``open_link`` counts a view, ``accept`` and ``reject`` record the client's
answer. What the page shows (``PublicProposal``) is the proposal itself and the organization's
name — nothing else of the organization.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlmodel import Session, col, select

from ...config import settings
from ...models import (
    Company,
    Contract,
    Lead,
    Opportunity,
    Proposal,
    ProposalLineItem,
    ProposalLink,
    ProposalStatus,
)
from ...models.base import utcnow
from ..core import audit
from ..core.errors import Conflict, Invalid, NotFound
from ..core.formatting import format_date, format_datetime, format_money
from ..core.org import org_context
from ..core.security import Actor, require
from ..core.text import clean_text
from . import lifecycle
from .lifecycle import LIFECYCLE_FIELDS, STATUS_LABELS, is_expired, load_proposal

S = ProposalStatus
LINK_PREFIX = "/p/"
TOKEN_BYTES = 32
MAX_TOKEN_CHARS = 100
ZERO_USER = UUID(int=0)


@dataclass(frozen=True)
class ClientTenant:
    """A tenant transaction for the client of one link (no SmartWeb user)."""

    organization_id: UUID
    user_id: UUID = ZERO_USER


@dataclass(frozen=True)
class ResolvedLink:
    organization_id: UUID
    link_id: UUID
    proposal_id: UUID


@dataclass(frozen=True)
class PublicLine:
    description: str
    quantity: str
    unit_price: str
    discount: str
    total: str


@dataclass(frozen=True)
class PublicSection:
    title: str
    body: str


@dataclass(frozen=True)
class PublicProposal:
    """Everything the client's page shows, display-ready."""

    organization: str
    number: str
    title: str
    client: str
    status: str
    status_label: str
    valid_until: str
    expired: bool
    can_respond: bool
    sections: list[PublicSection] = field(default_factory=list)
    lines: list[PublicLine] = field(default_factory=list)
    subtotal: str = ""
    discount: str = ""
    tax: str = ""
    total: str = ""
    accepted_by: str = ""
    accepted_at: str = ""
    rejected_at: str = ""
    rejection_reason: str = ""
    contract_number: str = ""


# ------------------------------------------------------------------ tokens
def _key() -> bytes:
    """A key for proposal links only (the secret also keys session hashes)."""
    return hmac.new(settings.secret_key.encode(), b"smartweb/proposal-link/v1", "sha256").digest()


def hash_token(token: str) -> str:
    return hmac.new(_key(), token.encode(), hashlib.sha256).hexdigest()


def link_path(token: str) -> str:
    return f"{LINK_PREFIX}{token}"


def create_link(session: Session, actor: Actor, proposal: Proposal) -> tuple[str, ProposalLink]:
    """A new link for a proposal being sent; returns the raw token (never stored)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ProposalLink(
        organization_id=proposal.organization_id,
        proposal_id=proposal.id,
        token_hash=hash_token(token),
        created_by=actor.user_id,
    )
    session.add(link)
    session.flush()
    audit.record(
        session, actor, "proposal.link_create", "proposal", proposal.id, after={"link": link.id}
    )
    return token, link


def revoke_links(session: Session, actor: Actor, proposal_id: UUID | str) -> int:
    """Revoke every live link of a proposal (the client's page then answers 404)."""
    proposal = load_proposal(session, actor, proposal_id, lock=True, write=True)
    links = session.exec(
        select(ProposalLink).where(
            ProposalLink.organization_id == actor.organization_id,
            ProposalLink.proposal_id == proposal.id,
            col(ProposalLink.revoked_at).is_(None),
        )
    ).all()
    if not links:
        raise Conflict("This proposal has no live link to revoke.")
    now = utcnow()
    for link in links:
        link.revoked_at = now
        link.revoked_by = actor.user_id
        session.add(link)
    audit.record(
        session,
        actor,
        "proposal.link_revoke",
        "proposal",
        proposal.id,
        after={"links": [link.id for link in links]},
    )
    session.flush()
    return len(links)


def resolve(session: Session, token: str) -> ResolvedLink | None:
    """The live link a token stands for (owner session), or None: unknown, malformed or revoked."""
    token = (token or "").strip()
    if not token or len(token) > MAX_TOKEN_CHARS or not token.isascii():
        return None
    row = session.exec(
        select(ProposalLink).where(ProposalLink.token_hash == hash_token(token))
    ).first()
    if row is None or row.revoked_at is not None:
        return None
    return ResolvedLink(row.organization_id, row.id, row.proposal_id)


def _load(session: Session, link: ResolvedLink) -> tuple[ProposalLink, Proposal]:
    """The link and its proposal, locked, in the link's organization (tenant session)."""
    row = session.exec(
        select(ProposalLink)
        .where(
            ProposalLink.id == link.link_id,
            ProposalLink.organization_id == link.organization_id,
            col(ProposalLink.revoked_at).is_(None),
        )
        .with_for_update()
    ).first()
    if row is None:
        raise NotFound("Proposal not found.")
    proposal = session.exec(
        select(Proposal)
        .where(
            Proposal.id == row.proposal_id,
            Proposal.organization_id == link.organization_id,
            col(Proposal.deleted_at).is_(None),
        )
        .with_for_update()
    ).first()
    if proposal is None or proposal.status == S.DRAFT:
        raise NotFound("Proposal not found.")
    return row, proposal


def _expire_if_due(session: Session, proposal: Proposal) -> None:
    """Past its date and still open: expire it now (the sweep would do the same)."""
    today = org_context(session, proposal.organization_id).today()
    if proposal.status in (S.SENT, S.VIEWED) and is_expired(proposal, today):
        before = lifecycle.apply_client_transition(session, proposal, S.EXPIRED)
        _audit(session, proposal, "proposal.expire", before)


def _audit(
    session: Session,
    proposal: Proposal,
    action: str,
    before: dict[str, Any],
    *,
    ip: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        None,
        action,
        "proposal",
        proposal.id,
        organization_id=proposal.organization_id,
        before=before,
        after={**audit.snapshot(proposal, LIFECYCLE_FIELDS), **(extra or {})},
        ip=ip,
    )
    lifecycle._touch(session, proposal)


# ------------------------------------------------------------------ the client's acts
def open_link(session: Session, link: ResolvedLink) -> PublicProposal:
    """The client opened the page: one more view (the first moves sent → viewed)."""
    row, proposal = _load(session, link)
    now = utcnow()
    _expire_if_due(session, proposal)
    if proposal.status == S.SENT:
        before = lifecycle.apply_client_transition(
            session, proposal, S.VIEWED, viewed_at=now, view_count=proposal.view_count + 1
        )
        _audit(session, proposal, "proposal.view", before)
    else:
        proposal.view_count += 1
        session.add(proposal)
    row.last_opened_at = now
    session.add(row)
    session.flush()
    return present(session, proposal)


def accept(
    session: Session,
    link: ResolvedLink,
    full_name: str,
    consent: bool,
    ip: str | None = None,
) -> PublicProposal:
    """The client accepts: typed full name and consent, recorded with time and address; the
    contract is drawn up and the deal won."""
    from . import contracts

    _, proposal = _load(session, link)
    name = clean_text(full_name, "Your full name", max_length=200, required=True)
    if len(name) < 2:
        raise Invalid("Type your full name to accept.")
    if consent is not True:
        raise Invalid("Tick the box to confirm you accept the proposal.")
    _expire_if_due(session, proposal)
    if proposal.status == S.EXPIRED:
        session.flush()
        raise Conflict("This proposal has expired and can no longer be accepted.")
    now = utcnow()
    before = lifecycle.apply_client_transition(session, proposal, S.ACCEPTED, accepted_at=now)
    _audit(
        session,
        proposal,
        "proposal.accept",
        before,
        ip=ip,
        extra={"accepted_by": name, "ip": ip},
    )
    session.flush()
    contracts.create_from_acceptance(session, proposal, name, ip, now)
    return present(session, proposal)


def reject(
    session: Session, link: ResolvedLink, reason: str, ip: str | None = None
) -> PublicProposal:
    """The client declines, saying why."""
    _, proposal = _load(session, link)
    why = clean_text(reason, "The reason", max_length=1000, required=True, multiline=True)
    _expire_if_due(session, proposal)
    if proposal.status == S.EXPIRED:
        session.flush()
        raise Conflict("This proposal has expired.")
    before = lifecycle.apply_client_transition(
        session, proposal, S.REJECTED, rejected_at=utcnow(), rejection_reason=why
    )
    _audit(session, proposal, "proposal.reject", before, ip=ip)
    session.flush()
    return present(session, proposal)


def preview(session: Session, actor: Actor, proposal_id: UUID | str) -> PublicProposal:
    """The page as the client sees it, for the sender (no view counted)."""
    require(actor, "proposals.write")
    return present(session, load_proposal(session, actor, proposal_id))


def current(session: Session, link: ResolvedLink) -> PublicProposal:
    """The page as it stands (after a refused answer; no view counted)."""
    _, proposal = _load(session, link)
    return present(session, proposal)


def _pdf_renderer() -> Any:
    """The proposal PDF renderer (``pdf.render_proposal``), when this build has one."""
    try:
        module = importlib.import_module(f"{__package__}.pdf")
    except ImportError:
        return None
    return getattr(module, "render_proposal", None)


def pdf_available() -> bool:
    return _pdf_renderer() is not None


def render_pdf(session: Session, link: ResolvedLink) -> tuple[bytes, str] | None:
    """The proposal's PDF and its file name, for the client (no view counted)."""
    renderer = _pdf_renderer()
    if renderer is None:
        return None
    _, proposal = _load(session, link)
    data = renderer(session, link.organization_id, proposal.id)
    return data, f"{proposal.proposal_number}-v{proposal.version}.pdf"


# ------------------------------------------------------------------ what the page shows
def _sections(proposal: Proposal) -> list[PublicSection]:
    found = [
        ("Executive summary", proposal.executive_summary),
        ("Scope of work", proposal.scope_of_work),
    ]
    for custom in proposal.custom_sections or []:
        if isinstance(custom, dict):
            found.append(
                (
                    str(custom.get("title") or "Section"),
                    str(custom.get("body") or custom.get("content") or ""),
                )
            )
    found.append(("Terms and conditions", proposal.terms_and_conditions))
    return [PublicSection(t, b.strip()) for t, b in found if b and b.strip()]


def _client(session: Session, proposal: Proposal) -> str:
    found = session.exec(
        select(Company.name)
        .join(Lead, col(Lead.company_id) == Company.id)
        .join(Opportunity, col(Opportunity.lead_id) == Lead.id)
        .where(
            Opportunity.id == proposal.opportunity_id,
            Opportunity.organization_id == proposal.organization_id,
        )
    ).first()
    return found or ""


def _pct(value: Decimal | None) -> str:
    v = Decimal(value or 0).normalize()
    return "" if v == 0 else f"{v:f} %"


def present(session: Session, proposal: Proposal) -> PublicProposal:
    org = org_context(session, proposal.organization_id)
    money = lambda v: format_money(v, org.currency, cents=True)  # noqa: E731
    lines = session.exec(
        select(ProposalLineItem)
        .where(
            ProposalLineItem.organization_id == proposal.organization_id,
            ProposalLineItem.proposal_id == proposal.id,
        )
        .order_by(col(ProposalLineItem.position))
    ).all()
    contract = session.exec(
        select(Contract).where(
            Contract.organization_id == proposal.organization_id,
            Contract.proposal_id == proposal.id,
        )
    ).first()
    expired = proposal.status == S.EXPIRED or (
        proposal.status in (S.SENT, S.VIEWED) and is_expired(proposal, org.today())
    )
    return PublicProposal(
        organization=org.name,
        number=f"{proposal.proposal_number} · version {proposal.version}",
        title=proposal.title,
        client=_client(session, proposal),
        status=S.EXPIRED.value if expired else proposal.status.value,
        status_label=STATUS_LABELS[S.EXPIRED if expired else proposal.status],
        valid_until=format_date(proposal.valid_until),
        expired=expired,
        can_respond=proposal.status in (S.SENT, S.VIEWED) and not expired,
        sections=_sections(proposal),
        lines=[
            PublicLine(
                description=li.description,
                quantity=f"{Decimal(li.quantity).normalize():f}",
                unit_price=money(li.unit_price),
                discount=_pct(li.discount_percentage),
                total=money(li.line_total),
            )
            for li in lines
        ],
        subtotal=money(proposal.subtotal),
        discount=money(proposal.discount_amount) if proposal.discount_amount else "",
        tax=money(proposal.tax_amount),
        total=money(proposal.total_amount),
        accepted_by=(contract.client_signed_by or "") if contract else "",
        accepted_at=_when(proposal.accepted_at, org.tz),
        rejected_at=_when(proposal.rejected_at, org.tz),
        rejection_reason=proposal.rejection_reason or "",
        contract_number=contract.contract_number if contract else "",
    )


def _when(moment: datetime | None, tz: Any) -> str:
    return format_datetime(moment, tz) if moment else ""
