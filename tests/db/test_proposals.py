"""Proposals end to end at the service level: create, build, price, lock, revise, diff, PDF,
the list and its filters, contacts and the catalog — and forged ids from another organization."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

import smartweb_ui.models as m
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services import proposals as ps
from smartweb_ui.services.core.errors import Conflict, Forbidden, Invalid, NotFound
from smartweb_ui.services.core.search import search
from smartweb_ui.services.core.unit_of_work import in_tenant

from .builders.proposals import count_rows, make_proposal_world

pytestmark = pytest.mark.db


@pytest.fixture
def world(org):  # type: ignore[no-untyped-def]
    return make_proposal_world(org)


def _new(org, world, deal: str = "r1", who: str = "rep") -> str:  # type: ignore[no-untyped-def]
    return in_tenant(org.actors[who], ps.create_proposal, world.pipe.deals[deal])


def _build(org, world, pid: str, who: str = "rep") -> ps.ProposalView:  # type: ignore[no-untyped-def]
    a = org.actors[who]
    seo = in_tenant(a, ps.add_line, pid, world.products["SEO"])
    in_tenant(a, ps.update_line, pid, seo, Decimal(6), Decimal(5))
    in_tenant(a, ps.add_line, pid, world.products["WEB"])
    sign = in_tenant(a, ps.add_line, pid, world.products["SIGN"])
    in_tenant(a, ps.update_line, pid, sign, Decimal(3), Decimal(0))
    in_tenant(a, ps.set_discount, pid, "percent", Decimal(10))
    return in_tenant(a, ps.proposal_view, pid)


def _mark(pid: str, **values) -> None:  # type: ignore[no-untyped-def]
    with system_session() as s:
        s.execute(sa.update(m.Proposal).where(m.Proposal.id == UUID(pid)).values(**values))


def test_a_new_proposal_is_numbered_addressed_and_valid_for_30_days(org, world) -> None:  # type: ignore[no-untyped-def]
    pid = _new(org, world)
    view = in_tenant(org.actors["rep"], ps.proposal_view, pid)
    year = view.valid_until[:4]
    assert view.number.startswith("P-") and view.number.endswith("-0001")
    assert view.version == 1 and view.status == "draft" and view.can_edit
    assert view.contact_id == str(world.contacts["acme"])
    assert view.company.startswith("Acme Heating")
    assert year.isdigit()
    assert len(view.products) == 3  # the archived product can't be picked


def test_totals_are_the_pricing_function_and_stored(org, world) -> None:  # type: ignore[no-untyped-def]
    pid = _new(org, world)
    view = _build(org, world, pid)
    expected = ps.price(
        [
            ps.PriceLine(Decimal(6), Decimal("1200"), Decimal(5)),
            ps.PriceLine(Decimal(1), Decimal("6500")),
            ps.PriceLine(Decimal(3), Decimal("650"), tax_rate=Decimal("8.25")),
        ],
        "percent",
        Decimal(10),
    )
    assert view.totals.subtotal_value == f"{expected.subtotal:f}" == "15290.00"
    assert view.totals.discount_value == "1529.00"
    assert view.totals.tax_value == f"{expected.tax:f}" == "144.79"
    assert view.totals.total_value == f"{expected.total:f}"
    with system_session() as s:
        row = s.get(m.Proposal, UUID(pid))
        assert row is not None and row.total_amount == expected.total
    # Amount discount, then reorder and remove.
    a = org.actors["rep"]
    in_tenant(a, ps.set_discount, pid, "amount", Decimal("290"))
    view = in_tenant(a, ps.proposal_view, pid)
    assert (view.totals.discount_value, view.discount_type) == ("290.00", "amount")
    last = view.lines[-1].id
    in_tenant(a, ps.move_line, pid, last, 0)
    view = in_tenant(a, ps.proposal_view, pid)
    assert view.lines[0].id == last
    in_tenant(a, ps.remove_line, pid, last)
    view = in_tenant(a, ps.proposal_view, pid)
    assert len(view.lines) == 2 and view.totals.subtotal_value == "13340.00"


def test_price_override_needs_permission_and_archived_products_stay_out(org, world) -> None:  # type: ignore[no-untyped-def]
    pid = _new(org, world)
    line = in_tenant(org.actors["rep"], ps.add_line, pid, world.products["WEB"])
    with pytest.raises(Forbidden):
        in_tenant(org.actors["rep"], ps.update_line, pid, line, Decimal(1), Decimal(0), Decimal(1))
    in_tenant(
        org.actors["manager"], ps.update_line, pid, line, Decimal(1), Decimal(0), Decimal(5000)
    )
    assert in_tenant(org.actors["rep"], ps.proposal_view, pid).totals.total_value == "5000.00"
    with pytest.raises(Invalid, match="archived"):
        in_tenant(org.actors["rep"], ps.add_line, pid, world.products["OLD"])
    # Archiving a product keeps it on the proposal.
    in_tenant(org.actors["manager"], ps.set_product_active, world.products["WEB"], False)
    view = in_tenant(org.actors["rep"], ps.proposal_view, pid)
    assert view.lines[0].archived and view.lines[0].description == "Website build"


def test_a_colleague_and_an_executive_cannot_edit(org, world) -> None:  # type: ignore[no-untyped-def]
    pid = _new(org, world)
    with pytest.raises(Forbidden):
        in_tenant(org.actors["rep2"], ps.add_line, pid, world.products["SEO"])
    with pytest.raises(Forbidden):
        in_tenant(org.actors["exec"], ps.add_line, pid, world.products["SEO"])
    assert not in_tenant(org.actors["exec"], ps.proposal_view, pid).can_edit
    with pytest.raises(Forbidden):
        in_tenant(org.actors["rep2"], ps.create_proposal, org_deal := world.pipe.deals["r1"])
    assert org_deal


def test_sent_proposals_are_locked_and_revise_copies_lines(org, world) -> None:  # type: ignore[no-untyped-def]
    pid = _new(org, world)
    _build(org, world, pid)
    a = org.actors["rep"]
    with pytest.raises(Invalid, match="still a draft"):
        in_tenant(a, ps.revise, pid)
    _mark(pid, status="sent")
    assert in_tenant(a, ps.proposal_view, pid).locked
    with pytest.raises(Invalid, match="locked"):
        in_tenant(a, ps.set_discount, pid, "percent", Decimal(0))
    v2 = in_tenant(a, ps.revise, pid)
    view2 = in_tenant(a, ps.proposal_view, v2)
    view1 = in_tenant(a, ps.proposal_view, pid)
    assert (view2.version, view2.number, view2.status) == (2, view1.number, "draft")
    assert [(li.description, li.quantity) for li in view2.lines] == [
        (li.description, li.quantity) for li in view1.lines
    ]
    assert view2.totals == view1.totals
    # Change v2, then diff.
    in_tenant(a, ps.update_line, v2, view2.lines[0].id, Decimal(12), Decimal(5))
    in_tenant(a, ps.remove_line, v2, view2.lines[2].id)
    in_tenant(a, ps.set_section, v2, "scope_of_work", "- SEO for 12 months")
    diff = in_tenant(a, ps.diff_versions, pid, v2)
    kinds = sorted((c.kind, c.description) for c in diff.lines)
    assert kinds == [("changed", "Local SEO"), ("removed", "Yard signs (100)")]
    assert [s.title for s in diff.sections] == ["Scope of work"]
    assert [t.label for t in diff.totals if t.changed] == ["Subtotal", "Discount", "Tax", "Total"]
    hist = in_tenant(a, ps.history, v2)
    assert [(h.version, h.is_latest) for h in hist] == [(2, True), (1, False)]
    # Only the latest is listed; an accepted proposal can't be revised.
    page = in_tenant(a, ps.list_proposals, ps.ProposalFilters())
    assert [(r.number, r.version) for r in page.rows] == [(view1.number, 2)]
    _mark(v2, status="accepted", accepted_at=m.base.utcnow())
    with pytest.raises(Conflict):
        in_tenant(a, ps.revise, v2)


def test_the_pdf_reads_back(org, world) -> None:  # type: ignore[no-untyped-def]
    pid = _new(org, world)
    view = _build(org, world, pid)
    a = org.actors["rep"]
    in_tenant(a, ps.set_section, pid, "executive_summary", "**Zoë's** plan – más clientes")
    in_tenant(a, ps.set_section, pid, "terms_and_conditions", "Net 30.")
    name, data = in_tenant(a, ps.proposal_pdf, pid)
    assert name == f"{view.number}-v1.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    for needle in (view.number, "version 1", "Acme Plumbing", "Pat Acme", "Local SEO",
                   "Zoë's plan – más clientes", "$15,290.00", "$13,905.79", "Net 30.", "Valid until"):  # fmt: skip
        assert needle in text, needle
    assert "ACCEPTED" not in text
    _mark(pid, status="accepted", accepted_at=m.base.utcnow())
    with system_session() as s:
        again = ps.render_proposal(s, org.id, UUID(pid))
    assert "ACCEPTED" in PdfReader(io.BytesIO(again)).pages[-1].extract_text()


def test_list_pages_and_filters(org, world) -> None:  # type: ignore[no-untyped-def]
    ids = [_new(org, world, deal) for deal in ("r1", "r2", "q1")]
    ids.append(_new(org, world, "o1", who="rep2"))
    _mark(ids[1], status="sent")
    a = org.actors["manager"]
    page = in_tenant(a, ps.list_proposals, ps.ProposalFilters(), 2)
    assert (page.total_rows, page.pages, len(page.rows)) == (4, 2, 2)
    assert page.rows[0].id == ids[-1]  # newest first
    second = in_tenant(a, ps.list_proposals, ps.ProposalFilters(page=2), 2)
    assert {r.id for r in second.rows} | {r.id for r in page.rows} == set(ids)
    sent = in_tenant(a, ps.list_proposals, ps.ProposalFilters(status="sent"))
    assert [r.id for r in sent.rows] == [ids[1]]
    mine = in_tenant(a, ps.list_proposals, ps.ProposalFilters(owner=str(org.users["rep2"])))
    assert [r.id for r in mine.rows] == [ids[3]]
    found = in_tenant(a, ps.list_proposals, ps.ProposalFilters(search="zen roof"))
    assert {r.id for r in found.rows} == {ids[2], ids[3]}
    assert ps.ProposalFilters.from_query({"status": "bogus", "q": "x"})[1] == ["status"]


def test_contacts_on_the_lead_and_the_deal(org, world) -> None:  # type: ignore[no-untyped-def]
    with system_session() as s:
        lead = s.execute(
            sa.select(m.Lead.id).where(m.Lead.company_id == world.pipe.companies["acme"])
        ).scalar_one()
    a = org.actors["rep"]
    new = in_tenant(
        a,
        ps.save_contact,
        lead,
        None,
        ps.ContactInput("Sam Lee", "Office", "555", "SAM@x.test", True),
    )
    rows = in_tenant(a, ps.lead_contacts, lead)
    assert [(r.name, r.is_primary) for r in rows] == [("Sam Lee", True), ("Pat Acme", False)]
    assert rows[0].email == "sam@x.test"
    in_tenant(a, ps.remove_contact, lead, new.id)
    assert [r.name for r in in_tenant(a, ps.lead_contacts, lead)] == ["Pat Acme"]
    deal_rows = in_tenant(org.actors["exec"], ps.deal_contacts, world.pipe.deals["r1"])
    assert [r.name for r in deal_rows] == ["Pat Acme"]
    with pytest.raises(Invalid):
        in_tenant(a, ps.save_contact, lead, None, ps.ContactInput("X", email="not-an-email"))


def test_catalog_is_read_by_reps_and_edited_by_managers(org, world) -> None:  # type: ignore[no-untyped-def]
    cat = in_tenant(org.actors["rep"], ps.catalog)
    assert not cat.can_edit and {r.sku for r in cat.rows} == {"SEO", "WEB", "SIGN", "OLD"}
    form = ps.ProductInput("ngo", "New thing", Decimal("10.50"), "hourly", Decimal("5"))
    with pytest.raises(Forbidden):
        in_tenant(org.actors["rep"], ps.save_product, None, form)
    row = in_tenant(org.actors["manager"], ps.save_product, None, form)
    assert (row.sku, row.unit_label, row.price_display) == ("NGO", "Hourly", "$10.50")
    with pytest.raises(Conflict):
        in_tenant(org.actors["admin"], ps.save_product, None, form)
    with pytest.raises(Forbidden):
        in_tenant(org.actors["exec"], ps.catalog)


def test_forged_ids_from_another_org_are_not_found_and_write_nothing(org, other_org, world) -> None:  # type: ignore[no-untyped-def]
    theirs = make_proposal_world(other_org)
    their_pid = in_tenant(other_org.actors["rep"], ps.create_proposal, theirs.pipe.deals["r1"])
    their_line = in_tenant(other_org.actors["rep"], ps.add_line, their_pid, theirs.products["SEO"])
    with system_session() as s:
        their_lead = s.execute(
            sa.select(m.Lead.id).where(m.Lead.company_id == theirs.pipe.companies["acme"])
        ).scalar_one()
    pid = _new(org, world)
    my_line = in_tenant(org.actors["rep"], ps.add_line, pid, world.products["SEO"])
    with system_session() as s:
        my_lead = s.execute(
            sa.select(m.Lead.id).where(m.Lead.company_id == world.pipe.companies["acme"])
        ).scalar_one()
    audits = count_rows(org.id, m.AuditLog)
    lines = count_rows(org.id, m.ProposalLineItem)
    a, mgr = org.actors["rep"], org.actors["manager"]
    attempts = [
        (a, ps.proposal_view, their_pid),
        (a, ps.add_line, their_pid, world.products["SEO"]),
        (a, ps.add_line, pid, theirs.products["SEO"]),
        (a, ps.update_line, pid, their_line, Decimal(2), Decimal(0)),
        (a, ps.remove_line, pid, their_line),
        (a, ps.move_line, pid, their_line, 0),
        (a, ps.update_line, their_pid, my_line, Decimal(2), Decimal(0)),
        (a, ps.set_discount, their_pid, "percent", Decimal(50)),
        (a, ps.update_header, pid, "x", theirs.contacts["acme"], None),
        (a, ps.revise, their_pid),
        (a, ps.diff_versions, pid, their_pid),
        (a, ps.proposal_pdf, their_pid),
        (a, ps.create_proposal, theirs.pipe.deals["r1"]),
        (a, ps.lead_contacts, their_lead),
        (a, ps.save_contact, their_lead, None, ps.ContactInput("Mallory")),
        (a, ps.save_contact, my_lead, theirs.contacts["acme"], ps.ContactInput("Mallory")),
        (a, ps.remove_contact, my_lead, theirs.contacts["acme"]),
        (mgr, ps.set_product_active, theirs.products["SEO"], False),
        (mgr, ps.save_product, theirs.products["SEO"], ps.ProductInput("Z", "Z", Decimal(1))),
        (a, ps.proposal_view, str(uuid4())),
    ]
    for actor, fn, *args in attempts:
        with pytest.raises(NotFound):
            in_tenant(actor, fn, *args)
    with system_session() as s:
        assert ps.render_proposal is not None
        with pytest.raises(NotFound):
            ps.render_proposal(s, org.id, UUID(their_pid))
    assert count_rows(org.id, m.AuditLog) == audits
    assert count_rows(org.id, m.ProposalLineItem) == lines
    assert (
        in_tenant(other_org.actors["rep"], ps.proposal_view, their_pid).totals.total_value
        == "1200.00"
    )


def test_validity_date_cannot_be_in_the_past(org, world) -> None:  # type: ignore[no-untyped-def]
    pid = _new(org, world)
    view = in_tenant(org.actors["rep"], ps.proposal_view, pid)
    from datetime import date

    past = date.fromisoformat(view.valid_until) - timedelta(days=400)
    with pytest.raises(Invalid):
        in_tenant(org.actors["rep"], ps.update_header, pid, "T", None, past)


def test_the_palette_finds_proposals_by_number_title_and_client(org, other_org, world) -> None:  # type: ignore[no-untyped-def]
    pid = _new(org, world, "r1")
    with system_session() as s:
        number, title = s.execute(
            sa.select(m.Proposal.proposal_number, m.Proposal.title).where(
                m.Proposal.id == UUID(pid)
            )
        ).one()
    manager, stranger = org.actors["manager"], other_org.actors["manager"]

    def proposals(actor, term: str) -> list:  # type: ignore[no-untyped-def]
        with tenant_session(actor) as s:
            return [h for h in search(s, actor, term) if h.kind == "proposal"]

    for term in (number, title[:8].strip(), number[-4:]):
        hits = proposals(manager, term)
        assert [h.id for h in hits][:1] == [pid], term
        assert hits[0].href == f"/proposals/{pid}" and number in hits[0].subtitle
    assert proposals(stranger, number) == []  # another organization's palette
    assert proposals(manager, number[:2]) == []  # trigrams need three characters


def test_the_palette_finds_campaigns_for_who_may_see_them(org) -> None:  # type: ignore[no-untyped-def]
    with system_session() as s:
        campaign = m.AICallCampaign(organization_id=org.id, name="Spring roofing follow-up")
        s.add(campaign)
        s.flush()
        cid = str(campaign.id)
    import smartweb_ui.services.campaigns  # noqa: F401  (registers its source, as the app does)

    manager = org.actors["manager"]
    assert manager.can("campaigns.view")
    with tenant_session(manager) as s:
        hits = [h for h in search(s, manager, "roofing follow") if h.kind == "campaign"]
    assert [(h.id, h.href) for h in hits] == [(cid, f"/campaigns/{cid}")]
    blind = [a for a in org.actors.values() if not a.can("campaigns.view")]
    assert blind
    for actor in blind:
        with tenant_session(actor) as s:
            assert not [h for h in search(s, actor, "roofing follow") if h.kind == "campaign"]
