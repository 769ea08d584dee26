"""Sign-in, throttling of guesses, sessions and sign-out against the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from smartweb_ui.db import get_engine, system_session
from smartweb_ui.models import AuditLog, Organization, SignInFailure, User, UserSession, UserStatus
from smartweb_ui.models.base import utcnow
from smartweb_ui.services.access import auth
from smartweb_ui.services.core.errors import AuthError

pytestmark = pytest.mark.db
PASSWORD = "correct horse battery"


def _sign_in(email: str, password: str = PASSWORD, ip: str = "203.0.113.9") -> auth.SignedIn:
    with system_session() as s:
        return auth.sign_in(s, email, password, ip=ip, user_agent="pytest")


def _refused(email: str, password: str, ip: str = "203.0.113.9") -> str:
    with pytest.raises(AuthError) as refused:
        _sign_in(email, password, ip)
    return refused.value.message


def _actions(user_email: str | None = None) -> list[str]:
    with system_session() as s:
        return list(s.exec(select(AuditLog.action).order_by(AuditLog.created_at)).all())


def test_sign_in_opens_a_hashed_session_and_audits(org) -> None:  # type: ignore[no-untyped-def]
    signed = _sign_in("manager@acme-plumbing.test")
    assert signed.actor.user_id == org.users["manager"]
    assert "pipeline.manage" in signed.actor.permissions
    assert signed.profile.role == "Sales Manager"
    with system_session() as s:
        row = s.exec(select(UserSession)).one()
        user = s.get(User, org.users["manager"])
    assert row.token_hash != signed.token and len(row.token_hash) == 64
    assert str(row.ip_address) == "203.0.113.9" and row.user_agent == "pytest"
    assert user.last_login_at is not None and str(user.last_login_ip) == "203.0.113.9"
    assert "auth.sign_in" in _actions()


def test_a_hash_made_with_older_settings_is_replaced_at_sign_in(org) -> None:  # type: ignore[no-untyped-def]
    from passlib.hash import argon2

    old = argon2.using(memory_cost=65536, rounds=3, parallelism=4).hash(PASSWORD)
    with system_session() as s:
        user = s.get(User, org.users["rep"])
        user.password_hash = old
        s.add(user)
        s.commit()
    _sign_in("rep@acme-plumbing.test")
    with system_session() as s:
        stored = s.get(User, org.users["rep"]).password_hash
    assert stored != old and "m=19456,t=2,p=1" in stored
    assert _sign_in("rep@acme-plumbing.test").actor.user_id == org.users["rep"]


def test_email_is_case_insensitive(org) -> None:  # type: ignore[no-untyped-def]
    assert _sign_in("  Manager@ACME-plumbing.test ").actor.user_id == org.users["manager"]


def test_unknown_email_wrong_password_and_throttled_read_the_same(org) -> None:  # type: ignore[no-untyped-def]
    unknown = _refused("nobody@acme-plumbing.test", "whatever")
    wrong = _refused("rep@acme-plumbing.test", "nope")
    for _ in range(5):
        _refused("rep2@acme-plumbing.test", "nope")
    throttled = _refused("rep2@acme-plumbing.test", PASSWORD)  # the right password, throttled
    assert unknown == wrong == throttled == auth.FAILED


def test_five_failures_stop_that_address_even_with_the_right_password(org) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        _refused("rep@acme-plumbing.test", "wrong", ip="198.51.100.7")
    _refused("rep@acme-plumbing.test", PASSWORD, ip="198.51.100.7")
    with system_session() as s:
        assert s.exec(select(UserSession)).first() is None
    actions = _actions()
    assert actions.count("auth.sign_in_failed") == 5
    assert "auth.sign_in_throttled" in actions


def test_a_stranger_cannot_lock_the_real_user_out(org) -> None:  # type: ignore[no-untyped-def]
    for _ in range(8):
        _refused("rep@acme-plumbing.test", "guess", ip="198.51.100.66")
    # The rep, from their own address, still gets in.
    assert _sign_in("rep@acme-plumbing.test").actor.user_id == org.users["rep"]


def test_many_addresses_guessing_one_account_are_stopped_but_not_its_usual_address(org) -> None:  # type: ignore[no-untyped-def]
    _sign_in("rep@acme-plumbing.test")  # the rep's usual address: 203.0.113.9
    for n in range(auth.THROTTLES["account"]):
        _refused("rep@acme-plumbing.test", "guess", ip=f"10.9.{n // 200}.{n % 200 + 1}")
    _refused("rep@acme-plumbing.test", PASSWORD, ip="192.0.2.200")  # a new address: stopped
    assert _sign_in("rep@acme-plumbing.test").actor.user_id == org.users["rep"]


def test_throttling_ends_with_its_window(org) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        _refused("rep@acme-plumbing.test", "wrong")
    with system_session() as s:
        s.execute(
            sa.update(SignInFailure).values(failed_at=utcnow() - auth.WINDOW - timedelta(seconds=1))
        )
    assert _sign_in("rep@acme-plumbing.test").actor.user_id == org.users["rep"]


def test_failures_are_counted_by_hashes_only(org) -> None:  # type: ignore[no-untyped-def]
    _refused("someone@example.org", "x", ip="198.51.100.1")
    with system_session() as s:
        keys = s.exec(select(SignInFailure.key)).all()
    assert len(keys) == 3 and not any("example" in k or "198.51" in k for k in keys)


def test_suspended_user_cannot_sign_in(org) -> None:  # type: ignore[no-untyped-def]
    with system_session() as s:
        s.execute(
            sa.update(User).where(User.id == org.users["rep2"]).values(status=UserStatus.SUSPENDED)
        )
    with pytest.raises(AuthError, match="cannot sign in"):
        _sign_in("rep2@acme-plumbing.test")


def test_resume_and_sign_out(org) -> None:  # type: ignore[no-untyped-def]
    signed = _sign_in("exec@acme-plumbing.test")
    with system_session() as s:
        actor = auth.resume(s, signed.token)
    assert actor is not None and actor.user_id == org.users["exec"]
    assert "analytics.view" in actor.permissions and "pipeline.move" not in actor.permissions
    ref = auth.hash_token(signed.token)
    with system_session() as s:
        assert auth.sign_out(s, ref) is True
    with system_session() as s:
        assert auth.resume(s, signed.token) is None
        assert auth.sign_out(s, ref) is False
    assert "auth.sign_out" in _actions()


def test_forged_and_expired_tokens_are_rejected(org) -> None:  # type: ignore[no-untyped-def]
    signed = _sign_in("rep@acme-plumbing.test")
    with system_session() as s:
        assert auth.resume(s, signed.token + "x") is None
        assert auth.resume(s, "") is None
        assert auth.resume(s, "a" * 500) is None
        s.execute(sa.update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    with system_session() as s:
        assert auth.resume(s, signed.token) is None


def test_a_deleted_user_loses_the_session(org) -> None:  # type: ignore[no-untyped-def]
    signed = _sign_in("rep@acme-plumbing.test")
    with system_session() as s:
        s.execute(sa.update(User).where(User.id == org.users["rep"]).values(deleted_at=utcnow()))
    with system_session() as s:
        assert auth.resume(s, signed.token) is None


def test_sessions_of_an_inactive_organization_are_refused(org) -> None:  # type: ignore[no-untyped-def]
    signed = _sign_in("rep@acme-plumbing.test")
    with system_session() as s:
        s.execute(sa.update(Organization).where(Organization.id == org.id).values(is_active=False))
    with system_session() as s:
        assert auth.resume(s, signed.token) is None
    assert _refused("rep@acme-plumbing.test", PASSWORD) == auth.UNAVAILABLE


def test_the_session_reference_is_what_the_database_keeps(org) -> None:  # type: ignore[no-untyped-def]
    signed = _sign_in("rep@acme-plumbing.test")
    ref = auth.hash_token(signed.token)
    with system_session() as s:
        assert s.exec(select(UserSession.token_hash)).one() == ref
        actor = auth.resume_ref(s, ref)
    assert actor is not None and actor.session_id is not None


def test_a_page_load_gets_the_same_actor_and_profile_as_the_sign_in(org) -> None:  # type: ignore[no-untyped-def]
    signed = _sign_in("rep@acme-plumbing.test")
    ref = auth.hash_token(signed.token)
    with system_session() as s:
        found = auth.resume_with_profile(s, ref)
    assert found is not None
    actor, profile = found
    assert profile == signed.profile
    assert (actor.user_id, actor.permissions) == (signed.actor.user_id, signed.actor.permissions)
    with get_engine().begin() as conn:  # the door's per-event look-up, on a plain connection
        assert auth.resume_ref(conn, ref) == actor


def test_the_per_event_look_up_brings_the_organization_so_transactions_need_not_read_it(
    org,
) -> None:  # type: ignore[no-untyped-def]
    """Every transaction of an event asks for its organization (time zone, currency); the
    session look-up that names the actor carries it, so none of them reads the row again."""
    from sqlalchemy import event

    from smartweb_ui.db import tenant_session
    from smartweb_ui.services.core.org import org_context

    signed = _sign_in("rep@acme-plumbing.test")
    with get_engine().begin() as conn:
        actor = auth.resume_ref(conn, auth.hash_token(signed.token))
    assert actor is not None and actor.org is not None
    with system_session() as s:
        row = s.get(Organization, actor.organization_id)
        assert row is not None
        assert (actor.org.id, actor.org.name, actor.org.tz_name, actor.org.currency) == (
            row.id, row.name, row.timezone or "UTC", (row.currency or "USD").upper(),
        )  # fmt: skip
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(get_engine(), "before_cursor_execute", note)
    try:
        with tenant_session(actor) as s:
            assert org_context(s, actor) is actor.org
    finally:
        event.remove(get_engine(), "before_cursor_execute", note)
    assert not any("organizations" in q for q in seen)
