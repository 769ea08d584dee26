"""Streaming lead CSV: signed tickets and ``GET /api/exports/leads.csv`` (Starlette TestClient)."""

from __future__ import annotations

import csv
import hmac
import io
import warnings
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from sqlmodel import select

import smartweb_ui.models as m
from smartweb_ui.api.health import api
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.models.base import utcnow
from smartweb_ui.services.access import auth
from smartweb_ui.services.core.errors import Forbidden
from smartweb_ui.services.core.security import Actor
from smartweb_ui.services.leads.export import export_lines
from smartweb_ui.services.leads.export_tickets import (
    LEADS_CSV,
    TicketRefused,
    issue,
    leads_csv_path,
    leads_csv_ticket,
    redeem,
)

from .builders.orgs import PASSWORD

if TYPE_CHECKING:
    from starlette.testclient import TestClient

pytestmark = pytest.mark.db


@pytest.fixture
def client(engine: sa.Engine) -> Iterator[TestClient]:
    with warnings.catch_warnings():  # starlette asks for httpx2; the installed httpx works
        warnings.simplefilter("ignore", UserWarning)
        from starlette.testclient import TestClient
    with TestClient(api) as c:
        yield c


def bulk_leads(org_id: UUID, n: int, prefix: str, **lead_fields: Any) -> set[str]:
    """``n`` companies with one lead each, in one transaction; returns the lead ids."""
    with system_session() as s:
        companies = [m.Company(organization_id=org_id, name=f"{prefix} {i:04d}") for i in range(n)]
        s.add_all(companies)
        s.flush()
        leads = [m.Lead(organization_id=org_id, company_id=c.id, **lead_fields) for c in companies]
        s.add_all(leads)
        s.flush()
        return {str(lead.id) for lead in leads}


def download(client: TestClient, ticket: str) -> tuple[Any, list[bytes]]:
    with client.stream("GET", leads_csv_path(ticket)) as response:
        chunks = list(response.iter_raw())
    return response, chunks


def csv_rows(chunks: list[bytes]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(chunks).decode("utf-8"))))


def assert_refused(client: TestClient, ticket: str) -> None:
    response = client.get(leads_csv_path(ticket))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/plain")
    assert "content-disposition" not in response.headers
    assert "lead_id" not in response.text


# ------------------------------------------------------------------ tickets
def signed_in(email: str) -> Actor:
    """The actor of a real sign-in session (tickets are bound to one)."""
    with system_session() as s:
        return auth.sign_in(s, email, PASSWORD, ip="192.0.2.10").actor


def ticket_for(actor: Actor, filters: dict | None = None, sort: str = "score", **kw: Any) -> str:
    with tenant_session(actor) as s:
        if kw:
            return issue(s, actor, LEADS_CSV, {"filters": filters or {}, "sort": sort}, **kw)
        return leads_csv_ticket(s, actor, filters or {}, sort)


def test_a_ticket_is_bound_to_the_session_and_its_filters(org) -> None:  # type: ignore[no-untyped-def]
    mgr = signed_in("manager@acme-plumbing.test")
    ticket = ticket_for(mgr, {"source": "referral", "status": ["new"]}, "created")
    with system_session() as s:
        row = s.exec(select(m.DownloadTicket)).one()
        found, actor = redeem(s, ticket, LEADS_CSV, "leads.import")
    assert (found.user_id, found.organization_id, row.session_id) == (
        mgr.user_id,
        org.id,
        mgr.session_id,
    )
    assert found.filters == {"source": ["referral"], "status": ["new"]} and found.sort == "created"
    assert (
        actor.user_id == mgr.user_id and 0 < (row.expires_at - row.created_at).total_seconds() <= 60
    )


def test_only_exporters_with_a_session_get_a_ticket(org) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden), tenant_session(org.actors["rep"]) as s:
        leads_csv_ticket(s, org.actors["rep"], {}, "score")
    with pytest.raises(TicketRefused), tenant_session(org.actors["manager"]) as s:
        leads_csv_ticket(s, org.actors["manager"], {}, "score")  # a job's actor: no session


def test_a_ticket_works_once(org, client) -> None:  # type: ignore[no-untyped-def]
    bulk_leads(org.id, 3, "Once")
    ticket = ticket_for(signed_in("manager@acme-plumbing.test"))
    response, _ = download(client, ticket)
    assert response.status_code == 200
    assert_refused(client, ticket)  # replayed


def test_head_runs_no_export_and_uses_no_ticket(org, client) -> None:  # type: ignore[no-untyped-def]
    bulk_leads(org.id, 3, "Head")
    ticket = ticket_for(signed_in("manager@acme-plumbing.test"))
    assert client.head(leads_csv_path(ticket)).status_code == 405
    assert client.post(leads_csv_path(ticket)).status_code == 405
    response, chunks = download(client, ticket)
    assert response.status_code == 200 and len(csv_rows(chunks)) == 3
    with system_session() as s:
        exports = s.execute(
            sa.select(sa.func.count()).where(m.AuditLog.action == "lead.export")
        ).scalar_one()
    assert exports == 1


def test_sign_out_kills_the_sessions_tickets(org, client) -> None:  # type: ignore[no-untyped-def]
    with system_session() as s:
        signed = auth.sign_in(s, "manager@acme-plumbing.test", PASSWORD, ip="192.0.2.10")
    ticket = ticket_for(signed.actor)
    with system_session() as s:
        auth.sign_out(s, auth.hash_token(signed.token))
    assert_refused(client, ticket)


def test_tampered_or_foreign_key_tickets_are_refused(org, client) -> None:  # type: ignore[no-untyped-def]
    mgr = signed_in("manager@acme-plumbing.test")
    genuine = ticket_for(mgr, {"source": "referral"})
    ticket_id, expiry, signature = genuine.split(".")
    other = ticket_for(mgr, {}).split(".")[0]
    flipped = signature[:-2] + ("a" if signature[-2] != "a" else "b") + signature[-1]
    old_default = hmac.new(
        b"dev-insecure-change-me", b"smartweb/export-ticket/v1", "sha256"
    ).digest()
    for forged in (
        f"{other}.{expiry}.{signature}",  # another ticket under this signature
        f"{ticket_id}.{int(expiry) + 3600}.{signature}",  # a longer life
        f"{ticket_id}.{expiry}.{flipped}",
        f"{ticket_id}.{expiry}.{hmac.new(old_default, genuine.encode(), 'sha256').hexdigest()}",
        f"{ticket_id}.{expiry}.",
        "",
        "not a ticket",
        genuine + ".x",
        "é." + signature,
    ):
        assert_refused(client, forged)
    response, _ = download(client, genuine)  # the genuine one still works (once)
    assert response.status_code == 200


def test_expired_ticket_is_refused(org, client) -> None:  # type: ignore[no-untyped-def]
    bulk_leads(org.id, 3, "Old")
    mgr = signed_in("manager@acme-plumbing.test")
    assert_refused(client, ticket_for(mgr, now=utcnow() - timedelta(seconds=61)))


def test_a_ticket_naming_another_organization_is_refused(org, other_org, client) -> None:  # type: ignore[no-untyped-def]
    bulk_leads(org.id, 5, "Acme")
    forged = ticket_for(signed_in("manager@rival-roofing.test"))
    with system_session() as s:  # the rival's ticket row, made to name the first organization
        s.execute(sa.text("UPDATE download_tickets SET organization_id = :o"), {"o": org.id})
    assert_refused(client, forged)
    mine = bulk_leads(other_org.id, 4, "Rival")
    response, chunks = download(client, ticket_for(signed_in("manager@rival-roofing.test")))
    assert response.status_code == 200
    assert {r["lead_id"] for r in csv_rows(chunks)} == mine


def test_suspended_user_or_lost_permission_is_refused(org, client) -> None:  # type: ignore[no-untyped-def]
    mgr, admin = signed_in("manager@acme-plumbing.test"), signed_in("admin@acme-plumbing.test")
    by_mgr, by_admin = ticket_for(mgr), ticket_for(admin)
    with system_session() as s:
        s.get(m.User, mgr.user_id).status = m.UserStatus.SUSPENDED  # type: ignore[union-attr]
        rep_role = s.exec(
            select(m.Role).where(m.Role.organization_id == org.id, m.Role.name == "Sales Rep")
        ).one()
        s.execute(sa.delete(m.UserRole).where(m.UserRole.user_id == admin.user_id))
        s.add(m.UserRole(user_id=admin.user_id, role_id=rep_role.id, organization_id=org.id))
    assert_refused(client, by_mgr)
    response = client.get(leads_csv_path(by_admin))
    assert response.status_code == 403
    assert "no longer have permission" in response.text


# ------------------------------------------------------------------ the stream
def test_stream_has_every_matching_row_of_the_actors_org(org, other_org, client) -> None:  # type: ignore[no-untyped-def]
    wanted = bulk_leads(org.id, 1200, "Referral Co", source=m.LeadSource.REFERRAL)
    bulk_leads(org.id, 30, "Cold Co", source=m.LeadSource.COLD_CALL)
    bulk_leads(other_org.id, 40, "Rival Referral", source=m.LeadSource.REFERRAL)
    ticket = ticket_for(signed_in("manager@acme-plumbing.test"), {"source": "referral"}, "created")

    response, chunks = download(client, ticket)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith('attachment; filename="leads-')
    assert response.headers["cache-control"] == "no-store"
    assert len(chunks) >= 2  # streamed, not built in memory
    rows = csv_rows(chunks)
    assert len(rows) == 1200
    assert {r["lead_id"] for r in rows} == wanted
    assert {r["source"] for r in rows} == {"referral"}
    with system_session() as s:
        actions = s.execute(
            sa.select(m.AuditLog.action).where(m.AuditLog.organization_id == org.id)
        ).scalars()
        assert "lead.export" in list(actions)


def test_stream_keeps_to_the_actors_scope(org, client) -> None:  # type: ignore[no-untyped-def]
    """An exporter without ``leads.read_all`` gets own and unassigned leads only."""
    rep2 = org.users["rep2"]
    with system_session() as s:
        role = m.Role(organization_id=org.id, name="Exporter")
        s.add(role)
        s.flush()
        perm = s.exec(select(m.Permission).where(m.Permission.code == "leads.import")).one()
        s.add(m.RolePermission(role_id=role.id, permission_id=perm.id, organization_id=org.id))
        s.add(m.UserRole(user_id=rep2, role_id=role.id, organization_id=org.id))
    own = bulk_leads(org.id, 7, "Mine", assigned_to=rep2)
    free = bulk_leads(org.id, 5, "Free")
    bulk_leads(org.id, 9, "Theirs", assigned_to=org.users["rep"])
    exporter = signed_in("rep2@acme-plumbing.test")

    response, chunks = download(client, ticket_for(exporter))

    assert response.status_code == 200
    assert {r["lead_id"] for r in csv_rows(chunks)} == own | free


def test_export_lines_yields_chunks_of_the_asked_size(org) -> None:  # type: ignore[no-untyped-def]
    bulk_leads(org.id, 25, "Chunk")
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        chunks = [c for c in export_lines(s, mgr, {}, chunk_rows=10) if c]
    assert len(chunks) == 3
    assert sum(c.count("\n") for c in chunks) == 26  # header + 25 rows
