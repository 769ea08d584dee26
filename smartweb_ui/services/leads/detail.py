"""One lead for the detail page: company profile, enrichment, tags, score breakdown, status
workflow, timeline (interactions, AI calls, stage moves of its deals; newest first), tasks, deals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ...models import (
    AICall,
    Interaction,
    LeadEnrichment,
    LeadTag,
    Opportunity,
    OpportunityStageHistory,
    PipelineStage,
    User,
)
from ...models.base import utcnow
from ..core.formatting import format_datetime, format_money
from ..core.org import org_context
from ..core.scope import company_of, load_lead
from ..core.security import Actor
from ..tasks.followups import TaskRow, task_list
from .actions import NEEDS_REASON, next_statuses
from .common import OPEN_STATUSES, user_names
from .convert import LeadDeal, lead_deals
from .interactions import CALL_OUTCOMES
from .scoring import describe

# (label, company column, kind) — the profile shows every company column of the seed.
PROFILE: list[tuple[str, str, str]] = [
    ("Name", "name", "text"),
    ("DBA", "dba_name", "text"),
    ("Business type", "business_type", "enum"),
    ("Phone", "phone", "phone"),
    ("E-mail", "email", "email"),
    ("Website", "website", "url"),
    ("Street", "street_address", "text"),
    ("City", "city", "text"),
    ("State", "state", "text"),
    ("ZIP", "zip_code", "text"),
    ("Country", "country", "text"),
    ("Latitude", "latitude", "text"),
    ("Longitude", "longitude", "text"),
    ("Licence number", "license_number", "text"),
    ("Licence state", "license_state", "text"),
    ("Licence expiry", "license_expiry", "date"),
    ("Years in business", "years_in_business", "int"),
    ("Employees", "employee_count", "int"),
    ("Annual revenue", "annual_revenue", "money"),
    ("Google business id", "google_business_id", "text"),
    ("Google rating", "google_rating", "text"),
    ("Google reviews", "google_reviews_count", "int"),
    ("Facebook", "facebook_url", "url"),
    ("LinkedIn", "linkedin_url", "url"),
    ("Instagram", "instagram_url", "url"),
    ("External id", "external_id", "text"),
    ("Active", "is_active", "bool"),
    ("Last scraped", "last_scraped_at", "datetime"),
]


@dataclass(frozen=True)
class ProfileField:
    label: str
    value: str
    href: str


@dataclass(frozen=True)
class TimelineItem:
    """One entry of the lead's timeline: an interaction, an AI call or a stage move."""

    id: str
    kind: str
    title: str
    body: str
    details: str
    who: str
    when: str


@dataclass(frozen=True)
class EnrichmentField:
    key: str
    value: str


@dataclass(frozen=True)
class Enrichment:
    provider: str
    when: str
    confidence: str
    fields: list[EnrichmentField]


@dataclass(frozen=True)
class LeadDetail:
    """Everything the lead page shows (display-ready; no ORM objects)."""

    id: str
    company_id: str
    company_name: str
    status: str
    next_statuses: list[str]
    reason_statuses: list[str]
    lost_reason: str
    source: str
    score: int
    breakdown: list[str]
    assignee: str
    assignee_id: str
    created: str
    sla_due: str
    overdue: bool
    first_contact: str
    last_contact: str
    attempts: int
    converted: str
    conversion_value: str
    profile: list[ProfileField]
    tags: list[str]
    enrichment: list[Enrichment]
    timeline: list[TimelineItem]
    tasks: list[TaskRow]
    deals: list[LeadDeal]


def _display(value: Any, kind: str, tz: Any, currency: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "enum":
        return str(getattr(value, "value", value)).replace("_", " ")
    if kind == "money":
        return format_money(Decimal(value), currency)
    if kind == "int":
        return f"{int(value):,}"
    if kind == "bool":
        return "Yes" if value else "No"
    if kind == "datetime" and isinstance(value, datetime):
        return format_datetime(value, tz, with_year=True)
    if kind == "date" and isinstance(value, date):
        return value.strftime("%b %d %Y")
    return str(value)


def _href(value: str, kind: str) -> str:
    if not value:
        return ""
    if kind == "url":
        return value if value.startswith(("http://", "https://")) else f"https://{value}"
    if kind == "email":
        return f"mailto:{value}"
    if kind == "phone":
        return "tel:" + "".join(ch for ch in value if ch.isdigit() or ch == "+")
    return ""


def _flatten(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(data, dict):
        out: list[tuple[str, str]] = []
        for key, val in data.items():
            out += _flatten(val, f"{prefix}{key}.")
        return out
    if isinstance(data, list):
        return [(prefix.rstrip("."), ", ".join(str(v) for v in data))]
    return [(prefix.rstrip("."), "" if data is None else str(data))]


def _attendee(value: Any) -> str:
    if isinstance(value, dict):
        name = value.get("name") or value.get("email") or ""
        return f"{name} ({value['role']})" if value.get("role") else str(name)
    return str(value)


def timeline(
    session: Session, lead_id: UUID, organization_id: UUID, tz: Any, limit: int = 200
) -> list[TimelineItem]:
    """Interactions, queued/unlogged AI calls and deal stage moves, newest first."""
    names = user_names(session, organization_id)
    items: list[tuple[datetime, TimelineItem]] = []
    for it in session.exec(
        select(Interaction)
        .where(Interaction.organization_id == organization_id, Interaction.lead_id == lead_id)
        .order_by(col(Interaction.created_at).desc())
        .limit(limit)
    ).all():
        details: list[str] = []
        if it.call_outcome:
            details.append(CALL_OUTCOMES.get(it.call_outcome, it.call_outcome))
        if it.call_duration:
            details.append(f"{it.call_duration // 60} min")
        if it.meeting_date:
            details.append(format_datetime(it.meeting_date, tz, with_year=True))
        if it.meeting_duration:
            details.append(f"{it.meeting_duration} min")
        if it.meeting_location:
            details.append(it.meeting_location)
        if it.meeting_attendees:
            details.append("with " + ", ".join(_attendee(a) for a in it.meeting_attendees))
        if it.direction:
            details.append(it.direction)
        items.append(
            (
                it.created_at,
                TimelineItem(
                    id=str(it.id),
                    kind=it.type.value,
                    title=it.subject or it.type.value.replace("_", " ").title(),
                    body=it.content or it.summary or "",
                    details=" · ".join(details),
                    who=names.get(it.initiated_by, "") if it.initiated_by else "",
                    when=format_datetime(it.created_at, tz, with_year=True),
                ),
            )
        )
    for call in session.exec(
        select(AICall)
        .where(
            AICall.organization_id == organization_id,
            AICall.lead_id == lead_id,
            col(AICall.interaction_id).is_(None),
        )
        .order_by(col(AICall.created_at).desc())
        .limit(50)
    ).all():
        outcome = (
            call.outcome.value.replace("_", " ")
            if call.outcome
            else call.status.value.replace("_", " ")
        )
        items.append(
            (
                call.created_at,
                TimelineItem(
                    id=str(call.id),
                    kind="ai_call",
                    title=f"AI call: {outcome}",
                    body=call.summary or "",
                    details=f"{call.duration_seconds // 60} min" if call.duration_seconds else "",
                    who="AI",
                    when=format_datetime(call.created_at, tz, with_year=True),
                ),
            )
        )
    from_stage = aliased(PipelineStage)
    to_stage = aliased(PipelineStage)
    moves = session.execute(
        sa.select(
            OpportunityStageHistory,
            col(Opportunity.name),
            col(from_stage.name),
            col(to_stage.name),
        )
        .join(Opportunity, col(Opportunity.id) == OpportunityStageHistory.opportunity_id)
        .join(to_stage, col(to_stage.id) == OpportunityStageHistory.to_stage_id)
        .outerjoin(from_stage, col(from_stage.id) == OpportunityStageHistory.from_stage_id)
        .where(
            col(OpportunityStageHistory.organization_id) == organization_id,
            col(Opportunity.lead_id) == lead_id,
        )
        .order_by(col(OpportunityStageHistory.moved_at).desc())
        .limit(100)
    ).all()
    for hist, deal, src, dst in moves:
        items.append(
            (
                hist.moved_at,
                TimelineItem(
                    id=str(hist.id),
                    kind="stage",
                    title=(
                        f"Deal “{deal}” created in {dst}"
                        if src is None
                        else f"Deal “{deal}”: {src} → {dst}"
                    ),
                    body="",
                    details="",
                    who=names.get(hist.moved_by, "") if hist.moved_by else "",
                    when=format_datetime(hist.moved_at, tz, with_year=True),
                ),
            )
        )
    items.sort(key=lambda pair: pair[0], reverse=True)
    return [item for _, item in items[:limit]]


def lead_detail(session: Session, actor: Actor, lead_id: str | UUID) -> LeadDetail:
    """Everything the detail page shows (display-ready strings; no ORM objects)."""
    lead = load_lead(session, actor, lead_id)
    company = company_of(session, lead)
    org = org_context(session, actor)
    tz, currency = org.tz, org.currency
    profile = []
    for label, column, kind in PROFILE:
        text = _display(getattr(company, column), kind, tz, currency)
        profile.append(ProfileField(label=label, value=text, href=_href(text, kind)))
    assignee = session.get(User, lead.assigned_to) if lead.assigned_to else None
    tags = session.exec(
        select(LeadTag.tag)
        .where(LeadTag.organization_id == actor.organization_id, LeadTag.lead_id == lead.id)
        .order_by(LeadTag.tag)
    ).all()
    enrichment = [
        Enrichment(
            provider=e.provider,
            when=format_datetime(e.enriched_at, tz, with_year=True),
            confidence=f"{e.confidence}%" if e.confidence is not None else "",
            fields=[EnrichmentField(key=k, value=v) for k, v in _flatten(e.data)][:60],
        )
        for e in session.exec(
            select(LeadEnrichment)
            .where(
                LeadEnrichment.organization_id == actor.organization_id,
                LeadEnrichment.lead_id == lead.id,
            )
            .order_by(col(LeadEnrichment.enriched_at).desc())
            .limit(10)
        ).all()
    ]
    now = utcnow()
    overdue = (
        lead.first_contact_at is None
        and lead.sla_due_at is not None
        and lead.sla_due_at < now
        and lead.status in OPEN_STATUSES
    )
    return LeadDetail(
        id=str(lead.id),
        company_id=str(company.id),
        company_name=company.name,
        status=lead.status.value,
        next_statuses=next_statuses(lead.status),
        reason_statuses=[s.value for s in NEEDS_REASON],
        lost_reason=lead.lost_reason or "",
        source=lead.source.value.replace("_", " "),
        score=lead.lead_score,
        breakdown=[describe(item) for item in lead.score_breakdown or []],
        assignee=(assignee.full_name or assignee.email) if assignee else "",
        assignee_id=str(lead.assigned_to or ""),
        created=format_datetime(lead.created_at, tz, with_year=True),
        sla_due=format_datetime(lead.sla_due_at, tz, with_year=True),
        overdue=overdue,
        first_contact=format_datetime(lead.first_contact_at, tz, with_year=True),
        last_contact=format_datetime(lead.last_contact_at, tz, with_year=True),
        attempts=lead.contact_attempts,
        converted=format_datetime(lead.converted_at, tz, with_year=True),
        conversion_value=format_money(lead.conversion_value, currency)
        if lead.conversion_value is not None
        else "",
        profile=profile,
        tags=list(tags),
        enrichment=enrichment,
        timeline=timeline(session, lead.id, actor.organization_id, tz),
        tasks=task_list(session, actor, lead_id=lead.id),
        deals=lead_deals(session, lead.id, actor.organization_id),
    )
