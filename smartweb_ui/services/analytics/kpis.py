"""KPI tiles of the dashboard: one statement with three small aggregates.

Same conventions as ``analytics_queries`` (explicit tenant filter, live rows, pipeline and
team-member filters; close day = ``CLOSED_ON``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import Session

from .periods import utc_bounds
from .queries import OPEN_LIVE, Ctx, _rows, closed_deals
from .types import Kpis, change_pct, money, pct, tenth


def kpis(session: Session, ctx: Ctx) -> Kpis:
    """Three small aggregates in one statement: the live open deals; the deals closed in the
    period or the comparison span, grouped by (status, span); the proposals sent in either span,
    grouped by (accepted, span). Closed deals are first summed per (status, close day) and the
    span is decided per day. The result is at most nine rows.
    """
    p = ctx.period
    k_lo, k_hi = min(p.start, p.prev_start), max(p.end, p.prev_end)
    k_lo_utc, k_hi_utc = utc_bounds(k_lo, k_hi, ctx.tz)
    closed = closed_deals(ctx.where(), "o.status, o.value, o.created_at", lo="k_lo", hi="k_hi")
    cycle = "GREATEST(o.closed_on - CAST((o.created_at AT TIME ZONE :tz) AS date), 0)"
    sql = f"""
    SELECT 'deal' AS kind, 'open' AS status, NULL AS span, count(*) AS n, sum(o.value) AS value,
           sum(o.weighted_value) AS weighted, NULL::numeric AS cycle
    FROM opportunities o
    WHERE {ctx.where()} AND {OPEN_LIVE}
    UNION ALL
    SELECT 'deal', d.status::text, d.span, CAST(sum(d.n) AS bigint), sum(d.value), NULL,
           CAST(sum(d.cycle_days) AS numeric) / sum(d.n) FILTER (WHERE d.status = 'won')
    FROM (
        SELECT d.*, CASE WHEN d.closed_on BETWEEN :s AND :e THEN 'cur'
                         WHEN d.closed_on BETWEEN :ps AND :pe THEN 'prev' END AS span
        FROM (
            SELECT o.status, o.closed_on, count(*) AS n, sum(o.value) AS value,
                   sum({cycle}) FILTER (WHERE o.status = 'won') AS cycle_days
            FROM {closed}
            GROUP BY 1, 2
        ) d
    ) d
    WHERE d.span IS NOT NULL
    GROUP BY 2, 3
    UNION ALL
    SELECT 'proposal', p.accepted::text, CASE WHEN p.cur THEN 'cur' ELSE 'prev' END,
           CAST(sum(p.n) AS bigint), NULL, NULL, NULL
    FROM (
        SELECT p.status = 'accepted' AS accepted,
               p.sent_at >= :s_utc AND p.sent_at < :e_utc AS cur, count(*) AS n
        FROM proposals p
        WHERE p.organization_id = :org AND p.deleted_at IS NULL
          AND ((p.sent_at >= :s_utc AND p.sent_at < :e_utc)
               OR (p.sent_at >= :ps_utc AND p.sent_at < :pe_utc))
          AND {_proposal_deal_check(ctx)}
        GROUP BY 1, 2
    ) p
    GROUP BY 2, 3
    """
    params = {
        **ctx.params(),
        "k_lo": k_lo,
        "k_hi": k_hi,
        "k_lo_utc": k_lo_utc,
        "k_hi_utc": k_hi_utc,
    }
    groups = {(r.kind, r.status, r.span): r for r in _rows(session, sql, params)}

    def n(*key: Any) -> int:
        r = groups.get(key)
        return r.n if r else 0

    def total(*key: Any) -> Decimal:
        r = groups.get(key)
        return money(r.value if r else 0)

    def cycle_days(span: str) -> Decimal | None:
        r = groups.get(("deal", "won", span))
        return tenth(r.cycle if r else None)

    won_n, p_won_n = n("deal", "won", "cur"), n("deal", "won", "prev")
    lost_n, p_lost_n = n("deal", "lost", "cur"), n("deal", "lost", "prev")
    won, p_won = total("deal", "won", "cur"), total("deal", "won", "prev")
    open_row = groups.get(("deal", "open", None))
    sent = n("proposal", "true", "cur") + n("proposal", "false", "cur")
    p_sent = n("proposal", "true", "prev") + n("proposal", "false", "prev")
    acc, p_acc = n("proposal", "true", "cur"), n("proposal", "true", "prev")
    return Kpis(
        won_revenue=won,
        won_deals=won_n,
        prev_won_revenue=p_won,
        prev_won_deals=p_won_n,
        won_change_pct=change_pct(won, p_won),
        lost_deals=lost_n,
        prev_lost_deals=p_lost_n,
        open_pipeline=money(open_row.value if open_row else 0),
        open_deals=open_row.n if open_row else 0,
        weighted_forecast=money(open_row.weighted if open_row else 0),
        win_rate=pct(won_n, won_n + lost_n),
        prev_win_rate=pct(p_won_n, p_won_n + p_lost_n),
        avg_deal_size=money(won / won_n) if won_n else None,
        prev_avg_deal_size=money(p_won / p_won_n) if p_won_n else None,
        avg_cycle_days=cycle_days("cur"),
        prev_avg_cycle_days=cycle_days("prev"),
        proposals_sent=sent,
        proposals_accepted=acc,
        acceptance_rate=pct(acc, sent),
        prev_acceptance_rate=pct(p_acc, p_sent),
    )


def _proposal_deal_check(ctx: Ctx) -> str:
    """Proposals count when their deal is live and within the filters."""
    if ctx.pipeline_id is None and ctx.owner_id is None:
        # Only deleted deals need excluding: a hashed list of the few deleted ids.
        return (
            "p.opportunity_id NOT IN (SELECT o.id FROM opportunities o "
            "WHERE o.organization_id = :org AND o.deleted_at IS NOT NULL)"
        )
    return f"EXISTS (SELECT 1 FROM opportunities o WHERE o.id = p.opportunity_id AND {ctx.where()})"
