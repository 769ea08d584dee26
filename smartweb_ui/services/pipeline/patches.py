"""Board patches: what changed on a board since the browser drew it — for a drop's answer and for
the pushes every open board gets when a deal changes.

A patch holds the changed cards (each with the stage it is in now and the card right above it
in that column under the viewer's filters, so the browser can slot it in without the rest of
the column), the ids that left this view, and the exact totals of the touched columns. It is
a few KB whatever the size of the board. Cards carry ``owner_id``: each browser works out which
cards its own user may move, so one patch serves every viewer of the same filters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PGUUID
from sqlmodel import Session

from ...models.base import utcnow
from ..core.formatting import format_money
from ..core.org import org_context
from ..core.security import Actor, require
from .common import BoardFilters, filter_sql
from .kanban import (
    BASE,
    CLOSED_SINCE,
    JOIN_COMPANY,
    Card,
    card_of,
    closed_since,
    stages_of,
    totals_sql,
)

__all__ = ["BoardPatch", "ColumnTotals", "PlacedCard", "board_patch"]


@dataclass(frozen=True)
class PlacedCard:
    """A card and where it goes: its column and the card above it there ("" = the top)."""

    stage_id: str
    above_id: str
    card: Card


@dataclass(frozen=True)
class ColumnTotals:
    """A column's header numbers (exact, over every matching deal)."""

    id: str
    count: int
    total_value: str
    weighted_value: str
    total_value_display: str
    weighted_value_display: str
    wip_count: int
    over_wip: int


@dataclass(frozen=True)
class BoardPatch:
    pipeline_id: str
    cards: list[PlacedCard] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    columns: list[ColumnTotals] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.cards or self.removed or self.columns)


def _above_sql(where_a: str, join_a: str) -> str:
    """The card right above ``o`` in its column, in the board's order, under the same filters."""
    return f"""
        LEFT JOIN LATERAL (
            SELECT a.id FROM opportunities a {join_a}
            WHERE a.current_stage_id = o.current_stage_id AND a.id <> o.id
              AND a.organization_id = :org AND a.pipeline_id = :pid AND a.deleted_at IS NULL
              AND NOT a.is_archived AND {where_a}
              AND (
                (o.status = 'open' AND a.status = 'open'
                 AND (a.position > o.position OR (a.position = o.position AND a.id < o.id)))
                OR
                (o.status <> 'open' AND a.status = o.status AND a.actual_close_date >= :since
                 AND (a.actual_close_date > o.actual_close_date
                      OR (a.actual_close_date = o.actual_close_date
                          AND (a.updated_at > o.updated_at
                               OR (a.updated_at = o.updated_at AND a.id < o.id)))))
              )
            ORDER BY
              CASE WHEN o.status = 'open' THEN a.position END ASC,
              CASE WHEN o.status <> 'open' THEN a.actual_close_date END ASC,
              CASE WHEN o.status <> 'open' THEN a.updated_at END ASC,
              a.id DESC
            LIMIT 1
        ) ab ON TRUE
    """


def _cards_sql(where: str, where_a: str, join_a: str) -> str:
    cols = (
        "o.id, o.name, o.value, o.version, o.owner_id, o.expected_close_date, "
        "o.stage_entered_at, o.status, o.actual_close_date, o.current_stage_id AS stage_id, "
        "c.name AS company, "
        "u.full_name AS owner_name"
    )
    return f"""
        SELECT {cols}, nt.next_due, ab.id AS above_id
        FROM opportunities o {JOIN_COMPANY} LEFT JOIN users u ON u.id = o.owner_id
        LEFT JOIN LATERAL (
            SELECT min(t.due_at) AS next_due FROM tasks t
            WHERE t.organization_id = :org AND t.opportunity_id = o.id
              AND t.status = 'open' AND t.deleted_at IS NULL
        ) nt ON TRUE
        {_above_sql(where_a, join_a)}
        WHERE o.id = ANY(:ids) AND {BASE} AND {where}
          AND (o.status = 'open' OR {CLOSED_SINCE})
    """


def board_patch(
    session: Session,
    actor: Actor,
    pipeline_id: str | UUID,
    filters: BoardFilters,
    deal_ids: Iterable[str | UUID],
    stage_ids: Iterable[str | UUID] = (),
) -> BoardPatch:
    """The patch for ``deal_ids`` (and the totals of their columns and of ``stage_ids``) on the
    board of ``pipeline_id`` under ``filters``."""
    require(actor, "pipeline.read")
    pid = UUID(str(pipeline_id))
    stages = {s.id: s for s in stages_of(session, actor, pid)}
    org = org_context(session, actor)
    wanted = sorted({UUID(str(i)) for i in deal_ids})
    where, params, _ = filter_sql(actor, filters)
    where_a, _, join_a_needed = filter_sql(actor, filters, deal="a", company="ac")
    join_a = (
        "LEFT JOIN leads al ON al.id = a.lead_id LEFT JOIN companies ac ON ac.id = al.company_id"
        if join_a_needed
        else ""
    )
    base = {**params, "org": actor.organization_id, "pid": pid, "since": closed_since(org.tz)}
    rows: list[Any] = []
    if wanted:
        stmt = text(_cards_sql(where, where_a, join_a)).bindparams(
            bindparam("ids", type_=ARRAY(PGUUID(as_uuid=True)))
        )
        rows = list(session.execute(stmt, {**base, "ids": wanted}).all())
    now = utcnow()
    placed = [
        PlacedCard(
            stage_id=str(r.stage_id),
            above_id=str(r.above_id or ""),
            card=card_of(r, stages[r.stage_id], actor, org.currency, org.tz, now),
        )
        for r in rows
        if r.stage_id in stages
    ]
    found = {UUID(p.card.id) for p in placed}
    touched = {UUID(p.stage_id) for p in placed} | {UUID(str(s)) for s in stage_ids}
    touched &= set(stages)
    return BoardPatch(
        pipeline_id=str(pid),
        cards=placed,
        removed=[str(i) for i in wanted if i not in found],
        columns=_totals(session, actor, filters, base, [stages[s] for s in touched], org.currency),
    )


def _totals(
    session: Session,
    actor: Actor,
    filters: BoardFilters,
    base: dict[str, Any],
    stages: list[Any],
    currency: str,
) -> list[ColumnTotals]:
    if not stages:
        return []
    where, _, join_company = filter_sql(actor, filters)
    stmt = text(totals_sql(where, join_company, some_stages=True)).bindparams(
        bindparam("stage_only", type_=ARRAY(PGUUID(as_uuid=True)))
    )
    found = {
        r.stage_id: r
        for r in session.execute(stmt, {**base, "stage_only": [s.id for s in stages]}).all()
    }
    out = []
    for s in stages:
        t = found.get(s.id)
        n = t.n if t else 0
        total = Decimal(t.total) if t else Decimal(0)
        wsum = Decimal(t.weighted) if t else Decimal(0)
        wip = t.n_open if t and not (s.is_won or s.is_lost) else 0
        out.append(
            ColumnTotals(
                id=str(s.id),
                count=n,
                total_value=f"{total:f}",
                weighted_value=f"{wsum:f}",
                total_value_display=format_money(total, currency),
                weighted_value_display=format_money(wsum, currency),
                wip_count=wip,
                over_wip=max(0, wip - s.wip_limit) if s.wip_limit else 0,
            )
        )
    return out
