"""/admin — users, roles & permissions, audit trail (Admin role)."""

from __future__ import annotations

import reflex as rx

from ..components.admin import admin_content
from ..components.shell import app_shell, require_permission
from ..state.admin import AdminState
from .registry import page


@page(route="/admin", title="Admin · SmartWeb", on_load=[AdminState.load])
def admin_page() -> rx.Component:
    return app_shell(
        require_permission("admin.users", admin_content(), "user administration"), active="admin"
    )
