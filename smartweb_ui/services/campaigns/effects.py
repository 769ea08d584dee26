"""What one provider event changes, in one transaction: the call row, and once the call has
ended, the lead's timeline (an ``ai_call`` interaction, a contact for the SLA) and what the
outcome means for the lead (qualified and assigned, a callback task, do-not-call, a bad phone).

Events may arrive twice (a replay is recorded in ``call_events`` and answered without a second
effect) and out of order (an "ended" before its "answered" still ends the call; a late
"answered" fills in who answered but never moves the call back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ...models import (
    AICall,
    AICallCampaign,
    AICallOutcome,
    AICallStatus,
    Company,
    Interaction,
    InteractionType,
    Lead,
    LeadStatus,
    Task,
    TaskPriority,
)
from ...models import (
    CallEvent as CallEventRow,
)
from ...models.base import utcnow
from ..core import audit
from ..core.changes import mark_changed
from ..core.errors import Conflict, NotFound
from ..core.org import org_context, zone
from ..core.security import Actor
from ..leads import assign_round_robin
from ..leads.actions import mark_contacted
from .actor import campaign_actor
from .events import CallEvent

ACTIVE = (AICallStatus.QUEUED, AICallStatus.DIALING, AICallStatus.IN_PROGRESS)
TERMINAL = (AICallStatus.COMPLETED, AICallStatus.NO_ANSWER, AICallStatus.VOICEMAIL,
            AICallStatus.FAILED)  # fmt: skip
RANK = {AICallStatus.QUEUED: 0, AICallStatus.DIALING: 1, AICallStatus.IN_PROGRESS: 2}
INTERESTED = (AICallOutcome.INTERESTED, AICallOutcome.MEETING_BOOKED)
FOLLOW_UP_DELAY = timedelta(hours=2)


@dataclass(frozen=True)
class EventResult:
    status: str  # "applied" | "duplicate"
    call_id: str


def _rank(status: AICallStatus) -> int:
    return RANK.get(status, 3)


def _call_for(
    session: Session, organization_id: UUID, provider: str, event: CallEvent
) -> tuple[AICall, AICallCampaign]:
    """The call the event is about (locked), created from the dialer's reference if new. The
    campaign and lead are re-loaded in this organization: a forged id is NotFound."""
    campaign = session.exec(
        select(AICallCampaign).where(
            AICallCampaign.id == event.call.campaign_id,
            AICallCampaign.organization_id == organization_id,
        )
    ).first()
    if campaign is None:
        raise NotFound("Campaign not found.")
    find = select(AICall).where(
        AICall.organization_id == organization_id,
        AICall.provider == provider,
        AICall.provider_call_id == event.call_id,
    )
    call = session.exec(find.with_for_update()).first()
    if call is not None:
        if call.campaign_id != campaign.id or call.lead_id != event.call.lead_id:
            raise NotFound("Call not found.")
        return call, campaign
    lead = session.exec(
        select(Lead).where(
            Lead.id == event.call.lead_id,
            Lead.organization_id == organization_id,
            col(Lead.deleted_at).is_(None),
        )
    ).first()
    if lead is None:
        raise NotFound("Lead not found.")
    # One creator per (campaign, lead) at a time: the attempt number is then safe to pick.
    session.execute(
        sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
        {"k": f"ai_call:{campaign.id}:{lead.id}"},
    )
    call = session.exec(find.with_for_update()).first()
    if call is not None:
        return call, campaign
    attempt = event.call.attempt
    if attempt is None:
        attempt = 1 + int(
            session.execute(
                sa.select(sa.func.coalesce(sa.func.max(AICall.attempt), 0)).where(
                    col(AICall.campaign_id) == campaign.id, col(AICall.lead_id) == lead.id
                )
            ).scalar_one()
        )
    company = session.get(Company, lead.company_id)
    call = AICall(
        organization_id=organization_id,
        campaign_id=campaign.id,
        lead_id=lead.id,
        attempt=attempt,
        provider=provider,
        provider_call_id=event.call_id,
        phone_number=company.phone if company else None,
    )
    session.add(call)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict("That lead's attempt is already a different call.") from None
    return call, campaign


def _record_event(session: Session, organization_id: UUID, provider: str, event: CallEvent) -> bool:
    """Store the event's key; False when it was seen before (a replay)."""
    stmt = (
        pg_insert(CallEventRow)
        .values(
            organization_id=organization_id,
            provider=provider,
            event_id=event.event_id,
            provider_call_id=event.call_id,
            type=event.type,
            occurred_at=event.occurred_at,
        )
        .on_conflict_do_nothing(constraint="uq_call_events_event")
        .returning(col(CallEventRow.id))
    )
    return session.execute(stmt).first() is not None


def apply_event(
    session: Session, organization_id: UUID, provider: str, event: CallEvent
) -> EventResult:
    """Apply one event (a tenant transaction of ``organization_id``)."""
    if not _record_event(session, organization_id, provider, event):
        return EventResult("duplicate", event.call_id)
    call, campaign = _call_for(session, organization_id, provider, event)
    actor = campaign_actor(organization_id, campaign.id)
    session.execute(
        sa.update(CallEventRow)
        .where(
            col(CallEventRow.organization_id) == organization_id,
            col(CallEventRow.provider) == provider,
            col(CallEventRow.event_id) == event.event_id,
        )
        .values(ai_call_id=call.id)
    )
    before = audit.snapshot(call, ["status", "outcome"])
    _update_call(call, event)
    now = utcnow()
    call.last_event_at, call.updated_at = now, now
    session.add(call)
    session.flush()
    if call.status in TERMINAL:
        _finish(session, actor, call)
        if AICallStatus(before["status"]) not in TERMINAL and campaign.status == "running":
            from .jobs import kick

            kick(session, organization_id, campaign.id)  # a line is free: dial the next lead
    audit.record(
        session, actor, f"ai_call.{event.type}", "ai_call", call.id,
        before=before, after={**audit.snapshot(call, ["status", "outcome"]),
                              "campaign_id": campaign.id, "event_id": event.event_id},
    )  # fmt: skip
    mark_changed(session, organization_id, "campaign", [campaign.id])
    return EventResult("applied", str(call.id))


def _update_call(call: AICall, e: CallEvent) -> None:
    status = AICallStatus(call.status)
    moved = {
        "queued": AICallStatus.QUEUED,
        "ringing": AICallStatus.DIALING,
        "answered": AICallStatus.IN_PROGRESS,
        "transferred": AICallStatus.IN_PROGRESS,
    }.get(e.type)
    if e.type in ("ringing", "answered") and call.started_at is None:
        call.started_at = e.occurred_at
    if e.answered_by is not None:
        call.answered_by = e.answered_by
        call.answered_at = call.answered_at or e.occurred_at
    if e.type == "transferred":
        call.transferred_at = call.transferred_at or e.occurred_at
    if moved is not None and _rank(moved) > _rank(status):
        call.status = moved
    for name in ("duration_seconds", "recording_url", "summary", "sentiment", "sentiment_score",
                 "cost"):  # fmt: skip
        value = getattr(e, name)
        if value is not None:
            setattr(call, name, value)
    if e.transcript is not None:
        call.turns = [t.model_dump() for t in e.transcript]
        call.transcript = "\n".join(
            f"{'Agent' if t.speaker == 'agent' else 'Lead'}: {t.text}" for t in e.transcript
        )
    if e.outcome is not None:
        call.outcome = AICallOutcome(e.outcome)
    if e.callback_at is not None:
        call.callback_at = e.callback_at  # resolved on the lead's clock in _finish
    if e.type == "ended" and status not in TERMINAL:
        call.ended_at = e.occurred_at
        call.started_at = call.started_at or e.occurred_at
        call.status = _ended_status(call)
    elif e.type == "answered" and status == AICallStatus.COMPLETED and e.answered_by == "voicemail":
        call.status = AICallStatus.VOICEMAIL  # a late "answered" says who picked up
    elif status == AICallStatus.COMPLETED and call.outcome == AICallOutcome.VOICEMAIL:
        call.status = AICallStatus.VOICEMAIL


def _ended_status(call: AICall) -> AICallStatus:
    if call.answered_by == "voicemail" or call.outcome == AICallOutcome.VOICEMAIL:
        return AICallStatus.VOICEMAIL
    if call.outcome == AICallOutcome.NO_ANSWER:
        return AICallStatus.NO_ANSWER
    if call.answered_by is None and call.outcome is None and not call.transcript:
        return AICallStatus.NO_ANSWER
    return AICallStatus.COMPLETED


# ------------------------------------------------------------------ once the call has ended
def _finish(session: Session, actor: Actor, call: AICall) -> None:
    lead = session.exec(select(Lead).where(Lead.id == call.lead_id).with_for_update()).one()
    _timeline(session, actor, call, lead)
    if call.outcome is not None and call.outcome_applied_at is None:
        call.outcome_applied_at = utcnow()
        session.add(call)
        _outcome(session, actor, call, lead)


def _timeline(session: Session, actor: Actor, call: AICall, lead: Lead) -> None:
    """The call on the lead's timeline (created once, kept in step with later analysis)."""
    status = AICallStatus(call.status)
    outcome = call.outcome.value if call.outcome else status.value
    if call.interaction_id is not None:
        row = session.get(Interaction, call.interaction_id)
        if row is not None:
            row.summary, row.call_transcript = call.summary, call.transcript
            row.call_sentiment, row.call_outcome = call.sentiment, outcome
            row.call_recording_url = call.recording_url
            row.call_duration = call.duration_seconds
            row.updated_at = utcnow()
            session.add(row)
        return
    ended = call.ended_at or utcnow()
    row = Interaction(
        organization_id=call.organization_id,
        lead_id=lead.id,
        type=InteractionType.AI_CALL,
        direction="outbound",
        subject="AI call",
        summary=call.summary,
        call_duration=call.duration_seconds,
        call_outcome=outcome,
        call_recording_url=call.recording_url,
        call_transcript=call.transcript,
        call_sentiment=call.sentiment,
        ai_insights={"ai_call_id": str(call.id), "campaign_id": str(call.campaign_id)},
        completed_at=ended,
    )
    session.add(row)
    session.flush()
    call.interaction_id = row.id
    session.add(call)
    before = audit.snapshot(lead, ["first_contact_at", "last_contact_at", "contact_attempts"])
    lead.first_contact_at = lead.first_contact_at or ended  # a contact: stops the SLA clock
    lead.last_contact_at = max(lead.last_contact_at or ended, ended)
    lead.contact_attempts = (lead.contact_attempts or 0) + 1
    lead.updated_at = utcnow()
    session.add(lead)
    mark_contacted(session, actor, lead)
    audit.record(
        session, actor, "interaction.ai_call", "interaction", row.id, before=before,
        after={"lead_id": lead.id, "ai_call_id": call.id,
               **audit.snapshot(lead, ["first_contact_at", "last_contact_at", "contact_attempts"])},
    )  # fmt: skip
    mark_changed(session, call.organization_id, "lead", [lead.id])


def _outcome(session: Session, actor: Actor, call: AICall, lead: Lead) -> None:
    outcome = AICallOutcome(call.outcome) if call.outcome else None
    if outcome in INTERESTED:
        _qualify(session, actor, call, lead)
    elif outcome == AICallOutcome.CALLBACK:
        _callback(session, actor, call, lead)
    elif outcome == AICallOutcome.DO_NOT_CALL:
        _do_not_call(session, actor, call, lead)
    elif outcome == AICallOutcome.WRONG_NUMBER:
        _wrong_number(session, actor, call, lead)


def _qualify(session: Session, actor: Actor, call: AICall, lead: Lead) -> None:
    if lead.status in (LeadStatus.NEW, LeadStatus.CONTACTED):
        before = audit.snapshot(lead, ["status", "qualified_at"])
        lead.status, lead.qualified_at = LeadStatus.QUALIFIED, utcnow()
        lead.qualified_by = "ai_campaign"
        session.add(lead)
        audit.record(
            session, actor, "lead.status", "lead", lead.id,
            before=before, after=audit.snapshot(lead, ["status", "qualified_at"]),
        )  # fmt: skip
    if lead.assigned_to is None:
        session.flush()
        try:
            with session.begin_nested():
                assign_round_robin(session, actor, [lead.id])
        except Conflict:
            pass  # nobody in the pool: the task stays unassigned, the inbox shows the lead
        session.refresh(lead)
    _task(
        session, actor, call, lead,
        title="Interested on an AI call: follow up",
        due=utcnow() + FOLLOW_UP_DELAY, priority=TaskPriority.HIGH,
    )  # fmt: skip


def _callback(session: Session, actor: Actor, call: AICall, lead: Lead) -> None:
    due = call.callback_at
    if due is not None and due.tzinfo is None:
        tz = zone(lead.timezone) if lead.timezone else org_context(session, actor).tz
        due = due.replace(tzinfo=tz)
        call.callback_at = due
        session.add(call)
    _task(
        session, actor, call, lead,
        title="Call back (asked on an AI call)",
        due=due or utcnow() + timedelta(days=1), priority=TaskPriority.NORMAL,
    )  # fmt: skip


def _do_not_call(session: Session, actor: Actor, call: AICall, lead: Lead) -> None:
    if not lead.do_not_call:
        lead.do_not_call, lead.do_not_call_at = True, utcnow()
        session.add(lead)
        audit.record(
            session, actor, "lead.do_not_call", "lead", lead.id,
            before={"do_not_call": False}, after={"do_not_call": True, "ai_call_id": call.id},
        )  # fmt: skip
    # Calls of this lead not placed yet are dropped, in every campaign.
    session.execute(
        sa.update(AICall)
        .where(
            col(AICall.lead_id) == lead.id,
            col(AICall.status) == AICallStatus.QUEUED,
            col(AICall.id) != call.id,
            col(AICall.provider_call_id).is_(None),
        )
        .values(status=AICallStatus.FAILED, error="do not call", updated_at=utcnow())
    )


def _wrong_number(session: Session, actor: Actor, call: AICall, lead: Lead) -> None:
    company = session.exec(
        select(Company).where(Company.id == lead.company_id).with_for_update()
    ).one()
    if not company.phone_invalid:
        company.phone_invalid = True
        session.add(company)
        audit.record(
            session, actor, "company.phone_invalid", "company", company.id,
            before={"phone_invalid": False}, after={"phone_invalid": True, "phone": company.phone},
        )  # fmt: skip


def _task(
    session: Session, actor: Actor, call: AICall, lead: Lead, *, title: str, due: datetime,
    priority: TaskPriority,
) -> None:  # fmt: skip
    task = Task(
        organization_id=call.organization_id,
        title=title,
        description=(call.summary or "")[:5000],
        due_at=due,
        priority=priority,
        assigned_to=lead.assigned_to,
        lead_id=lead.id,
    )
    session.add(task)
    session.flush()
    audit.record(
        session, actor, "task.create", "task", task.id,
        after={"title": title, "lead_id": lead.id, "due_at": due,
               "assigned_to": lead.assigned_to, "ai_call_id": call.id},
    )  # fmt: skip
