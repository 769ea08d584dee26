"""Lead-side dashboard charts: lead source -> conversion -> revenue, and AI-campaign contribution.

One aggregate SQL statement per chart, same conventions as ``analytics_queries``.
"""

from __future__ import annotations

from sqlmodel import Session

from ..campaigns.results import calls_cte
from ..core.labels import label
from .queries import Ctx, _rows, closed_deals
from .types import CampaignRow, SourceRow, money, pct

TOP_CAMPAIGNS = 12
SOURCE_LABELS = {
    "scrape": "Scraped",
    "import": "Imported",
    "referral": "Referral",
    "website": "Website",
    "cold_call": "Cold call",
    "ai_campaign": "AI campaign",
    "event": "Event",
    "manual": "Manual",
    "none": "No lead (direct deal)",
}


def source_label(source: str) -> str:
    return SOURCE_LABELS.get(source) or label(source)


# ------------------------------------------------------------------ lead sources
def sources(session: Session, ctx: Ctx) -> list[SourceRow]:
    owner = "AND l.assigned_to = :owner" if ctx.owner_id is not None else ""
    # The join repeats the tenant key so that the RLS check on leads is evaluated once, not
    # once per lead row.
    sql = f"""
    WITH nl AS (
        SELECT l.source::text AS source, count(*) AS leads,
               count(*) FILTER (WHERE l.converted_at IS NOT NULL OR l.status = 'converted')
                   AS converted
        FROM leads l
        WHERE l.organization_id = :org AND l.deleted_at IS NULL {owner}
          AND l.created_at >= :s_utc AND l.created_at < :e_utc
        GROUP BY l.source
    ), w AS (
        SELECT COALESCE(l.source::text, 'none') AS source, count(*) AS won_n,
               sum(o.value) AS revenue
        FROM {closed_deals(ctx.where(), "o.lead_id, o.value", "= 'won'")}
        LEFT JOIN leads l ON l.id = o.lead_id AND l.organization_id = :org
        GROUP BY l.source
    )
    SELECT COALESCE(nl.source, w.source) AS source, COALESCE(nl.leads, 0) AS leads,
           COALESCE(nl.converted, 0) AS converted, COALESCE(w.won_n, 0) AS won_n,
           COALESCE(w.revenue, 0) AS revenue
    FROM nl FULL JOIN w ON w.source = nl.source
    ORDER BY revenue DESC, leads DESC, source
    """
    return [
        SourceRow(
            source=r.source,
            label=source_label(r.source),
            leads=r.leads,
            converted=r.converted,
            conversion_pct=pct(r.converted, r.leads),
            won_deals=r.won_n,
            revenue=money(r.revenue),
        )
        for r in _rows(session, sql, ctx.params())
    ]


# ------------------------------------------------------------------ AI campaigns
# With a team member chosen, the calls are those to the leads assigned to them (the deals
# side already follows the member through ``Ctx.where``).
CAMPAIGN_CALLS_CTE = calls_cte(
    "c.created_at >= :s_utc AND c.created_at < :e_utc AND (CAST(:owner AS uuid) IS NULL OR "
    "c.lead_id IN (SELECT l.id FROM leads l WHERE l.organization_id = :org "
    "AND l.assigned_to = :owner))"
)


def campaigns(session: Session, ctx: Ctx) -> list[CampaignRow]:
    """Leads called in the period per campaign, and the deals opened on them after the call."""
    sql = f"""
    WITH {CAMPAIGN_CALLS_CTE},
    per AS (
        SELECT campaign_id, count(*) AS called, count(*) FILTER (WHERE reached) AS reached,
               count(*) FILTER (WHERE interested) AS interested
        FROM calls GROUP BY 1
    ), deals AS (
        -- calls has one row per (campaign, lead), so deals aggregate straight to the campaign;
        -- a deal opened after a call in the period was created after the period began.
        SELECT k.campaign_id, count(*) AS deals,
               count(*) FILTER (WHERE o.status = 'won') AS won_n,
               COALESCE(sum(o.value) FILTER (WHERE o.status = 'won'), 0) AS revenue
        FROM calls k
        JOIN opportunities o ON o.lead_id = k.lead_id AND o.created_at >= k.first_call
        WHERE {ctx.where()} AND o.lead_id IS NOT NULL AND o.created_at >= :s_utc
        GROUP BY 1
    )
    SELECT a.id, a.name, per.called, per.reached, per.interested,
           COALESCE(d.deals, 0) AS deals, COALESCE(d.won_n, 0) AS won_n,
           COALESCE(d.revenue, 0) AS revenue
    FROM per JOIN ai_call_campaigns a ON a.id = per.campaign_id
    LEFT JOIN deals d ON d.campaign_id = per.campaign_id
    ORDER BY revenue DESC, per.reached DESC, a.name
    LIMIT :top
    """
    return [
        CampaignRow(
            campaign_id=str(r.id),
            name=r.name,
            leads_called=r.called,
            leads_reached=r.reached,
            interested=r.interested,
            deals=int(r.deals),
            won_deals=int(r.won_n),
            revenue=money(r.revenue),
        )
        for r in _rows(session, sql, {**ctx.params(), "top": TOP_CAMPAIGNS})
    ]
