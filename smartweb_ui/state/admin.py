"""Admin page: users, roles & permissions, audit trail."""

from __future__ import annotations

from typing import Any

import reflex as rx

from ..services.access import admin
from .auth import call_service, current_actor


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

    async def _refresh(self) -> Any:
        ok, view = await call_service(self, _admin_view)
        if not ok:
            return view
        self.users, self.roles, matrix = view
        if matrix is not None:
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
        ok, result = await call_service(self, admin.set_user_status, user_id, status)
        if not ok:
            return result
        await self._refresh()
        return rx.toast.success("User suspended." if status == "suspended" else "User reactivated.")

    @rx.event
    async def set_role(self, user_id: str, role_id: str):  # type: ignore[no-untyped-def]
        ok, result = await call_service(self, admin.set_user_role, user_id, role_id)
        if not ok:
            return result
        await self._refresh()
        return rx.toast.success("Role changed.")

    @rx.event
    async def toggle_permission(self, role_id: str, code: str, granted: bool):  # type: ignore[no-untyped-def]
        ok, result = await call_service(
            self, admin.set_role_permission, role_id, str(code), bool(granted)
        )
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
        if not form.get("role_id"):
            return rx.toast.error("Choose a role.")
        ok, result = await call_service(
            self,
            admin.add_user,
            email=str(form.get("email", "")),
            name=str(form.get("name", "")),
            role_id=str(form.get("role_id", "")),
            password=str(form.get("password", "")),
        )
        if not ok:
            return result
        self.add_open = False
        await self._refresh()
        return rx.toast.success("User added.")

    async def _load_audit(self, *, reset: bool) -> Any:
        cursor = "" if reset else self._audit_next
        ok, page = await call_service(
            self, admin.audit_page, cursor=cursor, search=self.audit_search
        )
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


def _admin_view(session, actor):  # type: ignore[no-untyped-def]
    """Users, roles and (for role admins) the permission matrix, in one transaction."""
    matrix = admin.role_matrix(session, actor) if actor.can("admin.roles") else None
    return admin.list_users(session, actor), admin.list_roles(session, actor), matrix
