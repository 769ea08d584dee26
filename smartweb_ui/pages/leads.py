"""/leads — the lead inbox."""

from __future__ import annotations

import reflex as rx

from ..components.leads.inbox_page import inbox_content
from ..components.shell import app_shell
from ..state.leads import LeadInboxState as S
from .registry import page


@page(route="/leads", title="Leads · SmartWeb", on_load=[S.load])
def leads_page() -> rx.Component:
    return app_shell(inbox_content(), active="leads")
