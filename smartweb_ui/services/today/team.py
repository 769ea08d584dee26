"""What Today shows beyond one's own work: a manager's team (per rep: overdue tasks,
uncontacted leads, stuck deals; and the stuck deals themselves), an executive's short revenue
summary. Which one a person sees follows from their permissions (``lens_of``), the same rule
the services use — never from a role's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlmodel import Session

from ...models.base import utcnow
from ..core.formatting import format_money
from ..core.org import org_context
from ..core.security import Actor

STUCK_LIMIT = 10


def lens_of(actor: Actor) -> str:
    """``team`` (runs people: assigns leads or manages the pipeline), ``revenue`` (reads the
    numbers, works no leads or deals of their own), else ``own``."""
    if actor.can("leads.assign") or actor.can("pipeline.manage"):
        return "team"
    if actor.can("analytics.view") and not actor.can("pipeline.move"):
        return "revenue"
    return "own"


def can_convert(actor: Actor) -> bool:
    """Whether "convert a qualified lead" is advice this person can follow (convert_lead's rule)."""
    return actor.can("leads.write") and actor.can("pipeline.move")


@dataclass(frozen=True)
class RepLine:
    user_id: str
    name: str
    overdue_tasks: int
    uncontacted_leads: int
    stuck_deals: int
    open_deals: int


@dataclass(frozen=True)
class StuckDeal:
    id: str
    name: str
    owner: str
    stage: str
    days: int
    value: str


@dataclass(frozen=True)
class RevenueLine:
    label: str
    value: str
    note: str
    href: str


# Deals past their stage's rot threshold (the board's "Stuck").
_STUCK = (
    "o.status = 'open' AND o.deleted_at IS NULL AND NOT o.is_archived "
    "AND s.rotting_days IS NOT NULL "
    "AND o.stage_entered_at < now() - make_interval(days => s.rotting_days)"
)


def team_lines(session: Session, actor: Actor) -> list[RepLine]:
    """One line per active person who holds leads or deals, busiest first (aggregates in SQL)."""
    rows = session.execute(
        text(
            f"""
            WITH t AS (
              SELECT assigned_to AS uid, count(*) AS n FROM tasks
              WHERE organization_id = :org AND status = 'open' AND deleted_at IS NULL
                AND due_at < now() GROUP BY assigned_to
            ), l AS (
              SELECT assigned_to AS uid, count(*) AS n FROM leads
              WHERE organization_id = :org AND deleted_at IS NULL AND first_contact_at IS NULL
                AND status IN ('new', 'contacted', 'qualified') GROUP BY assigned_to
            ), d AS (
              SELECT o.owner_id AS uid, count(*) AS n, count(*) FILTER (WHERE {_STUCK}) AS stuck
              FROM opportunities o JOIN pipeline_stages s ON s.id = o.current_stage_id
              WHERE o.organization_id = :org AND o.status = 'open' AND o.deleted_at IS NULL
                AND NOT o.is_archived GROUP BY o.owner_id
            )
            SELECT u.id, coalesce(nullif(u.full_name, ''), u.email) AS name,
                   coalesce(t.n, 0) AS overdue, coalesce(l.n, 0) AS uncontacted,
                   coalesce(d.stuck, 0) AS stuck, coalesce(d.n, 0) AS deals
            FROM users u
            LEFT JOIN t ON t.uid = u.id LEFT JOIN l ON l.uid = u.id LEFT JOIN d ON d.uid = u.id
            WHERE u.organization_id = :org AND u.deleted_at IS NULL AND u.status = 'active'
              AND (t.n IS NOT NULL OR l.n IS NOT NULL OR d.n IS NOT NULL)
            ORDER BY coalesce(t.n, 0) + coalesce(l.n, 0) + coalesce(d.stuck, 0) DESC, name
            """
        ),
        {"org": actor.organization_id},
    ).all()
    return [RepLine(str(r.id), r.name, r.overdue, r.uncontacted, r.stuck, r.deals) for r in rows]


def stuck_deals(session: Session, actor: Actor) -> list[StuckDeal]:
    currency = org_context(session, actor).currency
    rows = session.execute(
        text(
            f"""
            SELECT o.id, o.name, o.value, s.name AS stage,
                   coalesce(nullif(u.full_name, ''), u.email, 'Unassigned') AS owner,
                   extract(day FROM now() - o.stage_entered_at)::int AS days
            FROM opportunities o JOIN pipeline_stages s ON s.id = o.current_stage_id
            LEFT JOIN users u ON u.id = o.owner_id
            WHERE o.organization_id = :org AND {_STUCK}
            ORDER BY o.stage_entered_at LIMIT :lim
            """
        ),
        {"org": actor.organization_id, "lim": STUCK_LIMIT},
    ).all()
    return [
        StuckDeal(str(r.id), r.name, r.owner, r.stage, r.days, format_money(r.value, currency))
        for r in rows
    ]


def _month_start(day: date, back: int = 0) -> date:
    month = day.month - 1 - back
    return date(day.year + month // 12, month % 12 + 1, 1)


def revenue_summary(session: Session, actor: Actor) -> list[RevenueLine]:
    """Won this month (vs last month to the same day), open pipeline and its weighted value,
    each linking to the dashboard view that explains it."""
    org = org_context(session, actor)
    today = utcnow().astimezone(org.tz).date()
    this_start, last_start = _month_start(today), _month_start(today, 1)
    same_day_last = min(this_start - timedelta(days=1), last_start + timedelta(days=today.day - 1))
    row = session.execute(
        text(
            """
            SELECT
              coalesce(sum(value) FILTER (WHERE status = 'won' AND actual_close_date >= :ts), 0)
                AS won_now,
              count(*) FILTER (WHERE status = 'won' AND actual_close_date >= :ts) AS won_n,
              coalesce(sum(value) FILTER (WHERE status = 'won' AND actual_close_date >= :ls
                AND actual_close_date <= :le), 0) AS won_before,
              coalesce(sum(value) FILTER (WHERE status = 'open' AND NOT is_archived), 0) AS open_v,
              coalesce(sum(weighted_value) FILTER (WHERE status = 'open' AND NOT is_archived), 0)
                AS open_w,
              count(*) FILTER (WHERE status = 'open' AND NOT is_archived) AS open_n
            FROM opportunities WHERE organization_id = :org AND deleted_at IS NULL
            """
        ),
        {
            "org": actor.organization_id,
            "ts": this_start,
            "ls": last_start,
            "le": same_day_last,
        },
    ).one()
    cur = org.currency
    won_now, won_before = Decimal(row.won_now), Decimal(row.won_before)
    if won_before > 0:
        change = (won_now - won_before) / won_before * 100
        trend = (
            f"{'+' if change >= 0 else '−'}{abs(change):.0f}% vs {last_start:%B} to the same day"
        )
    else:
        trend = f"nothing won in {last_start:%B} to the same day"
    return [
        RevenueLine(
            f"Won in {today:%B}",
            format_money(won_now, cur),
            f"{row.won_n} {'deal' if row.won_n == 1 else 'deals'} · {trend}",
            "/dashboard?period=month",
        ),
        RevenueLine(
            "Open pipeline",
            format_money(row.open_v, cur),
            f"{row.open_n} open {'deal' if row.open_n == 1 else 'deals'}",
            "/dashboard?period=quarter",
        ),
        RevenueLine(
            "Weighted forecast",
            format_money(row.open_w, cur),
            "open deals × their stage's win probability",
            "/dashboard",
        ),
    ]
