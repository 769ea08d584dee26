"""Executive revenue dashboard: KPI tiles, seven charts and the deals behind each bar.

Public API (every function requires ``analytics.view``):
``dashboard(session, actor, filters) -> DashboardData`` (cached, see ``analytics_cache``),
one function per chart (``kpis``, ``won_revenue_by_month``, ``forecast_by_close_month``,
``stage_funnel``, ``win_loss_reasons``, ``rep_leaderboard``, ``source_contribution``,
``campaign_contribution``), ``deals_behind`` for click-through and ``filter_options``.

Scope: with ``pipeline.manage`` or ``leads.read_all`` the whole organization is visible;
otherwise the dashboard is narrowed to the actor's own deals and leads, and asking for another
team member is ``NotFound`` (never someone else's numbers).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import text
from sqlmodel import Session

from ..core.errors import NotFound
from ..core.org import org_context
from ..core.results import Option
from ..core.security import Actor, require
from . import cache
from . import queries as q
from . import sources as qs
from .drill import deals_behind as _deals_behind
from .drill import lead_inbox_url as _lead_inbox_url
from .kpis import kpis as kpis_query
from .periods import DashboardFilters, local_today, resolve_period
from .queries import Ctx
from .types import (
    CampaignRow,
    DashboardData,
    DealList,
    Forecast,
    Funnel,
    Kpis,
    MonthPoint,
    ReasonRow,
    RepRow,
    SourceRow,
)

T = TypeVar("T")


def sees_everyone(actor: Actor) -> bool:
    return actor.can("pipeline.manage") or actor.can("leads.read_all")


def _scoped_owner(session: Session, actor: Actor, wanted: UUID | None) -> UUID | None:
    if not sees_everyone(actor):
        if wanted not in (None, actor.user_id):
            raise NotFound("Team member not found.")
        return actor.user_id
    if wanted is None:
        return None
    found = session.execute(
        text("SELECT 1 FROM users WHERE id = :u AND organization_id = :org"),
        {"u": wanted, "org": actor.organization_id},
    ).first()
    if found is None:
        raise NotFound("Team member not found.")
    return wanted


def _pipelines(session: Session, actor: Actor) -> list[Any]:
    return list(
        session.execute(
            text(
                "SELECT id, name, is_default FROM pipelines WHERE organization_id = :org "
                "AND NOT is_archived ORDER BY is_default DESC, position, name"
            ),
            {"org": actor.organization_id},
        ).all()
    )


def tune_session(session: Session) -> None:
    """Planner settings for the dashboard's aggregate reads (end with the transaction).

    Enough memory to hash in RAM; no JIT compile (it costs more than it saves at this size);
    always a plan for the actual dates (psycopg prepares a statement run 5 times on a pooled
    connection, and a generic plan cannot see which dates are asked for); and serial plans:
    each statement is 1-90 ms of index-only scans, where parallel workers add start-up and, on
    a busy server, wait for a CPU (bench: 12-month dashboard 260-300 ms serial against
    315-590 ms with workers at load 5 on 2 cores).
    """
    session.execute(
        text(
            "SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true), "
            "set_config('plan_cache_mode', 'force_custom_plan', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)"
        )
    )


def context(session: Session, actor: Actor, filters: DashboardFilters) -> Ctx:
    """Check the permission and every id in ``filters``; resolve the period in the org's zone."""
    require(actor, "analytics.view")
    tune_session(session)
    org = org_context(session, actor)
    tz = org.tz
    period = resolve_period(filters, filters.as_of or local_today(tz))
    owner = _scoped_owner(session, actor, filters.owner_id)
    pipelines = _pipelines(session, actor)
    funnel_pipe = pipelines[0] if pipelines else None
    if filters.pipeline_id is not None:
        funnel_pipe = next((p for p in pipelines if p.id == filters.pipeline_id), None)
        if funnel_pipe is None:
            raise NotFound("Pipeline not found.")
    return Ctx(
        org_id=actor.organization_id,
        tz=tz,
        currency=org.currency,
        period=period,
        pipeline_id=filters.pipeline_id,
        owner_id=owner,
        funnel_pipeline_id=funnel_pipe.id if funnel_pipe else None,
        funnel_pipeline_name=funnel_pipe.name if funnel_pipe else "",
    )


def _one(query: Callable[[Session, Ctx], T]) -> Callable[[Session, Actor, DashboardFilters], T]:
    def run(session: Session, actor: Actor, filters: DashboardFilters) -> T:
        return query(session, context(session, actor, filters))

    run.__name__ = query.__name__
    run.__doc__ = query.__doc__
    return run


kpis: Callable[[Session, Actor, DashboardFilters], Kpis] = _one(kpis_query)
won_revenue_by_month: Callable[[Session, Actor, DashboardFilters], list[MonthPoint]] = _one(
    q.won_by_month
)
forecast_by_close_month: Callable[[Session, Actor, DashboardFilters], Forecast] = _one(q.forecast)
stage_funnel: Callable[[Session, Actor, DashboardFilters], Funnel] = _one(q.funnel)
win_loss_reasons: Callable[[Session, Actor, DashboardFilters], list[ReasonRow]] = _one(q.reasons)
rep_leaderboard: Callable[[Session, Actor, DashboardFilters], list[RepRow]] = _one(q.reps)
source_contribution: Callable[[Session, Actor, DashboardFilters], list[SourceRow]] = _one(
    qs.sources
)
campaign_contribution: Callable[[Session, Actor, DashboardFilters], list[CampaignRow]] = _one(
    qs.campaigns
)

CHART_QUERIES: dict[str, Callable[[Session, Ctx], Any]] = {
    "kpis": kpis_query,
    "monthly": q.won_by_month,
    "forecast": q.forecast,
    "funnel": q.funnel,
    "reasons": q.reasons,
    "reps": q.reps,
    "sources": qs.sources,
    "campaigns": qs.campaigns,
}


def _cache_key(ctx: Ctx, version: tuple[Any, ...]) -> tuple[Any, ...]:
    p = ctx.period
    return (ctx.org_id, p.start, p.end, p.prev_start, p.prev_end, p.today,
            ctx.pipeline_id, ctx.owner_id, ctx.funnel_pipeline_id, version)  # fmt: skip


# The charts in two halves of about equal cost (``bench/dashboard.py``, 12 months at 100k
# deals: campaigns + funnel ~175 ms, the rest ~165 ms). The page asks for both at once, each
# through the door on its own pooled connection, so an uncached dashboard takes the slower
# half, not the sum; each half is cached on its own.
CHART_GROUPS: tuple[tuple[str, ...], ...] = (
    ("campaigns", "funnel"),
    ("kpis", "sources", "forecast", "monthly", "reasons", "reps"),
)


@dataclass(frozen=True)
class ChartPart:
    """Some of the charts for one filter (``dashboard_part``), and the filter's frame."""

    period: Any
    currency: str
    timezone: str
    charts: dict[str, Any]
    timings_ms: dict[str, float]


def dashboard_part(
    session: Session, actor: Actor, filters: DashboardFilters, names: tuple[str, ...],
    *, use_cache: bool = True,
) -> ChartPart:  # fmt: skip
    """The named charts for one filter; reused for ``TTL`` seconds while no data changes."""
    unknown = [n for n in names if n not in CHART_QUERIES]
    if unknown:
        raise ValueError(f"unknown charts {unknown}")
    ctx = context(session, actor, filters)
    key = (_cache_key(ctx, cache.data_version(session, ctx.org_id)), names) if use_cache else None
    if key is not None and (hit := cache.get(key)) is not None:
        return hit  # type: ignore[no-any-return]
    charts: dict[str, Any] = {}
    timings: dict[str, float] = {}
    for name in names:
        started = time.perf_counter()
        charts[name] = CHART_QUERIES[name](session, ctx)
        timings[name] = (time.perf_counter() - started) * 1000
    part = ChartPart(ctx.period, ctx.currency, ctx.tz.key, charts, timings)
    if key is not None:
        cache.put(key, part)
    return part


def assemble(parts: list[ChartPart]) -> DashboardData:
    """One dashboard from parts that together hold every chart."""
    charts = {k: v for p in parts for k, v in p.charts.items()}
    missing = set(CHART_QUERIES) - set(charts)
    if missing:
        raise ValueError(f"charts missing: {sorted(missing)}")
    first = parts[0]
    return DashboardData(
        period=first.period,
        currency=first.currency,
        timezone=first.timezone,
        timings_ms={k: v for p in parts for k, v in p.timings_ms.items()},
        **charts,
    )


def dashboard(
    session: Session, actor: Actor, filters: DashboardFilters, *, use_cache: bool = True
) -> DashboardData:
    """Every tile and chart for one filter on one connection (exports, tests, the bench)."""
    return assemble(
        [dashboard_part(session, actor, filters, n, use_cache=use_cache) for n in CHART_GROUPS]
    )


def deals_behind(
    session: Session, actor: Actor, filters: DashboardFilters, chart: str, key: str
) -> DealList:
    """The deals behind one bar / funnel step / tile (first 50, with the exact count)."""
    return _deals_behind(session, context(session, actor, filters), chart, key)


def lead_inbox_url(
    session: Session, actor: Actor, filters: DashboardFilters, source: str, *, converted: bool
) -> str:
    """Where a click on a lead-source bar goes: the inbox filtered on that source."""
    return _lead_inbox_url(context(session, actor, filters), source, converted=converted)


@dataclass(frozen=True)
class FilterOptions:
    pipelines: list[Option]
    members: list[Option]  # only the actor when scoped to own deals
    sees_everyone: bool


def filter_options(session: Session, actor: Actor) -> FilterOptions:
    require(actor, "analytics.view")
    pipelines = [Option(id=str(p.id), name=p.name) for p in _pipelines(session, actor)]
    everyone = sees_everyone(actor)
    members = session.execute(
        text(
            "SELECT id, COALESCE(NULLIF(full_name, ''), email) AS name FROM users "
            "WHERE organization_id = :org AND deleted_at IS NULL "
            + ("" if everyone else "AND id = :me ")
            + "ORDER BY name"
        ),
        {"org": actor.organization_id, "me": actor.user_id},
    ).all()
    return FilterOptions(pipelines, [Option(id=str(m.id), name=m.name) for m in members], everyone)
