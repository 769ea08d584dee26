"""One lead for the detail page: company profile, enrichment, tags, score breakdown, status
workflow, timeline (interactions, AI calls, stage moves of its deals; newest first), tasks, deals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
from ..access.abilities import LeadAbilities, lead_abilities, may_change_entry
from ..core.formatting import currency_symbol, format_date, format_datetime, format_money
from ..core.labels import label
from ..core.org import org_context
from ..core.scope import company_of, load_lead
from ..core.security import Actor
from ..tasks.followups import TaskRow, task_list
from .actions import NEEDS_REASON, next_statuses
from .common import OPEN_STATUSES, user_names
from .convert import LeadDeal, default_deal_name, lead_deals
from .editing import CONTACT_METHODS as CONTACT_LABELS
from .editing import EDITABLE_KINDS
from .interactions import CALL_OUTCOMES
from .scoring import describe


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
    subject: str = ""  # the raw subject and text, for the edit form
    text: str = ""
    can_change: bool = False  # its author or a manager may edit / delete it


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
    contact: list[ProfileField]
    tags: list[str]
    enrichment: list[Enrichment]
    timeline: list[TimelineItem]
    tasks: list[TaskRow]
    deals: list[LeadDeal]
    trade: str = ""
    abilities: LeadAbilities = field(default_factory=LeadAbilities)
    deal_name: str = ""  # what "Convert to deal" proposes: "<company> – <trade>"
    currency: str = "USD"
    currency_symbol: str = "$"
    timezone: str = ""


def _display(value: Any, kind: str, tz: Any, currency: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "enum":
        return label(value)
    if kind == "money":
        return format_money(Decimal(value), currency)
    if kind == "int":
        return f"{int(value):,}"
    if kind == "bool":
        return "Yes" if value else "No"
    if kind == "datetime" and isinstance(value, datetime):
        return format_datetime(value, tz, with_year=True)
    if kind == "date" and isinstance(value, date):
        return format_date(value)
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
    session: Session,
    lead_id: UUID,
    organization_id: UUID,
    tz: Any,
    limit: int = 200,
    *,
    may_change: Callable[[UUID | None], bool] | None = None,
) -> list[TimelineItem]:
    """Interactions (not deleted), queued/unlogged AI calls and deal stage moves, newest first.
    ``may_change(author_id)`` says which interactions the reader may edit or delete."""
    names = user_names(session, organization_id)
    items: list[tuple[datetime, TimelineItem]] = []
    for it in session.exec(
        select(Interaction)
        .where(
            Interaction.organization_id == organization_id,
            Interaction.lead_id == lead_id,
            col(Interaction.deleted_at).is_(None),
        )
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
            details.append(label(it.direction))
        if it.edited_at:
            details.append("edited")
        items.append(
            (
                it.created_at,
                TimelineItem(
                    id=str(it.id),
                    kind=it.type.value,
                    title=it.subject or label(it.type),
                    body=it.content or it.summary or "",
                    details=" · ".join(details),
                    who=names.get(it.initiated_by, "") if it.initiated_by else "",
                    when=format_datetime(it.created_at, tz, with_year=True),
                    subject=it.subject or "",
                    text=it.content or "",
                    can_change=bool(
                        may_change and it.type in EDITABLE_KINDS and may_change(it.initiated_by)
                    ),
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
        outcome = label(call.outcome) if call.outcome else label(call.status)
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
    profile, contact = readable_profile(company, lead, tz, currency)
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
        source=label(lead.source),
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
        contact=contact,
        tags=list(tags),
        enrichment=enrichment,
        timeline=timeline(
            session,
            lead.id,
            actor.organization_id,
            tz,
            may_change=lambda author: may_change_entry(actor, lead, author),
        ),
        tasks=task_list(session, actor, lead_id=lead.id),
        deals=lead_deals(session, lead.id, actor.organization_id, currency),
        trade=label(company.business_type),
        abilities=lead_abilities(actor, lead),
        deal_name=default_deal_name(company),
        currency=currency,
        currency_symbol=currency_symbol(currency) or currency,
        timezone=org.tz.key,
    )


def _field(name: str, value: str, kind: str = "text") -> ProfileField:
    return ProfileField(label=name, value=value, href=_href(value, kind))


def readable_profile(
    company: Any, lead: Any, tz: Any, currency: str
) -> tuple[list[ProfileField], list[ProfileField]]:
    """(what the business is, how to reach it): the facts a rep reads at a glance, empty
    ones left out; machine fields (coordinates, provider ids) are not shown."""
    address = ", ".join(
        p for p in (company.street_address, company.city,
                    " ".join(x for x in (company.state, company.zip_code) if x)) if p
    )  # fmt: skip
    size = [
        f"{company.employee_count:,} employees" if company.employee_count else "",
        f"{company.years_in_business} years in business" if company.years_in_business else "",
        f"{format_money(company.annual_revenue, currency)} revenue"
        if company.annual_revenue
        else "",
    ]
    licence = ""
    if company.license_number:
        licence = " · ".join(p for p in (company.license_number, company.license_state or "") if p)
        if company.license_expiry:
            expired = company.license_expiry < utcnow().astimezone(tz).date()
            word = "expired" if expired else "valid until"
            licence += f" ({word} {format_date(company.license_expiry)})"
    rating = ""
    if company.google_rating is not None:
        reviews = company.google_reviews_count or 0
        rating = f"{company.google_rating} ★ ({reviews:,} reviews)"
    about = [
        _field("Trade", label(company.business_type)),
        _field("Doing business as", company.dba_name or ""),
        _field("Address", address),
        _field("Size", " · ".join(p for p in size if p)),
        _field("Licence", licence),
        _field("Google rating", rating),
    ]
    prefers = " · ".join(
        p
        for p in (
            CONTACT_LABELS.get(lead.preferred_contact_method or "", ""),
            lead.best_call_time or "",
            lead.timezone or "",
        )
        if p
    )
    reach = [
        _field("Phone", company.phone or "", "phone"),
        _field("E-mail", company.email or "", "email"),
        _field("Website", company.website or "", "url"),
        _field("Prefers", prefers),
        _field("Facebook", company.facebook_url or "", "url"),
        _field("LinkedIn", company.linkedin_url or "", "url"),
        _field("Instagram", company.instagram_url or "", "url"),
    ]
    return [f for f in about if f.value], [f for f in reach if f.value]
