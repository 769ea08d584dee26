"""Lead inbox list: scope, search, filters, sorts, keyset paging, views with counts, export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

import smartweb_ui.models as m
from smartweb_ui.db import tenant_session
from smartweb_ui.models.base import utcnow
from smartweb_ui.services.core.errors import Forbidden, Invalid, NotFound
from smartweb_ui.services.core.scope import load_lead
from smartweb_ui.services.leads.export import export_csv
from smartweb_ui.services.leads.inbox import count_leads, list_leads
from smartweb_ui.services.leads.views import delete_view, list_views, save_view, view_definition

from .builders.leads import make_lead, make_many

pytestmark = pytest.mark.db


def names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.company_name for r in page.rows]


def test_rep_sees_own_and_unassigned_manager_sees_all(org, other_org) -> None:  # type: ignore[no-untyped-def]
    make_lead(org.id, "Mine", assigned_to=org.users["rep"])
    make_lead(org.id, "Nobody's")
    make_lead(org.id, "Colleague's", assigned_to=org.users["rep2"])
    make_lead(other_org.id, "Foreign")
    with tenant_session(org.actors["rep"]) as s:
        assert sorted(names(list_leads(s, org.actors["rep"]))) == ["Mine", "Nobody's"]
    with tenant_session(org.actors["manager"]) as s:
        assert sorted(names(list_leads(s, org.actors["manager"]))) == [
            "Colleague's",
            "Mine",
            "Nobody's",
        ]


def test_forged_lead_id_outside_scope_or_org_is_not_found(org, other_org) -> None:  # type: ignore[no-untyped-def]
    colleague = make_lead(org.id, "Colleague's", assigned_to=org.users["rep2"])
    foreign = make_lead(other_org.id, "Foreign")
    for lead_id in (colleague, foreign, "not-a-uuid"):
        with tenant_session(org.actors["rep"]) as s, pytest.raises(NotFound):
            load_lead(s, org.actors["rep"], lead_id)
    with tenant_session(org.actors["manager"]) as s, pytest.raises(NotFound):
        load_lead(s, org.actors["manager"], foreign)


def test_search_matches_name_phone_email_and_website(org) -> None:  # type: ignore[no-untyped-def]
    make_lead(
        org.id,
        "Blue Pipe Plumbing",
        phone="(512) 555-0199",
        email="info@bluepipe.com",
        website="https://www.bluepipe.com",
    )
    make_lead(
        org.id,
        "Red Roofers",
        phone="(737) 555-0142",
        email="hello@redroof.io",
        website="redroof.io",
    )
    actor = org.actors["manager"]
    with tenant_session(actor) as s:
        assert names(list_leads(s, actor, {"search": "blue pipe"})) == ["Blue Pipe Plumbing"]
        assert names(list_leads(s, actor, {"search": "5550142"})) == ["Red Roofers"]
        assert names(list_leads(s, actor, {"search": "512-555-0199"})) == ["Blue Pipe Plumbing"]
        assert names(list_leads(s, actor, {"search": "hello@red"})) == ["Red Roofers"]
        assert names(list_leads(s, actor, {"search": "bluepipe.com"})) == ["Blue Pipe Plumbing"]
        assert names(list_leads(s, actor, {"search": "100%_"})) == []


def test_search_function_only_sees_the_callers_organization(org, other_org) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa
    from sqlmodel import Session

    from smartweb_ui.db import apply_tenant, get_engine

    make_lead(org.id, "Shared Name Plumbing")
    theirs = make_lead(other_org.id, "Shared Name Roofing")
    query = sa.text("SELECT count(*) FROM lead_search_companies('%shared name%', NULL, NULL)")
    with Session(get_engine()) as s:
        apply_tenant(s, other_org.id)
        assert s.execute(query).scalar_one() == 1
    with Session(get_engine()) as s:  # app role without an organization: nothing
        s.execute(sa.text('SET LOCAL ROLE "smartweb_app"'))
        assert s.execute(query).scalar_one() == 0
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        assert names(list_leads(s, mgr, {"search": "shared name"})) == ["Shared Name Plumbing"]
        with pytest.raises(NotFound):
            load_lead(s, mgr, theirs)


def test_broad_search_walks_the_sort_order_with_the_same_result(org, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from smartweb_ui.services.leads import search as lead_search

    for i in range(12):
        make_lead(org.id, f"Common Plumbing {i:02d}", lead_score=i * 5, tags=["x"] if i % 2 else [])
        make_lead(org.id, f"Other Roofing {i:02d}", lead_score=i * 5 + 1)
    mgr = org.actors["manager"]

    def walk_all(sort: str) -> list[str]:
        out, cursor = [], None
        with tenant_session(mgr) as s:
            while True:
                page = list_leads(s, mgr, {"search": "plumbing"}, sort=sort, after=cursor, limit=4)
                out += names(page)
                if not (cursor := page.next_cursor):
                    return out

    selective = {sort: walk_all(sort) for sort in ("score", "created")}
    monkeypatch.setattr(lead_search, "PROBE", 3)  # 12 matching companies: a "common" term
    monkeypatch.setattr(lead_search, "BATCH", 5)
    for batches in (1, 50):  # 1: falls back to the indexed company list; 50: walks every page
        monkeypatch.setattr(lead_search, "WALK_BATCHES", batches)
        for sort, expected in selective.items():
            assert walk_all(sort) == expected and len(expected) == 12
    assert selective["score"][0] == "Common Plumbing 11"
    with tenant_session(mgr) as s:
        assert count_leads(s, mgr, {"search": "plumbing"}) == 12
        assert len(list_leads(s, mgr, {"search": "plumbing", "tag": "x"}).rows) == 6


def test_filters_combine(org) -> None:  # type: ignore[no-untyped-def]
    rep = org.users["rep"]
    make_lead(
        org.id,
        "A",
        status=m.LeadStatus.NEW,
        source=m.LeadSource.REFERRAL,
        lead_score=80,
        business_type=m.BusinessType.HVAC,
        city="Austin",
        state="TX",
        assigned_to=rep,
        tags=["vip"],
    )
    make_lead(
        org.id,
        "B",
        status=m.LeadStatus.CONTACTED,
        source=m.LeadSource.SCRAPE,
        lead_score=40,
        business_type=m.BusinessType.ROOFING,
        city="Dallas",
        state="TX",
    )
    make_lead(
        org.id,
        "C",
        status=m.LeadStatus.NEW,
        source=m.LeadSource.SCRAPE,
        lead_score=65,
        business_type=m.BusinessType.HVAC,
        city="Miami",
        state="FL",
        assigned_to=org.users["rep2"],
    )
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        assert names(list_leads(s, mgr, {"status": ["new"]})) == ["A", "C"]
        assert names(list_leads(s, mgr, {"source": ["scrape"]})) == ["C", "B"]
        assert names(list_leads(s, mgr, {"assignee": "unassigned"})) == ["B"]
        assert names(list_leads(s, mgr, {"assignee": str(org.users["rep2"])})) == ["C"]
        assert names(list_leads(s, mgr, {"tag": "VIP"})) == ["A"]
        assert names(list_leads(s, mgr, {"score_min": 50, "score_max": 70})) == ["C"]
        assert names(list_leads(s, mgr, {"business_type": ["hvac"], "state": "tx"})) == ["A"]
        assert names(list_leads(s, mgr, {"city": "dallas"})) == ["B"]
        assert count_leads(s, mgr, {"state": "TX"}) == 2
        with pytest.raises(Invalid):
            list_leads(s, mgr, {"status": ["bogus"]})
        with pytest.raises(Invalid):
            list_leads(s, mgr, {"score_min": 500})
    with tenant_session(org.actors["rep"]) as s:
        assert names(list_leads(s, org.actors["rep"], {"assignee": "me"})) == ["A"]


def test_keyset_paging_walks_every_row_once_in_each_sort(org) -> None:  # type: ignore[no-untyped-def]
    ids = make_many(org.id, 23)
    now = utcnow()
    for n, lid in enumerate(ids):  # ties on purpose: scores repeat, some contact/SLA times missing
        with tenant_session(org.actors["admin"]) as s:
            lead = s.get(m.Lead, lid)
            lead.lead_score = n % 4 * 10
            lead.last_contact_at = None if n % 3 == 0 else now - timedelta(minutes=n % 5)
            lead.sla_due_at = None if n % 4 == 0 else now + timedelta(minutes=n % 6)
            s.add(lead)
    mgr = org.actors["manager"]
    for sort in ("score", "created", "last_contact", "sla_due"):
        seen, cursor = [], None
        with tenant_session(mgr) as s:
            full = [r.id for r in list_leads(s, mgr, sort=sort, limit=200).rows]
            while True:
                page = list_leads(s, mgr, sort=sort, after=cursor, limit=5)
                seen += [r.id for r in page.rows]
                cursor = page.next_cursor
                if cursor is None:
                    break
        assert seen == full and len(set(seen)) == 23, sort
    with tenant_session(mgr) as s:
        scores = [r.score for r in list_leads(s, mgr, sort="score", limit=200).rows]
        assert scores == sorted(scores, reverse=True)
        with pytest.raises(Invalid):
            list_leads(s, mgr, sort="score", after="garbage")
        with pytest.raises(Invalid):
            list_leads(s, mgr, sort="name")


def test_builtin_views_and_counts(org) -> None:  # type: ignore[no-untyped-def]
    rep = org.users["rep"]
    past, future = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=5)
    make_lead(org.id, "My new", assigned_to=rep, sla_due_at=future)
    make_lead(
        org.id, "Hot one", lead_score=85, status=m.LeadStatus.CONTACTED, first_contact_at=past
    )
    make_lead(org.id, "Overdue", sla_due_at=past)
    follow = make_lead(
        org.id, "Follow up", assigned_to=rep, status=m.LeadStatus.CONTACTED, first_contact_at=past
    )
    make_lead(
        org.id, "Done hot", lead_score=95, status=m.LeadStatus.CONVERTED, first_contact_at=past
    )
    with tenant_session(org.actors["admin"]) as s:
        s.add(
            m.Task(
                organization_id=org.id,
                title="Call back",
                lead_id=follow,
                assigned_to=rep,
                due_at=utcnow(),
            )
        )
    actor = org.actors["rep"]
    with tenant_session(actor) as s:
        views = {v.key: v for v in list_views(s, actor)}
        assert views["my_new"].count == 1 and views["hot"].count == 1
        assert views["overdue"].count == 1 and views["follow_ups"].count == 1
        assert views["unassigned"].count == 2
        filters, sort = view_definition(s, actor, "overdue")
        assert names(list_leads(s, actor, filters, sort=sort)) == ["Overdue"]
        assert list_leads(s, actor, filters, sort=sort).rows[0].overdue is True
        filters, sort = view_definition(s, actor, "follow_ups")
        assert names(list_leads(s, actor, filters, sort=sort)) == ["Follow up"]


def test_saved_views_are_per_user(org) -> None:  # type: ignore[no-untyped-def]
    make_lead(org.id, "Texan", state="TX")
    make_lead(org.id, "Floridian", state="FL")
    rep, rep2 = org.actors["rep"], org.actors["rep2"]
    with tenant_session(rep) as s:
        vid = save_view(s, rep, "Texas", {"state": "tx"}, "created")
        save_view(s, rep, "Texas", {"state": "tx", "status": ["new"]}, "score")  # replaces by name
    with tenant_session(rep) as s:
        mine = [v for v in list_views(s, rep) if not v.builtin]
        assert [(v.name, v.count, v.sort) for v in mine] == [("Texas", 1, "score")]
        filters, _ = view_definition(s, rep, vid)
        assert names(list_leads(s, rep, filters)) == ["Texan"]
    with tenant_session(rep2) as s:
        assert [v for v in list_views(s, rep2) if not v.builtin] == []
        with pytest.raises(NotFound):
            delete_view(s, rep2, vid)
    with tenant_session(rep) as s:
        delete_view(s, rep, vid)
        assert [v for v in list_views(s, rep, with_counts=False) if not v.builtin] == []


def test_export_has_every_matching_row_not_just_a_page(org) -> None:  # type: ignore[no-untyped-def]
    make_many(org.id, 60, state="TX")
    make_lead(org.id, "Elsewhere", state="FL", tags=["a", "b"])
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        rows = list(csv.DictReader(io.StringIO(export_csv(s, mgr, {"state": "TX"}))))
        assert len(rows) == 60 and {r["state"] for r in rows} == {"TX"}
        fl = list(csv.DictReader(io.StringIO(export_csv(s, mgr, {"state": "FL"}))))
        assert fl[0]["company"] == "Elsewhere" and fl[0]["tags"] == "a;b"
    with tenant_session(org.actors["rep"]) as s, pytest.raises(Forbidden):
        export_csv(s, org.actors["rep"], {})
