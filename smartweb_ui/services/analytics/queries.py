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
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import Session

from .periods import (
    Period,
    add_months,
    chart_months,
    forecast_months,
    month_list,
    utc_bounds,
)
from .types import (
    Forecast,
    ForecastCell,
    Funnel,
    FunnelStep,
    MonthPoint,
    ReasonRow,
    RepRow,
    money,
    pct,
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
CLOSED = "IN ('won', 'lost')"


def closed_deals(where: str, cols: str, status: str = CLOSED, lo: str = "s", hi: str = "e") -> str:
    """A FROM item ``o``: the deals ``o.status {status}`` closed in ``[:lo, :hi]``.

    It has the columns ``cols`` plus ``closed_on`` (``CLOSED_ON``). Same rows as
    ``{where} AND o.status {status} AND closed_in(lo, hi)``, but the OR is split into two
    branches, each an index-only range scan of ``ix_opps_closed_day``.
    """
    return f"""(
        SELECT {cols}, o.actual_close_date AS closed_on FROM opportunities o
        WHERE {where} AND o.status {status} AND o.actual_close_date BETWEEN :{lo} AND :{hi}
        UNION ALL
        SELECT {cols}, CAST((o.stage_entered_at AT TIME ZONE :tz) AS date) FROM opportunities o
        WHERE {where} AND o.status {status} AND o.actual_close_date IS NULL
          AND o.stage_entered_at >= :{lo}_utc AND o.stage_entered_at < :{hi}_utc
    ) o"""


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


# ------------------------------------------------------------------ monthly won revenue
def _year_back(day: date) -> date:
    """The same day a year earlier (Feb 29 -> Feb 28)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def won_by_month(session: Session, ctx: Ctx) -> list[MonthPoint]:
    first, last = chart_months(ctx.period)
    won = closed_deals(ctx.where(), "o.value", "= 'won'", "lo", "hi")
    sql = f"""
    SELECT CAST(date_trunc('month', CAST(d.day AS timestamp)) AS date) AS month,
           sum(d.revenue) AS revenue, CAST(sum(d.deals) AS bigint) AS deals
    FROM (SELECT o.closed_on AS day, sum(o.value) AS revenue, count(*) AS deals
          FROM {won} GROUP BY 1) d
    WHERE d.day BETWEEN :p_start AND :p_end OR d.day BETWEEN :y_start AND :y_end
    GROUP BY 1
    """
    lo, hi = add_months(first, -12), add_months(last, 1) - timedelta(days=1)
    # Only the period's own days (and the same days a year before), not whole months.
    p = ctx.period
    year_back = {"y_start": _year_back(p.start), "y_end": _year_back(p.end)}
    lo_utc, hi_utc = utc_bounds(lo, hi, ctx.tz)
    params = {
        **ctx.params(), "lo": lo, "hi": hi, "lo_utc": lo_utc, "hi_utc": hi_utc,
        "p_start": p.start, "p_end": p.end, **year_back,
    }  # fmt: skip
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
    # Grouped on the deals' own columns first (a month is a date, the bucket text is made on
    # the few groups), then the stage and pipeline names are joined.
    sql = f"""
    SELECT CASE WHEN g.m IS NULL THEN 'none' WHEN g.m < :f_lo THEN 'overdue'
                WHEN g.m >= :f_after THEN 'later'
                ELSE to_char(CAST(g.m AS timestamp), 'YYYY-MM') END AS bucket,
           s.id AS stage_id, s.name AS stage_name, s.position,
           pl.id AS pipeline_id, pl.name AS pipeline_name, g.deals, g.value, g.weighted
    FROM (
        SELECT o.current_stage_id, o.pipeline_id,
               CASE WHEN o.expected_close_date < :f_lo THEN CAST(:f_lo AS date) - 1
                    WHEN o.expected_close_date >= :f_after THEN CAST(:f_after AS date)
                    ELSE CAST(date_trunc('month', CAST(o.expected_close_date AS timestamp))
                              AS date) END AS m,
               count(*) AS deals, sum(o.value) AS value, sum(o.weighted_value) AS weighted
        FROM opportunities o
        WHERE {ctx.where()} AND {OPEN_LIVE}
        GROUP BY 1, 2, 3
    ) g
    JOIN pipeline_stages s ON s.id = g.current_stage_id AND s.organization_id = :org
    JOIN pipelines pl ON pl.id = g.pipeline_id AND pl.organization_id = :org
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
        FROM opportunities o
        JOIN pipeline_stages cur ON cur.id = o.current_stage_id AND cur.organization_id = :org
        WHERE {where} AND o.pipeline_id = :fp
          AND o.created_at >= :s_utc AND o.created_at < :e_utc
    ), fs AS (
        SELECT id, position FROM pipeline_stages
        WHERE organization_id = :org AND pipeline_id = :fp AND NOT is_lost
          AND deleted_at IS NULL
    ), moved AS (
        SELECT c.id, max(fs.position) AS pos
        FROM fs
        JOIN opportunity_stage_history h ON h.to_stage_id = fs.id AND h.organization_id = :org
        JOIN cohort c ON c.id = h.opportunity_id
        WHERE fs.position <> (SELECT min(position) FROM fs)  -- "<>": estimated 2 of 3 rows
          AND h.moved_at >= CAST(:s_utc AS timestamptz) - interval '1 day'
          AND NOT c.is_won AND (c.is_lost OR fs.position > c.position)
        GROUP BY c.id
    ), reached AS (
        SELECT c.id,
               CASE WHEN c.is_won THEN c.position
                    ELSE GREATEST(CASE WHEN c.is_lost THEN NULL ELSE c.position END, m.pos,
                                  (SELECT min(position) FROM fs)) END AS max_pos
        FROM cohort c LEFT JOIN moved m ON m.id = c.id
    )"""
"""Per deal of the cohort (created in the period on the funnel pipeline): the furthest non-lost
stage it reached, from its current stage and its stage history. A won deal reached every stage,
so its history is not read; nor are moves to the first stage (everyone reached it) or, for an
open deal, moves to stages up to its current one. ``moved`` reads the history by stage and time
(index-only on ``ix_osh_org_to_stage_time``): a move is never recorded before its deal was
created (the creation row is written with the deal), so the cohort's moves are all at or after
the period start; the day of margin covers clock skew between the two rows."""


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
      AND s.deleted_at IS NULL
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
# ``status`` stays an opportunity_status: the drill-down compares it with the same parameter
# it compares ``o.status`` with (one parameter, one type).
REASONS_CTE = f"""
    g AS (
        SELECT r.status, COALESCE(btrim(r.closed_reason), '') AS reason,
               CAST(sum(r.n) AS bigint) AS n, sum(r.v) AS v
        FROM (SELECT o.status, o.closed_reason, count(*) AS n, sum(o.value) AS v
              FROM {closed_deals("{where}", "o.status, o.closed_reason, o.value")}
              GROUP BY 1, 2) r
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
    SELECT status::text AS status, CASE WHEN rn <= :top THEN reason ELSE '__other__' END AS reason,
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
    SELECT r.owner_id, COALESCE(NULLIF(u.full_name, ''), u.email, 'Unassigned') AS name,
           r.won_v, r.won_n, r.lost_n, rank() OVER (ORDER BY r.won_v DESC) AS rk
    FROM (
        SELECT o.owner_id, COALESCE(sum(o.value) FILTER (WHERE o.status = 'won'), 0) AS won_v,
               count(*) FILTER (WHERE o.status = 'won') AS won_n,
               count(*) FILTER (WHERE o.status = 'lost') AS lost_n
        FROM {closed_deals(ctx.where(), "o.owner_id, o.status, o.value")}
        GROUP BY 1
    ) r
    LEFT JOIN users u ON u.id = r.owner_id
    ORDER BY r.won_v DESC, r.won_n DESC, name
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
