"""The shape of a pipeline, for ``pipeline.manage``: add and delete stages (a deleted stage's
deals move to another stage first), create and rename pipelines. Reordering and a stage's
settings are ``stages.update_stage``.

A deleted stage is soft-deleted (``deleted_at``): the deals' stage history keeps pointing at
it, so reports of past moves stay true.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from ...models import Opportunity, OpportunityStageHistory, Pipeline, PipelineStage
from ...models.base import utcnow
from ..core import audit
from ..core.changes import mark_changed
from ..core.errors import Conflict, Invalid, NotFound, as_uuid
from ..core.security import Actor, require
from .common import weighted
from .moves import LIVE_OPEN

MAX_STAGES = 30


def _name(raw: str, what: str, limit: int) -> str:
    name = " ".join((raw or "").split())
    if not name or len(name) > limit:
        raise Invalid(f"{what} needs a name of at most {limit} characters.")
    return name


def _pipeline(session: Session, actor: Actor, pipeline_id: str | UUID) -> Pipeline:
    pipe = session.exec(
        select(Pipeline).where(
            Pipeline.id == as_uuid(pipeline_id, "Pipeline"),
            Pipeline.organization_id == actor.organization_id,
            ~col(Pipeline.is_archived),
        )
    ).first()
    if pipe is None:
        raise NotFound("Pipeline not found.")
    return pipe


def _stages(session: Session, actor: Actor, pipeline_id: UUID) -> list[PipelineStage]:
    """The live stages of a pipeline, locked in id order (the order move_deal locks them)."""
    rows = list(
        session.exec(
            select(PipelineStage)
            .where(
                PipelineStage.organization_id == actor.organization_id,
                PipelineStage.pipeline_id == pipeline_id,
                col(PipelineStage.deleted_at).is_(None),
            )
            .order_by(col(PipelineStage.id))
            .with_for_update()
        ).all()
    )
    return sorted(rows, key=lambda s: (s.position, s.name))


def _renumber(session: Session, order: list[PipelineStage]) -> None:
    for index, s in enumerate(order):
        if s.position != index:
            s.position = index
            session.add(s)


def _taken(stages: list[PipelineStage], name: str, but: UUID | None = None) -> bool:
    return any(s.name.casefold() == name.casefold() and s.id != but for s in stages)


def add_stage(
    session: Session,
    actor: Actor,
    pipeline_id: str | UUID,
    name: str,
    probability: Decimal | int | str = 10,
) -> str:
    """A new open stage, placed just before the first Won/Lost column; returns its id."""
    require(actor, "pipeline.manage")
    pipe = _pipeline(session, actor, pipeline_id)
    name = _name(name, "A stage", 60)
    try:
        chance = Decimal(str(probability)).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise Invalid("Probability must be a number from 0 to 100.") from None
    if not chance.is_finite() or not 0 <= chance <= 100:
        raise Invalid("Probability must be a number from 0 to 100.")
    stages = _stages(session, actor, pipe.id)
    if len(stages) >= MAX_STAGES:
        raise Invalid(f"A pipeline has at most {MAX_STAGES} stages.")
    if _taken(stages, name):
        raise Conflict(f"{pipe.name} already has a stage called {name}.")
    at = next((i for i, s in enumerate(stages) if s.is_won or s.is_lost), len(stages))
    stage = PipelineStage(
        organization_id=actor.organization_id,
        pipeline_id=pipe.id,
        name=name,
        position=at,
        probability=chance,
    )
    order = [*stages[:at], stage, *stages[at:]]
    session.add(stage)
    session.flush()
    _renumber(session, order)
    audit.record(
        session, actor, "pipeline_stage.create", "pipeline_stage", stage.id,
        after={"name": name, "pipeline": pipe.name, "position": at, "probability": chance},
    )  # fmt: skip
    session.flush()
    return str(stage.id)


def delete_stage(
    session: Session, actor: Actor, stage_id: str | UUID, move_to_stage_id: str | UUID | None
) -> int:
    """Delete a stage; its open deals go to the top of ``move_to_stage_id`` (another open
    stage of the same pipeline), each with a history row. Returns how many deals moved.
    Won/Lost stages can't be deleted (closed deals live there)."""
    require(actor, "pipeline.manage")
    sid = as_uuid(stage_id, "Stage")
    probe = session.exec(
        select(PipelineStage).where(
            PipelineStage.id == sid,
            PipelineStage.organization_id == actor.organization_id,
            col(PipelineStage.deleted_at).is_(None),
        )
    ).first()
    if probe is None:
        raise NotFound("Stage not found.")
    stages = _stages(session, actor, probe.pipeline_id)
    stage = next(s for s in stages if s.id == sid)
    if stage.is_won or stage.is_lost:
        raise Invalid("The Won and Lost stages hold closed deals and can't be deleted.")
    open_stages = [s for s in stages if not (s.is_won or s.is_lost)]
    if len(open_stages) <= 1:
        raise Invalid("A pipeline needs at least one open stage.")
    deals = list(
        session.exec(
            select(Opportunity)
            .where(
                Opportunity.organization_id == actor.organization_id,
                Opportunity.current_stage_id == stage.id,
                col(Opportunity.deleted_at).is_(None),
            )
            .order_by(col(Opportunity.position).desc(), col(Opportunity.id))
            .with_for_update()
        ).all()
    )
    target: PipelineStage | None = None
    if move_to_stage_id:
        tid = as_uuid(move_to_stage_id, "Stage")
        target = next((s for s in open_stages if s.id == tid and s.id != stage.id), None)
        if target is None:
            raise Invalid("Choose another open stage of this pipeline for its deals.")
    elif deals:
        raise Invalid(f"{stage.name} holds {len(deals)} deals: choose the stage they move to.")
    now = utcnow()
    if target is not None and deals:
        # On top of the target column (positions count from the bottom), in their old order.
        n = len(deals)
        below = session.execute(
            text(f"SELECT count(*) FROM opportunities WHERE current_stage_id = :t AND {LIVE_OPEN}"),
            {"t": target.id},
        ).scalar_one()
        for i, deal in enumerate(deals):
            session.add(
                OpportunityStageHistory(
                    organization_id=actor.organization_id,
                    opportunity_id=deal.id,
                    from_stage_id=stage.id,
                    to_stage_id=target.id,
                    moved_by=actor.user_id,
                    moved_at=now,
                    seconds_in_from_stage=max(
                        0, int((now - deal.stage_entered_at).total_seconds())
                    ),
                    value_at_move=deal.value,
                )
            )
            deal.current_stage_id = target.id
            deal.position = below + n - 1 - i
            deal.probability = target.probability
            deal.weighted_value = weighted(deal.value, target.probability)
            deal.stage_entered_at = now
            deal.time_in_stage = 0
            deal.version += 1
            deal.updated_at = now
            session.add(deal)
    stage.deleted_at = now
    stage.updated_at = now
    session.add(stage)
    _renumber(session, [s for s in stages if s.id != stage.id])
    audit.record(
        session, actor, "pipeline_stage.delete", "pipeline_stage", stage.id,
        before={"name": stage.name, "deals": len(deals)},
        after={"moved_to": target.name if target else None},
    )  # fmt: skip
    session.flush()
    mark_changed(session, actor.organization_id, "pipeline", [stage.pipeline_id])
    return len(deals)


DEFAULT_STAGES = [
    ("New", 10, False, False),
    ("Qualified", 30, False, False),
    ("Proposal", 60, False, False),
    ("Won", 100, True, False),
    ("Lost", 0, False, True),
]


def create_pipeline(session: Session, actor: Actor, name: str) -> str:
    """A new pipeline with a starting set of stages (New, Qualified, Proposal, Won, Lost)."""
    require(actor, "pipeline.manage")
    name = _name(name, "A pipeline", 80)
    exists = session.exec(
        select(Pipeline.id).where(
            Pipeline.organization_id == actor.organization_id,
            func.lower(Pipeline.name) == name.lower(),
        )
    ).first()
    if exists is not None:
        raise Conflict(f"There is already a pipeline called {name}.")
    last = session.exec(
        select(Pipeline.position)
        .where(Pipeline.organization_id == actor.organization_id)
        .order_by(col(Pipeline.position).desc())
    ).first()
    pipe = Pipeline(organization_id=actor.organization_id, name=name, position=(last or 0) + 1)
    session.add(pipe)
    session.flush()
    for i, (stage_name, chance, won, lost) in enumerate(DEFAULT_STAGES):
        session.add(
            PipelineStage(
                organization_id=actor.organization_id,
                pipeline_id=pipe.id,
                name=stage_name,
                position=i,
                probability=Decimal(chance),
                is_won=won,
                is_lost=lost,
            )
        )
    audit.record(session, actor, "pipeline.create", "pipeline", pipe.id, after={"name": name})
    session.flush()
    return str(pipe.id)


def rename_pipeline(session: Session, actor: Actor, pipeline_id: str | UUID, name: str) -> None:
    require(actor, "pipeline.manage")
    pipe = _pipeline(session, actor, pipeline_id)
    name = _name(name, "A pipeline", 80)
    if name == pipe.name:
        return
    clash = session.exec(
        select(Pipeline.id).where(
            Pipeline.organization_id == actor.organization_id,
            func.lower(Pipeline.name) == name.lower(),
            Pipeline.id != pipe.id,
        )
    ).first()
    if clash is not None:
        raise Conflict(f"There is already a pipeline called {name}.")
    before = {"name": pipe.name}
    pipe.name = name
    pipe.updated_at = utcnow()
    session.add(pipe)
    audit.record(
        session, actor, "pipeline.rename", "pipeline", pipe.id, before=before, after={"name": name}
    )
    session.flush()
