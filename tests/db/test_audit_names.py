"""The audit trail reads as sentences with names, in the app's words, and is searched by the
name of the thing changed."""

from __future__ import annotations

import pytest

from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.models import User
from smartweb_ui.services import pipeline as deals
from smartweb_ui.services.access import admin
from smartweb_ui.services.pipeline.moves import move_deal

from .builders.pipeline import make_pipeline

pytestmark = pytest.mark.db


def _page(org, search: str = ""):  # type: ignore[no-untyped-def]
    actor = org.actors["admin"]
    with tenant_session(actor) as s:
        return admin.audit_page(s, actor, search=search)


def test_a_move_reads_with_the_deal_stages_and_mover_named(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    mgr = org.actors["manager"]
    with system_session() as s:
        manager_name = s.get(User, org.users["manager"]).full_name
    with tenant_session(mgr) as s:
        move_deal(s, mgr, data.deals["q1"], data.stages["Proposal"], 0, 1)
    row = _page(org).rows[0]
    assert row.summary == f"deal Deal q1 moved from Qualified to Proposal by {manager_name}"
    assert row.entity == "deal Deal q1"
    assert "opportunity" not in row.summary and "-" not in row.entity  # no ids, no table names
    assert row.action == "opportunity.move"


def test_changes_name_people_and_stages_and_hide_bookkeeping(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        deals.update_deal(
            s, mgr, data.deals["q1"], 1, name="Deal q1", value="8000.00",
            expected_close_date=None, owner_id=org.users["rep2"],
        )  # fmt: skip
    with system_session() as s:
        rep2 = s.get(User, org.users["rep2"]).full_name
    row = _page(org).rows[0]
    assert rep2 in row.changes and "owner" in row.changes
    assert "version" not in row.changes and str(org.users["rep2"]) not in row.changes


def test_the_audit_log_is_searched_by_the_name_of_the_thing_changed(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        move_deal(s, mgr, data.deals["q1"], data.stages["Proposal"], 0, 1)
        move_deal(s, mgr, data.deals["r1"], data.stages["Qualified"], 0, 1)
        deals.add_stage(s, mgr, data.pipeline, "Negotiation")
    found = _page(org, "deal q1").rows
    assert [r.entity for r in found] == ["deal Deal q1"]
    assert {r.entity for r in _page(org, "deal").rows} == {"deal Deal q1", "deal Deal r1"}
    assert [r.summary.split(" by ")[0] for r in _page(org, "negotiation").rows] == [
        "stage Negotiation created"
    ]
    assert _page(org, "no such thing").rows == []


def test_sign_ins_read_as_the_person_signing_in(org) -> None:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from smartweb_ui.services.access import audit_text

    row = SimpleNamespace(action="auth.sign_in", entity_type="session", entity_id=None, changes={})
    assert audit_text.sentence(row, "Morgan Reyes", {}) == "Morgan Reyes signed in"
    gone = SimpleNamespace(
        action="pipeline_stage.delete", entity_type="pipeline_stage", entity_id=None,
        changes={"before": {"name": "Demo", "deals": 2}, "after": {"moved_to": "Proposal"}},
    )  # fmt: skip
    assert audit_text.change_details(gone, {}) == "name: Demo; deals: 2; moved to: Proposal"


def test_activities_and_their_times_read_as_people_write_them(org) -> None:  # type: ignore[no-untyped-def]
    """A logged call names its lead's company, its times are the app's dates with the zone
    named (not ISO strings), ids never show."""
    import re

    from smartweb_ui.services.leads.interactions import log_call

    from .builders.leads import make_lead

    mgr = org.actors["manager"]
    lead = make_lead(org.id, "Hancock Painting", assigned_to=org.users["manager"])
    with tenant_session(mgr) as s:
        log_call(s, mgr, lead, duration_minutes=5, outcome="connected")
    row = _page(org).rows[0]
    assert row.entity == "call with Hancock Painting"
    assert row.summary.startswith("call with Hancock Painting ")
    assert "lead: Hancock Painting" in row.changes
    assert re.search(r"last contact at: none → \w{3} \d+, \d{4}, \d\d:\d\d \w+", row.changes)
    assert not re.search(r"\d{4}-\d\d-\d\dT", row.changes + row.summary)  # no ISO timestamps
    assert str(lead) not in row.changes + row.summary
    assert [r.entity for r in _page(org, "hancock").rows][:1] == ["call with Hancock Painting"]


def test_unnamed_kinds_and_enum_values_read_as_words() -> None:
    from types import SimpleNamespace
    from uuid import uuid4

    from smartweb_ui.services.access import audit_text

    call = SimpleNamespace(
        action="ai_call.completed", entity_type="ai_call", entity_id=uuid4(),
        changes={"before": {"status": "in_progress"}, "after": {"status": "completed",
                 "provider_call_id": str(uuid4()), "outcome": "meeting_booked"}},
    )  # fmt: skip
    names = {("ai_call", str(call.entity_id)): "Summit Roofing"}
    assert audit_text.thing(call, names) == "AI call to Summit Roofing"
    assert audit_text.change_details(call, names) == (
        "status: In progress → Completed; outcome: Meeting booked"
    )
    session = SimpleNamespace(action="organization.update", entity_type="organization",
                              entity_id=uuid4(), changes={})  # fmt: skip
    assert audit_text.thing(session, {}) == "organization"  # a kind without names: no "(removed)"
