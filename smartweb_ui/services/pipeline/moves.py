"""Moving a deal on the pipeline (drag and drop): ``move_deal``.

Locking order everywhere: the stage rows of the columns touched (by id), then the deal row.
Locking the columns serializes position changes, so positions stay dense (0..n-1) per open
column under concurrent drops. A column shows its cards by position DESCENDING: the top card
holds n-1, so drops near the top and new deals shift few rows. Won/Lost columns are ordered
by close date, not position.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlmodel import Session, col, select

from ...models import Opportunity, OpportunityStageHistory, OpportunityStatus, PipelineStage
from ...models.base import utcnow
from ..core import audit
from ..core.changes import mark_changed
from ..core.errors import Conflict, Forbidden, Invalid, NotFound, as_uuid
from ..core.money import parse_money
from ..core.org import org_context
from ..core.scope import can_edit_deal, load_deal
from ..core.security import Actor, require
from ..core.text import clean_text
from .common import weighted

MOVE_FIELDS = [
    "current_stage_id",
    "position",
    "status",
    "probability",
    "weighted_value",
    "value",
    "actual_close_date",
    "closed_reason",
    "competitor_won",
    "version",
]
# Live open deals of a column (the predicate of the partial index ix_opps_open_by_stage).
LIVE_OPEN = "status = 'open' AND deleted_at IS NULL AND NOT is_archived"


@dataclass(frozen=True)
class MoveResult:
    deal_id: str
    stage_id: str
    position: int
    status: str
    version: int
    moved: bool
    from_stage_id: str = ""
    # A soft WIP limit the drop went over: "Proposal now holds 13 open deals; its WIP limit is 12."
    wip_warning: str = ""
    can_undo: bool = False  # a move to another stage: the mover can take it back (undo_move)


def _lock_stages(session: Session, actor: Actor, stage_ids: set[UUID]) -> dict[UUID, PipelineStage]:
    """Lock the stages (in id order, as every move does: no deadlock) and return them."""
    rows = session.exec(
        select(PipelineStage)
        .where(
            col(PipelineStage.id).in_(sorted(stage_ids)),
            PipelineStage.organization_id == actor.organization_id,
        )
        .order_by(col(PipelineStage.id))
        .with_for_update()
    ).all()
    return {row.id: row for row in rows}


def _open_count(session: Session, stage_id: UUID, exclude: UUID) -> int:
    return session.execute(
        text(
            f"SELECT count(*) FROM opportunities WHERE current_stage_id = :s AND {LIVE_OPEN} "
            "AND id <> :d"
        ),
        {"s": stage_id, "d": exclude},
    ).scalar_one()


def _shift(
    session: Session, stage_id: UUID, exclude: UUID, delta: int, lo: int, hi: int | None
) -> None:
    """positions in [lo, hi] (hi open-ended when None) of a column move by ``delta``."""
    upper = "" if hi is None else " AND position <= :hi"
    session.execute(
        text(
            f"UPDATE opportunities SET position = position + :delta WHERE current_stage_id = :s "
            f"AND {LIVE_OPEN} AND id <> :d AND position >= :lo{upper}"
        ),
        {"delta": delta, "s": stage_id, "d": exclude, "lo": lo, "hi": hi},
    )


def _closing_details(
    target: PipelineStage,
    today: date,
    close_date: date | None,
    final_value: Any,
    lost_reason: str | None,
    competitor: str | None,
) -> dict[str, Any]:
    """Validated won/lost fields for the target stage (Invalid when something is missing)."""
    if target.is_won:
        if close_date is None or final_value in (None, ""):
            raise Invalid("A won deal needs its actual close date and final value.")
        if close_date > today + timedelta(days=1):
            raise Invalid("The close date of a won deal cannot be in the future.")
        return {
            "status": OpportunityStatus.WON,
            "value": parse_money(final_value, "Final value"),
            "actual_close_date": close_date,
            "closed_reason": None,
            "competitor_won": None,
        }
    if target.is_lost:
        reason = (lost_reason or "").strip()
        if not reason:
            raise Invalid("Say why the deal was lost.")
        return {
            "status": OpportunityStatus.LOST,
            "actual_close_date": today,
            "closed_reason": clean_text(reason, "The reason", max_length=200),
            "competitor_won": clean_text(competitor, "The competitor", max_length=200) or None,
        }
    return {
        "status": OpportunityStatus.OPEN,
        "actual_close_date": None,
        "closed_reason": None,
        "competitor_won": None,
    }


def _drop_position(
    session: Session,
    actor: Actor,
    deal: Opportunity,
    stage_id: UUID,
    same: bool,
    index: int,
    before_deal_id: str | UUID | None,
    after_deal_id: str | UUID | None,
) -> int:
    """The stored position for a drop. Columns show positions DESCENDING (top = n-1), so a
    drop near the top — where nearly every drag lands — shifts only the few cards above it.
    """
    for anchor_id, above in ((before_deal_id, True), (after_deal_id, False)):
        if not anchor_id:
            continue
        anchor = session.exec(
            select(Opportunity.position).where(
                Opportunity.id == as_uuid(anchor_id, "Deal"),
                Opportunity.organization_id == actor.organization_id,
                Opportunity.current_stage_id == stage_id,
                Opportunity.status == OpportunityStatus.OPEN,
                Opportunity.id != deal.id,
            )
        ).first()
        if anchor is not None:
            anchor -= 1 if same and anchor > deal.position else 0
            return anchor + 1 if above else anchor
    others = _open_count(session, stage_id, deal.id)
    return others - max(0, min(int(index), others))


def move_deal(
    session: Session,
    actor: Actor,
    deal_id: str | UUID,
    to_stage_id: str | UUID,
    position: int,
    expected_version: int,
    *,
    close_date: date | None = None,
    final_value: Decimal | str | None = None,
    lost_reason: str | None = None,
    competitor: str | None = None,
    before_deal_id: str | UUID | None = None,
    after_deal_id: str | UUID | None = None,
    audit_action: str = "opportunity.move",
) -> MoveResult:
    """Drop a deal at ``position`` (0 = top) of a stage's column.

    In a filtered view the visible index is not the column index: pass the card shown just
    below the drop (``before_deal_id``) or just above it (``after_deal_id``) instead.

    One transaction: permission, tenancy, version check, dense positions in both columns,
    stage-derived probability/weighted value/status, history row, version bump, audit row.
    """
    require(actor, "pipeline.move")
    deal = load_deal(session, actor, deal_id)
    if not can_edit_deal(actor, deal.owner_id):
        raise Forbidden("You can move only your own deals.")
    source_id, target_id = deal.current_stage_id, as_uuid(to_stage_id, "Stage")
    stages = _lock_stages(session, actor, {source_id, target_id})  # and loads both, at once
    target = stages.get(target_id)
    if target is None or target.pipeline_id != deal.pipeline_id or target.deleted_at is not None:
        raise NotFound("Stage not found.")
    session.refresh(deal, with_for_update=True)
    if deal.version != expected_version or deal.current_stage_id != source_id:
        raise Conflict(_changed_by_message(session, actor, deal))
    source = stages[source_id]
    tz = org_context(session, actor).tz
    now = utcnow()
    same = source.id == target.id
    target_terminal = target.is_won or target.is_lost
    source_terminal = source.is_won or source.is_lost
    if same and target_terminal:  # Won/Lost columns are ordered by close date
        return MoveResult(str(deal.id), str(target.id), 0, deal.status.value, deal.version, False)
    closing = (
        {}
        if same
        else _closing_details(
            target, now.astimezone(tz).date(), close_date, final_value, lost_reason, competitor
        )
    )

    wip_warning = "" if same else _wip_check(session, actor, target, deal.id)
    old_pos = deal.position
    new_pos = (
        0
        if target_terminal
        else _drop_position(
            session, actor, deal, target.id, same, position, before_deal_id, after_deal_id
        )
    )
    if same and new_pos == old_pos:
        return MoveResult(
            str(deal.id), str(target.id), old_pos, deal.status.value, deal.version, False
        )

    before = audit.snapshot(deal, MOVE_FIELDS)
    if same:
        if new_pos < old_pos:
            _shift(session, target.id, deal.id, +1, new_pos, old_pos - 1)
        else:
            _shift(session, target.id, deal.id, -1, old_pos + 1, new_pos)
    else:
        if not source_terminal:
            _shift(session, source.id, deal.id, -1, old_pos + 1, None)
        if not target_terminal:
            _shift(session, target.id, deal.id, +1, new_pos, None)
        seconds = max(0, int((now - deal.stage_entered_at).total_seconds()))
        session.add(
            OpportunityStageHistory(
                organization_id=actor.organization_id,
                opportunity_id=deal.id,
                from_stage_id=source.id,
                to_stage_id=target.id,
                moved_by=actor.user_id,
                moved_at=now,
                seconds_in_from_stage=seconds,
                value_at_move=closing.get("value", deal.value),
            )
        )
        for key, value in closing.items():
            setattr(deal, key, value)
        deal.current_stage_id = target.id
        deal.probability = target.probability
        deal.weighted_value = weighted(deal.value, target.probability)
        deal.stage_entered_at = now
        deal.time_in_stage = 0
    deal.position = new_pos
    deal.version += 1
    deal.updated_at = now
    session.add(deal)
    audit.record(
        session,
        actor,
        "opportunity.reorder" if same else audit_action,
        "opportunity",
        deal.id,
        before=before,
        after=audit.snapshot(deal, MOVE_FIELDS),
    )
    session.flush()
    mark_changed(session, actor.organization_id, "stage", [source.id, target.id])
    return MoveResult(
        str(deal.id), str(target.id), new_pos, deal.status.value, deal.version, True,
        str(source.id), wip_warning=wip_warning, can_undo=not same,
    )  # fmt: skip


def _wip_check(session: Session, actor: Actor, target: PipelineStage, deal_id: UUID) -> str:
    """The WIP rule of a drop into an open column (the columns are locked): over a hard limit
    only ``pipeline.manage`` may drop (Forbidden otherwise); over a soft one, a warning."""
    if not target.wip_limit or target.is_won or target.is_lost:
        return ""
    after = _open_count(session, target.id, deal_id) + 1
    if after <= target.wip_limit:
        return ""
    if target.wip_hard and not actor.can("pipeline.manage"):
        raise Forbidden(
            f"{target.name} is at its WIP limit of {target.wip_limit} open deals; "
            "a manager can go over it."
        )
    return f"{target.name} now holds {after} open deals; its WIP limit is {target.wip_limit}."


def undo_move(
    session: Session, actor: Actor, deal_id: str | UUID, expected_version: int
) -> MoveResult:
    """Take back the actor's last move of a deal to another stage: a real move back to the
    stage (and place) it came from, with its own history and audit rows. Refused when anyone
    changed the deal since (its version moved on) or the last move was not the actor's."""
    require(actor, "pipeline.move")
    deal = load_deal(session, actor, deal_id)
    if not can_edit_deal(actor, deal.owner_id):
        raise Forbidden("You can move only your own deals.")
    if deal.version != expected_version:
        raise Conflict("This deal changed since your move, so it can't be undone.")
    last = session.execute(
        text(
            "SELECT actor_id, action, changes FROM audit_logs WHERE organization_id = :org "
            "AND entity_type = 'opportunity' AND entity_id = :d ORDER BY created_at DESC, id DESC "
            "LIMIT 1"
        ),
        {"org": actor.organization_id, "d": deal.id},
    ).first()
    before = ((last.changes or {}).get("before") or {}) if last else {}
    if (
        last is None
        or last.action != "opportunity.move"
        or last.actor_id != actor.user_id
        or "current_stage_id" not in before
        or str(before["current_stage_id"]) == str(deal.current_stage_id)
    ):
        raise Conflict("There is no move of yours to undo on this deal.")
    back_to = as_uuid(str(before["current_stage_id"]), "Stage")
    source = session.get(PipelineStage, back_to)
    if source is None or source.deleted_at is not None:
        raise Conflict("The stage this deal came from is gone, so the move can't be undone.")
    others = _open_count(session, back_to, deal.id)
    index = others - max(0, min(int(before.get("position", deal.position) or 0), others))
    closed_on = before.get("actual_close_date", deal.actual_close_date)
    return move_deal(
        session, actor, deal.id, back_to, index, expected_version,
        close_date=date.fromisoformat(str(closed_on)) if closed_on else None,
        final_value=before.get("value", deal.value),
        lost_reason=before.get("closed_reason", deal.closed_reason),
        competitor=before.get("competitor_won", deal.competitor_won),
        audit_action="opportunity.undo_move",
    )  # fmt: skip


def _changed_by_message(session: Session, actor: Actor, deal: Opportunity) -> str:
    """Who changed the deal since the user saw it (the last audited change of it)."""
    who = session.execute(
        text(
            "SELECT u.full_name FROM audit_logs a LEFT JOIN users u ON u.id = a.actor_id "
            "WHERE a.organization_id = :org AND a.entity_type = 'opportunity' AND a.entity_id = :d "
            "ORDER BY a.created_at DESC LIMIT 1"
        ),
        {"org": actor.organization_id, "d": deal.id},
    ).scalar()
    if who:
        return f"{who} changed this deal a moment ago; the board now shows where it is."
    return "Someone changed this deal a moment ago; the board now shows where it is."
