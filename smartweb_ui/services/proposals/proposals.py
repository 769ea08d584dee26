"""Proposals: loading under scope, creating one for a deal, the list page and its filters.

Scope: a proposal is as visible as its deal (everyone with ``pipeline.read`` sees the board);
it is edited with ``proposals.write`` by whoever may edit its deal, or its author. Only the
latest version of a draft is editable; anything else is locked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Self
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ...models import Company, Contact, Lead, Opportunity, Proposal, ProposalStatus, User
from ..core import audit
from ..core.errors import Forbidden, Invalid, NotFound, as_uuid
from ..core.formatting import format_date, format_money
from ..core.org import org_context
from ..core.query import QueryFilters
from ..core.results import Option
from ..core.scope import can_edit_deal, load_deal
from ..core.security import Actor, require
from ..core.text import contains_pattern
from .numbering import next_number

STATUS_LABELS: dict[str, str] = {
    "draft": "Draft",
    "sent": "Sent",
    "viewed": "Viewed",
    "accepted": "Accepted",
    "rejected": "Rejected",
    "expired": "Expired",
}
PAGE_SIZE = 25
DEFAULT_VALIDITY_DAYS = 30


# ------------------------------------------------------------------ loading under scope
def can_edit_proposal(actor: Actor, proposal: Proposal, deal_owner: UUID | None) -> bool:
    return actor.can("proposals.write") and (
        can_edit_deal(actor, deal_owner) or proposal.created_by == actor.user_id
    )


def is_locked(proposal: Proposal) -> bool:
    """Only the latest version of a draft can change."""
    return proposal.status != ProposalStatus.DRAFT or not proposal.is_latest


def load_proposal(
    session: Session, actor: Actor, proposal_id: str | UUID, *, lock: bool = False
) -> Proposal:
    """A live proposal of the actor's organization on a deal they may see, else NotFound."""
    require(actor, "pipeline.read")
    stmt = select(Proposal).where(
        Proposal.id == as_uuid(proposal_id, "Proposal"),
        Proposal.organization_id == actor.organization_id,
        col(Proposal.deleted_at).is_(None),
    )
    proposal = session.exec(stmt.with_for_update() if lock else stmt).first()
    if proposal is None:
        raise NotFound("Proposal not found.")
    load_deal(session, actor, proposal.opportunity_id)  # NotFound with a deleted deal
    return proposal


def load_for_edit(session: Session, actor: Actor, proposal_id: str | UUID) -> Proposal:
    """The proposal, locked for the change; Forbidden/Invalid when it may not change."""
    require(actor, "proposals.write")
    proposal = load_proposal(session, actor, proposal_id, lock=True)
    owner = session.exec(
        select(Opportunity.owner_id).where(Opportunity.id == proposal.opportunity_id)
    ).first()
    if not can_edit_proposal(actor, proposal, owner):
        raise Forbidden("Only the deal's owner or a manager edits this proposal.")
    if is_locked(proposal):
        raise Invalid("This proposal is locked: revise it to make a new version.")
    return proposal


# ------------------------------------------------------------------ creating
def create_proposal(session: Session, actor: Actor, deal_id: str | UUID, title: str = "") -> str:
    """A new draft (version 1, next number of the year) for a deal, addressed to the primary
    contact of the deal's company. Returns its id."""
    require(actor, "proposals.write")
    deal = load_deal(session, actor, deal_id, lock=True)
    if not can_edit_deal(actor, deal.owner_id):
        raise Forbidden("Only the deal's owner or a manager writes its proposals.")
    org = org_context(session, actor)
    today = org.today()
    contact_id = None
    if deal.lead_id is not None:
        contact_id = session.exec(
            select(Contact.id)
            .join(Lead, col(Lead.company_id) == Contact.company_id)
            .where(
                Lead.id == deal.lead_id,
                Contact.organization_id == actor.organization_id,
                col(Contact.deleted_at).is_(None),
            )
            .order_by(col(Contact.is_primary).desc(), col(Contact.created_at))
        ).first()
    days = org.settings.get("proposal_validity_days", DEFAULT_VALIDITY_DAYS)
    days = days if isinstance(days, int) and 1 <= days <= 365 else DEFAULT_VALIDITY_DAYS
    title = (title or "").strip() or f"Proposal – {deal.name}"
    proposal = Proposal(
        organization_id=actor.organization_id,
        opportunity_id=deal.id,
        proposal_number=next_number(session, actor.organization_id, "proposal", today.year),
        version=1,
        title=title[:200],
        contact_id=contact_id,
        valid_until=today + timedelta(days=days),
        created_by=actor.user_id,
    )
    session.add(proposal)
    session.flush()
    audit.record(
        session,
        actor,
        "proposal.create",
        "proposal",
        proposal.id,
        after={"number": proposal.proposal_number, "deal": deal.id, "title": proposal.title},
    )
    return str(proposal.id)


# ------------------------------------------------------------------ the list
@dataclass(frozen=True)
class ProposalFilters(QueryFilters):
    status: str = ""
    owner: str = ""  # a user id
    search: str = ""
    page: int = 1

    QUERY_KEYS = {"search": "q"}

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> Self:
        base = super().parse(raw)
        if base.status and base.status not in STATUS_LABELS:
            raise Invalid("Pick a status from the list.")
        if base.owner:
            as_uuid(base.owner, "Owner")
        search = str(base.search or "").strip()
        if len(search) > 100:
            raise Invalid("Search is too long (100 characters at most).")
        try:
            page = int(base.page)
        except (TypeError, ValueError):
            raise Invalid("Page must be a whole number.") from None
        if not 1 <= page <= 100_000:
            raise Invalid("Page is out of range.")
        return dataclasses.replace(base, search=search, page=page)


@dataclass(frozen=True)
class ProposalRow:
    id: str
    number: str
    title: str
    deal: str
    client: str
    total: str
    status: str
    status_label: str
    version: int
    valid_until: str
    owner: str


@dataclass(frozen=True)
class ProposalPage:
    rows: list[ProposalRow]
    total_rows: int
    page: int
    pages: int


def latest_live(actor: Actor) -> list[Any]:
    """The organization's proposals as lists show them: the latest version of each, neither it
    nor its deal deleted (a query joining ``Opportunity``)."""
    return [
        Proposal.organization_id == actor.organization_id,
        # the bare column (not ``IS true``), so the partial index ix_proposals_latest applies
        col(Proposal.is_latest),
        col(Proposal.deleted_at).is_(None),
        col(Opportunity.deleted_at).is_(None),
    ]


def search_ids(term: str, limit: int | None = None) -> sa.Select:
    """The latest live proposals of the organization whose title, number or client's company
    name contains ``term`` (``proposal_search_ids``: RLS lets the app role use no index for
    ILIKE); at most ``limit`` of them, every one when None."""
    return sa.select(sa.func.proposal_search_ids(contains_pattern(term), limit).column_valued())


def list_proposals(
    session: Session, actor: Actor, filters: ProposalFilters, page_size: int = PAGE_SIZE
) -> ProposalPage:
    """One page of the latest version of each proposal, newest first."""
    require(actor, "pipeline.read")
    org = org_context(session, actor)
    conds = latest_live(actor)
    if filters.status:
        conds.append(Proposal.status == ProposalStatus(filters.status))
    if filters.owner:
        conds.append(Proposal.created_by == as_uuid(filters.owner, "Owner"))
    if filters.search:
        # Title, number or the client's company name, through the trigram indexes (0014).
        conds.append(col(Proposal.id).in_(search_ids(filters.search)))
    base = (
        sa.select(col(Proposal.id))
        .select_from(Proposal)
        .join(Opportunity, col(Opportunity.id) == Proposal.opportunity_id)
        .outerjoin(Lead, col(Lead.id) == Opportunity.lead_id)
        .outerjoin(Company, col(Company.id) == Lead.company_id)
        .where(*conds)
    )
    total = session.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one()
    pages = max(1, -(-total // page_size))
    page = min(filters.page, pages)
    stmt = (
        sa.select(
            col(Proposal.id),
            col(Proposal.proposal_number),
            col(Proposal.title),
            col(Opportunity.name),
            col(Company.name),
            col(Proposal.total_amount),
            col(Proposal.status),
            col(Proposal.version),
            col(Proposal.valid_until),
            col(User.full_name),
        )
        .select_from(Proposal)
        .join(Opportunity, col(Opportunity.id) == Proposal.opportunity_id)
        .outerjoin(Lead, col(Lead.id) == Opportunity.lead_id)
        .outerjoin(Company, col(Company.id) == Lead.company_id)
        .outerjoin(User, col(User.id) == Proposal.created_by)
        .where(*conds)
        .order_by(col(Proposal.created_at).desc(), col(Proposal.id).desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    rows = [
        ProposalRow(
            id=str(r[0]),
            number=r[1],
            title=r[2],
            deal=r[3] or "",
            client=r[4] or "",
            total=format_money(r[5], org.currency, cents=True),
            status=r[6].value,
            status_label=STATUS_LABELS[r[6].value],
            version=r[7],
            valid_until=format_date(r[8]),
            owner=r[9] or "",
        )
        for r in session.execute(stmt).all()
    ]
    return ProposalPage(rows, total, page, pages)


def proposal_owners(session: Session, actor: Actor) -> list[Option]:
    """People who wrote proposals (the owner filter)."""
    require(actor, "pipeline.read")
    rows = session.execute(
        sa.select(col(User.id), col(User.full_name))
        .where(
            col(User.organization_id) == actor.organization_id,
            col(User.deleted_at).is_(None),
            sa.exists().where(
                col(Proposal.organization_id) == actor.organization_id,
                col(Proposal.created_by) == col(User.id),
            ),
        )
        .order_by(User.full_name)
    ).all()
    return [Option(str(i), n) for i, n in rows]


def deal_options(session: Session, actor: Actor, search: str = "") -> list[Option]:
    """Open deals the actor may write proposals for ("New proposal" on the list)."""
    require(actor, "proposals.write")
    stmt = sa.select(col(Opportunity.id), col(Opportunity.name), col(Opportunity.owner_id)).where(
        col(Opportunity.organization_id) == actor.organization_id,
        col(Opportunity.deleted_at).is_(None),
        col(Opportunity.status) == "open",
    )
    if not actor.can("pipeline.manage"):
        stmt = stmt.where(col(Opportunity.owner_id) == actor.user_id)
    if search.strip():
        stmt = stmt.where(col(Opportunity.name).ilike(contains_pattern(search)))
    rows = session.execute(stmt.order_by(Opportunity.name).limit(50)).all()
    return [Option(str(i), n) for i, n, _ in rows]
