"""Admin services: permission checks, forged ids, audit rows, lock-out guards."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import func, select

from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.models import AuditLog, Role, User, UserStatus
from smartweb_ui.services.access import admin
from smartweb_ui.services.core.errors import Conflict, Forbidden, NotFound

pytestmark = pytest.mark.db


def _audit_count() -> int:
    with system_session() as s:
        return s.exec(select(func.count()).select_from(AuditLog)).one()


def _role_id(org_id: uuid.UUID, name: str) -> uuid.UUID:
    with system_session() as s:
        return s.exec(
            select(Role.id).where(Role.organization_id == org_id, Role.name == name)
        ).one()


def test_admin_lists_only_own_users(org, other_org) -> None:  # type: ignore[no-untyped-def]
    with tenant_session(org.actors["admin"]) as s:
        emails = {u.email for u in admin.list_users(s, org.actors["admin"])}
    assert emails == {
        f"{k}@acme-plumbing.test" for k in ("admin", "manager", "rep", "rep2", "exec")
    }


@pytest.mark.parametrize("who", ["manager", "rep", "exec"])
def test_non_admins_are_refused(org, who) -> None:  # type: ignore[no-untyped-def]
    actor = org.actors[who]
    with pytest.raises(Forbidden), tenant_session(actor) as s:
        admin.list_users(s, actor)
    with pytest.raises(Forbidden), tenant_session(actor) as s:
        admin.set_user_status(s, actor, org.users["rep"], "suspended")


def test_suspend_is_audited_and_forged_ids_write_nothing(org, other_org) -> None:  # type: ignore[no-untyped-def]
    actor = org.actors["admin"]
    before = _audit_count()
    for forged in (other_org.users["rep"], uuid.uuid4()):
        with pytest.raises(NotFound), tenant_session(actor) as s:
            admin.set_user_status(s, actor, forged, "suspended")
    with pytest.raises(NotFound), tenant_session(actor) as s:
        admin.set_user_role(s, actor, org.users["rep"], _role_id(other_org.id, "Admin"))
    assert _audit_count() == before
    with system_session() as s:
        assert s.get(User, other_org.users["rep"]).status == UserStatus.ACTIVE

    with tenant_session(actor) as s:
        admin.set_user_status(s, actor, org.users["rep"], "suspended")
    with system_session() as s:
        assert s.get(User, org.users["rep"]).status == UserStatus.SUSPENDED
        row = s.exec(select(AuditLog).where(AuditLog.action == "user.status")).one()
    assert row.changes == {"before": {"status": "active"}, "after": {"status": "suspended"}}
    assert row.actor_id == org.users["admin"]


def test_admin_cannot_lock_themselves_out(org) -> None:  # type: ignore[no-untyped-def]
    actor = org.actors["admin"]
    with pytest.raises(Conflict), tenant_session(actor) as s:
        admin.set_user_status(s, actor, org.users["admin"], "suspended")
    with pytest.raises(Forbidden), tenant_session(actor) as s:
        admin.set_role_permission(s, actor, _role_id(org.id, "Admin"), "admin.roles", False)


def test_role_change_and_permission_toggle(org) -> None:  # type: ignore[no-untyped-def]
    actor = org.actors["admin"]
    with tenant_session(actor) as s:
        admin.set_user_role(s, actor, org.users["rep"], _role_id(org.id, "Sales Manager"))
        admin.set_role_permission(s, actor, _role_id(org.id, "Sales Rep"), "analytics.view", True)
        matrix = admin.role_matrix(s, actor)
    assert f"{_role_id(org.id, 'Sales Rep')}:analytics.view" in matrix.granted
    with tenant_session(actor) as s:
        users = {u.email: u for u in admin.list_users(s, actor)}
        page = admin.audit_page(s, actor, search="role")
    assert users["rep@acme-plumbing.test"].roles == "Sales Manager"
    assert {r.action for r in page.rows} == {"user.role", "role.permission"}


def test_audit_pages_are_keyset_and_scoped(org, other_org) -> None:  # type: ignore[no-untyped-def]
    with system_session() as s:
        for i in range(7):
            s.add(AuditLog(organization_id=org.id, action=f"test.{i}", entity_type="x"))
            s.add(AuditLog(organization_id=other_org.id, action=f"rival.{i}", entity_type="x"))
    actor = org.actors["admin"]
    seen: list[str] = []
    cursor = ""
    while True:
        with tenant_session(actor) as s:
            page = admin.audit_page(s, actor, cursor=cursor, limit=3)
        seen += [r.action for r in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert sorted(seen) == [f"test.{i}" for i in range(7)]
