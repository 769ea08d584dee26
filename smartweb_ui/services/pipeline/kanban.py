"""The pipeline board: pipelines, column totals and the first page of cards per stage.

Reading only (plus the remembered pipeline choice). Deal changes live in ``deals.py``, stage
settings in ``pipeline_stages.py``.

Every column total is one SQL aggregate over ALL deals matching the filters (never a sum of
the cards sent). Cards come from one query: a LATERAL ``LIMIT n`` per stage on the partial
index ``ix_opps_open_by_stage`` (a top-N sort of the column's open deals: ``position`` is kept
out of every index so that a move's position shifts are in-place updates, migration 0012).
Won/Lost columns hold only deals closed in the last ``CLOSED_WINDOW_DAYS`` days, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import String, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PGUUID
from sqlmodel import Session, col, select

from ...models import Pipeline, PipelineStage, User
from ...models.base import utcnow
from ..access.abilities import holders
from ..core.errors import NotFound
from ..core.formatting import format_money, initials
from ..core.org import org_context
from ..core.results import Option
from ..core.scope import can_edit_deal
from ..core.security import Actor, require
from .common import BoardFilters, aging, filter_sql, lost_reasons

PER_COLUMN = 50
CLOSED_WINDOW_DAYS = 90


# ------------------------------------------------------------------ results
@dataclass
class Card:
    """One deal as the board shows it (display-ready)."""

    id: str
    name: str
    company: str
    value: str  # plain decimal, for the board's optimistic column totals
    value_display: str
    owner_initials: str
    owner_name: str
    expected_close: str  # ISO date; the board formats it in the browser's locale
    close_overdue: bool
    days_in_stage: int
    aging: str
    stuck: bool
    next_task_due: str  # ISO date (organization's timezone)
    next_task_overdue: bool
    version: int
    can_move: bool
    owner_id: str = ""  # the board works out can_move from it for each viewer (live patches)
    closed_on: str = ""  # ISO date a Won/Lost deal actually closed ("" while open)


@dataclass
class Column:
    """A stage with exact totals over every matching deal, and its first cards."""

    id: str
    name: str
    position: int
    probability: str
    count: int
    total_value: Decimal
    weighted_value: Decimal
    total_value_display: str
    weighted_value_display: str
    wip_limit: int | None
    wip_count: int
    over_wip: int
    is_won: bool
    is_lost: bool
    rotting_days: int | None
    cards: list[Card] = field(default_factory=list)
    has_more: bool = False
    wip_hard: bool = False  # over the limit, drops are refused for people without manage


@dataclass
class Board:
    pipeline_id: str
    pipeline_name: str
    pipelines: list[Option]
    currency: str
    columns: list[Column]
    lost_reasons: list[str]
    closed_window_days: int = CLOSED_WINDOW_DAYS


# ------------------------------------------------------------------ pipelines
def list_pipelines(session: Session, actor: Actor) -> list[Pipeline]:
    require(actor, "pipeline.read")
    return list(
        session.exec(
            select(Pipeline)
            .where(Pipeline.organization_id == actor.organization_id, ~col(Pipeline.is_archived))
            .order_by(col(Pipeline.position), col(Pipeline.name))
        ).all()
    )


def choose_pipeline(session: Session, actor: Actor, wanted: str | UUID | None = None) -> Pipeline:
    """The pipeline to show: ``wanted`` if it is the org's, else the remembered one, else default."""
    pipes = list_pipelines(session, actor)
    if not pipes:
        raise NotFound("This organization has no pipeline yet.")
    by_id = {str(p.id): p for p in pipes}
    if wanted is not None:
        if str(wanted) not in by_id:
            raise NotFound("Pipeline not found.")
        return by_id[str(wanted)]
    user = session.get(User, actor.user_id)
    remembered = (user.preferences or {}).get("pipeline_id") if user else None
    if remembered in by_id:
        return by_id[remembered]
    return next((p for p in pipes if p.is_default), pipes[0])


def remember_pipeline(session: Session, actor: Actor, pipeline_id: str | UUID) -> None:
    """Store the user's last pipeline in users.preferences (a UI preference: not audited)."""
    choose_pipeline(session, actor, pipeline_id)  # NotFound for a forged id
    session.execute(
        text(
            "UPDATE users SET preferences = preferences || jsonb_build_object('pipeline_id', "
            "CAST(:pid AS text)) WHERE id = :uid AND organization_id = :org "
            # unchanged (every board open): no row written, no WAL flushed at commit
            "AND preferences->>'pipeline_id' IS DISTINCT FROM CAST(:pid AS text)"
        ),
        {"pid": str(pipeline_id), "uid": actor.user_id, "org": actor.organization_id},
    )


def stages_of(session: Session, actor: Actor, pipeline_id: UUID) -> list[PipelineStage]:
    return list(
        session.exec(
            select(PipelineStage)
            .where(
                PipelineStage.organization_id == actor.organization_id,
                PipelineStage.pipeline_id == pipeline_id,
                col(PipelineStage.deleted_at).is_(None),
            )
            .order_by(col(PipelineStage.position), col(PipelineStage.name))
        ).all()
    )


def list_owners(session: Session, actor: Actor) -> list[Option]:
    """The people who may own deals (the owner filter and the drawer's owner picker)."""
    require(actor, "pipeline.read")
    return holders(session, actor, "deal")


# ------------------------------------------------------------------ board
BASE = (
    "o.organization_id = :org AND o.pipeline_id = :pid AND o.deleted_at IS NULL "
    "AND NOT o.is_archived"
)
# Won/Lost columns: closed in the window (move_deal always sets actual_close_date).
CLOSED_SINCE = "o.actual_close_date >= :since"
JOIN_COMPANY = "LEFT JOIN leads l ON l.id = o.lead_id LEFT JOIN companies c ON c.id = l.company_id"


def totals_sql(where: str, join_company: bool, *, some_stages: bool = False) -> str:
    """Per stage: matching count/sum/weighted sum + the unfiltered open count (for WIP);
    ``some_stages``: only the stages in ``:stage_only``."""
    joins = JOIN_COMPANY if join_company else ""
    only = " AND o.current_stage_id = ANY(:stage_only)" if some_stages else ""
    return f"""
        SELECT o.current_stage_id AS stage_id,
               count(*) FILTER (WHERE {where}) AS n,
               COALESCE(sum(o.value) FILTER (WHERE {where}), 0) AS total,
               COALESCE(sum(o.weighted_value) FILTER (WHERE {where}), 0) AS weighted,
               count(*) FILTER (WHERE o.status = 'open') AS n_open
        FROM opportunities o {joins}
        WHERE {BASE} AND (o.status = 'open' OR {CLOSED_SINCE}){only}
        GROUP BY o.current_stage_id
    """


def cards_sql(where: str) -> str:
    """First ``:lim`` cards (after ``:off``) of each listed stage, in board order."""
    cols = (
        "o.id, o.name, o.value, o.version, o.owner_id, o.expected_close_date, "
        "o.stage_entered_at, o.status, o.actual_close_date, c.name AS company, "
        "u.full_name AS owner_name"
    )
    joins = f"{JOIN_COMPANY} LEFT JOIN users u ON u.id = o.owner_id"
    stage_match = f"o.current_stage_id = s.id AND {BASE} AND {where}"
    return f"""
        SELECT s.id AS stage_id, d.*, nt.next_due
        FROM unnest(:stage_ids, :closed) AS s(id, closed)
        CROSS JOIN LATERAL (
            (SELECT {cols} FROM opportunities o {joins}
             WHERE s.closed IS NULL AND o.status = 'open' AND {stage_match}
             ORDER BY o.position DESC, o.id LIMIT :lim OFFSET :off)
            UNION ALL
            (SELECT {cols} FROM opportunities o {joins}
             WHERE o.status = CAST(s.closed AS opportunity_status) AND {CLOSED_SINCE}
               AND {stage_match}
             ORDER BY o.actual_close_date DESC, o.updated_at DESC, o.id
             LIMIT :lim OFFSET :off)
        ) d
        LEFT JOIN LATERAL (
            SELECT min(t.due_at) AS next_due FROM tasks t
            WHERE t.organization_id = :org AND t.opportunity_id = d.id
              AND t.status = 'open' AND t.deleted_at IS NULL
        ) nt ON TRUE
    """


def card_of(
    row: Any, stage: PipelineStage, actor: Actor, currency: str, tz: ZoneInfo, now: datetime
) -> Card:
    today = now.astimezone(tz).date()
    terminal = stage.is_won or stage.is_lost
    days = max(0, (now - row.stage_entered_at).days)
    age = "fresh" if terminal else aging(days, stage.rotting_days)
    owner = row.owner_name or ""
    due: datetime | None = row.next_due
    return Card(
        id=str(row.id),
        name=row.name,
        company=row.company or "",
        value=f"{row.value:f}",
        value_display=format_money(row.value, currency),
        owner_initials=initials(owner) if owner else "",
        owner_name=owner or "Unassigned",
        expected_close=row.expected_close_date.isoformat() if row.expected_close_date else "",
        close_overdue=bool(
            not terminal and row.expected_close_date and row.expected_close_date < today
        ),
        days_in_stage=days,
        aging=age,
        stuck=age == "stuck",
        next_task_due=due.astimezone(tz).date().isoformat() if due else "",
        next_task_overdue=bool(due and due < now),
        version=row.version,
        can_move=can_edit_deal(actor, row.owner_id),
        owner_id=str(row.owner_id or ""),
        closed_on=row.actual_close_date.isoformat() if terminal and row.actual_close_date else "",
    )


def fetch_cards(
    session: Session,
    actor: Actor,
    pipeline_id: UUID,
    stages: list[PipelineStage],
    filters: BoardFilters,
    *,
    limit: int,
    offset: int = 0,
) -> dict[str, list[Card]]:
    """Cards per stage id (str), ``limit`` per stage starting at ``offset``."""
    org = org_context(session, actor)
    currency, tz = org.currency, org.tz
    where, params, _ = filter_sql(actor, filters)
    stmt = text(cards_sql(where)).bindparams(
        bindparam("stage_ids", type_=ARRAY(PGUUID(as_uuid=True))),
        bindparam("closed", type_=ARRAY(String())),
    )
    rows = session.execute(
        stmt,
        {
            **params,
            "org": actor.organization_id,
            "pid": pipeline_id,
            "since": closed_since(tz),
            "stage_ids": [s.id for s in stages],
            "closed": ["won" if s.is_won else "lost" if s.is_lost else None for s in stages],
            "lim": limit,
            "off": offset,
        },
    ).all()
    by_id = {s.id: s for s in stages}
    out: dict[str, list[Card]] = {str(s.id): [] for s in stages}
    now = utcnow()
    for row in rows:
        out[str(row.stage_id)].append(card_of(row, by_id[row.stage_id], actor, currency, tz, now))
    return out


def closed_since(tz: ZoneInfo) -> date:
    return utcnow().astimezone(tz).date() - timedelta(days=CLOSED_WINDOW_DAYS)


def board(
    session: Session,
    actor: Actor,
    pipeline_id: str | UUID | None,
    filters: BoardFilters | None = None,
    *,
    per_column: int = PER_COLUMN,
) -> Board:
    """The whole board: two queries (totals, cards) after the pipeline/stage look-ups. It is
    built once per view; after that the browser gets patches (``patches.board_patch``) and
    the next cards of a column (``more_cards``), never the board again."""
    filters = filters or BoardFilters()
    pipe = choose_pipeline(session, actor, pipeline_id)
    org = org_context(session, actor)
    currency, tz = org.currency, org.tz
    stages = stages_of(session, actor, pipe.id)
    where, params, join_company = filter_sql(actor, filters)
    totals = {
        r.stage_id: r
        for r in session.execute(
            text(totals_sql(where, join_company)),
            {**params, "org": actor.organization_id, "pid": pipe.id, "since": closed_since(tz)},
        ).all()
    }
    cards = fetch_cards(session, actor, pipe.id, stages, filters, limit=per_column)
    columns = []
    for s in stages:
        t = totals.get(s.id)
        n, total, wsum = (
            (t.n, Decimal(t.total), Decimal(t.weighted)) if t else (0, Decimal(0), Decimal(0))
        )
        wip_count = t.n_open if t and not (s.is_won or s.is_lost) else 0
        stage_cards = cards[str(s.id)]
        columns.append(
            Column(
                id=str(s.id),
                name=s.name,
                position=s.position,
                probability=f"{Decimal(s.probability).normalize():f}",
                count=n,
                total_value=total,
                weighted_value=wsum,
                total_value_display=format_money(total, currency),
                weighted_value_display=format_money(wsum, currency),
                wip_limit=s.wip_limit,
                wip_count=wip_count,
                over_wip=max(0, wip_count - s.wip_limit) if s.wip_limit else 0,
                is_won=s.is_won,
                is_lost=s.is_lost,
                rotting_days=s.rotting_days,
                cards=stage_cards,
                has_more=n > len(stage_cards),
                wip_hard=bool(s.wip_hard and s.wip_limit),
            )
        )
    return Board(
        pipeline_id=str(pipe.id),
        pipeline_name=pipe.name,
        pipelines=[Option(id=str(p.id), name=p.name) for p in list_pipelines(session, actor)],
        currency=currency,
        columns=columns,
        lost_reasons=lost_reasons(org.settings),
    )


def more_cards(
    session: Session,
    actor: Actor,
    pipeline_id: str | UUID,
    stage_id: str | UUID,
    filters: BoardFilters | None = None,
    *,
    offset: int,
    limit: int = PER_COLUMN,
) -> list[Card]:
    """The next page of one column (``on_load_more``)."""
    pipe = choose_pipeline(session, actor, pipeline_id)
    stage = next(
        (s for s in stages_of(session, actor, pipe.id) if str(s.id) == str(stage_id)), None
    )
    if stage is None:
        raise NotFound("Stage not found.")
    return fetch_cards(
        session,
        actor,
        pipe.id,
        [stage],
        filters or BoardFilters(),
        limit=limit,
        offset=max(0, offset),
    )[str(stage.id)]


def board_params_for(filters: BoardFilters, pipeline_id: str) -> dict[str, str]:
    """The URL query of a board view (pipeline + filters)."""
    return {"pipeline": pipeline_id, **filters.to_query()}
