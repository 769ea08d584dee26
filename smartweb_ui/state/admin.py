"""Admin page: users, roles & permissions, audit trail, the e-mail outbox."""

from __future__ import annotations

from typing import Annotated, Literal

import reflex as rx
from pydantic import BeforeValidator

from ..services import access, proposals
from ..services.access import AdminView, AuditRow, PermissionRow, RoleRow, UserRow
from ..services.core.inputs import Choices, Flag, Form, Id, Name, Password, Search, TextRule
from ..services.core.security import PERMISSIONS
from ..services.proposals import OutboxRow
from . import door
from .door import Events

PermissionCode = Annotated[str, BeforeValidator(Choices(PERMISSIONS))]


class AddUserForm(Form):
    name: Name
    email: Annotated[str, BeforeValidator(TextRule(254))]
    role_id: Id
    password: Password


class AdminState(rx.State):
    tab: str = "users"
    users: list[UserRow] = []
    roles: list[RoleRow] = []
    permissions: list[PermissionRow] = []
    granted: list[str] = []
    audit_rows: list[AuditRow] = []
    audit_search: str = ""
    _audit_next: str = ""
    has_more_audit: bool = False
    loading: bool = False
    add_open: bool = False
    outbox: list[OutboxRow] = []
    outbox_waiting: int = 0
    smtp_configured: bool = False

    def _show(self, view: AdminView) -> None:
        self.users, self.roles = view.users, view.roles
        if view.matrix is not None:
            self.permissions, self.granted = view.matrix.permissions, view.matrix.granted

    async def _refresh(self) -> None:
        self._show(await door.run(self, access.admin_view))

    async def _load_audit(self, *, reset: bool) -> None:
        cursor = "" if reset else self._audit_next
        page = await door.run(self, access.audit_page, cursor=cursor, search=self.audit_search)
        self.audit_rows = page.rows if reset else self.audit_rows + page.rows
        self._audit_next = page.next_cursor
        self.has_more_audit = bool(page.next_cursor)

    @door.event(loads_page=True)
    async def load(self) -> Events:
        self.loading = True
        self.users, self.roles, self.audit_rows = [], [], []
        actor = door.actor_of(self)
        if actor.can("admin.users"):
            await self._refresh()
        if actor.can("admin.audit"):
            await self._load_audit(reset=True)
        if actor.can("admin.settings"):
            found = await door.run(self, proposals.list_outbox)
            self.outbox, self.outbox_waiting = found.rows, found.waiting
            self.smtp_configured = found.smtp_configured
        self.loading = False
        return None

    @door.event
    async def set_tab(self, tab: Literal["users", "roles", "audit", "outbox"]) -> Events:
        self.tab = tab
        return None

    @door.event
    async def set_status(self, user_id: Id, status: Literal["active", "suspended"]) -> Events:
        await door.run(self, access.set_user_status, user_id, status)
        await self._refresh()
        name = next((u.name for u in self.users if u.id == str(user_id)), "The user")
        if status == "suspended":
            return rx.toast.success(f"{name} is suspended and signed out everywhere.")
        return rx.toast.success(f"{name} can sign in again.")

    @door.event
    async def set_role(self, user_id: Id, role_id: Id) -> Events:
        await door.run(self, access.set_user_role, user_id, role_id)
        await self._refresh()
        return rx.toast.success("Role changed.")

    @door.event
    async def toggle_permission(self, role_id: Id, code: PermissionCode, granted: Flag) -> Events:
        await door.run(self, access.set_role_permission, role_id, code, granted)
        await self._refresh()
        role = next((r.name for r in self.roles if r.id == str(role_id)), "The role")
        what = next((p.description for p in self.permissions if p.code == code), code)
        if granted:
            return rx.toast.success(f"{role} can now: {what}.")
        return rx.toast.success(f"{role} can no longer: {what}.")

    @door.event
    async def set_add_open(self, value: Flag) -> Events:
        self.add_open = value
        return None

    @door.event
    async def add_user(self, form: AddUserForm) -> Events:
        await door.run(
            self,
            access.add_user,
            email=form.email,
            name=form.name,
            role_id=form.role_id,
            password=form.password,
        )
        self.add_open = False
        await self._refresh()
        return rx.toast.success("User added.")

    @door.event
    async def search_audit(self, value: Search) -> Events:
        self.audit_search = value
        await self._load_audit(reset=True)
        return None

    @door.event
    async def more_audit(self) -> Events:
        await self._load_audit(reset=False)
        return None
