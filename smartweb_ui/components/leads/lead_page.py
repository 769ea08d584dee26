"""The lead page: header, profile and timeline, the side cards, the dialogs."""

from __future__ import annotations

import reflex as rx

from ...state.lead_detail import LeadDetailState as D
from ..common import skeleton_record
from .contacts import contacts_card
from .forms import all_dialogs
from .keys import install_keys, shortcuts_popover
from .profile import (
    deals_card,
    enrichment_card,
    header_actions,
    profile_card,
    score_card,
    status_card,
    tags_card,
    tasks_card,
    timeline_card,
)


def _missing() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("search-x", size=32, color=rx.color("gray", 9)),
            rx.heading("Lead not found", size="5"),
            rx.text("It does not exist or is not yours to see.", color=rx.color("gray", 10)),
            rx.link("Back to leads", href="/leads"),
            align="center",
        ),
        padding="60px",
        width="100%",
    )


def _lead() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=14), rx.text("Leads", size="2")),
            href="/leads",
            id="back-to-leads",
        ),
        rx.flex(
            rx.vstack(
                rx.heading(D.lead["company_name"].to(str), size="7"),
                rx.text(
                    D.lead["source"],
                    " lead · created ",
                    D.lead["created"],
                    color=rx.color("gray", 10),
                    size="2",
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.hstack(header_actions(), shortcuts_popover(), wrap="wrap"),
            width="100%",
            wrap="wrap",
            gap="12px",
            align="end",
        ),
        rx.grid(
            rx.vstack(profile_card(), timeline_card(), width="100%", min_width="0", spacing="4"),
            rx.vstack(
                status_card(),
                contacts_card(),
                score_card(),
                tags_card(),
                tasks_card(),
                deals_card(),
                enrichment_card(),
                width="100%",
                spacing="4",
            ),
            columns=rx.breakpoints(initial="1", lg="2fr 1fr"),
            spacing="4",
            width="100%",
        ),
        all_dialogs(),
        width="100%",
        spacing="4",
    )


def lead_page_content() -> rx.Component:
    return rx.box(
        rx.cond(
            D.loading,
            skeleton_record(),
            rx.cond(D.missing, _missing(), _lead()),
        ),
        width="100%",
        on_mount=install_keys(),
    )
