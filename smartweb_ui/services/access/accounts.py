"""Organizations, users and their roles (used by admin screens, the CLI and the demo seed)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from passlib.context import CryptContext
from sqlmodel import Session, col, select

from ...models import Organization, Permission, Role, RolePermission, User, UserRole
from ..core.security import SYSTEM_ROLES, Actor

# argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about 20 ms a check
# here, where passlib's default (64 MiB, 3 passes, 4 lanes) took 120 ms and let a burst of
# sign-ins starve every other request of the worker threads. Hashes made with other settings
# still verify and are re-hashed at the next sign-in (``verify_and_rehash``).
pwd_context = CryptContext(
    schemes=["argon2"],
    deprecated="auto",
    argon2__memory_cost=19456,
    argon2__rounds=2,
    argon2__parallelism=1,
)

# A valid argon2 hash of a random secret: verified against when the email is unknown, so an
# unknown email costs the same time as a wrong password.
DUMMY_HASH = pwd_context.hash("smartweb-no-such-user")


def hash_password(password: str) -> str:
    return pwd_context.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    return pwd_context.verify(password, password_hash or DUMMY_HASH) and bool(password_hash)


def verify_and_rehash(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """Check a password (against a dummy hash when there is none, to take the same time);
    also a new hash when the stored one was made with older settings."""
    ok, new_hash = pwd_context.verify_and_update(password, password_hash or DUMMY_HASH)
    return bool(ok and password_hash), (new_hash if ok and password_hash else None)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "org"


def create_organization(
    session: Session, name: str, *, slug: str | None = None, **fields: Any
) -> Organization:
    """An organization with its four system roles granted from the catalog."""
    org = Organization(name=name, slug=slug or slugify(name), **fields)
    session.add(org)
    session.flush()
    perms = {p.code: p.id for p in session.exec(select(Permission)).all()}
    for role_name, (description, grants) in SYSTEM_ROLES.items():
        role = Role(organization_id=org.id, name=role_name, description=description, is_system=True)
        session.add(role)
        session.flush()
        session.add_all(
            RolePermission(role_id=role.id, permission_id=perms[code], organization_id=org.id)
            for code in sorted(grants)
        )
    session.flush()
    return org


def create_user(
    session: Session,
    org: Organization,
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    roles: Iterable[str],
    job_title: str | None = None,
    password_hash: str | None = None,
    **fields: Any,
) -> User:
    """A user of ``org`` holding the named roles (role names of that organization)."""
    user = User(
        organization_id=org.id,
        email=email.lower(),
        password_hash=password_hash or hash_password(password),
        first_name=first_name,
        last_name=last_name,
        full_name=f"{first_name} {last_name}".strip(),
        job_title=job_title,
        **fields,
    )
    session.add(user)
    session.flush()
    wanted = list(roles)
    found = session.exec(
        select(Role).where(Role.organization_id == org.id, col(Role.name).in_(wanted))
    ).all()
    if len(found) != len(set(wanted)):
        raise ValueError(f"unknown role in {wanted}")
    session.add_all(UserRole(user_id=user.id, role_id=r.id, organization_id=org.id) for r in found)
    session.flush()
    return user


def permissions_of(session: Session, user_id: UUID) -> frozenset[str]:
    """Every permission code granted to the user through their roles."""
    rows = session.exec(
        select(Permission.code)
        .join(RolePermission, col(RolePermission.permission_id) == Permission.id)
        .join(UserRole, col(UserRole.role_id) == RolePermission.role_id)
        .where(UserRole.user_id == user_id)
    ).all()
    return frozenset(rows)


def role_names_of(session: Session, user_id: UUID) -> list[str]:
    return list(
        session.exec(
            select(Role.name)
            .join(UserRole, col(UserRole.role_id) == Role.id)
            .where(UserRole.user_id == user_id)
            .order_by(Role.name)
        ).all()
    )


def actor_for(
    session: Session, user: User, *, ip: str | None = None, session_id: UUID | None = None
) -> Actor:
    """The Actor for a user, with permissions loaded from the database."""
    return Actor(
        user_id=user.id,
        organization_id=user.organization_id,
        permissions=permissions_of(session, user.id),
        is_super_admin=user.is_super_admin,
        ip=str(ip) if ip else None,
        session_id=session_id,
    )
