"""/dashboard — executive revenue dashboard (permission ``analytics.view``)."""

from __future__ import annotations

import reflex as rx

from ..components.dashboard import dashboard_content
from ..components.shell import app_shell, require_permission
from ..state.dashboard import DashboardState
from .registry import page


@page(
    route="/dashboard",
    title="Dashboard · SmartWeb",
    on_load=[DashboardState.load],
)
def dashboard() -> rx.Component:
    return app_shell(
        require_permission("analytics.view", dashboard_content(), "the revenue dashboard"),
        active="dashboard",
    )
