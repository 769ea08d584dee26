"""What a call's outcome does to the lead: qualified and assigned, callbacks, do-not-call,
wrong numbers; the timeline and SLA; audited as the campaign."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services import campaigns

from .builders.campaigns import event, make_campaign
from .builders.leads import lead_row, make_lead

pytestmark = pytest.mark.db


def _apply(org_id: UUID, payload: dict[str, Any]) -> campaigns.EventResult:
    ev = campaigns.parse_event("simulator", payload)
    with tenant_session(campaigns.campaign_actor(org_id, None)) as s:
        return campaigns.apply_event(s, org_id, "simulator", ev)


def _end(org_id: UUID, c: UUID, lead: UUID, outcome: str, **fields: Any) -> None:
    _apply(org_id, event(c, lead, "answered", answered_by="human"))
    _apply(
        org_id,
        event(
            c,
            lead,
            "ended",
            outcome=outcome,
            duration_seconds=120,
            summary=f"Outcome {outcome}",
            sentiment="positive",
            **fields,
        ),
    )


def _tasks(lead: UUID) -> list[m.Task]:
    with system_session() as s:
        rows = list(s.execute(sa.select(m.Task).where(m.Task.lead_id == lead)).scalars())
        for r in rows:
            s.expunge(r)
        return rows


def test_interested_qualifies_assigns_by_round_robin_and_books_a_task(org) -> None:
    lead = make_lead(org.id, "Hot Water Heroes", status="new")
    c = make_campaign(org.id)
    _end(org.id, c, lead, "interested")
    row = lead_row(lead)
    assert row.status == m.LeadStatus.QUALIFIED
    assert row.assigned_to is not None
    assert row.first_contact_at is not None and row.contact_attempts == 1
    (task,) = _tasks(lead)
    assert task.assigned_to == row.assigned_to and task.priority == m.TaskPriority.HIGH
    with system_session() as s:
        audits = list(
            s.execute(sa.select(m.AuditLog).where(m.AuditLog.organization_id == org.id)).scalars()
        )
    assert audits and all(
        a.actor_id is None and a.changes["via"] == f"campaign:{c}" for a in audits
    )
    assert {"lead.status", "lead.assign", "task.create", "interaction.ai_call"} <= {
        a.action for a in audits
    }


def test_an_assigned_lead_keeps_its_rep(org) -> None:
    rep = org.users["rep"]
    lead = make_lead(org.id, "Owned Plumbing", status="contacted", assigned_to=rep)
    _end(org.id, make_campaign(org.id), lead, "interested")
    assert lead_row(lead).assigned_to == rep
    assert _tasks(lead)[0].assigned_to == rep


def test_a_callback_is_a_task_at_the_asked_time_on_the_leads_clock(org) -> None:
    lead = make_lead(
        org.id, "Late Caller HVAC", timezone="America/Denver", assigned_to=org.users["rep"]
    )
    _end(org.id, make_campaign(org.id), lead, "callback", callback_at="2026-12-10T15:30:00")
    (task,) = _tasks(lead)
    assert task.due_at == datetime(2026, 12, 10, 15, 30, tzinfo=ZoneInfo("America/Denver"))
    assert task.due_at.astimezone(UTC).hour == 22
    assert task.assigned_to == org.users["rep"]


def test_do_not_call_flags_the_lead(org) -> None:
    lead = make_lead(org.id, "Leave Me Alone LLC")
    _end(org.id, make_campaign(org.id), lead, "do_not_call")
    row = lead_row(lead)
    assert row.do_not_call and row.do_not_call_at is not None
    assert _tasks(lead) == []


def test_a_wrong_number_marks_the_company_phone_invalid(org) -> None:
    lead = make_lead(org.id, "Nobody Here Roofing", phone="+15550002222")
    _end(org.id, make_campaign(org.id), lead, "wrong_number")
    with system_session() as s:
        company = s.get(m.Company, lead_row(lead).company_id)
        assert company is not None and company.phone_invalid


def test_outcomes_apply_once_even_when_analysis_repeats_them(org) -> None:
    lead = make_lead(org.id, "Twice Told Electric")
    c = make_campaign(org.id)
    _end(org.id, c, lead, "interested")
    _apply(org.id, event(c, lead, "analysis_ready", outcome="interested", summary="Again"))
    assert len(_tasks(lead)) == 1
    with system_session() as s:
        (inter,) = s.execute(
            sa.select(m.Interaction).where(m.Interaction.lead_id == lead)
        ).scalars()
        assert inter.type == m.InteractionType.AI_CALL and inter.summary == "Again"


def test_a_voicemail_ends_as_voicemail_and_is_still_an_attempt(org) -> None:
    lead = make_lead(org.id, "Voicemail Valley Plumbing")
    c = make_campaign(org.id)
    _apply(org.id, event(c, lead, "answered", answered_by="voicemail"))
    _apply(org.id, event(c, lead, "ended", duration_seconds=30))
    with system_session() as s:
        (call,) = s.execute(sa.select(m.AICall)).scalars()
        assert call.status == m.AICallStatus.VOICEMAIL
    assert lead_row(lead).contact_attempts == 1
