"""Convert a lead to a deal: an opportunity in the pipeline's first open stage, linked both ways.

The deal itself is created by ``deals.create_deal`` (the pipeline's own rules: first open stage,
top of the column with dense positions, probability and weighted value from the stage, version 1,
creation row in ``opportunity_stage_history`` with from_stage_id NULL, audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlmodel import Session, col, select

from ...models import LeadStatus, Opportunity, Pipeline, PipelineStage
from ...models.base import utcnow
from ..access.abilities import ensure
from ..core import audit
from ..core.dates import parse_date
from ..core.errors import Forbidden, Invalid, as_uuid
from ..core.formatting import format_money
from ..core.labels import label
from ..core.money import parse_money
from ..core.results import Option
from ..core.scope import company_of, load_lead
from ..core.security import Actor, require
from ..pipeline.deals import create_deal


def convertible_pipelines(session: Session, actor: Actor) -> list[Option]:
    require(actor, "pipeline.read")
    rows = session.exec(
        select(Pipeline)
        .where(Pipeline.organization_id == actor.organization_id, ~col(Pipeline.is_archived))
        .order_by(col(Pipeline.is_default).desc(), col(Pipeline.position), col(Pipeline.name))
    ).all()
    return [Option(id=str(p.id), name=p.name) for p in rows]


def default_deal_name(company: Any) -> str:
    """``Hancock Painting – Painting`` (the company alone when its trade is unknown)."""
    kind = label(company.business_type)
    return f"{company.name} – {kind}" if kind and kind != "Other" else company.name


def convert_lead(
    session: Session,
    actor: Actor,
    lead_id: str | UUID,
    *,
    pipeline_id: str | UUID,
    value: Any,
    expected_close: date | str | None = None,
    name: str | None = None,
    owner_id: str | UUID | None = None,
) -> str:
    """Create the deal (named ``name``, default "<company> – <trade>"; owned by ``owner_id``,
    default the lead's owner), mark the lead converted; returns the deal id."""
    lead = load_lead(session, actor, lead_id, for_update=True)
    ensure(actor, "convert", lead)
    if lead.status in (LeadStatus.CONVERTED, LeadStatus.LOST, LeadStatus.UNQUALIFIED):
        raise Invalid(f"A {lead.status.value} lead cannot be converted.")
    amount = parse_money(value)
    expected_close = parse_date(expected_close, "The expected close")
    company = company_of(session, lead)
    if owner_id not in (None, ""):
        owner = as_uuid(owner_id, "User")
        if owner != actor.user_id and not actor.can("pipeline.manage"):
            raise Forbidden("Only a manager can create a deal for someone else.")
    else:
        owner = lead.assigned_to or actor.user_id
        if owner != actor.user_id and not actor.can("pipeline.manage"):
            owner = actor.user_id
    deal_id = create_deal(
        session,
        actor,
        pipeline_id,
        name=(name or "").strip() or default_deal_name(company),
        value=amount,
        company_id=company.id,
        expected_close_date=expected_close,
        owner_id=owner,
    )
    before = audit.snapshot(lead, ["status", "converted_at", "conversion_value", "assigned_to"])
    now = utcnow()
    lead.status, lead.converted_at, lead.conversion_value, lead.updated_at = (
        LeadStatus.CONVERTED,
        now,
        amount,
        now,
    )
    if lead.assigned_to is None:
        lead.assigned_to, lead.assigned_at = owner, now
    session.add(lead)
    audit.record(
        session,
        actor,
        "lead.convert",
        "lead",
        lead.id,
        before=before,
        after={
            **audit.snapshot(lead, ["status", "converted_at", "conversion_value", "assigned_to"]),
            "opportunity_id": deal_id,
        },
    )
    session.flush()
    return deal_id


@dataclass(frozen=True)
class LeadDeal:
    """A deal made from the lead, with its current stage."""

    id: str
    name: str
    stage: str
    pipeline: str
    status: str
    value: str


def lead_deals(
    session: Session, lead_id: UUID, organization_id: UUID, currency: str = "USD"
) -> list[LeadDeal]:
    """The deals made from a lead, with their current stage."""
    rows = session.exec(
        select(Opportunity, PipelineStage.name, Pipeline.name)
        .join(PipelineStage, col(PipelineStage.id) == Opportunity.current_stage_id)
        .join(Pipeline, col(Pipeline.id) == Opportunity.pipeline_id)
        .where(
            Opportunity.organization_id == organization_id,
            Opportunity.lead_id == lead_id,
            col(Opportunity.deleted_at).is_(None),
        )
        .order_by(col(Opportunity.created_at).desc())
    ).all()
    return [
        LeadDeal(
            id=str(o.id),
            name=o.name,
            stage=stage,
            pipeline=pipe,
            status=o.status.value,
            value=format_money(o.value, currency, cents=True),
        )
        for o, stage, pipe in rows
    ]
