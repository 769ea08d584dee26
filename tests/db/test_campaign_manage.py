"""Campaigns as managers and executives use them: permissions, the form and its target preview,
the lifecycle, the monitor's numbers and calls, and ids forged from another organization."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services import campaigns as camp
from smartweb_ui.services.core.errors import Forbidden, Invalid, NotFound

from .builders.campaigns import count, event, make_campaign
from .builders.leads import make_lead

pytestmark = pytest.mark.db


def _as(actor: Any, fn: Any, *args: Any, **kw: Any) -> Any:
    with tenant_session(actor) as s:
        return fn(s, actor, *args, **kw)


def _event(org_id: UUID, payload: dict[str, Any]) -> None:
    with tenant_session(camp.campaign_actor(org_id, None)) as s:
        camp.apply_event(s, org_id, "simulator", camp.parse_event("simulator", payload))


def test_managers_and_executives_see_campaigns_reps_do_not(org) -> None:
    make_campaign(org.id, name="Visible")
    assert [r.name for r in _as(org.actors["exec"], camp.list_campaigns)] == ["Visible"]
    assert len(_as(org.actors["manager"], camp.list_campaigns)) == 1
    with pytest.raises(Forbidden):
        _as(org.actors["rep"], camp.list_campaigns)
    with pytest.raises(Forbidden):
        _as(org.actors["exec"], camp.save_campaign, None, camp.CampaignInput(name="Nope"))


def test_a_campaign_from_a_saved_view_previews_its_callable_leads(org) -> None:
    manager = org.actors["manager"]
    for i in range(3):
        make_lead(org.id, f"Hvac {i}", phone=f"+1555100000{i}", business_type="hvac")
    make_lead(org.id, "Hvac Dnc", phone="+15551000009", business_type="hvac", do_not_call=True)
    make_lead(org.id, "Hvac Won", phone="+15551000008", business_type="hvac", status="converted")
    make_lead(org.id, "Roofer", phone="+15551000007", business_type="roofing")
    with system_session() as s:
        view = m.SavedView(organization_id=org.id, user_id=org.users["manager"], name="HVAC",
                           filters={"business_type": ["hvac"]})  # fmt: skip
        s.add(view)
        s.flush()
        view_id = str(view.id)
    assert _as(manager, camp.preview_targets, view_id, {}) == 3
    data = camp.CampaignInput(name="HVAC winter", goal="Tune-ups", view=view_id, days=(0, 2, 4),
                              start="10:00", end="16:00", concurrency=2)  # fmt: skip
    cid = _as(manager, camp.save_campaign, None, data)
    draft = _as(manager, camp.campaign_draft, cid)
    assert draft.filters == {"business_type": ["hvac"]} and draft.days == [0, 2, 4]
    assert (draft.start, draft.end, draft.concurrency) == ("10:00", "16:00", 2)
    with pytest.raises(Invalid):
        _as(
            manager,
            camp.save_campaign,
            None,
            camp.CampaignInput(name="Bad", start="17:00", end="09:00"),
        )


def test_the_lifecycle_and_its_refusals(org) -> None:
    manager = org.actors["manager"]
    cid = make_campaign(org.id)
    assert _as(manager, camp.change_status, cid, "start").status == "running"
    with pytest.raises(Invalid):
        _as(manager, camp.change_status, cid, "resume")
    assert _as(manager, camp.change_status, cid, "pause").status == "paused"
    assert _as(manager, camp.change_status, cid, "resume").status == "running"
    assert _as(manager, camp.change_status, cid, "complete").status == "completed"
    with pytest.raises(Invalid):
        _as(manager, camp.save_campaign, cid, camp.CampaignInput(name="Edited"))


def test_the_monitor_counts_calls_and_shows_a_transcript(org) -> None:
    manager = org.actors["manager"]
    lead = make_lead(org.id, "Talky Plumbing", phone="+15552000001")
    other = make_lead(org.id, "Quiet Plumbing", phone="+15552000002")
    cid = make_campaign(org.id)
    turns = [{"speaker": "agent", "text": "Hello"}, {"speaker": "lead", "text": "Sure, tell me"}]
    _event(org.id, event(cid, lead, "answered", call_id="a", answered_by="human"))
    _event(org.id, event(cid, lead, "ended", call_id="a", outcome="interested", duration_seconds=90,
                         transcript=turns, cost="0.1350", sentiment="positive"))  # fmt: skip
    _event(org.id, event(cid, other, "ringing", call_id="b"))
    data = _as(manager, camp.monitor, cid)
    shown = {c.key: c.value for c in data.counters + data.rates + data.pipeline}
    assert shown["human"] == "1" and shown["interested"] == "1" and shown["dialing"] == "1"
    assert shown["connect"] == "100.0%" and shown["qualified"] == "1"
    page = _as(manager, camp.calls_page, cid, outcome="interested")
    assert page.total == 1 and page.rows[0].outcome_label == "Interested"
    detail = _as(manager, camp.call_detail, cid, page.rows[0].id)
    assert [(t.speaker, t.text) for t in detail.turns] == [
        ("Agent", "Hello"),
        ("Lead", "Sure, tell me"),
    ]
    assert detail.lead_id == str(lead)


def test_forged_ids_from_another_organization_are_not_found_and_write_nothing(
    org, other_org
) -> None:
    manager = org.actors["manager"]
    foreign = make_campaign(other_org.id)
    foreign_lead = make_lead(other_org.id, "Far Away Roofing")
    _event(other_org.id, event(foreign, foreign_lead, "ringing", call_id="f"))
    with system_session() as s:
        foreign_call = s.execute(sa.select(m.AICall.id)).scalar_one()
    own = make_campaign(org.id)
    before = count(m.AuditLog, org.id), count(m.AuditLog, other_org.id)
    attempts = [
        (camp.monitor, foreign), (camp.campaign_draft, foreign),
        (camp.change_status, foreign, "start"), (camp.calls_page, foreign),
        (camp.call_detail, foreign, foreign_call), (camp.call_detail, own, foreign_call),
        (camp.pipeline_drill, foreign, "deals"),
        (camp.save_campaign, foreign, camp.CampaignInput(name="Hijack")),
        (camp.monitor, "not-a-uuid"),
    ]  # fmt: skip
    for fn, *args in attempts:
        with pytest.raises(NotFound):
            _as(manager, fn, *args)
    assert (count(m.AuditLog, org.id), count(m.AuditLog, other_org.id)) == before
    with system_session() as s:
        row = s.get(m.AICallCampaign, foreign)
        assert row is not None and row.status == m.CampaignStatus.DRAFT
