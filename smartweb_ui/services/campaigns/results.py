"""The pipeline joined to a campaign: leads it qualified -> deals opened on them after its
first call -> won revenue. ``calls_cte`` is shared with the dashboard's campaign chart, so
both count calls, leads and deals the same way."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session

from ..core.money import quantize_money


def calls_cte(where: str) -> str:
    """``calls``: one row per (campaign, lead) called — first call, reached, interested — over
    the calls matching ``where`` (the dashboard: a period; the monitor: its campaign)."""
    return f"""
    calls AS (
        SELECT c.campaign_id, c.lead_id, min(c.created_at) AS first_call,
               bool_or(c.status = 'completed') AS reached,
               bool_or(c.outcome IN ('interested', 'meeting_booked', 'callback')) AS interested,
               bool_or(c.outcome IN ('interested', 'meeting_booked')) AS qualified
        FROM ai_calls c
        WHERE c.organization_id = :org AND {where}
        GROUP BY 1, 2
    )"""


# A deal counts for a campaign when it was opened on a called lead after the first call.
CAMPAIGN_LEADS = (
    calls_cte("c.campaign_id = ANY(:cids)")
    + """,
    campaign_deals AS (
        SELECT k.campaign_id, o.id, o.status, o.value
        FROM calls k
        JOIN opportunities o ON o.lead_id = k.lead_id AND o.created_at >= k.first_call
        WHERE o.organization_id = :org AND o.deleted_at IS NULL
    )"""
)


@dataclass(frozen=True)
class PipelineResult:
    campaign_id: str
    qualified: int
    deals: int
    won_deals: int
    won_revenue: Decimal


def pipeline_results(
    session: Session, organization_id: UUID, campaign_ids: list[UUID]
) -> dict[str, PipelineResult]:
    sql = f"""
    WITH {CAMPAIGN_LEADS}
    SELECT k.campaign_id,
           count(*) FILTER (WHERE k.qualified OR l.qualified_at >= k.first_call) AS qualified,
           (SELECT count(*) FROM campaign_deals d WHERE d.campaign_id = k.campaign_id) AS deals,
           (SELECT count(*) FROM campaign_deals d
             WHERE d.campaign_id = k.campaign_id AND d.status = 'won') AS won_n,
           (SELECT COALESCE(sum(d.value), 0) FROM campaign_deals d
             WHERE d.campaign_id = k.campaign_id AND d.status = 'won') AS revenue
    FROM calls k JOIN leads l ON l.id = k.lead_id
    GROUP BY k.campaign_id
    """
    rows = session.execute(sa.text(sql), {"org": organization_id, "cids": list(campaign_ids)})
    return {
        str(r.campaign_id): PipelineResult(
            str(r.campaign_id),
            int(r.qualified),
            int(r.deals),
            int(r.won_n),
            quantize_money(r.revenue),
        )
        for r in rows
    }


def qualified_lead_ids(session: Session, organization_id: UUID, campaign_id: UUID) -> list[Any]:
    sql = f"""
    WITH {CAMPAIGN_LEADS}
    SELECT l.id, co.name FROM calls k JOIN leads l ON l.id = k.lead_id
    JOIN companies co ON co.id = l.company_id
    WHERE k.qualified OR l.qualified_at >= k.first_call
    ORDER BY co.name LIMIT 200
    """
    return list(session.execute(sa.text(sql), {"org": organization_id, "cids": [campaign_id]}))


def deal_rows(
    session: Session, organization_id: UUID, campaign_id: UUID, *, won_only: bool
) -> list[Any]:
    sql = f"""
    WITH {CAMPAIGN_LEADS}
    SELECT o.id, o.name, o.status, o.value FROM campaign_deals d
    JOIN opportunities o ON o.id = d.id
    WHERE (:won = false OR d.status = 'won')
    ORDER BY o.value DESC LIMIT 200
    """
    return list(
        session.execute(
            sa.text(sql), {"org": organization_id, "cids": [campaign_id], "won": won_only}
        )
    )
