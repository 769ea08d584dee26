"""One aggregate SQL statement per dashboard chart (PostgreSQL; grouping done by the database).

Every statement filters on the organization explicitly (RLS also applies), skips soft-deleted
rows and applies the pipeline / team-member filters. A deal's close day is its
``actual_close_date`` (written in the organization's calendar) or, when that is missing, the
local day it entered its won/lost stage. ``timestamptz`` columns are compared with the UTC
instants that bound the period's local days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import Session

from .analytics_periods import (
    Period,
    add_months,
    chart_months,
    forecast_months,
    month_list,
    utc_bounds,
)
from .analytics_types import (
    Forecast,
    ForecastCell,
    Funnel,
    FunnelStep,
    Kpis,
    MonthPoint,
    ReasonRow,
    RepRow,
    change_pct,
    money,
    pct,
    tenth,
)

CLOSED_ON = "COALESCE(o.actual_close_date, CAST((o.stage_entered_at AT TIME ZONE :tz) AS date))"


def closed_in(lo: str, hi: str) -> str:
    """``CLOSED_ON BETWEEN :lo AND :hi`` written so no row needs a timezone conversion.

    ``:{lo}_utc`` / ``:{hi}_utc`` are the UTC instants bounding those local days
    (``hi`` exclusive); the date column is compared directly.
    """
    return (
        f"(o.actual_close_date BETWEEN :{lo} AND :{hi} OR (o.actual_close_date IS NULL "
        f"AND o.stage_entered_at >= :{lo}_utc AND o.stage_entered_at < :{hi}_utc))"
    )


IN_PERIOD = closed_in("s", "e")
IN_PREV = closed_in("ps", "pe")
OPEN_LIVE = "o.status = 'open' AND NOT o.is_archived"
TOP_REASONS = 8
TOP_REPS = 15


@dataclass(frozen=True)
class Ctx:
    """Everything a query needs, resolved and checked once per request."""

    org_id: UUID
    tz: ZoneInfo
    currency: str
    period: Period
    pipeline_id: UUID | None
    owner_id: UUID | None
    funnel_pipeline_id: UUID | None
    funnel_pipeline_name: str

    def where(self, alias: str = "o") -> str:
        """The base predicate over opportunities: tenant, live rows, pipeline and member."""
        parts = [f"{alias}.organization_id = :org", f"{alias}.deleted_at IS NULL"]
        if self.pipeline_id is not None:
            parts.append(f"{alias}.pipeline_id = :pipeline")
        if self.owner_id is not None:
            parts.append(f"{alias}.owner_id = :owner")
        return " AND ".join(parts)

    def params(self) -> dict[str, Any]:
        p = self.period
        s_utc, e_utc = utc_bounds(p.start, p.end, self.tz)
        ps_utc, pe_utc = utc_bounds(p.prev_start, p.prev_end, self.tz)
        return {
            "org": self.org_id,
            "tz": self.tz.key,
            "pipeline": self.pipeline_id,
            "owner": self.owner_id,
            "s": p.start,
            "e": p.end,
            "ps": p.prev_start,
            "pe": p.prev_end,
            "s_utc": s_utc,
            "e_utc": e_utc,
            "ps_utc": ps_utc,
            "pe_utc": pe_utc,
        }


def _rows(session: Session, sql: str, params: dict[str, Any]) -> list[Any]:
    return list(session.execute(text(sql), params).all())


# ------------------------------------------------------------------ KPI tiles
def kpis(session: Session, ctx: Ctx) -> Kpis:
    """One pass over the deals and one over the proposals, each grouped by (status, span).

    ``span`` is 'cur' / 'prev' (closed or sent in the period / the comparison span) and is
    computed once per row behind an ``OFFSET 0`` fence; the result is at most a dozen groups.
    """
    cycle = "GREATEST(COALESCE(d.actual_close_date, CAST((d.stage_entered_at AT TIME ZONE :tz) AS date)) - CAST((d.created_at AT TIME ZONE :tz) AS date), 0)"  # fmt: skip
    sql = f"""
    SELECT 'deal' AS kind, d.status::text AS status, d.span, d.is_archived, count(*) AS n,
           sum(d.value) AS value, sum(d.weighted_value) AS weighted,
           avg({cycle}) FILTER (WHERE d.status = 'won') AS cycle
    FROM (
        SELECT o.status, o.value, o.weighted_value, o.is_archived, o.created_at,
               o.actual_close_date, o.stage_entered_at,
               CASE WHEN o.status = 'open' THEN NULL WHEN {IN_PERIOD} THEN 'cur'
                    WHEN {IN_PREV} THEN 'prev' END AS span
        FROM opportunities o
        WHERE {ctx.where()} AND (o.status = 'open' OR o.actual_close_date >= LEAST(:ps, :s)
                                 OR o.actual_close_date IS NULL)
        OFFSET 0
    ) d
    WHERE d.status = 'open' OR d.span IS NOT NULL
    GROUP BY d.status, d.span, d.is_archived
    UNION ALL
    SELECT 'proposal', (p.status = 'accepted')::text, p.span, false, count(*), NULL, NULL, NULL
    FROM (
        SELECT p.status, CASE WHEN p.sent_at >= :s_utc AND p.sent_at < :e_utc THEN 'cur'
                              ELSE 'prev' END AS span
        FROM proposals p
        WHERE p.organization_id = :org AND p.deleted_at IS NULL
          AND ((p.sent_at >= :s_utc AND p.sent_at < :e_utc)
               OR (p.sent_at >= :ps_utc AND p.sent_at < :pe_utc))
          AND {_proposal_deal_check(ctx)}
    ) p
    GROUP BY 2, 3
    """
    groups = {
        (r.kind, r.status, r.span, r.is_archived): r for r in _rows(session, sql, ctx.params())
    }

    def g(*key: Any) -> Any:
        return groups.get(key)

    def n(*key: Any) -> int:
        r = g(*key)
        return r.n if r else 0

    def total(*key: Any) -> Decimal:
        r = g(*key)
        return money(r.value if r else 0)

    won_n, p_won_n = n("deal", "won", "cur", False) + n("deal", "won", "cur", True), n("deal", "won", "prev", False) + n("deal", "won", "prev", True)  # fmt: skip
    lost_n = n("deal", "lost", "cur", False) + n("deal", "lost", "cur", True)
    p_lost_n = n("deal", "lost", "prev", False) + n("deal", "lost", "prev", True)
    won = total("deal", "won", "cur", False) + total("deal", "won", "cur", True)
    p_won = total("deal", "won", "prev", False) + total("deal", "won", "prev", True)
    open_row = g("deal", "open", None, False)
    sent = n("proposal", "true", "cur", False) + n("proposal", "false", "cur", False)
    p_sent = n("proposal", "true", "prev", False) + n("proposal", "false", "prev", False)
    acc, p_acc = n("proposal", "true", "cur", False), n("proposal", "true", "prev", False)
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
        avg_cycle_days=tenth(_avg_cycle(g("deal", "won", "cur", False), g("deal", "won", "cur", True))),
        prev_avg_cycle_days=tenth(_avg_cycle(g("deal", "won", "prev", False), g("deal", "won", "prev", True))),
        proposals_sent=sent,
        proposals_accepted=acc,
        acceptance_rate=pct(acc, sent),
        prev_acceptance_rate=pct(p_acc, p_sent),
    )  # fmt: skip


def _avg_cycle(*groups: Any) -> Decimal | None:
    """The average over the union of groups, from each group's average and size."""
    parts = [(Decimal(r.cycle), r.n) for r in groups if r is not None and r.cycle is not None]
    count = sum(size for _, size in parts)
    return sum(avg * size for avg, size in parts) / count if count else None


def _proposal_deal_check(ctx: Ctx) -> str:
    """Proposals count when their deal is live and within the filters."""
    if ctx.pipeline_id is None and ctx.owner_id is None:
        # Only deleted deals need excluding: a hashed list of the few deleted ids.
        return (
            "p.opportunity_id NOT IN (SELECT o.id FROM opportunities o "
            "WHERE o.organization_id = :org AND o.deleted_at IS NOT NULL)"
        )
    return f"EXISTS (SELECT 1 FROM opportunities o WHERE o.id = p.opportunity_id AND {ctx.where()})"


# ------------------------------------------------------------------ monthly won revenue
def won_by_month(session: Session, ctx: Ctx) -> list[MonthPoint]:
    first, last = chart_months(ctx.period)
    sql = f"""
    SELECT CAST(date_trunc('month', {CLOSED_ON}) AS date) AS month,
           sum(o.value) AS revenue, count(*) AS deals
    FROM opportunities o
    WHERE {ctx.where()} AND o.status = 'won' AND {closed_in("lo", "hi")}
    GROUP BY 1
    """
    lo, hi = add_months(first, -12), add_months(last, 1) - timedelta(days=1)
    lo_utc, hi_utc = utc_bounds(lo, hi, ctx.tz)
    params = {**ctx.params(), "lo": lo, "hi": hi, "lo_utc": lo_utc, "hi_utc": hi_utc}
    found = {r.month: (money(r.revenue), r.deals) for r in _rows(session, sql, params)}
    zero = (money(0), 0)
    out = []
    for m in month_list(first, last):
        cur, prev = found.get(m, zero), found.get(add_months(m, -12), zero)
        out.append(MonthPoint(m, cur[0], cur[1], prev[0], prev[1]))
    return out


# ------------------------------------------------------------------ forecast
def forecast_buckets(ctx: Ctx) -> list[tuple[str, str]]:
    first, last = forecast_months(ctx.period)
    months = [(f"{m:%Y-%m}", f"{m:%b %Y}") for m in month_list(first, last)]
    return [("overdue", "Overdue"), *months, ("later", "Later"), ("none", "No close date")]


def forecast(session: Session, ctx: Ctx) -> Forecast:
    first, last = forecast_months(ctx.period)
    sql = f"""
    SELECT CASE WHEN o.expected_close_date IS NULL THEN 'none'
                WHEN o.expected_close_date < :f_lo THEN 'overdue'
                WHEN o.expected_close_date >= :f_after THEN 'later'
                ELSE to_char(o.expected_close_date, 'YYYY-MM') END AS bucket,
           s.id AS stage_id, s.name AS stage_name, s.position,
           pl.id AS pipeline_id, pl.name AS pipeline_name,
           count(*) AS deals, sum(o.value) AS value, sum(o.weighted_value) AS weighted
    FROM opportunities o
    JOIN pipeline_stages s ON s.id = o.current_stage_id
    JOIN pipelines pl ON pl.id = o.pipeline_id
    WHERE {ctx.where()} AND {OPEN_LIVE}
    GROUP BY 1, s.id, s.name, s.position, pl.id, pl.name
    ORDER BY pl.name, s.position, 1
    """
    params = {**ctx.params(), "f_lo": first, "f_after": add_months(last, 1)}
    cells = [
        ForecastCell(
            bucket=r.bucket,
            stage_id=str(r.stage_id),
            stage_name=r.stage_name,
            stage_position=r.position,
            pipeline_id=str(r.pipeline_id),
            pipeline_name=r.pipeline_name,
            deals=r.deals,
            value=money(r.value),
            weighted=money(r.weighted),
        )
        for r in _rows(session, sql, params)
    ]
    return Forecast(buckets=forecast_buckets(ctx), cells=cells, current_month=first)


# ------------------------------------------------------------------ stage funnel
FUNNEL_CTES = """
    cohort AS (
        SELECT o.id, cur.position, cur.is_won, cur.is_lost
        FROM opportunities o JOIN pipeline_stages cur ON cur.id = o.current_stage_id
        WHERE {where} AND o.pipeline_id = :fp
          AND o.created_at >= :s_utc AND o.created_at < :e_utc
    ), reached AS (
        SELECT id, position AS max_pos FROM cohort WHERE is_won
        UNION ALL
        SELECT c.id,
               GREATEST(CASE WHEN c.is_lost THEN NULL ELSE c.position END, max(fs.position),
                        (SELECT min(position) FROM pipeline_stages
                         WHERE pipeline_id = :fp AND NOT is_lost)) AS max_pos
        FROM cohort c
        LEFT JOIN opportunity_stage_history h
               ON h.opportunity_id = c.id AND h.organization_id = :org
        LEFT JOIN pipeline_stages fs
               ON fs.id = h.to_stage_id AND fs.pipeline_id = :fp AND NOT fs.is_lost
        WHERE NOT c.is_won
        GROUP BY c.id, c.position, c.is_lost
    )"""
"""Per deal of the cohort (created in the period on the funnel pipeline): the furthest non-lost
stage it reached, from its stage history and current stage. A won deal reached every stage, so
its history is not read."""


def funnel(session: Session, ctx: Ctx) -> Funnel:
    """Deals created in the period, and how many reached each stage (or one after it)."""
    if ctx.funnel_pipeline_id is None:
        return Funnel(None, "", 0, [])
    sql = f"""
    WITH {FUNNEL_CTES.format(where=ctx.where())},
    per_pos AS (SELECT max_pos, count(*) AS n FROM reached GROUP BY max_pos)
    SELECT s.id, s.name, s.position, s.is_won,
           COALESCE(sum(pp.n), 0) AS deals,
           (SELECT COALESCE(sum(n), 0) FROM per_pos) AS cohort
    FROM pipeline_stages s LEFT JOIN per_pos pp ON pp.max_pos >= s.position
    WHERE s.organization_id = :org AND s.pipeline_id = :fp AND NOT s.is_lost
    GROUP BY s.id, s.name, s.position, s.is_won
    ORDER BY s.position
    """
    rows = _rows(session, sql, {**ctx.params(), "fp": ctx.funnel_pipeline_id})
    steps: list[FunnelStep] = []
    first = rows[0].deals if rows else 0
    for i, r in enumerate(rows):
        prev = rows[i - 1].deals if i else None
        conv = pct(r.deals, prev) if prev is not None else None
        steps.append(
            FunnelStep(
                stage_id=str(r.id),
                name=r.name,
                position=r.position,
                is_won=r.is_won,
                deals=r.deals,
                conversion_pct=conv,
                drop_off_pct=(100 - conv) if conv is not None else None,
                of_first_pct=pct(r.deals, first),
            )
        )
    cohort = rows[0].cohort if rows else 0
    return Funnel(str(ctx.funnel_pipeline_id), ctx.funnel_pipeline_name, cohort, steps)


# ------------------------------------------------------------------ win / loss reasons
REASONS_CTE = f"""
    g AS (
        SELECT o.status::text AS status, COALESCE(btrim(o.closed_reason), '') AS reason,
               count(*) AS n, sum(o.value) AS v
        FROM opportunities o
        WHERE {{where}} AND o.status IN ('won', 'lost') AND {IN_PERIOD}
        GROUP BY 1, 2
    ), ranked AS (
        SELECT g.*, row_number() OVER (PARTITION BY status ORDER BY n DESC, v DESC, reason) AS rn
        FROM g
    )"""


def reason_label(status: str, reason: str) -> str:
    if reason == "__other__":
        return "Other reasons"
    if not reason:
        return "Won" if status == "won" else "No reason recorded"
    return reason


def reasons(session: Session, ctx: Ctx) -> list[ReasonRow]:
    sql = f"""
    WITH {REASONS_CTE.format(where=ctx.where())}
    SELECT status, CASE WHEN rn <= :top THEN reason ELSE '__other__' END AS reason,
           sum(n) AS n, sum(v) AS v
    FROM ranked GROUP BY 1, 2 ORDER BY 1 DESC, 3 DESC, 2
    """
    return [
        ReasonRow(r.status, r.reason, reason_label(r.status, r.reason), int(r.n), money(r.v))
        for r in _rows(session, sql, {**ctx.params(), "top": TOP_REASONS})
    ]


# ------------------------------------------------------------------ rep leaderboard
def reps(session: Session, ctx: Ctx) -> list[RepRow]:
    sql = f"""
    SELECT o.owner_id,
           COALESCE(NULLIF(u.full_name, ''), u.email, 'Unassigned') AS name,
           COALESCE(sum(o.value) FILTER (WHERE o.status = 'won'), 0) AS won_v,
           count(*) FILTER (WHERE o.status = 'won') AS won_n,
           count(*) FILTER (WHERE o.status = 'lost') AS lost_n,
           rank() OVER (ORDER BY COALESCE(sum(o.value) FILTER (WHERE o.status = 'won'), 0) DESC)
               AS rk
    FROM opportunities o LEFT JOIN users u ON u.id = o.owner_id
    WHERE {ctx.where()} AND o.status IN ('won', 'lost') AND {IN_PERIOD}
    GROUP BY o.owner_id, u.full_name, u.email
    ORDER BY won_v DESC, won_n DESC, name
    LIMIT :top
    """
    return [
        RepRow(
            rank=r.rk,
            owner_id=str(r.owner_id) if r.owner_id else None,
            name=r.name,
            won_revenue=money(r.won_v),
            won_deals=r.won_n,
            lost_deals=r.lost_n,
            win_rate=pct(r.won_n, r.won_n + r.lost_n),
        )
        for r in _rows(session, sql, {**ctx.params(), "top": TOP_REPS})
    ]


def month_bounds(month: date) -> tuple[date, date]:
    return month, add_months(month, 1) - timedelta(days=1)
