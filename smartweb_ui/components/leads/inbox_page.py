"""The lead inbox page: header actions, views, filters, bulk bar, the list, the pager."""

from __future__ import annotations

import reflex as rx

from ...state.leads import LeadInboxState as S
from ..common import skeleton_list
from ..shell import page_header
from .import_dialog import import_dialog
from .inbox import bulk_bar, filter_bar, lead_row, list_header, pager, views_panel
from .keys import install_keys, shortcuts_popover
from .new_lead import new_lead_dialog


def total_caption() -> rx.Component:
    """ "1,234 in this view", or "about 12,300 in this view" with a hint that it is estimated."""
    return rx.cond(
        S.total_is_estimate,
        rx.tooltip(
            rx.text(S.total_label, cursor="help"),
            content="Estimated: large results are counted approximately to keep the inbox fast.",
        ),
        rx.text(S.total_label),
    )


def inbox_content() -> rx.Component:
    actions = [
        shortcuts_popover(),
        rx.cond(S.abilities.can_create, new_lead_dialog()),
        rx.cond(S.abilities.can_import, import_dialog()),
        rx.cond(
            S.abilities.can_import,
            rx.button(
                rx.icon("download", size=16), "Export CSV", variant="soft", on_click=S.export
            ),
        ),
    ]
    table = rx.card(
        rx.vstack(
            list_header(),
            rx.cond(
                S.loading,
                skeleton_list(8),
                rx.cond(
                    S.rows.length() > 0,
                    rx.box(rx.foreach(S.rows, lead_row), width="100%"),
                    rx.center(
                        rx.text("No leads match.", color=rx.color("gray", 10)),
                        padding="40px",
                        width="100%",
                    ),
                ),
            ),
            pager(),
            spacing="0",
            width="100%",
            min_width=["0", "0", "860px"],
        ),
        width="100%",
        overflow_x=["hidden", "hidden", "auto"],
    )
    return rx.vstack(
        page_header("Leads", total_caption(), *actions),
        rx.flex(
            views_panel(),
            rx.vstack(filter_bar(), bulk_bar(), table, width="100%", min_width="0", spacing="3"),
            direction=rx.breakpoints(initial="column", md="row"),
            gap="16px",
            width="100%",
            align="start",
        ),
        width="100%",
        on_mount=install_keys(),
        on_unmount=S.stop_watch,
    )
