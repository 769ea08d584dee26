"""The AI call campaigns' global-search source: campaigns by name (an organization runs tens of
them, so a plain match under RLS is enough)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col

from ...models import AICallCampaign
from ..core.labels import label
from ..core.search import Hit, Source, rank_of, register_source
from ..core.security import Actor
from ..core.text import contains_pattern


def find_campaigns(session: Session, actor: Actor, term: str, limit: int) -> list[Hit]:
    rows = session.execute(
        sa.select(col(AICallCampaign.id), col(AICallCampaign.name), col(AICallCampaign.status))
        .where(
            col(AICallCampaign.organization_id) == actor.organization_id,
            col(AICallCampaign.name).ilike(contains_pattern(term)),
        )
        .limit(50)
    ).all()
    ranked = sorted(rows, key=lambda r: (rank_of(term, r.name), r.name.lower()))
    return [
        Hit(
            kind="campaign",
            id=str(r.id),
            title=r.name,
            subtitle=f"AI call campaign · {label(r.status)}",
            href=f"/campaigns/{r.id}",
        )
        for r in ranked[:limit]
    ]


def register() -> None:
    register_source(Source("campaign", "Campaigns", "campaigns.view", find_campaigns))
