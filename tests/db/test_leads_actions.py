"""Changing leads: bulk assign (incl. round-robin), tags, status workflow, interactions, tasks,
convert to deal, dedup. Each change is audited; a forged or out-of-scope id writes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.models.base import utcnow
from smartweb_ui.services.core.errors import Conflict, Forbidden, Invalid, NotFound
from smartweb_ui.services.leads.actions import assign_leads, bulk_set_status, set_status, tag_leads
from smartweb_ui.services.leads.convert import convert_lead
from smartweb_ui.services.leads.dedup import DuplicateFound, create_lead, find_duplicates
from smartweb_ui.services.leads.detail import lead_detail
from smartweb_ui.services.leads.interactions import log_call, log_email, log_meeting, log_note
from smartweb_ui.services.leads.round_robin import assign_round_robin
from smartweb_ui.services.tasks.followups import add_task, complete_task, task_list

from .builders.leads import audit_actions, lead_row, make_lead, make_many

pytestmark = pytest.mark.db


def owners(ids) -> list:  # type: ignore[no-untyped-def]
    return [lead_row(i).assigned_to for i in ids]


def test_bulk_assign_is_audited_and_all_or_nothing(org, other_org) -> None:  # type: ignore[no-untyped-def]
    ids = make_many(org.id, 3)
    foreign = make_lead(other_org.id, "Foreign")
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        assert assign_leads(s, mgr, ids, org.users["rep"]) == 3
    assert owners(ids) == [org.users["rep"]] * 3
    assert audit_actions(org.id, ids[0]) == ["lead.assign"]
    with tenant_session(mgr) as s, pytest.raises(NotFound):
        assign_leads(s, mgr, [*ids, foreign], org.users["rep2"])
    assert owners(ids) == [org.users["rep"]] * 3
    with tenant_session(org.actors["rep"]) as s, pytest.raises(Forbidden):
        assign_leads(s, org.actors["rep"], ids, org.users["rep"])
    with tenant_session(mgr) as s, pytest.raises(NotFound):
        assign_leads(s, mgr, ids, other_org.users["rep"])


def _add_reps(org, n: int) -> list:  # type: ignore[no-untyped-def]
    from smartweb_ui.services.access.accounts import create_user

    out = []
    with system_session() as s:
        organization = s.get(m.Organization, org.id)
        for i in range(n):
            out.append(
                create_user(
                    s,
                    organization,
                    email=f"extra{i}@acme.test",
                    password="x" * 12,
                    first_name=f"Extra{i}",
                    last_name="Rep",
                    roles=["Sales Rep"],
                ).id
            )
    return out


def test_round_robin_is_fair_across_calls_and_skips_suspended_and_full_reps(org) -> None:  # type: ignore[no-untyped-def]
    extra = _add_reps(org, 2)
    reps = [org.users["rep"], org.users["rep2"], *extra]
    mgr = org.actors["manager"]
    leads = make_many(org.id, 8)
    for lead_id in leads:  # one lead per call: the turn must persist between calls
        with tenant_session(mgr) as s:
            assign_round_robin(s, mgr, [lead_id])
    counts = {r: owners(leads).count(r) for r in reps}
    assert sorted(counts.values()) == [2, 2, 2, 2]
    assert org.users["manager"] not in owners(leads)  # managers are not in the default pool
    with system_session() as s:  # suspend one rep, cap another at what they already hold
        s.get(m.User, extra[0]).status = m.UserStatus.SUSPENDED
        s.get(m.User, extra[1]).open_lead_capacity = 2
    more = make_many(org.id, 4)
    with tenant_session(mgr) as s:
        result = assign_round_robin(s, mgr, more)
    assert set(owners(more)) == {org.users["rep"], org.users["rep2"]}
    assert owners(more).count(org.users["rep"]) == 2
    assert any("suspended" in x for x in result["skipped"])
    assert audit_actions(org.id, more[0]) == ["lead.assign"]


def test_round_robin_assigns_nothing_when_everyone_is_at_capacity(org) -> None:  # type: ignore[no-untyped-def]
    with system_session() as s:
        s.get(m.Organization, org.id).settings = {"rep_open_lead_capacity": 1}
    ids = make_many(org.id, 3)
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s, pytest.raises(Conflict):
        assign_round_robin(s, mgr, ids)
    assert owners(ids) == [None, None, None]
    with tenant_session(mgr) as s:
        assign_round_robin(s, mgr, ids[:2])
    assert sorted(map(str, owners(ids[:2]))) == sorted(
        map(str, [org.users["rep"], org.users["rep2"]])
    )


def test_round_robin_honours_an_explicit_pool(org) -> None:  # type: ignore[no-untyped-def]
    ids = make_many(org.id, 3)
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        assign_round_robin(s, mgr, ids, pool=[str(org.users["rep2"])])
    assert owners(ids) == [org.users["rep2"]] * 3


def test_tags_add_and_remove(org) -> None:  # type: ignore[no-untyped-def]
    ids = make_many(org.id, 2, tags=["old"])
    rep = org.actors["rep"]
    with tenant_session(rep) as s:
        assert tag_leads(s, rep, ids, " Hot Lead ") == 2
        assert tag_leads(s, rep, ids, "hot lead") == 0  # already there
        assert tag_leads(s, rep, ids[:1], "old", remove=True) == 1
        with pytest.raises(Invalid):
            tag_leads(s, rep, ids, "")
    with tenant_session(rep) as s:
        assert lead_detail(s, rep, ids[0]).tags == ["hot lead"]
        assert lead_detail(s, rep, ids[1]).tags == ["hot lead", "old"]
    assert "lead.tag" in audit_actions(org.id, ids[0])


def test_status_workflow_and_required_lost_reason(org) -> None:  # type: ignore[no-untyped-def]
    lid = make_lead(org.id, "Flow")
    rep = org.actors["rep"]
    with tenant_session(rep) as s:
        with pytest.raises(Invalid):
            set_status(s, rep, lid, "qualified")  # new -> qualified skips contacted
        with pytest.raises(Invalid):
            set_status(s, rep, lid, "converted")
        with pytest.raises(Invalid):
            set_status(s, rep, lid, "lost")  # needs a reason
        assert set_status(s, rep, lid, "contacted") == "contacted"
        assert set_status(s, rep, lid, "qualified") == "qualified"
        assert set_status(s, rep, lid, "lost", "Went with a competitor") == "lost"
    lead = lead_row(lid)
    assert lead.lost_reason == "Went with a competitor" and lead.qualified_at is not None
    assert audit_actions(org.id, lid).count("lead.status") == 3


def test_bulk_status_is_all_or_nothing(org) -> None:  # type: ignore[no-untyped-def]
    a = make_lead(org.id, "A")
    b = make_lead(org.id, "B", status=m.LeadStatus.CONVERTED)
    rep = org.actors["rep"]
    with tenant_session(rep) as s, pytest.raises(Invalid):
        bulk_set_status(s, rep, [a, b], "contacted")
    assert lead_row(a).status == m.LeadStatus.NEW
    with tenant_session(rep) as s:
        assert bulk_set_status(s, rep, [a], "unqualified", "Out of area") == 1


def test_logging_updates_contact_stats_status_score_and_timeline(org) -> None:  # type: ignore[no-untyped-def]
    lid = make_lead(org.id, "Talkative", sla_due_at=utcnow() + timedelta(hours=2))
    rep = org.actors["rep"]
    with tenant_session(rep) as s:
        log_note(s, rep, lid, text="Owner is named Pat")
    lead = lead_row(lid)
    assert lead.first_contact_at is None and lead.contact_attempts == 0  # a note is not contact
    with tenant_session(rep) as s:
        log_call(s, rep, lid, duration_minutes=5, outcome="connected", notes="Asked for a quote")
    first = lead_row(lid)
    assert first.first_contact_at is not None and first.contact_attempts == 1
    assert first.status == m.LeadStatus.CONTACTED
    with tenant_session(rep) as s:
        log_email(s, rep, lid, subject="Re: quote", body="Yes please", direction="inbound")
        log_meeting(
            s,
            rep,
            lid,
            meeting_at="2026-12-01T10:00",
            duration_minutes=30,
            location="On site",
            attendees="Pat, Sam",
        )
        with pytest.raises(Invalid):
            log_call(s, rep, lid, duration_minutes=-1, outcome="connected")
        with pytest.raises(Invalid):
            log_email(s, rep, lid, subject=" ")
    lead = lead_row(lid)
    assert lead.first_contact_at == first.first_contact_at and lead.contact_attempts == 3
    assert {b["key"] for b in lead.score_breakdown} >= {"fast_reply", "meeting"}
    with tenant_session(rep) as s:
        detail = lead_detail(s, rep, lid)
    assert [t.kind for t in detail.timeline] == ["meeting", "email", "call", "note"]
    assert detail.timeline[2].details.startswith("Connected · 5 min")
    assert "+20 Replied within 1 h" in detail.breakdown
    assert audit_actions(org.id).count("interaction.call") == 1


def test_logging_on_a_colleagues_lead_is_not_found(org) -> None:  # type: ignore[no-untyped-def]
    lid = make_lead(org.id, "Theirs", assigned_to=org.users["rep2"])
    rep = org.actors["rep"]
    with tenant_session(rep) as s, pytest.raises(NotFound):
        log_note(s, rep, lid, text="sneaky")
    with system_session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(m.Interaction)).scalar_one() == 0


def test_tasks_add_complete_and_scope(org) -> None:  # type: ignore[no-untyped-def]
    lid = make_lead(org.id, "Tasky", assigned_to=org.users["rep"])
    rep, rep2 = org.actors["rep"], org.actors["rep2"]
    with tenant_session(rep) as s:
        tid = add_task(
            s, rep, lead_id=lid, title="Send quote", due_at="2026-12-01T09:00", priority="high"
        )
        with pytest.raises(Invalid):
            add_task(s, rep, lead_id=lid, title="Other's", assignee_id=org.users["rep2"])
        with pytest.raises(Invalid):
            add_task(s, rep, lead_id=lid, title=" ")
    with tenant_session(rep2) as s, pytest.raises(NotFound):
        complete_task(s, rep2, tid)
    with tenant_session(rep) as s:
        complete_task(s, rep, tid)
        with pytest.raises(Conflict):
            complete_task(s, rep, tid)
        tasks = task_list(s, rep, lead_id=lid)
    assert tasks[0].done is True and tasks[0].priority == "high"
    assert audit_actions(org.id, tid) == ["task.create", "task.complete"]


def _pipeline(org_id):  # type: ignore[no-untyped-def]
    with system_session() as s:
        pipe = m.Pipeline(organization_id=org_id, name="Sales", is_default=True)
        s.add(pipe)
        s.flush()
        stages = [
            m.PipelineStage(
                organization_id=org_id,
                pipeline_id=pipe.id,
                name=n,
                position=i,
                probability=Decimal(p),
                is_won=w,
            )
            for i, (n, p, w) in enumerate(
                [("Qualify", "20", False), ("Proposal", "50", False), ("Won", "100", True)]
            )
        ]
        s.add_all(stages)
        s.flush()
        return pipe.id, stages[0].id


def test_convert_to_deal_links_both_ways_with_history(org, other_org) -> None:  # type: ignore[no-untyped-def]
    pipe, first = _pipeline(org.id)
    foreign_pipe, _ = _pipeline(other_org.id)
    lid = make_lead(org.id, "Convertible", status=m.LeadStatus.QUALIFIED)
    rep = org.actors["rep"]
    with tenant_session(rep) as s, pytest.raises(NotFound):
        convert_lead(s, rep, lid, pipeline_id=foreign_pipe, value="1000")
    assert lead_row(lid).status == m.LeadStatus.QUALIFIED
    with tenant_session(rep) as s:
        deal_id = convert_lead(
            s, rep, lid, pipeline_id=pipe, value="12500.50", expected_close="2027-01-31"
        )
    lead = lead_row(lid)
    assert lead.status == m.LeadStatus.CONVERTED and lead.converted_at is not None
    assert lead.conversion_value == Decimal("12500.50") and lead.assigned_to == org.users["rep"]
    with system_session() as s:
        deal = s.get(m.Opportunity, deal_id)
        assert (deal.lead_id, deal.current_stage_id, deal.version, deal.status) == (
            lid,
            first,
            1,
            m.OpportunityStatus.OPEN,
        )
        assert deal.weighted_value == Decimal("2500.10")
        hist = (
            s.execute(
                sa.select(m.OpportunityStageHistory).where(
                    m.OpportunityStageHistory.opportunity_id == deal.id
                )
            )
            .scalars()
            .all()
        )
        assert [(h.from_stage_id, h.to_stage_id) for h in hist] == [(None, first)]
    with tenant_session(rep) as s:
        detail = lead_detail(s, rep, lid)
        assert detail.deals[0].id == deal_id
        assert detail.timeline[0].kind == "stage"
        with pytest.raises(Invalid):
            convert_lead(s, rep, lid, pipeline_id=pipe, value="1")
    assert {"lead.convert", "opportunity.create"} <= set(audit_actions(org.id))


def test_dedup_on_phone_email_and_domain(org, other_org) -> None:  # type: ignore[no-untyped-def]
    existing = make_lead(
        org.id,
        "Acme Plumbing",
        phone="(512) 555-0100",
        email="Info@Acme.com",
        website_domain="acme.com",
    )
    make_lead(other_org.id, "Other org twin", phone="(737) 555-0100")
    rep = org.actors["rep"]
    with tenant_session(rep) as s:
        found = find_duplicates(s, rep, phone="+1 512.555.0100")
        assert [(f.lead_id, f.matched_on) for f in found] == [(str(existing), ["phone"])]
        assert find_duplicates(s, rep, email="info@acme.com")[0].matched_on == ["e-mail"]
        assert find_duplicates(s, rep, website="https://www.acme.com/contact")[0].matched_on == [
            "website"
        ]
        assert find_duplicates(s, rep, phone="737-555-0100") == []  # another org's company
        with pytest.raises(DuplicateFound) as err:
            create_lead(s, rep, {"name": "Acme Again", "phone": "512 555 0100"})
        assert err.value.matches[0].lead_id == str(existing)
        with pytest.raises(DuplicateFound):
            create_lead(s, rep, {"name": "Acme Web", "website": "acme.com"})
        new_id = create_lead(
            s, rep, {"name": "Acme Web", "website": "acme.com"}, allow_duplicate=True
        )
        with pytest.raises(Invalid):
            create_lead(s, rep, {"name": "Bad", "phone": "123"})
    lead = lead_row(new_id)
    assert lead.sla_due_at is not None and lead.assigned_to == org.users["rep"]
    assert audit_actions(org.id, lead.id) == ["lead.create"]
