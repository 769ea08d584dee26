"""Permission catalog, system roles and the require() check."""

from __future__ import annotations

import importlib.util
import uuid
from pathlib import Path

import pytest

from smartweb_ui.services.core.errors import Forbidden
from smartweb_ui.services.core.security import PERMISSIONS, SYSTEM_ROLES, Actor, require
from smartweb_ui.state.navigation import safe_next

ROOT = Path(__file__).resolve().parents[2]


def _migration(name: str = "0001_initial_schema"):  # type: ignore[no-untyped-def]
    path = ROOT / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"m{name[:4]}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_migration_seeds_exactly_the_catalog() -> None:
    seeded = {code: (cat, desc) for code, cat, desc in _migration().PERMISSIONS}
    later = _migration("0009_call_campaigns")  # campaigns.view, added with the campaign pages
    seeded[later.VIEW] = ("campaigns", later.VIEW_DESCRIPTION)
    assert seeded == PERMISSIONS


def test_system_roles_grant_only_known_permissions() -> None:
    for _, grants in SYSTEM_ROLES.values():
        assert grants <= set(PERMISSIONS)
    assert SYSTEM_ROLES["Admin"][1] == frozenset(PERMISSIONS)
    assert "pipeline.move" not in SYSTEM_ROLES["Executive"][1]
    assert "admin.audit" not in SYSTEM_ROLES["Sales Rep"][1]


def _actor(*perms: str, superuser: bool = False) -> Actor:
    return Actor(uuid.uuid4(), uuid.uuid4(), frozenset(perms), is_super_admin=superuser)


def test_require() -> None:
    require(_actor("leads.read"), "leads.read")
    require(_actor(superuser=True), "admin.users")
    with pytest.raises(Forbidden):
        require(_actor("leads.read"), "leads.write")
    with pytest.raises(ValueError):
        require(_actor(superuser=True), "no.such.permission")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (None, "/"),
        ("/pipeline?owner=me", "/pipeline?owner=me"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_only_local_paths_are_followed_after_sign_in(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected
