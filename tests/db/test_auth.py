"""Sign-in, lockout, sessions and sign-out against the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from smartweb_ui.db import system_session
from smartweb_ui.models import AuditLog, User, UserSession, UserStatus
from smartweb_ui.models.base import utcnow
from smartweb_ui.services.access import auth
from smartweb_ui.services.core.errors import AuthError

pytestmark = pytest.mark.db
PASSWORD = "correct horse battery"


def _sign_in(email: str, password: str = PASSWORD) -> auth.SignedIn:
    with system_session() as s:
        return auth.sign_in(s, email, password, ip="203.0.113.9", user_agent="pytest")


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


def test_email_is_case_insensitive(org) -> None:  # type: ignore[no-untyped-def]
    assert _sign_in("  Manager@ACME-plumbing.test ").actor.user_id == org.users["manager"]


def test_unknown_email_and_wrong_password_read_the_same(org) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AuthError) as unknown:
        _sign_in("nobody@acme-plumbing.test")
    with pytest.raises(AuthError) as wrong:
        _sign_in("rep@acme-plumbing.test", "nope")
    assert unknown.value.message == wrong.value.message == auth.BAD_CREDENTIALS


def test_five_failures_lock_the_account_even_for_the_right_password(org) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        with pytest.raises(AuthError, match="incorrect"):
            _sign_in("rep@acme-plumbing.test", "wrong")
    with pytest.raises(AuthError, match="locked"):
        _sign_in("rep@acme-plumbing.test", "wrong")
    with pytest.raises(AuthError, match="locked"):
        _sign_in("rep@acme-plumbing.test", PASSWORD)
    with system_session() as s:
        user = s.get(User, org.users["rep"])
        assert user.locked_until is not None and user.locked_until > utcnow() + timedelta(
            minutes=14
        )
        assert s.exec(select(UserSession)).first() is None
    actions = _actions()
    assert actions.count("auth.sign_in_failed") == 4
    assert "auth.locked_out" in actions and "auth.sign_in_refused_locked" in actions


def test_lock_expires_after_fifteen_minutes(org) -> None:  # type: ignore[no-untyped-def]
    with system_session() as s:
        user = s.get(User, org.users["rep"])
        user.locked_until = utcnow() - timedelta(seconds=1)
        s.add(user)
    assert _sign_in("rep@acme-plumbing.test").actor.user_id == org.users["rep"]


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
    with system_session() as s:
        assert auth.sign_out(s, signed.token) is True
    with system_session() as s:
        assert auth.resume(s, signed.token) is None
        assert auth.sign_out(s, signed.token) is False
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
