"""Editing a lead's record and its timeline; what each role may do; who the pickers list;
the global search (ranked, row scope)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services.access.abilities import holders, lead_abilities
from smartweb_ui.services.core.errors import Forbidden, Invalid, NotFound
from smartweb_ui.services.core.search import search
from smartweb_ui.services.leads import (
    DuplicateFound,
    delete_entry,
    edit_entry,
    lead_detail,
    log_note,
    update_lead_profile,
)
from smartweb_ui.services.leads.actions import assign_leads
from smartweb_ui.services.leads.convert import convert_lead, convertible_pipelines
from smartweb_ui.services.pipeline import list_owners

from .builders.leads import audit_actions, lead_row, make_lead
from .builders.pipeline import make_pipeline

pytestmark = pytest.mark.db


def company_of(lead_id):  # type: ignore[no-untyped-def]
    with system_session() as s:
        lead = s.get(m.Lead, lead_id)
        company = s.get(m.Company, lead.company_id)
        s.expunge(company)
        return company


def test_edit_saves_every_field_audits_and_rescores(org) -> None:  # type: ignore[no-untyped-def]
    lead = make_lead(org.id, "Old Name", assigned_to=org.users["rep"])
    rep = org.actors["rep"]
    score_before = lead_row(lead).lead_score
    with tenant_session(rep) as s:
        changed = update_lead_profile(
            s,
            rep,
            lead,
            {
                "name": "Hancock Painting",
                "dba_name": "Hancock & Sons",
                "business_type": "painting",
                "phone": "(555) 010-2233",
                "email": "office@hancock.example",
                "website": "hancock.example",
                "street_address": "1 Main St",
                "city": "Austin",
                "state": "tx",
                "zip_code": "78701",
                "license_number": "PA-1",
                "license_state": "tx",
                "license_expiry": "2030-01-01",
                "employee_count": "25",
                "years_in_business": "12",
                "annual_revenue": "2,500,000",
                "facebook_url": "facebook.com/hancock",
                "source": "referral",
                "preferred_contact_method": "email",
                "best_call_time": "Mornings",
                "timezone": "America/Chicago",
            },
        )
    assert "name" in changed and "timezone" in changed
    company = company_of(lead)
    assert (company.name, company.state, company.website_domain) == (
        "Hancock Painting",
        "TX",
        "hancock.example",
    )
    row = lead_row(lead)
    assert row.preferred_contact_method == "email" and row.timezone == "America/Chicago"
    assert row.lead_score > score_before  # employees, revenue, years, licence, referral
    assert audit_actions(org.id, lead) == ["lead.edit"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "  ", "company name is required"),
        ("email", "not-an-email", "e-mail"),
        ("website", "no dot", "web address"),
        ("employee_count", "-3", "whole number"),
        ("annual_revenue", "lots", "amount"),
        ("timezone", "Mars/Base", "timezone"),
        ("business_type", "wizard", "trade"),
        ("latitude", "1", "Unknown field"),
    ],
)
def test_edit_refuses_bad_values_and_writes_nothing(org, field, value, message) -> None:  # type: ignore[no-untyped-def]
    lead = make_lead(org.id, "Keep Me", assigned_to=org.users["rep"])
    rep = org.actors["rep"]
    with pytest.raises(Invalid) as err, tenant_session(rep) as s:
        update_lead_profile(s, rep, lead, {field: value})
    assert message.lower() in err.value.message.lower()
    assert company_of(lead).name == "Keep Me"
    assert audit_actions(org.id, lead) == []


def test_edit_runs_the_duplicate_check(org) -> None:  # type: ignore[no-untyped-def]
    make_lead(org.id, "Existing", phone="(555) 111-2222")
    lead = make_lead(org.id, "Mine")
    mgr = org.actors["manager"]
    with pytest.raises(DuplicateFound), tenant_session(mgr) as s:
        update_lead_profile(s, mgr, lead, {"phone": "555 111 2222"})
    assert company_of(lead).phone is None


def test_executive_and_other_reps_cannot_edit(org) -> None:  # type: ignore[no-untyped-def]
    lead = make_lead(org.id, "Rep One Lead", assigned_to=org.users["rep"])
    with pytest.raises(Forbidden), tenant_session(org.actors["exec"]) as s:
        update_lead_profile(s, org.actors["exec"], lead, {"name": "Hacked"})
    with pytest.raises(NotFound), tenant_session(org.actors["rep2"]) as s:
        update_lead_profile(s, org.actors["rep2"], lead, {"name": "Hacked"})
    assert company_of(lead).name == "Rep One Lead"


def test_timeline_entries_edit_and_soft_delete_by_author_or_manager(org) -> None:  # type: ignore[no-untyped-def]
    lead = make_lead(org.id, "Noted", assigned_to=org.users["rep"])
    rep, mgr = org.actors["rep"], org.actors["manager"]
    with tenant_session(rep) as s:
        entry = log_note(s, rep, lead, text="first draft")["id"]
    with tenant_session(rep) as s:
        edit_entry(s, rep, entry, subject="Note", text="final text")
    with tenant_session(rep) as s:
        item = lead_detail(s, rep, lead).timeline[0]
    assert (item.body, item.can_change) == ("final text", True)
    assert "edited" in item.details
    with tenant_session(mgr) as s:
        delete_entry(s, mgr, entry)
    with tenant_session(rep) as s:
        assert lead_detail(s, rep, lead).timeline == []
    with system_session() as s:
        row = s.get(m.Interaction, entry)
        assert row is not None and row.deleted_at is not None  # kept, not erased
    assert audit_actions(org.id, entry)[-2:] == ["interaction.edit", "interaction.delete"]


def test_only_author_or_manager_changes_an_entry(org) -> None:  # type: ignore[no-untyped-def]
    lead = make_lead(org.id, "Shared")  # unassigned: both reps see it
    rep, rep2 = org.actors["rep"], org.actors["rep2"]
    with tenant_session(rep) as s:
        entry = log_note(s, rep, lead, text="mine")["id"]
    with pytest.raises(Forbidden), tenant_session(rep2) as s:
        edit_entry(s, rep2, entry, subject="", text="theirs")
    with tenant_session(rep2) as s:
        assert lead_detail(s, rep2, lead).timeline[0].can_change is False
    with pytest.raises(Forbidden), tenant_session(org.actors["exec"]) as s:
        delete_entry(s, org.actors["exec"], entry)


def test_abilities_follow_permissions_and_scope(org) -> None:  # type: ignore[no-untyped-def]
    lead = make_lead(org.id, "Scoped", assigned_to=org.users["rep"])
    with system_session() as s:
        row = s.get(m.Lead, lead)
        execu = lead_abilities(org.actors["exec"], row)
        rep = lead_abilities(org.actors["rep"], row)
        mgr = lead_abilities(org.actors["manager"], row)
    assert not any(vars(execu).values())  # the executive sees no action
    assert rep.can_log and rep.can_edit and rep.can_convert and not rep.can_assign
    assert mgr.can_assign and mgr.can_convert


def test_pickers_list_only_people_who_can_hold_leads_and_deals(org) -> None:  # type: ignore[no-untyped-def]
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        lead_people = {o.id for o in holders(s, mgr, "lead")}
        deal_people = {o.id for o in list_owners(s, mgr)}
    expected = {str(org.users[k]) for k in ("manager", "rep", "rep2")}
    assert lead_people == expected and deal_people == expected
    lead = make_lead(org.id, "To assign")
    for outsider in ("exec", "admin"):
        with pytest.raises(NotFound), tenant_session(mgr) as s:
            assign_leads(s, mgr, [lead], org.users[outsider])
    assert lead_row(lead).assigned_to is None


def test_task_assignee_picker_lists_only_whom_the_actor_may_give_tasks(org) -> None:  # type: ignore[no-untyped-def]
    from smartweb_ui.services.access.abilities import task_assignees

    rep, mgr = org.actors["rep"], org.actors["manager"]
    with tenant_session(rep) as s:
        assert [o.id for o in task_assignees(s, rep)] == [str(org.users["rep"])]
    with tenant_session(mgr) as s:
        people = {o.id for o in task_assignees(s, mgr)}
    assert str(org.users["rep2"]) in people and str(org.users["exec"]) not in people


def test_convert_names_the_deal_and_takes_the_owner(org) -> None:  # type: ignore[no-untyped-def]
    lead = make_lead(
        org.id, "Hancock Painting", business_type=m.BusinessType.PAINTING, status="contacted"
    )
    make_pipeline(org, deals=False)
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        pipe = convertible_pipelines(s, mgr)[0].id
        detail = lead_detail(s, mgr, lead)
        assert detail.deal_name == "Hancock Painting – Painting"
        deal = convert_lead(
            s, mgr, lead, pipeline_id=pipe, value="1200", owner_id=org.users["rep2"]
        )
    with system_session() as s:
        row = s.get(m.Opportunity, deal)
        assert row is not None
        assert (row.name, row.owner_id) == ("Hancock Painting – Painting", org.users["rep2"])


def test_global_search_ranks_and_respects_row_scope(org) -> None:  # type: ignore[no-untyped-def]
    mine = make_lead(org.id, "Hancock Painting", assigned_to=org.users["rep"])
    make_lead(org.id, "Big Hancock Supply", assigned_to=org.users["rep"])
    theirs = make_lead(org.id, "Hancock Roofing", assigned_to=org.users["rep2"])
    rep = org.actors["rep"]
    with tenant_session(rep) as s:
        hits = search(s, rep, "hancock")
    leads = [h for h in hits if h.kind == "lead"]
    assert [h.title for h in leads] == ["Hancock Painting", "Big Hancock Supply"]
    assert all(h.id != str(theirs) for h in hits)
    assert leads[0].href == f"/leads/{mine}"
    with tenant_session(rep) as s:
        assert search(s, rep, "h") == []  # one character: nothing yet
    with system_session() as s:
        n = s.execute(sa.select(sa.func.count()).select_from(m.AuditLog)).scalar_one()
    assert n == 0  # searching writes nothing


def test_inbox_offers_bulk_actions_only_to_who_may_use_them(org) -> None:  # type: ignore[no-untyped-def]
    from smartweb_ui.services.access.abilities import inbox_abilities

    with system_session() as s:
        execu = inbox_abilities(s, org.actors["exec"])
        rep = inbox_abilities(s, org.actors["rep"])
        mgr = inbox_abilities(s, org.actors["manager"])
    assert not execu.can_select and not execu.can_create
    assert rep.can_select and rep.can_tag and not rep.can_assign and not rep.can_import
    assert mgr.can_assign and mgr.can_import


def test_an_import_trade_that_maps_to_nothing_is_reported() -> None:
    from smartweb_ui.services.leads.import_rules import validate_row

    clean, errors = validate_row({"name": "Smile Dental", "business_type": "Dentist"})
    assert any("Dentist" in e and "Other" in e for e in errors)
    clean, errors = validate_row({"name": "Odd Jobs", "business_type": "other"})
    assert errors == [] and clean["business_type"].value == "other"
    clean, errors = validate_row({"name": "Joe", "business_type": "Plumber"})
    assert errors == [] and clean["business_type"].value == "plumbing"


def test_a_rep_opens_the_inbox_on_own_open_leads(org) -> None:  # type: ignore[no-untyped-def]
    from smartweb_ui.services.leads import default_view

    with system_session() as s:
        assert default_view(s, org.actors["rep"]) == "my_open"
        assert default_view(s, org.actors["manager"]) == "all"
