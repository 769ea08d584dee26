"""Administration: users and their roles, the role/permission matrix, the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, or_, text, tuple_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ...models import (
    AuditLog,
    Organization,
    Permission,
    Role,
    RolePermission,
    User,
    UserRole,
    UserStatus,
)
from ..core import audit
from ..core.errors import Conflict, Forbidden, Invalid, NotFound, as_uuid
from ..core.formatting import format_datetime
from ..core.org import org_context
from ..core.security import PERMISSIONS, Actor, holds_all, require
from ..core.text import clean_text, contains_pattern
from ..core.validate import clean_email_address
from . import audit_text
from .accounts import create_user, permissions_of, role_names_of
from .auth import revoke_user_sessions

# The Admin role always keeps these, so an organization can never lock itself out.
ADMIN_FLOOR = frozenset({"admin.users", "admin.roles"})


@dataclass(frozen=True)
class UserRow:
    id: str
    name: str
    email: str
    title: str
    roles: str
    status: str
    last_login: str
    is_me: bool


@dataclass(frozen=True)
class RoleRow:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class PermissionRow:
    code: str
    category: str
    description: str


@dataclass(frozen=True)
class AuditRow:
    id: str
    when: str
    who: str
    action: str
    entity: str
    changes: str
    ip: str
    summary: str = ""  # "deal Hancock Painting moved from Discovery to Proposal by Morgan Reyes"


@dataclass(frozen=True)
class AdminView:
    """The admin page in one read: users, roles and (for role admins) the permission matrix."""

    users: list[UserRow]
    roles: list[RoleRow]
    matrix: RoleMatrix | None


def _user(session: Session, actor: Actor, user_id: UUID | str) -> User:
    user = session.get(User, as_uuid(user_id, "User"))
    if user is None or user.organization_id != actor.organization_id or user.deleted_at:
        raise NotFound("That user does not exist.")
    return user


def _role(session: Session, actor: Actor, role_id: UUID | str) -> Role:
    role = session.get(Role, as_uuid(role_id, "Role"))
    if role is None or role.organization_id != actor.organization_id:
        raise NotFound("That role does not exist.")
    return role


def list_users(session: Session, actor: Actor) -> list[UserRow]:
    require(actor, "admin.users")
    tz = org_context(session, actor).tz
    users = session.exec(
        select(User)
        .where(User.organization_id == actor.organization_id, col(User.deleted_at).is_(None))
        .order_by(User.full_name)
    ).all()
    return [
        UserRow(
            id=str(u.id),
            name=u.full_name,
            email=u.email,
            title=u.job_title or "",
            roles=", ".join(role_names_of(session, u.id)),
            status=u.status.value,
            last_login=format_datetime(u.last_login_at, tz, empty="Never"),
            is_me=u.id == actor.user_id,
        )
        for u in users
    ]


def list_roles(session: Session, actor: Actor) -> list[RoleRow]:
    require(actor, "admin.users")
    return _roles(session, actor)


def _role_permissions(session: Session, role_id: UUID) -> frozenset[str]:
    rows = session.exec(
        select(Permission.code)
        .join(RolePermission, col(RolePermission.permission_id) == Permission.id)
        .where(RolePermission.role_id == role_id)
    ).all()
    return frozenset(rows)


def _outranks_actor(session: Session, actor: Actor, user: User) -> bool:
    """Whether ``user`` holds a permission the actor lacks (then the actor may not touch them)."""
    return not holds_all(actor, permissions_of(session, user.id))


def _check_may_manage(session: Session, actor: Actor, user: User) -> None:
    if user.id == actor.user_id:
        raise Conflict("You cannot change your own account here.")
    if _outranks_actor(session, actor, user):
        raise Forbidden("That user holds permissions you don't have, so you can't change them.")


def set_user_status(
    session: Session, actor: Actor, user_id: UUID | str, status: UserStatus | str
) -> None:
    """Suspend or reactivate a user (never yourself, never someone who outranks you).

    Suspension ends every session of the user at once; reactivation does not bring them back
    (the user signs in again)."""
    require(actor, "admin.users")
    user = _user(session, actor, user_id)
    try:
        new = UserStatus(status)
    except ValueError as exc:
        raise Invalid("Unknown status.") from exc
    if new not in (UserStatus.ACTIVE, UserStatus.SUSPENDED):
        raise Invalid("A user is either active or suspended.")
    _check_may_manage(session, actor, user)
    if user.status == new:
        return
    before = audit.snapshot(user, ["status"])
    user.status = new
    session.add(user)
    audit.record(
        session, actor, "user.status", "user", user.id, before=before, after={"status": new}
    )
    if new == UserStatus.SUSPENDED and (ended := revoke_user_sessions(session, user.id)):
        audit.record(session, actor, "user.sessions_ended", "user", user.id, after={"count": ended})


def set_user_role(session: Session, actor: Actor, user_id: UUID | str, role_id: UUID | str) -> None:
    """Give the user exactly this role: never one that carries more than the actor holds, and
    never to someone who outranks the actor (or to the actor themselves)."""
    require(actor, "admin.users")
    user = _user(session, actor, user_id)
    role = _role(session, actor, role_id)
    _check_may_manage(session, actor, user)
    if not holds_all(actor, _role_permissions(session, role.id)):
        raise Forbidden("That role carries permissions you don't have, so you can't give it.")
    before = {"roles": role_names_of(session, user.id)}
    session.execute(delete(UserRole).where(col(UserRole.user_id) == user.id))
    session.add(
        UserRole(
            user_id=user.id,
            role_id=role.id,
            organization_id=actor.organization_id,
            assigned_by=actor.user_id,
        )
    )
    session.flush()
    audit.record(
        session, actor, "user.role", "user", user.id, before=before, after={"roles": [role.name]}
    )


EMAIL_UNUSABLE = "This e-mail address can't be used for a new user."


def add_user(
    session: Session, actor: Actor, *, email: str, name: str, role_id: UUID | str, password: str
) -> str:
    """A new user with one role (never a role carrying more than the actor holds)."""
    require(actor, "admin.users")
    email = clean_email_address(email)
    first, _, last = clean_text(name, "The name", max_length=200, required=True).partition(" ")
    if len(password) < 10:
        raise Invalid("The first password needs at least 10 characters.")
    if len(password) > 1024:
        raise Invalid("The password is too long (1,024 characters at most).")
    role = _role(session, actor, role_id)
    if not holds_all(actor, _role_permissions(session, role.id)):
        raise Forbidden("That role carries permissions you don't have, so you can't give it.")
    org = session.get(Organization, actor.organization_id)
    if org is None:
        raise NotFound("Organization not found.")
    # E-mail addresses are unique across organizations (they are the sign-in name), and RLS
    # hides the others: the unique index decides, in a savepoint, with one neutral message.
    try:
        with session.begin_nested():
            user = create_user(
                session, org, email=email, password=password,
                first_name=first, last_name=last.strip(), roles=[role.name],
            )  # fmt: skip
    except IntegrityError:
        raise Conflict(EMAIL_UNUSABLE) from None
    audit.record(
        session, actor, "user.create", "user", user.id, after={"email": email, "roles": [role.name]}
    )
    return str(user.id)


@dataclass(frozen=True)
class RoleMatrix:
    roles: list[RoleRow]
    permissions: list[PermissionRow]
    granted: list[str]  # "role_id:code"


def role_matrix(session: Session, actor: Actor) -> RoleMatrix:
    require(actor, "admin.roles")
    roles = _roles(session, actor)
    rows = session.exec(
        select(RolePermission.role_id, Permission.code)
        .join(Permission, col(Permission.id) == RolePermission.permission_id)
        .where(RolePermission.organization_id == actor.organization_id)
    ).all()
    perms = [
        PermissionRow(code=c, category=cat, description=d) for c, (cat, d) in PERMISSIONS.items()
    ]
    return RoleMatrix(roles=roles, permissions=perms, granted=[f"{r}:{c}" for r, c in rows])


def _roles(session: Session, actor: Actor) -> list[RoleRow]:
    roles = session.exec(
        select(Role).where(Role.organization_id == actor.organization_id).order_by(col(Role.name))
    ).all()
    return [RoleRow(id=str(r.id), name=r.name, description=r.description) for r in roles]


def admin_view(session: Session, actor: Actor) -> AdminView:
    """Users, roles and (for role admins) the permission matrix, in one transaction."""
    matrix = role_matrix(session, actor) if actor.can("admin.roles") else None
    return AdminView(
        users=list_users(session, actor), roles=list_roles(session, actor), matrix=matrix
    )


def set_role_permission(
    session: Session, actor: Actor, role_id: UUID | str, code: str, granted: bool
) -> None:
    """Grant or revoke one permission of a role: only a permission the actor holds, and only on
    a role that carries nothing the actor lacks."""
    require(actor, "admin.roles")
    role = _role(session, actor, role_id)
    perm = session.exec(select(Permission).where(Permission.code == code)).first()
    if perm is None:
        raise NotFound("Unknown permission.")
    if not holds_all(actor, {code}) or not holds_all(actor, _role_permissions(session, role.id)):
        raise Forbidden("You can only change permissions you hold, on roles that hold no more.")
    if role.name == "Admin" and code in ADMIN_FLOOR and not granted:
        raise Forbidden("The Admin role always keeps user and role administration.")
    existing = session.get(RolePermission, (role.id, perm.id))
    if granted and existing is None:
        session.add(
            RolePermission(
                role_id=role.id, permission_id=perm.id, organization_id=actor.organization_id
            )
        )
    elif not granted and existing is not None:
        session.delete(existing)
    else:
        return
    audit.record(
        session,
        actor,
        "role.permission",
        "role",
        role.id,
        before={code: not granted},
        after={code: granted},
    )


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    next_cursor: str  # "" when this is the last page


def audit_page(
    session: Session, actor: Actor, *, cursor: str = "", search: str = "", limit: int = 50
) -> AuditPage:
    """Newest first, keyset-paged on (created_at, id); ``search`` matches the name of the thing
    changed ("Hancock"), its kind ("deal") or the action. Rows read as sentences with names."""
    require(actor, "admin.audit")
    tz = org_context(session, actor).tz
    q = (
        select(AuditLog, User.full_name)
        .outerjoin(User, col(User.id) == AuditLog.actor_id)
        .where(AuditLog.organization_id == actor.organization_id)
    )
    if search.strip():
        words = search.strip()
        like = contains_pattern(words)
        kinds = [k for k, noun in audit_text.NOUNS.items() if noun.casefold() == words.casefold()]
        q = q.where(
            or_(
                col(AuditLog.action).ilike(like),
                col(AuditLog.entity_type).ilike(like),
                col(AuditLog.entity_type).in_(kinds),
                text(audit_text.NAME_SEARCH_SQL).bindparams(org=actor.organization_id, q=like),
            )
        )
    if cursor:
        try:
            ts, _, rid = cursor.partition("|")
            q = q.where(
                tuple_(AuditLog.created_at, AuditLog.id)
                < tuple_(datetime.fromisoformat(ts), UUID(rid))
            )
        except ValueError as exc:
            raise Invalid("Bad page cursor.") from exc
    rows = session.exec(
        q.order_by(col(AuditLog.created_at).desc(), col(AuditLog.id).desc()).limit(limit + 1)
    ).all()
    page = rows[:limit]
    names = audit_text.names_for(session, actor, audit_text.wanted_names(a for a, _ in page))
    out = [
        AuditRow(
            id=str(a.id),
            when=format_datetime(a.created_at, tz),
            who=who or audit_text.acting(a, names).removeprefix("the ").capitalize(),
            action=a.action,
            summary=audit_text.sentence(a, who or audit_text.acting(a, names), names, tz),
            entity=audit_text.thing(a, names),
            changes=audit_text.change_details(a, names, tz),
            ip=str(a.ip_address or ""),
        )
        for a, who in page
    ]
    nxt = ""
    if len(rows) > limit:
        last = page[-1][0]
        nxt = f"{last.created_at.isoformat()}|{last.id}"
    return AuditPage(rows=out, next_cursor=nxt)
