"""Sign-in, server-side sessions, lockout and sign-out."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from ...config import settings
from ...models import Organization, User, UserSession, UserStatus
from ...models.base import utcnow
from ..core import audit
from ..core.errors import AuthError
from ..core.formatting import initials
from ..core.security import Actor
from .accounts import actor_for, role_names_of, verify_password

BAD_CREDENTIALS = "Email or password is incorrect."
LOCKED = "This account is locked after too many failed sign-ins. Try again in {minutes} minutes."
UNAVAILABLE = "This account cannot sign in. Ask your administrator."


@dataclass(frozen=True)
class SignedIn:
    """What the UI keeps after a sign-in: the raw token (browser only) and the actor."""

    token: str
    actor: Actor
    profile: Profile


def hash_token(token: str) -> str:
    """Sessions are stored by keyed hash: a database leak does not leak usable tokens."""
    return hmac.new(settings.secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def _clean_ip(ip: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((ip or "").strip())) if ip else None
    except ValueError:
        return None


def sign_in(
    session: Session, email: str, password: str, *, ip: str | None = None, user_agent: str = ""
) -> SignedIn:
    """Check the credentials, enforce lockout, open a session row. Raises AuthError."""
    ip = _clean_ip(ip)
    now = utcnow()
    email = (email or "").strip().lower()
    user = session.exec(
        select(User)
        .where(func.lower(User.email) == email, col(User.deleted_at).is_(None))
        .with_for_update()
    ).first()
    ok = verify_password(password or "", user.password_hash if user else None)
    if user is None:
        raise AuthError(BAD_CREDENTIALS)
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        audit.record(
            session,
            None,
            "auth.sign_in_refused_locked",
            "user",
            user.id,
            organization_id=user.organization_id,
            ip=ip,
            user_agent=user_agent,
        )
        session.commit()
        raise AuthError(LOCKED.format(minutes=minutes))
    if not ok:
        return _failed(session, user, ip, user_agent)
    org = session.get(Organization, user.organization_id)
    if user.status != UserStatus.ACTIVE or org is None or not org.is_active:
        audit.record(
            session,
            None,
            "auth.sign_in_refused_inactive",
            "user",
            user.id,
            organization_id=user.organization_id,
            ip=ip,
            user_agent=user_agent,
        )
        session.commit()
        raise AuthError(UNAVAILABLE)
    token = secrets.token_urlsafe(32)
    row = UserSession(
        organization_id=user.organization_id,
        user_id=user.id,
        token_hash=hash_token(token),
        ip_address=ip,
        user_agent=user_agent[:500],
        expires_at=now + timedelta(days=settings.session_days),
        last_seen_at=now,
    )
    session.add(row)
    user.failed_login_attempts = 0
    user.locked_until = None
    user.last_login_at = now
    user.last_login_ip = ip
    session.add(user)
    actor = actor_for(session, user, ip=ip)
    audit.record(session, actor, "auth.sign_in", "session", row.id, ip=ip, user_agent=user_agent)
    return SignedIn(token=token, actor=actor, profile=profile_of(session, user, org))


def _failed(session: Session, user: User, ip: str | None, user_agent: str) -> SignedIn:
    """Count a failed attempt; lock after the limit. Commits the count, then raises."""
    user.failed_login_attempts += 1
    action = "auth.sign_in_failed"
    if user.failed_login_attempts >= settings.max_failed_logins:
        user.locked_until = utcnow() + timedelta(minutes=settings.lockout_minutes)
        user.failed_login_attempts = 0
        action = "auth.locked_out"
    session.add(user)
    audit.record(
        session,
        None,
        action,
        "user",
        user.id,
        organization_id=user.organization_id,
        ip=ip,
        user_agent=user_agent,
        after={"locked_until": user.locked_until},
    )
    session.commit()
    if action == "auth.locked_out":
        raise AuthError(LOCKED.format(minutes=settings.lockout_minutes))
    raise AuthError(BAD_CREDENTIALS)


@dataclass(frozen=True)
class Profile:
    """What the app shell shows of the signed-in user."""

    user_id: str
    name: str
    email: str
    initials: str
    role: str
    org_name: str
    currency: str
    timezone: str


def profile_of(session: Session, user: User, org: Organization | None = None) -> Profile:
    """Display fields for the shell: name, initials, roles, organization."""
    org = org or session.get(Organization, user.organization_id)
    roles = role_names_of(session, user.id)
    return Profile(
        user_id=str(user.id),
        name=user.full_name or user.email,
        email=user.email,
        initials=initials(f"{user.first_name or ''} {user.last_name or ''}"),
        role=", ".join(roles) or "No role",
        org_name=org.name if org else "",
        currency=org.currency if org else "USD",
        timezone=org.timezone if org else "UTC",
    )


def resume(session: Session, token: str, *, touch: bool = True) -> Actor | None:
    """The actor behind a browser token, or None when it is unknown, revoked or expired."""
    found = _resume(session, token, touch=touch)
    return found[0] if found else None


def resume_with_profile(session: Session, token: str) -> tuple[Actor, Profile] | None:
    """Like ``resume``, plus the display profile for the app shell."""
    found = _resume(session, token, touch=True)
    return (found[0], profile_of(session, found[1])) if found else None


def _resume(session: Session, token: str, *, touch: bool) -> tuple[Actor, User] | None:
    if not token or len(token) > 200:
        return None
    now = utcnow()
    row = session.exec(
        select(UserSession).where(UserSession.token_hash == hash_token(token))
    ).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.deleted_at is not None or user.status != UserStatus.ACTIVE:
        return None
    if touch and (now - row.last_seen_at) > timedelta(minutes=1):
        session.execute(
            update(UserSession).where(col(UserSession.id) == row.id).values(last_seen_at=now)
        )
    return actor_for(session, user, ip=row.ip_address), user


def sign_out(session: Session, token: str) -> bool:
    """Revoke the session row behind the token. True when a live session was revoked."""
    row = session.exec(
        select(UserSession).where(UserSession.token_hash == hash_token(token))
    ).first()
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    session.add(row)
    who = Actor(user_id=row.user_id, organization_id=row.organization_id)
    audit.record(session, who, "auth.sign_out", "session", row.id)
    return True
