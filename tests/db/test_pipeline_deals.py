"""Stage settings, new deals, drawer edits and deal tasks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services.core.errors import Conflict, Forbidden, Invalid, NotFound
from smartweb_ui.services.pipeline.deals import create_deal, update_deal
from smartweb_ui.services.pipeline.drawer import deal_detail, search_companies
from smartweb_ui.services.pipeline.kanban import board
from smartweb_ui.services.pipeline.moves import move_deal
from smartweb_ui.services.pipeline.stages import StageSettings, stage_settings, update_stage
from smartweb_ui.services.tasks.followups import add_task, complete_task

from .builders.pipeline import column_positions, make_pipeline

pytestmark = pytest.mark.db


def call(actor, fn, *args, **kw):  # type: ignore[no-untyped-def]
    with tenant_session(actor) as s:
        return fn(s, actor, *args, **kw)


def audit_actions(org_id) -> list[str]:  # type: ignore[no-untyped-def]
    with system_session() as s:
        return list(
            s.execute(
                sa.text(
                    "SELECT action FROM audit_logs WHERE organization_id = :o ORDER BY created_at"
                ),
                {"o": org_id},
            ).scalars()
        )


# ------------------------------------------------------------------ stage settings
def settings_for(org, stage_id, **changes) -> StageSettings:  # type: ignore[no-untyped-def]
    current = call(org.actors["manager"], stage_settings, stage_id)
    base = {
        k: getattr(current, k)
        for k in ("name", "position", "probability", "rotting_days", "wip_limit", "kind")
    }
    return StageSettings(**{**base, **changes})


def test_probability_change_reweights_open_deals_and_is_audited(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    new = settings_for(
        org, data.stages["Lead In"], probability="40", wip_limit="10", rotting_days=""
    )
    call(org.actors["manager"], update_stage, data.stages["Lead In"], new)
    b = call(org.actors["manager"], board, data.pipeline)
    lead_in = b.columns[0]
    assert lead_in.weighted_value == Decimal("3420.30")  # 40% of 8550.75
    assert (lead_in.wip_limit, lead_in.over_wip, lead_in.rotting_days) == (10, 0, None)
    with system_session() as s:
        w = s.execute(
            sa.text("SELECT weighted_value FROM opportunities WHERE id = :d"),
            {"d": data.deals["r2"]},
        ).scalar()
    assert w == Decimal("1000.20")  # 2500.50 × 40 %
    assert audit_actions(org.id) == ["pipeline_stage.update"]


def test_stage_reorder_keeps_stage_positions_dense(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    call(
        org.actors["manager"],
        update_stage,
        data.stages["Proposal"],
        settings_for(org, data.stages["Proposal"], position=0),
    )
    names = [c.name for c in call(org.actors["manager"], board, data.pipeline).columns]
    assert names == ["Proposal", "Lead In", "Qualified", "Won", "Lost"]


def test_stage_settings_need_pipeline_manage_and_own_org(org, other_org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    theirs = make_pipeline(other_org, deals=False)
    new = settings_for(org, data.stages["Lead In"], probability="90")
    with pytest.raises(Forbidden):
        call(org.actors["rep"], update_stage, data.stages["Lead In"], new)
    with pytest.raises(NotFound):
        call(org.actors["manager"], update_stage, theirs.stages["Lead In"], new)
    with pytest.raises(Invalid):  # the stage holds deals
        call(
            org.actors["manager"],
            update_stage,
            data.stages["Lead In"],
            settings_for(org, data.stages["Lead In"], kind="won"),
        )
    with pytest.raises(Invalid):
        call(
            org.actors["manager"],
            update_stage,
            data.stages["Lead In"],
            settings_for(org, data.stages["Lead In"], probability="150"),
        )
    assert audit_actions(org.id) == []


# ------------------------------------------------------------------ new deal / edit
def test_new_deal_goes_to_the_top_of_the_first_stage(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    rep = org.actors["rep"]
    found = call(rep, search_companies, "zen roof")
    assert [f.id for f in found] == [str(data.companies["zen"])]
    deal_id = call(
        rep,
        create_deal,
        data.pipeline,
        name="Zen re-roof",
        value="12000",
        company_id=data.companies["zen"],
    )
    column = column_positions(data.stages["Lead In"])
    assert column[0][0].hex == deal_id.replace("-", "")
    assert [p for _, p in column] == [5, 4, 3, 2, 1, 0]
    detail = call(rep, deal_detail, deal_id)
    assert detail.company.startswith("Zen Roofing")
    assert detail.owner_name == "Rep Acme"
    assert detail.history[0].title == "Created in Lead In"
    assert audit_actions(org.id) == ["opportunity.create"]


def test_new_deal_rules(org, other_org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    theirs = make_pipeline(other_org, deals=False)
    rep = org.actors["rep"]
    with pytest.raises(Forbidden):
        call(
            rep,
            create_deal,
            data.pipeline,
            name="X",
            value="1",
            company_id=data.companies["zen"],
            owner_id=org.users["rep2"],
        )
    with pytest.raises(NotFound):
        call(
            rep, create_deal, data.pipeline, name="X", value="1", company_id=theirs.companies["zen"]
        )
    with pytest.raises(NotFound):
        call(
            rep, create_deal, theirs.pipeline, name="X", value="1", company_id=data.companies["zen"]
        )
    with pytest.raises(Invalid):
        call(rep, create_deal, data.pipeline, name=" ", value="1", company_id=data.companies["zen"])
    with pytest.raises(Forbidden):
        call(
            org.actors["exec"],
            create_deal,
            data.pipeline,
            name="X",
            value="1",
            company_id=data.companies["zen"],
        )
    assert search_companies_in(other_org, "acme") == []
    assert audit_actions(org.id) == []


def search_companies_in(org, q) -> list:  # type: ignore[no-untyped-def]
    """Another org searching for this org's company names finds only its own companies."""
    found = call(org.actors["rep"], search_companies, q)
    return [f for f in found if not f.name.endswith(org.id.hex[:4])]


def test_drawer_edit_recomputes_weighted_and_checks_version(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    rep = org.actors["rep"]
    close = date.today() + timedelta(days=20)
    v = call(
        rep,
        update_deal,
        data.deals["q1"],
        1,
        name="Deal q1 bigger",
        value="10000",
        expected_close_date=close,
        owner_id=org.users["rep"],
    )
    assert v == 2
    detail = call(rep, deal_detail, data.deals["q1"])
    assert (detail.name, detail.value, detail.expected_close) == (
        "Deal q1 bigger",
        "10000.00",
        close.isoformat(),
    )
    assert detail.weighted_display == "$2,500"
    with pytest.raises(Conflict):
        call(
            rep,
            update_deal,
            data.deals["q1"],
            1,
            name="Old",
            value="1",
            expected_close_date=None,
            owner_id=org.users["rep"],
        )
    with pytest.raises(Forbidden):  # a rep cannot hand a deal over
        call(
            rep,
            update_deal,
            data.deals["q1"],
            2,
            name="x",
            value="1",
            expected_close_date=None,
            owner_id=org.users["rep2"],
        )
    with pytest.raises(Forbidden):  # nor edit someone else's
        call(
            rep,
            update_deal,
            data.deals["o1"],
            1,
            name="x",
            value="1",
            expected_close_date=None,
            owner_id=org.users["rep2"],
        )
    call(
        org.actors["manager"],
        update_deal,
        data.deals["q1"],
        2,
        name="Deal q1",
        value="10000",
        expected_close_date=close,
        owner_id=org.users["rep2"],
    )
    assert audit_actions(org.id) == ["opportunity.update", "opportunity.update"]


def test_drawer_shows_the_stage_timeline(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        move_deal(s, mgr, data.deals["r1"], data.stages["Qualified"], 0, 1)
    with tenant_session(mgr) as s:
        move_deal(s, mgr, data.deals["r1"], data.stages["Proposal"], 0, 2)
    history = call(mgr, deal_detail, data.deals["r1"]).history
    assert [h.title for h in history] == ["Qualified → Proposal", "Lead In → Qualified"]
    assert history[1].spent == "10 days in Lead In"
    assert history[0].who == "Manager Acme"


def test_deal_tasks_add_complete_and_show_on_the_card(org, other_org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    rep, rep2 = org.actors["rep"], org.actors["rep2"]
    due = date.today() + timedelta(days=2)
    task_id = call(
        rep, add_task, deal_id=data.deals["r2"], title="Call back about the quote", due_on=due
    )
    card = next(c for c in call(rep, board, data.pipeline).columns[0].cards if c.name == "Deal r2")
    assert card.next_task_due and not card.next_task_overdue
    with pytest.raises(Forbidden):
        call(rep2, complete_task, task_id)
    with pytest.raises(NotFound):
        call(other_org.actors["manager"], complete_task, task_id)
    call(rep, complete_task, task_id)
    detail = call(rep, deal_detail, data.deals["r2"])
    assert detail.tasks[0].done
    card = next(c for c in call(rep, board, data.pipeline).columns[0].cards if c.name == "Deal r2")
    assert card.next_task_due == ""
    with pytest.raises(NotFound):
        call(other_org.actors["manager"], add_task, deal_id=data.deals["r2"], title="Snoop")
    with pytest.raises(NotFound):
        call(rep, deal_detail, uuid4())
    assert audit_actions(org.id) == ["task.create", "task.complete"]
    with system_session() as s:
        t = s.get(m.Task, task_id)
        assert (t.status, t.completed_by) == (m.TaskStatus.DONE, org.users["rep"])


# ------------------------------------------------------------------ row scope
def test_a_rep_adds_tasks_only_to_their_own_deals(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    rep = org.actors["rep"]
    with pytest.raises(Forbidden):
        call(rep, add_task, deal_id=data.deals["o1"], title="Not mine")  # rep2's deal
    call(org.actors["manager"], add_task, deal_id=data.deals["o1"], title="Manager can")
    assert audit_actions(org.id) == ["task.create"]


def test_a_rep_cannot_open_a_deal_on_a_colleagues_lead_nor_find_it(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    with system_session() as s:
        s.execute(
            sa.update(m.Lead)
            .where(m.Lead.company_id == data.companies["zen"])
            .values(assigned_to=org.users["rep2"])
        )
    rep = org.actors["rep"]
    assert call(rep, search_companies, "zen roof") == []
    assert [c.id for c in call(org.actors["manager"], search_companies, "zen roof")] == [
        str(data.companies["zen"])
    ]
    with pytest.raises(NotFound):
        call(
            rep,
            create_deal,
            data.pipeline,
            name="Poach",
            value="1",
            company_id=data.companies["zen"],
        )
    assert audit_actions(org.id) == []


def test_the_drawer_hides_a_colleagues_lead_contact_details(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    with system_session() as s:
        s.execute(
            sa.update(m.Company)
            .where(m.Company.id == data.companies["zen"])
            .values(phone="(512) 555-0199", email="owner@zen.example")
        )
        s.execute(
            sa.update(m.Lead)
            .where(m.Lead.company_id == data.companies["zen"])
            .values(assigned_to=org.users["rep2"])
        )
    seen_by_rep = call(org.actors["rep"], deal_detail, data.deals["q1"])  # rep's deal, rep2's lead
    assert (seen_by_rep.company_phone, seen_by_rep.company_email, seen_by_rep.lead_id) == (
        "",
        "",
        "",
    )
    seen_by_owner = call(org.actors["rep2"], deal_detail, data.deals["q1"])
    assert seen_by_owner.company_phone == "(512) 555-0199" and seen_by_owner.lead_id
