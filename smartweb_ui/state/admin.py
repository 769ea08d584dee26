"""Admin page: users, roles & permissions, audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import reflex as rx

from ..db import tenant_session
from ..services import admin
from ..services.errors import DomainError
from .auth import current_actor


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


class AdminState(rx.State):
    tab: str = "users"
    users: list[dict[str, str]] = []
    roles: list[dict[str, str]] = []
    permissions: list[dict[str, str]] = []
    granted: list[str] = []
    audit_rows: list[dict[str, str]] = []
    audit_search: str = ""
    _audit_next: str = ""
    has_more_audit: bool = False
    loading: bool = False
    add_open: bool = False

    async def _run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
        """Call a service as the signed-in actor; (False, event) when refused."""
        actor = await current_actor(self)
        if actor is None:
            return False, rx.redirect("/login")
        try:
            with tenant_session(actor) as session:
                return True, fn(session, actor, *args, **kwargs)
        except DomainError as exc:
            return False, rx.toast.error(exc.message)

    async def _refresh(self) -> Any:
        ok, users = await self._run(admin.list_users)
        if not ok:
            return users
        self.users = users
        ok, roles = await self._run(admin.list_roles)
        self.roles = roles if ok else []
        ok, matrix = await self._run(admin.role_matrix)
        if ok:
            self.permissions, self.granted = matrix.permissions, matrix.granted
        return None

    @rx.event
    async def load(self):  # type: ignore[no-untyped-def]
        self.loading = True
        self.users, self.roles, self.audit_rows = [], [], []
        actor = await current_actor(self)
        if actor is None or not (actor.can("admin.users") or actor.can("admin.audit")):
            self.loading = False
            return None
        result = await self._refresh() if actor.can("admin.users") else None
        await self._load_audit(reset=True)
        self.loading = False
        return result

    @rx.event
    def set_tab(self, tab: str) -> None:
        self.tab = tab if tab in ("users", "roles", "audit") else "users"

    @rx.event
    async def set_status(self, user_id: str, status: str):  # type: ignore[no-untyped-def]
        uid = _uuid(user_id)
        if uid is None:
            return rx.toast.error("That user does not exist.")
        ok, result = await self._run(admin.set_user_status, uid, status)
        if not ok:
            return result
        await self._refresh()
        return rx.toast.success("User suspended." if status == "suspended" else "User reactivated.")

    @rx.event
    async def set_role(self, user_id: str, role_id: str):  # type: ignore[no-untyped-def]
        uid, rid = _uuid(user_id), _uuid(role_id)
        if uid is None or rid is None:
            return rx.toast.error("That user or role does not exist.")
        ok, result = await self._run(admin.set_user_role, uid, rid)
        if not ok:
            return result
        await self._refresh()
        return rx.toast.success("Role changed.")

    @rx.event
    async def toggle_permission(self, role_id: str, code: str, granted: bool):  # type: ignore[no-untyped-def]
        rid = _uuid(role_id)
        if rid is None:
            return rx.toast.error("That role does not exist.")
        ok, result = await self._run(admin.set_role_permission, rid, str(code), bool(granted))
        if not ok:
            await self._refresh()
            return result
        await self._refresh()
        return None

    @rx.event
    def set_add_open(self, value: bool) -> None:
        self.add_open = bool(value)

    @rx.event
    async def add_user(self, form: dict[str, str]):  # type: ignore[no-untyped-def]
        rid = _uuid(form.get("role_id", ""))
        if rid is None:
            return rx.toast.error("Choose a role.")
        ok, result = await self._run(
            admin.add_user,
            email=str(form.get("email", "")),
            name=str(form.get("name", "")),
            role_id=rid,
            password=str(form.get("password", "")),
        )
        if not ok:
            return result
        self.add_open = False
        await self._refresh()
        return rx.toast.success("User added.")

    async def _load_audit(self, *, reset: bool) -> Any:
        cursor = "" if reset else self._audit_next
        ok, page = await self._run(admin.audit_page, cursor=cursor, search=self.audit_search)
        if not ok:
            return page
        self.audit_rows = page.rows if reset else self.audit_rows + page.rows
        self._audit_next = page.next_cursor
        self.has_more_audit = bool(page.next_cursor)
        return None

    @rx.event
    async def search_audit(self, value: str):  # type: ignore[no-untyped-def]
        self.audit_search = str(value)[:100]
        return await self._load_audit(reset=True)

    @rx.event
    async def more_audit(self):  # type: ignore[no-untyped-def]
        return await self._load_audit(reset=False)
