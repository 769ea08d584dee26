"""Streaming lead CSV: signed tickets and ``GET /api/exports/leads.csv`` (Starlette TestClient)."""

from __future__ import annotations

import csv
import io
import time
import warnings
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from sqlmodel import select

import smartweb_ui.models as m
from smartweb_ui.api.health import api
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services.core.errors import Forbidden
from smartweb_ui.services.leads.export import export_lines
from smartweb_ui.services.leads.export_tickets import (
    LEADS_CSV,
    TicketRefused,
    issue,
    leads_csv_path,
    leads_csv_ticket,
    verify,
)

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
def test_ticket_round_trip(org) -> None:  # type: ignore[no-untyped-def]
    mgr = org.actors["manager"]
    ticket = leads_csv_ticket(mgr, {"source": "referral", "status": ["new"]}, "created")
    claims = verify(ticket, LEADS_CSV)
    assert (claims.user_id, claims.organization_id) == (mgr.user_id, org.id)
    assert claims.filters == {"source": ["referral"], "status": ["new"]}
    assert claims.sort == "created"
    assert 0 < claims.expires - time.time() <= 60
    with pytest.raises(TicketRefused):
        verify(ticket, "deals.csv")  # single purpose


def test_only_exporters_get_a_ticket(org) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        leads_csv_ticket(org.actors["rep"], {}, "score")


def test_tampered_ticket_is_refused(org, client) -> None:  # type: ignore[no-untyped-def]
    mgr = org.actors["manager"]
    genuine = leads_csv_ticket(mgr, {"source": "referral"}, "score")
    payload, signature = genuine.split(".")
    wider = leads_csv_ticket(mgr, {}, "score").split(".")[0]
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    for forged in (
        f"{wider}.{signature}",  # other filters under the old signature
        f"{payload}.{flipped}",
        f"{payload}.",
        payload,
        "",
        "not a ticket",
        genuine + ".x",
        "é." + signature,
    ):
        with pytest.raises(TicketRefused):
            verify(forged, LEADS_CSV)
        assert_refused(client, forged)


def test_expired_ticket_is_refused(org, client) -> None:  # type: ignore[no-untyped-def]
    bulk_leads(org.id, 3, "Old")
    old = leads_csv_ticket(org.actors["manager"], {}, "score", now=time.time() - 61)
    with pytest.raises(TicketRefused):
        verify(old, LEADS_CSV)
    assert_refused(client, old)


def test_another_orgs_user_cannot_use_a_ticket(org, other_org, client) -> None:  # type: ignore[no-untyped-def]
    bulk_leads(org.id, 5, "Acme")
    # A genuinely signed ticket whose user belongs to another organization than it names.
    rival = replace(other_org.actors["manager"], organization_id=org.id)
    assert_refused(client, issue(rival, LEADS_CSV, {}, "score"))
    # The rival manager's own ticket streams the rival's leads only.
    mine = bulk_leads(other_org.id, 4, "Rival")
    response, chunks = download(client, leads_csv_ticket(other_org.actors["manager"], {}, "score"))
    assert response.status_code == 200
    assert {r["lead_id"] for r in csv_rows(chunks)} == mine


def test_suspended_user_or_lost_permission_is_refused(org, client) -> None:  # type: ignore[no-untyped-def]
    mgr, admin = org.actors["manager"], org.actors["admin"]
    by_mgr = leads_csv_ticket(mgr, {}, "score")
    by_admin = leads_csv_ticket(admin, {}, "score")
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
    ticket = leads_csv_ticket(org.actors["manager"], {"source": "referral"}, "created")

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
    exporter = replace(
        org.actors["rep2"], permissions=org.actors["rep2"].permissions | {"leads.import"}
    )

    response, chunks = download(client, leads_csv_ticket(exporter, {}, "score"))

    assert response.status_code == 200
    assert {r["lead_id"] for r in csv_rows(chunks)} == own | free


def test_export_lines_yields_chunks_of_the_asked_size(org) -> None:  # type: ignore[no-untyped-def]
    bulk_leads(org.id, 25, "Chunk")
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        chunks = [c for c in export_lines(s, mgr, {}, chunk_rows=10) if c]
    assert len(chunks) == 3
    assert sum(c.count("\n") for c in chunks) == 26  # header + 25 rows
