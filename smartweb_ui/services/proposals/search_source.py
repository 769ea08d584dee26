"""The proposals' global-search source: the latest version of each proposal by its title, its
number or its client's company name (everyone with ``pipeline.read`` sees the proposal list)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col

from ...models import Company, Lead, Opportunity, Proposal
from ..core.formatting import format_money
from ..core.labels import label
from ..core.org import org_context
from ..core.search import Hit, Source, rank_of, register_source, subtitle
from ..core.security import Actor
from .proposals import latest_live, search_ids

CANDIDATES = 30
MIN_CHARS = 3  # what a trigram look-up needs


def find_proposals(session: Session, actor: Actor, term: str, limit: int) -> list[Hit]:
    if len(term) < MIN_CHARS:
        return []
    rows = session.execute(
        sa.select(
            col(Proposal.id),
            col(Proposal.proposal_number),
            col(Proposal.title),
            col(Proposal.status),
            col(Proposal.total_amount),
            col(Company.name).label("client"),
        )
        .join(Opportunity, col(Opportunity.id) == Proposal.opportunity_id)
        .outerjoin(Lead, col(Lead.id) == Opportunity.lead_id)
        .outerjoin(Company, col(Company.id) == Lead.company_id)
        .where(*latest_live(actor), col(Proposal.id).in_(search_ids(term, CANDIDATES)))
    ).all()
    currency = org_context(session, actor).currency

    def rank(r: sa.Row) -> tuple[int, str]:
        best = min(
            rank_of(term, r.title), rank_of(term, r.proposal_number), rank_of(term, r.client or "")
        )
        return best, r.title.lower()

    return [
        Hit(
            kind="proposal",
            id=str(r.id),
            title=r.title,
            subtitle=subtitle(
                "Proposal",
                r.proposal_number,
                label(r.status),
                format_money(r.total_amount, currency),
                r.client,
            ),
            href=f"/proposals/{r.id}",
        )
        for r in sorted(rows, key=rank)[:limit]
    ]


def register() -> None:
    register_source(Source("proposal", "Proposals", "pipeline.read", find_proposals, weight=1))
