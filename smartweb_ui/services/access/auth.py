"""Sign-in, server-side sessions, throttling of guesses, and sign-out.

The browser holds a random session token; the database keeps only its keyed hash, the
*session reference* (``hash_token``), and so does the browser's server-side state: a leaked
database or state file holds no usable token.

Guessing is throttled per (account, address), per address and per account (``THROTTLES``),
counted in ``sign_in_failures``: a stranger guessing from one address locks only that pair, so
the real user can still sign in from theirs. Unknown accounts, wrong passwords and throttled
attempts all get the same message after the same work (one password hash is always checked).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, delete, func, text, update
from sqlmodel import Session, col, select

from ...config import settings
from ...models import Organization, SignInFailure, User, UserSession, UserStatus
from ...models.base import utcnow
from ..core import audit
from ..core.errors import AuthError
from ..core.formatting import initials
from ..core.org_context import org_of_row
from ..core.security import Actor
from .accounts import actor_for, role_names_of, verify_and_rehash

FAILED = (
    "That didn't work: the e-mail or password is wrong, or there were too many attempts. "
    "Check them, or wait a few minutes and try again."
)
UNAVAILABLE = "This account cannot sign in. Ask your administrator."
WINDOW = timedelta(minutes=15)
# kind -> failures within WINDOW that stop further attempts of that kind
THROTTLES = {"pair": 5, "address": 30, "account": 100}
MAX_TOKEN_CHARS = 200


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


@dataclass(frozen=True)
class SignedIn:
    """What the UI keeps after a sign-in: the raw token (browser only) and the actor."""

    token: str
    actor: Actor
    profile: Profile


def hash_token(token: str) -> str:
    """The session reference: the token's keyed hash (what the database and the state keep)."""
    return hmac.new(settings.secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def _clean_ip(ip: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((ip or "").strip())) if ip else None
    except ValueError:
        return None


def _keys(email: str, ip: str | None) -> dict[str, str]:
    """The throttle keys of an attempt (hashed: no address or e-mail is stored in clear)."""

    def h(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    where = ip or "unknown"
    return {
        "pair": h(f"pair|{email}|{where}"),
        "address": h(f"ip|{where}"),
        "account": h(f"acct|{email}"),
    }


def _failures(session: Session, keys: dict[str, str], since: datetime) -> dict[str, int]:
    rows = session.exec(
        select(SignInFailure.key, func.count())
        .where(col(SignInFailure.key).in_(list(keys.values())), SignInFailure.failed_at >= since)
        .group_by(col(SignInFailure.key))
    ).all()
    found = dict(rows)
    return {kind: int(found.get(key, 0)) for kind, key in keys.items()}


def _throttled(counts: dict[str, int], *, known_address: bool) -> bool:
    if counts["pair"] >= THROTTLES["pair"] or counts["address"] >= THROTTLES["address"]:
        return True
    # Many addresses guessing one account: stop them, but not the user's own usual address.
    return counts["account"] >= THROTTLES["account"] and not known_address


def _count_failure(session: Session, keys: dict[str, str], now: datetime) -> None:
    session.add_all(SignInFailure(key=key, failed_at=now) for key in keys.values())
    session.execute(delete(SignInFailure).where(col(SignInFailure.failed_at) < now - WINDOW * 8))


def sign_in(
    session: Session, email: str, password: str, *, ip: str | None = None, user_agent: str = ""
) -> SignedIn:
    """Check the credentials under the throttles, open a session row. Raises AuthError."""
    ip = _clean_ip(ip)
    now = utcnow()
    email = (email or "").strip().lower()
    keys = _keys(email, ip)
    user = session.exec(
        select(User).where(func.lower(User.email) == email, col(User.deleted_at).is_(None))
    ).first()
    known_address = bool(user and ip and str(user.last_login_ip or "") == ip)
    throttled = _throttled(_failures(session, keys, now - WINDOW), known_address=known_address)
    # One hash check on every path, so the answer takes as long whatever went wrong.
    ok, rehashed = verify_and_rehash(
        password or "", None if throttled or user is None else user.password_hash
    )
    if throttled or not ok or user is None:
        _count_failure(session, keys, now)
        if user is not None:
            user.failed_login_attempts += 1
            session.add(user)
            action = "auth.sign_in_throttled" if throttled else "auth.sign_in_failed"
            audit.record(
                session, None, action, "user", user.id,
                organization_id=user.organization_id, ip=ip, user_agent=user_agent,
            )  # fmt: skip
        session.commit()
        raise AuthError(FAILED)
    org = session.get(Organization, user.organization_id)
    if user.status != UserStatus.ACTIVE or org is None or not org.is_active:
        audit.record(
            session, None, "auth.sign_in_refused_inactive", "user", user.id,
            organization_id=user.organization_id, ip=ip, user_agent=user_agent,
        )  # fmt: skip
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
    session.execute(delete(SignInFailure).where(col(SignInFailure.key) == keys["pair"]))
    user.failed_login_attempts = 0
    if rehashed:
        user.password_hash = rehashed
    user.locked_until = None
    user.last_login_at = now
    user.last_login_ip = ip
    session.add(user)
    session.flush()
    actor = actor_for(session, user, ip=ip, session_id=row.id)
    audit.record(session, actor, "auth.sign_in", "session", row.id, ip=ip, user_agent=user_agent)
    return SignedIn(token=token, actor=actor, profile=profile_of(session, user, org))


def profile_of(session: Session, user: User, org: Organization | None = None) -> Profile:
    """Display fields for the shell: name, initials, roles, organization."""
    org = org or session.get(Organization, user.organization_id)
    return _profile(
        user.id, user.email, user.first_name, user.last_name, user.full_name,
        role_names_of(session, user.id),
        org.name if org else "", org.currency if org else None, org.timezone if org else None,
    )  # fmt: skip


def _profile(
    user_id: Any, email: str, first_name: str | None, last_name: str | None, full_name: str,
    roles: Sequence[str], org_name: str, currency: str | None, timezone: str | None,
) -> Profile:  # fmt: skip
    """The shell's profile, from a user's and their organization's columns."""
    return Profile(
        user_id=str(user_id),
        name=full_name or email,
        email=email,
        initials=initials(f"{first_name or ''} {last_name or ''}"),
        role=", ".join(roles) or "No role",
        org_name=org_name,
        currency=currency or "USD",
        timezone=timezone or "UTC",
    )


def resume(session: Session, token: str, *, touch: bool = True) -> Actor | None:
    """The actor behind a raw browser token (None: unknown, revoked, expired, or no longer
    allowed — a suspended user, an inactive organization)."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    return resume_ref(session, hash_token(token), touch=touch)


def resume_ref(session: Session | Connection, ref: str, *, touch: bool = True) -> Actor | None:
    """Like ``resume``, by session reference (what the server-side state keeps). Every event
    resolves its actor through here: one statement (plus, once a minute, the last-seen stamp).
    Runs on an ORM session or a plain connection (the door's per-event look-up uses the
    lighter connection)."""
    found = _resumed(session, ref, _RESUME, touch)
    return found[0] if found else None


def _resumed(
    session: Session | Connection, ref: str, query: Any, touch: bool
) -> tuple[Actor, Any] | None:
    if not ref or len(ref) != 64:
        return None
    now = utcnow()
    row = session.execute(query, {"ref": ref, "now": now}).first()
    if row is None:
        return None
    if touch and (now - row.last_seen_at) > timedelta(minutes=1):
        session.execute(
            update(UserSession)
            .where(col(UserSession.id) == row.session_id)
            .values(last_seen_at=now)
        )
    actor = Actor(
        user_id=row.user_id,
        organization_id=row.organization_id,
        permissions=frozenset(row.permissions),
        is_super_admin=row.is_super_admin,
        ip=str(row.ip_address) if row.ip_address else None,
        session_id=row.session_id,
        org=org_of_row(
            row.organization_id, row.org_name, row.currency, row.timezone, row.org_settings
        ),
    )
    return actor, row


# A live session of an active user of an active organization, with the user's permissions.
_LIVE_SESSION = """
    FROM sessions s
    JOIN users u ON u.id = s.user_id
    JOIN organizations o ON o.id = u.organization_id
    WHERE s.token_hash = :ref AND s.revoked_at IS NULL AND s.expires_at > :now
      AND u.deleted_at IS NULL AND u.status = 'active' AND o.is_active
"""
_ACTOR_COLUMNS = """
    SELECT s.id AS session_id, s.last_seen_at, s.ip_address, u.id AS user_id,
           u.organization_id, u.is_super_admin,
           o.name AS org_name, o.currency, o.timezone, o.settings AS org_settings,
           ARRAY(SELECT DISTINCT p.code FROM user_roles ur
                 JOIN role_permissions rp ON rp.role_id = ur.role_id
                 JOIN permissions p ON p.id = rp.permission_id
                 WHERE ur.user_id = u.id) AS permissions
"""
_RESUME = text(_ACTOR_COLUMNS + _LIVE_SESSION)
# The same, with what the app shell shows (one statement on every page load).
_RESUME_PROFILE = text(
    _ACTOR_COLUMNS
    + """,
           u.email, u.first_name, u.last_name, u.full_name,
           ARRAY(SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                 WHERE ur.user_id = u.id ORDER BY r.name) AS role_names
    """
    + _LIVE_SESSION
)


def resume_with_profile(session: Session | Connection, ref: str) -> tuple[Actor, Profile] | None:
    """Like ``resume_ref``, plus the display profile for the app shell."""
    found = _resumed(session, ref, _RESUME_PROFILE, True)
    if found is None:
        return None
    actor, r = found
    return actor, _profile(
        r.user_id, r.email, r.first_name, r.last_name, r.full_name, r.role_names,
        r.org_name, r.currency, r.timezone,
    )  # fmt: skip


def live_session(session: Session, session_id: UUID) -> UserSession | None:
    """The session row if it can still act (not revoked, not expired)."""
    row = session.get(UserSession, session_id)
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    return row


def sign_out(session: Session, ref: str) -> bool:
    """Revoke the session row behind a session reference. True when a live one was revoked."""
    row = session.exec(select(UserSession).where(UserSession.token_hash == ref)).first()
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    session.add(row)
    who = Actor(user_id=row.user_id, organization_id=row.organization_id)
    audit.record(session, who, "auth.sign_out", "session", row.id)
    return True


def revoke_user_sessions(session: Session, user_id: UUID) -> int:
    """End every live session of a user (suspension): they do not come back on reactivation."""
    result = session.execute(
        update(UserSession)
        .where(col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount or 0)  # pyright: ignore[reportAttributeAccessIssue]
