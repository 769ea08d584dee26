"""Deal create (\"New deal\") and edit (the drawer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlmodel import Session, col, select

from ...models import (
    Lead,
    LeadSource,
    LeadStatus,
    Opportunity,
    OpportunityStageHistory,
    PipelineStage,
)
from ...models.base import utcnow
from ..access.abilities import load_holder
from ..core import audit
from ..core.changes import mark_changed
from ..core.errors import Conflict, Forbidden, Invalid, as_uuid
from ..core.money import parse_money
from ..core.scope import can_edit_deal, lead_scope, load_company, load_deal, load_org_user
from ..core.security import Actor, require
from .common import weighted
from .kanban import choose_pipeline
from .moves import LIVE_OPEN

EDIT_FIELDS = ["name", "value", "weighted_value", "expected_close_date", "owner_id", "version"]


@dataclass(frozen=True)
class DealBrief:
    """What the Won/Lost dialog names: the deal and its value (plain decimal)."""

    name: str
    value: str


def deal_brief(session: Session, actor: Actor, deal_id: str | UUID) -> DealBrief:
    deal = load_deal(session, actor, deal_id)
    return DealBrief(name=deal.name, value=f"{deal.value:f}" if deal.value is not None else "")


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise Invalid("The deal needs a name.")
    if len(name) > 200:
        raise Invalid("The deal name is too long (200 characters at most).")
    return name


def create_deal(
    session: Session,
    actor: Actor,
    pipeline_id: str | UUID,
    *,
    name: str,
    value: Any,
    company_id: str | UUID,
    expected_close_date: date | None = None,
    owner_id: str | UUID | None = None,
) -> str:
    """A new deal at the top of the pipeline's first open stage; returns its id."""
    require(actor, "pipeline.move")
    pipe = choose_pipeline(session, actor, as_uuid(pipeline_id, "Pipeline"))
    owner = actor.user_id if owner_id in (None, "") else as_uuid(owner_id, "User")
    if owner != actor.user_id and not actor.can("pipeline.manage"):
        raise Forbidden("Only a manager can create a deal for someone else.")
    if owner != actor.user_id:
        owner = load_holder(session, actor, owner, "deal")
    company = load_company(session, actor, company_id)  # a colleague's lead: not found
    clean_name, amount = _clean_name(name), parse_money(value)
    first = session.exec(
        select(PipelineStage)
        .where(
            PipelineStage.organization_id == actor.organization_id,
            PipelineStage.pipeline_id == pipe.id,
            ~col(PipelineStage.is_won),
            ~col(PipelineStage.is_lost),
        )
        .order_by(col(PipelineStage.position))
        .limit(1)
        .with_for_update()
    ).first()
    if first is None:
        raise Invalid("This pipeline has no open stage to put the deal in.")
    lead = session.exec(
        select(Lead)
        .where(Lead.company_id == company.id, col(Lead.deleted_at).is_(None), lead_scope(actor))
        .order_by(col(Lead.created_at))
    ).first()
    if lead is None:
        lead = Lead(
            organization_id=actor.organization_id,
            company_id=company.id,
            status=LeadStatus.CONVERTED,
            source=LeadSource.MANUAL,
            assigned_to=owner,
            converted_at=utcnow(),
        )
        session.add(lead)
        session.flush()
        audit.record(
            session, actor, "lead.create", "lead", lead.id, after={"company_id": company.id}
        )
    now = utcnow()
    top = session.execute(  # columns show positions descending: the new deal goes on top
        text(f"SELECT count(*) FROM opportunities WHERE current_stage_id = :s AND {LIVE_OPEN}"),
        {"s": first.id},
    ).scalar_one()
    deal = Opportunity(
        organization_id=actor.organization_id,
        lead_id=lead.id,
        pipeline_id=pipe.id,
        current_stage_id=first.id,
        name=clean_name,
        value=amount,
        probability=first.probability,
        weighted_value=weighted(amount, first.probability),
        expected_close_date=expected_close_date,
        owner_id=owner,
        position=top,
        stage_entered_at=now,
        created_by=actor.user_id,
    )
    session.add(deal)
    session.flush()
    session.add(
        OpportunityStageHistory(
            organization_id=actor.organization_id,
            opportunity_id=deal.id,
            to_stage_id=first.id,
            moved_by=actor.user_id,
            moved_at=now,
            value_at_move=amount,
        )
    )
    audit.record(
        session,
        actor,
        "opportunity.create",
        "opportunity",
        deal.id,
        after={"name": clean_name, "value": amount, "stage": first.id, "owner_id": owner},
    )
    mark_changed(session, actor.organization_id, "stage", [first.id])
    session.flush()
    return str(deal.id)


def update_deal(
    session: Session,
    actor: Actor,
    deal_id: str | UUID,
    expected_version: int,
    *,
    name: str,
    value: Any,
    expected_close_date: date | None,
    owner_id: str | UUID | None,
) -> int:
    """Edit a deal from the drawer; returns the new version."""
    require(actor, "pipeline.move")
    deal = load_deal(session, actor, deal_id, lock=True)
    if not can_edit_deal(actor, deal.owner_id):
        raise Forbidden("You can edit only your own deals.")
    if deal.version != expected_version:
        raise Conflict("Someone else changed this deal a moment ago. Reopen it to see the changes.")
    owner = None if owner_id in (None, "") else load_org_user(session, actor, owner_id).id
    if owner != deal.owner_id and not actor.can("pipeline.manage"):
        raise Forbidden("Only a manager can hand a deal to someone else.")
    if owner is not None and owner != deal.owner_id:
        owner = load_holder(session, actor, owner, "deal")
    before = audit.snapshot(deal, EDIT_FIELDS)
    deal.name = _clean_name(name)
    deal.value = parse_money(value)
    deal.weighted_value = weighted(deal.value, deal.probability)
    deal.expected_close_date = expected_close_date
    deal.owner_id = owner
    after = audit.snapshot(deal, EDIT_FIELDS)
    if audit.diff(before, after)["after"]:
        deal.version += 1
        deal.updated_at = utcnow()
        session.add(deal)
        audit.record(
            session,
            actor,
            "opportunity.update",
            "opportunity",
            deal.id,
            before=before,
            after=audit.snapshot(deal, EDIT_FIELDS),
        )
        mark_changed(session, actor.organization_id, "stage", [deal.current_stage_id])
        session.flush()
    return deal.version
