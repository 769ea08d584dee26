"""/campaigns and /campaigns/[campaign_id] — AI call campaigns (permission ``campaigns.view``)."""

from __future__ import annotations

import reflex as rx

from ..components.campaigns import campaigns_content, monitor_content
from ..components.shell import app_shell, require_permission
from ..state.campaign_monitor import CampaignMonitorState
from ..state.campaigns import CampaignsState
from .registry import page


@page(
    route="/campaigns",
    title="Campaigns · SmartWeb",
    on_load=[CampaignsState.load],
)
def campaigns() -> rx.Component:
    return app_shell(
        require_permission("campaigns.view", campaigns_content(), "AI call campaigns"),
        active="campaigns",
    )


@page(
    route="/campaigns/[campaign_id]",
    title="Campaign · SmartWeb",
    on_load=[CampaignMonitorState.load],
)
def campaign_monitor() -> rx.Component:
    return app_shell(
        require_permission("campaigns.view", monitor_content(), "AI call campaigns"),
        active="campaigns",
    )
