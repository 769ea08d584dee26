"""Logging touchpoints with a lead: calls, e-mails, meetings and notes.

A call, e-mail or meeting is a contact: it sets ``first_contact_at`` (once, which stops the SLA
clock), ``last_contact_at`` and counts a ``contact_attempt``; a new lead becomes 'contacted'.
A note is internal and does not count as contact (CONTACT_TYPES). The score is recomputed.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlmodel import Session

from ...models import Interaction, InteractionType, Lead
from ...models.base import utcnow
from ..access.abilities import ensure
from ..core import audit
from ..core.dates import parse_local_datetime
from ..core.errors import Invalid
from ..core.org import org_context
from ..core.scope import company_of, load_lead
from ..core.security import Actor, require
from .actions import mark_contacted
from .common import lead_settings
from .scoring import rescore, scoring_config

CONTACT_TYPES = {
    InteractionType.CALL,
    InteractionType.EMAIL,
    InteractionType.MEETING,
    InteractionType.SMS,
    InteractionType.AI_CALL,
}
CALL_OUTCOMES = {
    "connected": "Connected",
    "interested": "Interested",
    "callback": "Call back later",
    "callback_requested": "Callback requested",
    "meeting_booked": "Meeting booked",
    "voicemail": "Left voicemail",
    "no_answer": "No answer",
    "busy": "Busy",
    "not_interested": "Not interested",
    "wrong_number": "Wrong number",
    "wrong_person": "Wrong person",
}
DIRECTIONS = ("outbound", "inbound")
MAX_TEXT = 20_000


def _text(value: str | None, what: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise Invalid(f"{what} is required.")
    if len(text) > limit:
        raise Invalid(f"{what} is too long ({limit} characters at most).")
    return text


def _minutes(value: Any, what: str, *, maximum: int) -> int:
    try:
        number = int(str(value).strip() or 0)
    except ValueError:
        raise Invalid(f"{what} takes whole minutes.") from None
    if not 0 <= number <= maximum:
        raise Invalid(f"{what} must be between 0 and {maximum} minutes.")
    return number


def _record(session: Session, actor: Actor, lead: Lead, interaction: Interaction) -> dict[str, Any]:
    """Store the interaction, update the lead's contact stats, status and score; audit."""
    ensure(actor, "log", lead)
    now = utcnow()
    interaction.organization_id = lead.organization_id
    interaction.lead_id = lead.id
    interaction.initiated_by = actor.user_id
    interaction.participated_users = [actor.user_id]
    session.add(interaction)
    session.flush()
    before = audit.snapshot(lead, ["first_contact_at", "last_contact_at", "contact_attempts"])
    if interaction.type in CONTACT_TYPES:
        lead.first_contact_at = lead.first_contact_at or now
        lead.last_contact_at = now
        lead.contact_attempts = (lead.contact_attempts or 0) + 1
        mark_contacted(session, actor, lead)
    lead.updated_at = now
    org = org_context(session, actor)
    settings = lead_settings(org)
    rescore(
        session,
        lead,
        company_of(session, lead),
        scoring_config(settings),
        now.astimezone(org.tz).date(),
    )
    session.add(lead)
    audit.record(
        session,
        actor,
        f"interaction.{interaction.type.value}",
        "interaction",
        interaction.id,
        before=before,
        after={
            "lead_id": lead.id,
            "subject": interaction.subject,
            **audit.snapshot(lead, ["first_contact_at", "last_contact_at", "contact_attempts"]),
        },
    )
    session.flush()
    return {"id": str(interaction.id), "lead_score": lead.lead_score, "status": lead.status.value}


def log_call(
    session: Session,
    actor: Actor,
    lead_id: str | UUID,
    *,
    duration_minutes: Any,
    outcome: str,
    notes: str = "",
    direction: str = "outbound",
) -> dict[str, Any]:
    require(actor, "leads.write")
    lead = load_lead(session, actor, lead_id, for_update=True)
    if outcome not in CALL_OUTCOMES:
        raise Invalid("Choose the call's outcome.")
    if direction not in DIRECTIONS:
        raise Invalid("Unknown direction.")
    minutes = _minutes(duration_minutes, "Duration", maximum=600)
    return _record(
        session,
        actor,
        lead,
        Interaction(
            organization_id=lead.organization_id,
            lead_id=lead.id,
            type=InteractionType.CALL,
            direction=direction,
            subject=f"Call: {CALL_OUTCOMES[outcome]}",
            content=_text(notes, "Notes"),
            call_duration=minutes * 60,
            call_outcome=outcome,
            completed_at=utcnow(),
        ),
    )


def log_email(
    session: Session,
    actor: Actor,
    lead_id: str | UUID,
    *,
    subject: str,
    body: str = "",
    direction: str = "outbound",
) -> dict[str, Any]:
    require(actor, "leads.write")
    lead = load_lead(session, actor, lead_id, for_update=True)
    if direction not in DIRECTIONS:
        raise Invalid("Unknown direction.")
    return _record(
        session,
        actor,
        lead,
        Interaction(
            organization_id=lead.organization_id,
            lead_id=lead.id,
            type=InteractionType.EMAIL,
            direction=direction,
            subject=_text(subject, "Subject", required=True, limit=300),
            content=_text(body, "Body"),
            completed_at=utcnow(),
        ),
    )


def log_meeting(
    session: Session,
    actor: Actor,
    lead_id: str | UUID,
    *,
    meeting_at: Any,
    duration_minutes: Any,
    location: str = "",
    attendees: list[str] | str = "",
    notes: str = "",
) -> dict[str, Any]:
    require(actor, "leads.write")
    lead = load_lead(session, actor, lead_id, for_update=True)
    when = parse_local_datetime(meeting_at, org_context(session, actor).tz, "The meeting time")
    people = (
        attendees if isinstance(attendees, list) else str(attendees).replace(";", ",").split(",")
    )
    people = [p.strip()[:200] for p in people if p.strip()][:50]
    return _record(
        session,
        actor,
        lead,
        Interaction(
            organization_id=lead.organization_id,
            lead_id=lead.id,
            type=InteractionType.MEETING,
            subject="Meeting",
            content=_text(notes, "Notes"),
            meeting_date=when,
            meeting_duration=_minutes(duration_minutes, "Duration", maximum=24 * 60),
            meeting_location=_text(location, "Location", limit=300),
            meeting_attendees=people,
            scheduled_for=when,
        ),
    )


def log_note(session: Session, actor: Actor, lead_id: str | UUID, *, text: str) -> dict[str, Any]:
    require(actor, "leads.write")
    lead = load_lead(session, actor, lead_id, for_update=True)
    return _record(
        session,
        actor,
        lead,
        Interaction(
            organization_id=lead.organization_id,
            lead_id=lead.id,
            type=InteractionType.NOTE,
            subject="Note",
            content=_text(text, "The note", required=True),
        ),
    )
