"""The deals behind one bar of a dashboard chart (server-side: first 50 rows + exact totals).

``chart`` and ``key`` come from the browser, so both are parsed strictly (``Invalid`` on
anything unexpected) and every id is used only under the actor's organization and filters.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from sqlalchemy import text
from sqlmodel import Session

from ..core.errors import Invalid, NotFound
from .periods import add_months, forecast_months, utc_bounds
from .queries import (
    CLOSED_ON,
    FUNNEL_CTES,
    IN_PERIOD,
    OPEN_LIVE,
    REASONS_CTE,
    TOP_REASONS,
    Ctx,
    closed_in,
    forecast_buckets,
    month_bounds,
    reason_label,
)
from .sources import CAMPAIGN_CALLS_CTE, SOURCE_LABELS
from .types import DealList, DealRow, money

PAGE = 50
CHARTS = ("kpi", "month", "forecast", "funnel", "reason", "rep", "source", "campaign")


def _uuid(raw: str, what: str) -> UUID:
    try:
        return UUID(str(raw).strip())
    except ValueError as exc:
        raise Invalid(f"Unknown {what}.") from exc


def _url(path: str, params: dict[str, Any]) -> str:
    clean = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(clean)}" if clean else path


class _Drill:
    """A predicate over ``o`` (plus optional CTEs) and how to describe it."""

    def __init__(self, pred: str, title: str, *, ctes: str = "", **params: Any) -> None:
        self.pred, self.title, self.ctes, self.params = pred, title, ctes, params
        self.link_url = ""
        self.link_label = ""

    def link(self, url: str, label: str) -> _Drill:
        self.link_url, self.link_label = url, label
        return self


def _board_link(ctx: Ctx, **extra: Any) -> dict[str, Any]:
    return {"pipeline": ctx.pipeline_id, "owner": ctx.owner_id, **extra}


def _kpi(ctx: Ctx, key: str) -> _Drill:
    if key == "won":
        return _Drill(f"o.status = 'won' AND {IN_PERIOD}", "Deals won in the period")
    if key == "lost":
        return _Drill(f"o.status = 'lost' AND {IN_PERIOD}", "Deals lost in the period")
    if key == "open":
        return _Drill(OPEN_LIVE, "Open pipeline").link(
            _url("/pipeline", _board_link(ctx)), "Open the pipeline board"
        )
    raise Invalid("Unknown tile.")


def _month(ctx: Ctx, key: str) -> _Drill:
    try:
        first = date.fromisoformat(f"{key}-01")
    except ValueError as exc:
        raise Invalid("Unknown month.") from exc
    lo, hi = month_bounds(first)
    lo_utc, hi_utc = utc_bounds(lo, hi, ctx.tz)
    return _Drill(
        f"o.status = 'won' AND {closed_in('m_lo', 'm_hi')}",
        f"Deals won in {first:%B %Y}",
        m_lo=lo,
        m_hi=hi,
        m_lo_utc=lo_utc,
        m_hi_utc=hi_utc,
    )


def _forecast(session: Session, ctx: Ctx, key: str) -> _Drill:
    bucket, _, stage_raw = key.partition("|")
    labels = dict(forecast_buckets(ctx))
    if bucket not in labels:
        raise Invalid("Unknown forecast month.")
    first, last = forecast_months(ctx.period)
    after = add_months(last, 1)
    preds = [OPEN_LIVE]
    params: dict[str, Any] = {}
    close_from: date | None = None
    close_to: date | None = None
    if bucket == "none":
        preds.append("o.expected_close_date IS NULL")
    elif bucket == "overdue":
        preds.append("o.expected_close_date < :f_lo")
        close_to = first - timedelta(days=1)
    elif bucket == "later":
        preds.append("o.expected_close_date >= :f_after")
        close_from = after
    else:
        close_from, close_to = month_bounds(date.fromisoformat(f"{bucket}-01"))
        preds.append("o.expected_close_date BETWEEN :b_lo AND :b_hi")
        params.update(b_lo=close_from, b_hi=close_to)
    params.update(f_lo=first, f_after=after)
    title = f"Open deals · {labels[bucket]}"
    pipeline_id = ctx.pipeline_id
    if stage_raw:
        stage = session.execute(
            text(
                "SELECT s.name, s.pipeline_id FROM pipeline_stages s "
                "WHERE s.id = :sid AND s.organization_id = :org"
            ),
            {"sid": _uuid(stage_raw, "stage"), "org": ctx.org_id},
        ).first()
        if stage is None:
            raise NotFound("Stage not found.")
        preds.append("o.current_stage_id = :stage")
        params["stage"] = _uuid(stage_raw, "stage")
        title += f" · {stage.name}"
        pipeline_id = stage.pipeline_id
    drill = _Drill(" AND ".join(preds), title, **params)
    if bucket != "none" and pipeline_id is not None:
        drill.link(
            _url(
                "/pipeline",
                {
                    "pipeline": pipeline_id,
                    "owner": ctx.owner_id,
                    "close_from": close_from.isoformat() if close_from else None,
                    "close_to": close_to.isoformat() if close_to else None,
                },
            ),
            "Open on the pipeline board",
        )
    return drill


def _funnel(session: Session, ctx: Ctx, key: str) -> _Drill:
    if ctx.funnel_pipeline_id is None:
        raise NotFound("Stage not found.")
    stage = session.execute(
        text(
            "SELECT name, position FROM pipeline_stages WHERE id = :sid AND organization_id = :org "
            "AND pipeline_id = :fp AND NOT is_lost"
        ),
        {"sid": _uuid(key, "stage"), "org": ctx.org_id, "fp": ctx.funnel_pipeline_id},
    ).first()
    if stage is None:
        raise NotFound("Stage not found.")
    return _Drill(
        "o.id IN (SELECT id FROM reached WHERE max_pos >= :stage_pos)",
        f"Deals created in the period that reached {stage.name}",
        ctes=FUNNEL_CTES.format(where=ctx.where()),
        stage_pos=stage.position,
        fp=ctx.funnel_pipeline_id,
    )


def _reason(ctx: Ctx, key: str) -> _Drill:
    status, _, reason = key.partition("|")
    if status not in ("won", "lost"):
        raise Invalid("Unknown outcome.")
    base = f"o.status = :st AND {IN_PERIOD}"
    label = reason_label(status, reason)
    title = f"{'Won' if status == 'won' else 'Lost'} deals · {label}"
    if reason == "__other__":
        return _Drill(
            f"{base} AND COALESCE(btrim(o.closed_reason), '') NOT IN "
            "(SELECT reason FROM ranked WHERE status = :st AND rn <= :top)",
            title,
            ctes=REASONS_CTE.format(where=ctx.where()),
            st=status,
            top=TOP_REASONS,
        )
    return _Drill(
        f"{base} AND COALESCE(btrim(o.closed_reason), '') = :reason",
        title,
        st=status,
        reason=reason,
    )


def _rep(ctx: Ctx, key: str) -> _Drill:
    base = f"o.status IN ('won', 'lost') AND {IN_PERIOD}"
    if key == "none":
        return _Drill(f"{base} AND o.owner_id IS NULL", "Closed deals without an owner")
    owner = _uuid(key, "team member")
    drill = _Drill(f"{base} AND o.owner_id = :rep", "Deals closed in the period", rep=owner)
    return drill.link(
        _url("/pipeline", {"pipeline": ctx.pipeline_id, "owner": owner}),
        "Open this person's pipeline",
    )


def _source(ctx: Ctx, key: str) -> _Drill:
    if key not in SOURCE_LABELS:
        raise Invalid("Unknown lead source.")
    base = f"o.status = 'won' AND {IN_PERIOD}"
    if key == "none":
        return _Drill(f"{base} AND l.id IS NULL", "Deals won in the period without a lead")
    drill = _Drill(
        f"{base} AND l.source = CAST(:src AS lead_source)",
        f"Deals won in the period · {SOURCE_LABELS[key]} leads",
        src=key,
    )
    return drill.link(
        _url("/leads", {"source": key, "assigned": ctx.owner_id}), "Open these leads in the inbox"
    )


def lead_inbox_url(ctx: Ctx, source: str, *, converted: bool) -> str:
    """The lead inbox filtered on a source (and the team member), for the source chart."""
    if source not in SOURCE_LABELS or source == "none":
        raise Invalid("Unknown lead source.")
    params = {"source": source, "status": "converted" if converted else None}
    return _url("/leads", {**params, "assigned": ctx.owner_id})


def _campaign(session: Session, ctx: Ctx, key: str) -> _Drill:
    cid = _uuid(key, "campaign")
    name = session.execute(
        text("SELECT name FROM ai_call_campaigns WHERE id = :cid AND organization_id = :org"),
        {"cid": cid, "org": ctx.org_id},
    ).scalar()
    if name is None:
        raise NotFound("Campaign not found.")
    return _Drill(
        "o.id IN (SELECT o2.id FROM calls k JOIN opportunities o2 ON o2.lead_id = k.lead_id "
        "AND o2.created_at >= k.first_call WHERE k.campaign_id = :cid)",
        f"Deals from leads called by {name}",
        ctes=CAMPAIGN_CALLS_CTE,
        cid=cid,
    )


def _build(session: Session, ctx: Ctx, chart: str, key: str) -> _Drill:
    if chart == "kpi":
        return _kpi(ctx, key)
    if chart == "month":
        return _month(ctx, key)
    if chart == "forecast":
        return _forecast(session, ctx, key)
    if chart == "funnel":
        return _funnel(session, ctx, key)
    if chart == "reason":
        return _reason(ctx, key)
    if chart == "rep":
        return _rep(ctx, key)
    if chart == "source":
        return _source(ctx, key)
    if chart == "campaign":
        return _campaign(session, ctx, key)
    raise Invalid("Unknown chart.")


def deals_behind(session: Session, ctx: Ctx, chart: str, key: str) -> DealList:
    drill = _build(session, ctx, chart, str(key)[:300])
    with_clause = f"WITH {drill.ctes}" if drill.ctes else ""
    sql = f"""
    {with_clause}
    SELECT o.id, o.name, COALESCE(c.name, '') AS company,
           COALESCE(NULLIF(u.full_name, ''), u.email, 'Unassigned') AS owner,
           s.name AS stage, o.status::text AS status, o.value,
           CASE WHEN o.status = 'open' THEN NULL ELSE {CLOSED_ON} END AS closed_on,
           o.expected_close_date, o.pipeline_id,
           count(*) OVER () AS total, sum(o.value) OVER () AS total_value
    FROM opportunities o
    JOIN pipeline_stages s ON s.id = o.current_stage_id
    LEFT JOIN users u ON u.id = o.owner_id
    LEFT JOIN leads l ON l.id = o.lead_id
    LEFT JOIN companies c ON c.id = l.company_id
    WHERE {ctx.where()} AND {drill.pred}
    ORDER BY o.value DESC, o.name, o.id
    LIMIT :page
    """
    rows = session.execute(text(sql), {**ctx.params(), **drill.params, "page": PAGE}).all()
    return DealList(
        title=drill.title,
        total=rows[0].total if rows else 0,
        total_value=money(rows[0].total_value if rows else 0),
        rows=[
            DealRow(
                id=str(r.id),
                name=r.name,
                company=r.company,
                owner=r.owner,
                stage=r.stage,
                status=r.status,
                value=money(r.value),
                closed_on=r.closed_on,
                expected_close=r.expected_close_date,
                pipeline_id=str(r.pipeline_id),
            )
            for r in rows
        ],
        link_url=drill.link_url,
        link_label=drill.link_label,
    )
