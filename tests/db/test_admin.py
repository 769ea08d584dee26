"""Admin services: permission checks, forged ids, audit rows, lock-out guards."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import func, select

from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.models import AuditLog, Role, User, UserStatus
from smartweb_ui.services.access import admin
from smartweb_ui.services.core.errors import Conflict, Forbidden, Invalid, NotFound

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


# ------------------------------------------------------------------ privilege
def _custom_user_admin(org) -> object:  # type: ignore[no-untyped-def]
    """A "Team Lead" role holding admin.users (and nothing of the Admin role's power beyond)."""
    from smartweb_ui.models import Permission, Role, RolePermission, UserRole
    from smartweb_ui.services.access.accounts import actor_for

    with system_session() as s:
        role = Role(organization_id=org.id, name="Team Lead", description="")
        s.add(role)
        s.flush()
        for code in ("admin.users", "leads.read", "pipeline.read"):
            perm = s.exec(select(Permission).where(Permission.code == code)).one()
            s.add(RolePermission(role_id=role.id, permission_id=perm.id, organization_id=org.id))
        s.execute(
            sa.delete(UserRole).where(UserRole.user_id == org.users["rep2"])  # type: ignore[arg-type]
        )
        s.add(UserRole(user_id=org.users["rep2"], role_id=role.id, organization_id=org.id))
        s.flush()
        return actor_for(s, s.get(User, org.users["rep2"]))


def test_nobody_grants_more_than_they_hold(org) -> None:  # type: ignore[no-untyped-def]
    lead = _custom_user_admin(org)
    before = _audit_count()
    with pytest.raises(Forbidden), tenant_session(lead) as s:
        admin.set_user_role(s, lead, org.users["rep"], _role_id(org.id, "Admin"))
    with pytest.raises(Forbidden), tenant_session(lead) as s:
        admin.add_user(
            s, lead, email="new@acme-plumbing.test", name="New Admin",
            role_id=_role_id(org.id, "Admin"), password="long enough password",
        )  # fmt: skip
    assert _audit_count() == before
    with system_session() as s:
        assert s.exec(select(User).where(User.email == "new@acme-plumbing.test")).first() is None


def test_a_user_admin_cannot_promote_themselves(org) -> None:  # type: ignore[no-untyped-def]
    """Finding 3: holding admin.users is not a way to the Admin role (or to more permissions
    on one's own role); nothing changes and nothing is audited."""
    from smartweb_ui.models import UserRole

    lead = _custom_user_admin(org)
    before = _audit_count()
    with system_session() as s:
        roles_before = sorted(
            str(r.role_id)
            for r in s.exec(select(UserRole).where(UserRole.user_id == lead.user_id)).all()
        )
    # refused before any rank check: nobody changes their own account from the admin page
    with pytest.raises(Conflict), tenant_session(lead) as s:
        admin.set_user_role(s, lead, lead.user_id, _role_id(org.id, "Admin"))
    with pytest.raises(Forbidden), tenant_session(lead) as s:
        admin.set_role_permission(s, lead, _role_id(org.id, "Team Lead"), "admin.roles", True)
    assert _audit_count() == before
    with system_session() as s:
        roles_after = sorted(
            str(r.role_id)
            for r in s.exec(select(UserRole).where(UserRole.user_id == lead.user_id)).all()
        )
    assert roles_after == roles_before


def test_nobody_suspends_or_demotes_someone_who_outranks_them(org) -> None:  # type: ignore[no-untyped-def]
    lead = _custom_user_admin(org)
    for act in (
        lambda s: admin.set_user_status(s, lead, org.users["admin"], "suspended"),
        lambda s: admin.set_user_role(s, lead, org.users["manager"], _role_id(org.id, "Sales Rep")),
    ):
        with pytest.raises(Forbidden), tenant_session(lead) as s:
            act(s)
    with system_session() as s:
        assert s.get(User, org.users["admin"]).status == UserStatus.ACTIVE


def test_role_admins_change_only_permissions_they_hold_on_roles_no_stronger(org) -> None:  # type: ignore[no-untyped-def]
    manager_like = org.actors["admin"]
    with tenant_session(manager_like) as s:  # the real admin holds everything: allowed
        admin.set_role_permission(
            s, manager_like, _role_id(org.id, "Sales Rep"), "analytics.view", True
        )
    lead = _custom_user_admin(org)
    from dataclasses import replace

    lead = replace(lead, permissions=lead.permissions | {"admin.roles"})
    with pytest.raises(Forbidden), tenant_session(lead) as s:  # not held: campaigns.manage
        admin.set_role_permission(s, lead, _role_id(org.id, "Sales Rep"), "campaigns.manage", True)
    with pytest.raises(Forbidden), tenant_session(lead) as s:  # the Admin role outranks them
        admin.set_role_permission(s, lead, _role_id(org.id, "Admin"), "leads.read", False)


def test_suspension_ends_every_session_and_reactivation_does_not_revive_them(org) -> None:  # type: ignore[no-untyped-def]
    from smartweb_ui.services.access import auth

    with system_session() as s:
        first = auth.sign_in(s, "rep@acme-plumbing.test", "correct horse battery", ip="192.0.2.1")
    with system_session() as s:
        second = auth.sign_in(s, "rep@acme-plumbing.test", "correct horse battery", ip="192.0.2.2")
    actor = org.actors["admin"]
    with tenant_session(actor) as s:
        admin.set_user_status(s, actor, org.users["rep"], "suspended")
    with tenant_session(actor) as s:
        admin.set_user_status(s, actor, org.users["rep"], "active")
    with system_session() as s:
        assert auth.resume(s, first.token) is None and auth.resume(s, second.token) is None


def test_an_address_used_by_another_organization_gets_one_neutral_message(org, other_org) -> None:  # type: ignore[no-untyped-def]
    actor = org.actors["admin"]
    for email in ("rep@rival-roofing.test", "REP@acme-plumbing.test"):
        with pytest.raises(Conflict) as refused, tenant_session(actor) as s:
            admin.add_user(
                s, actor, email=email, name="Someone New",
                role_id=_role_id(org.id, "Sales Rep"), password="long enough password",
            )  # fmt: skip
        assert refused.value.message == admin.EMAIL_UNUSABLE
    with pytest.raises(Invalid), tenant_session(actor) as s:
        admin.add_user(
            s, actor, email='sec x"<b>@y', name="Bad Address",
            role_id=_role_id(org.id, "Sales Rep"), password="long enough password",
        )  # fmt: skip


def test_sql_parameters_never_reach_an_error_message(org) -> None:  # type: ignore[no-untyped-def]
    """A failing statement is logged and raised without its parameters (a password hash here)."""
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError) as failed, system_session() as s:
        s.add(
            User(
                organization_id=org.id,
                email="rep@acme-plumbing.test",
                password_hash="$argon2id$secret-hash-value",
                first_name="Dup",
                last_name="Licate",
                full_name="Dup Licate",
            )
        )
        s.flush()
    assert "secret-hash-value" not in str(failed.value)
    assert "hidden due to hide_parameters" in str(failed.value)
