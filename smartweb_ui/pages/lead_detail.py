"""/leads/[lead_id] — one lead: profile, score, status, timeline, tasks, deals."""

from __future__ import annotations

import reflex as rx

from ..components.leads.lead_page import lead_page_content
from ..components.shell import app_shell
from ..state.lead_detail import LeadDetailState as D
from .registry import page


@page(
    route="/leads/[lead_id]",
    title="Lead · SmartWeb",
    on_load=[D.load],
)
def lead_detail_page() -> rx.Component:
    return app_shell(lead_page_content(), active="leads")
