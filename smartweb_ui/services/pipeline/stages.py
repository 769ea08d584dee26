"""Stage settings (name, order, probability, rot threshold, WIP limit, won/lost) — managers only."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from uuid import UUID

from sqlalchemy import text
from sqlmodel import Session, col, select

from ...models import PipelineStage
from ...models.base import utcnow
from ..core import audit
from ..core.errors import Invalid, NotFound, as_uuid
from ..core.security import Actor, require

STAGE_FIELDS = [
    "name", "position", "probability", "rotting_days", "wip_limit", "wip_hard", "is_won", "is_lost",
]  # fmt: skip
KINDS = ("open", "won", "lost")


@dataclass(frozen=True)
class StageSettings:
    """What the stage-settings dialog edits (strings as typed; validated here)."""

    name: str
    position: int
    probability: str
    rotting_days: str = ""
    wip_limit: str = ""
    kind: str = "open"  # open | won | lost
    wip_hard: bool = False  # refuse drops over the limit for people without pipeline.manage


@dataclass(frozen=True)
class StageView:
    """A stage's current settings, as the dialog shows them."""

    id: str
    name: str
    position: int
    probability: str
    rotting_days: str
    wip_limit: str
    kind: str
    wip_hard: bool = False


def stage_settings(session: Session, actor: Actor, stage_id: str | UUID) -> StageView:
    """Current settings of a stage, for the dialog."""
    require(actor, "pipeline.read")
    stage = _load(session, actor, stage_id)
    return StageView(
        id=str(stage.id),
        name=stage.name,
        position=stage.position,
        probability=f"{Decimal(stage.probability).normalize():f}",
        rotting_days="" if stage.rotting_days is None else str(stage.rotting_days),
        wip_limit="" if stage.wip_limit is None else str(stage.wip_limit),
        kind="won" if stage.is_won else "lost" if stage.is_lost else "open",
        wip_hard=stage.wip_hard,
    )


def _load(session: Session, actor: Actor, stage_id: str | UUID) -> PipelineStage:
    stage = session.exec(
        select(PipelineStage).where(
            PipelineStage.id == as_uuid(stage_id, "Stage"),
            PipelineStage.organization_id == actor.organization_id,
            col(PipelineStage.deleted_at).is_(None),
        )
    ).first()
    if stage is None or stage.organization_id != actor.organization_id:
        raise NotFound("Stage not found.")
    return stage


def _optional_int(raw: str, what: str, lo: int, hi: int) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(f"{what} must be a whole number.") from None
    if not lo <= value <= hi:
        raise Invalid(f"{what} must be between {lo} and {hi}, or empty for none.")
    return value


def update_stage(
    session: Session, actor: Actor, stage_id: str | UUID, settings: StageSettings
) -> None:
    """Apply the dialog; a probability change re-weights the stage's open deals in one UPDATE."""
    require(actor, "pipeline.manage")
    stage = _load(session, actor, stage_id)
    name = (settings.name or "").strip()
    if not name or len(name) > 60:
        raise Invalid("A stage needs a name of at most 60 characters.")
    if settings.kind not in KINDS:
        raise Invalid("A stage is open, won or lost.")
    try:
        probability = Decimal(str(settings.probability).strip().rstrip("%")).quantize(
            Decimal("0.01")
        )
    except (InvalidOperation, ValueError):
        raise Invalid("Probability must be a number from 0 to 100.") from None
    if not probability.is_finite() or not Decimal(0) <= probability <= Decimal(100):
        raise Invalid("Probability must be a number from 0 to 100.")
    rotting = _optional_int(settings.rotting_days, "Rotting days", 1, 3650)
    wip = _optional_int(settings.wip_limit, "WIP limit", 1, 100000)
    is_won, is_lost = settings.kind == "won", settings.kind == "lost"
    if is_won:
        probability = Decimal(100)
    if is_lost:
        probability = Decimal(0)

    if (is_won, is_lost) != (stage.is_won, stage.is_lost):
        has_deals = session.execute(
            text(
                "SELECT EXISTS (SELECT 1 FROM opportunities WHERE organization_id = :org "
                "AND current_stage_id = :s AND deleted_at IS NULL)"
            ),
            {"org": actor.organization_id, "s": stage.id},
        ).scalar_one()
        if has_deals:
            raise Invalid(
                "Move the deals out of this stage before changing whether it is won or lost."
            )

    # Lock every column of the pipeline in id order (the order move_deal uses).
    siblings = list(
        session.exec(
            select(PipelineStage)
            .where(
                PipelineStage.organization_id == actor.organization_id,
                PipelineStage.pipeline_id == stage.pipeline_id,
                col(PipelineStage.deleted_at).is_(None),
            )
            .order_by(col(PipelineStage.id))
            .with_for_update()
        ).all()
    )
    siblings.sort(key=lambda s: (s.position, s.name))
    before = audit.snapshot(stage, STAGE_FIELDS)
    old_probability = Decimal(stage.probability)
    order = [s for s in siblings if s.id != stage.id]
    order.insert(max(0, min(int(settings.position), len(order))), stage)
    for index, s in enumerate(order):
        if s.position != index:
            s.position = index
            session.add(s)
    stage.name = name
    stage.probability = probability
    stage.rotting_days = rotting
    stage.wip_limit = wip
    stage.wip_hard = bool(settings.wip_hard and wip)
    stage.is_won, stage.is_lost = is_won, is_lost
    stage.updated_at = utcnow()
    session.add(stage)
    after = audit.snapshot(stage, STAGE_FIELDS)
    if not audit.diff(before, after)["after"]:
        return
    if probability != old_probability:
        session.execute(
            text(
                "UPDATE opportunities SET probability = :p, "
                "weighted_value = round(value * :p / 100, 2), updated_at = clock_timestamp() "
                "WHERE organization_id = :org AND current_stage_id = :s AND status = 'open'"
            ),
            {"p": probability, "org": actor.organization_id, "s": stage.id},
        )
    audit.record(
        session,
        actor,
        "pipeline_stage.update",
        "pipeline_stage",
        stage.id,
        before=before,
        after=after,
    )
    session.flush()
