"""The pipeline's global-search source: deals by their name or their company's name (everyone
with ``pipeline.read`` sees the board, so every live deal of the organization)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col

from ...models import Company, Lead, Opportunity, PipelineStage
from ..core.formatting import format_money
from ..core.labels import label
from ..core.org import org_context
from ..core.search import Hit, Source, rank_of, register_source, subtitle
from ..core.security import Actor
from ..core.text import escape_like

CANDIDATES = 30


def find_deals(session: Session, actor: Actor, term: str, limit: int) -> list[Hit]:
    like = escape_like(term.lower())
    pattern = f"%{like}%" if len(term) >= 3 else None  # trigrams need 3 characters
    ids = sa.select(sa.func.palette_deals(f"{like}%", pattern, CANDIDATES).column_valued())
    rows = session.execute(
        sa.select(
            col(Opportunity.id),
            col(Opportunity.name),
            col(Opportunity.value),
            col(Opportunity.status),
            col(PipelineStage.name).label("stage"),
            col(Company.name).label("company"),
        )
        .join(PipelineStage, col(PipelineStage.id) == Opportunity.current_stage_id)
        .outerjoin(Lead, col(Lead.id) == Opportunity.lead_id)
        .outerjoin(Company, col(Company.id) == Lead.company_id)
        .where(
            col(Opportunity.organization_id) == actor.organization_id,
            col(Opportunity.deleted_at).is_(None),
            col(Opportunity.id).in_(ids),
        )
    ).all()
    currency = org_context(session, actor).currency

    def rank(r: sa.Row) -> tuple[int, str]:
        return (min(rank_of(term, r.name), rank_of(term, r.company or "")), r.name.lower())

    rows = sorted(rows, key=rank)
    return [
        Hit(
            kind="deal",
            id=str(r.id),
            title=r.name,
            subtitle=subtitle(
                "Deal",
                r.stage if r.status.value == "open" else label(r.status),
                format_money(r.value, currency),
                r.company,
            ),
            href=f"/pipeline?deal={r.id}",
        )
        for r in rows[:limit]
    ]


def register() -> None:
    register_source(Source("deal", "Deals", "pipeline.read", find_deals, weight=2))
