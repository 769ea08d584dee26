"""Organizations for database tests: one user per system role and ready-made actors."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

ROLE_USERS = {
    "admin": "Admin",
    "manager": "Sales Manager",
    "rep": "Sales Rep",
    "rep2": "Sales Rep",
    "exec": "Executive",
}
PASSWORD = "correct horse battery"


@dataclass
class OrgFixture:
    """An organization with one user per system role, and ready-made actors."""

    id: UUID
    users: dict[str, UUID] = field(default_factory=dict)
    actors: dict[str, Any] = field(default_factory=dict)


@functools.cache
def _password_hash() -> str:
    from smartweb_ui.services.access.accounts import hash_password

    return hash_password(PASSWORD)


def build_org(name: str, *, slug: str | None = None, can_sign_in: bool = True) -> OrgFixture:
    """``name``'s organization; users sign in with PASSWORD unless ``can_sign_in`` is off (no
    hashing: faster). ``slug`` (default: from the name) also names the users' e-mail domain, so
    a second copy of an organization can live next to the first."""
    from smartweb_ui.db import system_session
    from smartweb_ui.services.access.accounts import (
        actor_for,
        create_organization,
        create_user,
        slugify,
    )

    slug = slug or slugify(name)
    with system_session() as s:
        org = create_organization(s, name, slug=slug)
        fx = OrgFixture(id=org.id)
        for key, role in ROLE_USERS.items():
            user = create_user(
                s,
                org,
                email=f"{key}@{slug}.test",
                password=PASSWORD if can_sign_in else "",
                password_hash=_password_hash() if can_sign_in else "not-a-real-hash",
                first_name=key.capitalize(),
                last_name=name.split()[0],
                roles=[role],
            )
            fx.users[key] = user.id
            fx.actors[key] = actor_for(s, user)
    return fx
