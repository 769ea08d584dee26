"""The rollup alternative for bench/dashboard.py: the same 12-month charts from daily rollups.

Bench-only tables (never a migration): per organization and local close day, the closed deals
summed by (pipeline, owner, status, reason, lead source), the leads created by (source,
assignee) and the proposals sent by acceptance. The charts that read closed deals, leads and
proposals (KPI tiles, monthly revenue, reasons, leaderboard, lead sources) are answered from
them; the forecast (live open deals), funnel (a cohort's stage history) and AI campaigns
(distinct leads per campaign: not additive over days) stay on the live tables, as they would
in the product. Timed as raw SQL on an owner connection, like the dashboard's raw floor.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

BUILD_SQL = [
    "DROP TABLE IF EXISTS rollup_closed_daily, rollup_leads_daily, rollup_proposals_daily",
    """CREATE TABLE rollup_closed_daily AS
       SELECT o.organization_id, o.closed_on AS day, o.pipeline_id, o.owner_id, o.status,
              COALESCE(btrim(o.closed_reason), '') AS reason,
              COALESCE(l.source::text, 'none') AS lead_source,
              count(*) AS n, sum(o.value) AS value,
              sum(GREATEST(o.closed_on - CAST((o.created_at AT TIME ZONE org.timezone) AS date), 0))
                  AS cycle_days
       FROM (SELECT o.*, COALESCE(o.actual_close_date,
                    CAST((o.stage_entered_at AT TIME ZONE g.timezone) AS date)) AS closed_on
             FROM opportunities o JOIN organizations g ON g.id = o.organization_id
             WHERE o.deleted_at IS NULL AND o.status <> 'open') o
       JOIN organizations org ON org.id = o.organization_id
       LEFT JOIN leads l ON l.id = o.lead_id
       GROUP BY 1, 2, 3, 4, 5, 6, 7""",
    """CREATE INDEX ON rollup_closed_daily (organization_id, day)
       INCLUDE (pipeline_id, owner_id, status, reason, lead_source, n, value, cycle_days)""",
    """CREATE TABLE rollup_leads_daily AS
       SELECT l.organization_id, CAST((l.created_at AT TIME ZONE g.timezone) AS date) AS day,
              l.source::text AS source, l.assigned_to, count(*) AS n,
              count(*) FILTER (WHERE l.converted_at IS NOT NULL OR l.status = 'converted')
                  AS converted
       FROM leads l JOIN organizations g ON g.id = l.organization_id
       WHERE l.deleted_at IS NULL GROUP BY 1, 2, 3, 4""",
    """CREATE INDEX ON rollup_leads_daily (organization_id, day)
       INCLUDE (source, assigned_to, n, converted)""",
    """CREATE TABLE rollup_proposals_daily AS
       SELECT p.organization_id, CAST((p.sent_at AT TIME ZONE g.timezone) AS date) AS day,
              p.status = 'accepted' AS accepted, count(*) AS n
       FROM proposals p JOIN organizations g ON g.id = p.organization_id
       WHERE p.deleted_at IS NULL AND p.sent_at IS NOT NULL
         AND p.opportunity_id NOT IN (SELECT id FROM opportunities WHERE deleted_at IS NOT NULL)
       GROUP BY 1, 2, 3""",
    "CREATE INDEX ON rollup_proposals_daily (organization_id, day) INCLUDE (accepted, n)",
]
VACUUM_SQL = [f"VACUUM ANALYZE {t}" for t in ("rollup_closed_daily", "rollup_leads_daily",
                                              "rollup_proposals_daily")]  # fmt: skip

# One statement per chart, the period as local days (:s..:e, previous :ps..:pe, chart :lo..:hi).
CHART_SQL = {
    "kpis (closed + proposals)": """
        SELECT 'deal' AS kind, status::text, span, sum(n), sum(value),
               sum(cycle_days) FILTER (WHERE status = 'won') / NULLIF(sum(n) FILTER (WHERE status = 'won'), 0)
        FROM (SELECT status, n, value, cycle_days,
                     CASE WHEN day BETWEEN :s AND :e THEN 'cur' ELSE 'prev' END AS span
              FROM rollup_closed_daily
              WHERE organization_id = :org AND (day BETWEEN :s AND :e OR day BETWEEN :ps AND :pe)) d
        GROUP BY 2, 3
        UNION ALL
        SELECT 'proposal', accepted::text, CASE WHEN day BETWEEN :s AND :e THEN 'cur' ELSE 'prev' END,
               sum(n), NULL, NULL
        FROM rollup_proposals_daily
        WHERE organization_id = :org AND (day BETWEEN :s AND :e OR day BETWEEN :ps AND :pe)
        GROUP BY 2, 3""",
    "monthly": """
        SELECT date_trunc('month', CAST(day AS timestamp)) AS month, sum(value), sum(n)
        FROM rollup_closed_daily
        WHERE organization_id = :org AND status = 'won' AND day BETWEEN :lo AND :hi
        GROUP BY 1""",
    "reasons": """
        SELECT status, reason, sum(n), sum(value) FROM rollup_closed_daily
        WHERE organization_id = :org AND day BETWEEN :s AND :e GROUP BY 1, 2""",
    "reps": """
        SELECT r.owner_id, u.full_name, r.won_v, r.won_n, r.lost_n
        FROM (SELECT owner_id, sum(value) FILTER (WHERE status = 'won') AS won_v,
                     sum(n) FILTER (WHERE status = 'won') AS won_n,
                     sum(n) FILTER (WHERE status = 'lost') AS lost_n
              FROM rollup_closed_daily WHERE organization_id = :org AND day BETWEEN :s AND :e
              GROUP BY 1) r
        LEFT JOIN users u ON u.id = r.owner_id ORDER BY r.won_v DESC NULLS LAST LIMIT 15""",
    "sources": """
        SELECT COALESCE(nl.source, w.source), nl.leads, nl.converted, w.won_n, w.revenue
        FROM (SELECT source, sum(n) AS leads, sum(converted) AS converted FROM rollup_leads_daily
              WHERE organization_id = :org AND day BETWEEN :s AND :e GROUP BY 1) nl
        FULL JOIN (SELECT lead_source AS source, sum(n) AS won_n, sum(value) AS revenue
                   FROM rollup_closed_daily
                   WHERE organization_id = :org AND status = 'won' AND day BETWEEN :s AND :e
                   GROUP BY 1) w ON w.source = nl.source""",
}
LIVE_CHARTS = ("forecast", "funnel", "campaigns")  # answered from the live tables either way
OPEN_TILE_SQL = """
    SELECT count(*), sum(value), sum(weighted_value) FROM opportunities o
    WHERE o.organization_id = :org AND o.deleted_at IS NULL AND o.status = 'open'
      AND NOT o.is_archived"""


def build(conn: sa.Connection) -> dict[str, int]:
    """(Re)build the rollups from the live tables; returns their row counts."""
    for sql in BUILD_SQL:
        conn.execute(sa.text(sql))
    return {
        t: int(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one())
        for t in ("rollup_closed_daily", "rollup_leads_daily", "rollup_proposals_daily")
    }


def params(ctx: Any) -> dict[str, Any]:
    """The chart's local-day bounds from the dashboard's resolved context."""
    from smartweb_ui.services.analytics.periods import add_months, chart_months

    p = ctx.period
    first, last = chart_months(p)
    from datetime import timedelta

    return {
        "org": ctx.org_id,
        "s": p.start,
        "e": p.end,
        "ps": p.prev_start,
        "pe": p.prev_end,
        "lo": add_months(first, -12),
        "hi": add_months(last, 1) - timedelta(days=1),
    }
