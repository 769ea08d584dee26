"""/proposals: filters, the paged table (rows open the builder) and "New proposal"."""

from __future__ import annotations

import reflex as rx

from ...state.proposals import STATUS_OPTIONS
from ...state.proposals import ProposalListState as S
from ..common import can, empty_state, skeleton_list
from ..shell import page_header

STATUS_COLORS = {
    "draft": "gray",
    "sent": "blue",
    "viewed": "violet",
    "accepted": "green",
    "rejected": "red",
    "expired": "orange",
}
SELECT_STYLE = {
    "padding": "6px 8px",
    "border_radius": "6px",
    "border": f"1px solid {rx.color('gray', 7)}",
    "background": rx.color("gray", 1),
    "color": rx.color("gray", 12),
}


def status_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    return rx.badge(
        label,
        color_scheme=rx.match(status, *STATUS_COLORS.items(), "gray"),  # type: ignore[arg-type]
        variant="soft",
    )


def _filters() -> rx.Component:
    return rx.hstack(
        rx.input(
            placeholder="Search number, title or client…",
            default_value=S.search,
            on_change=S.set_search.debounce(350),
            width=["100%", "300px"],
            id="proposal-search",
        ),
        rx.el.select(
            *[rx.el.option(label, value=value) for value, label in STATUS_OPTIONS],
            value=S.status,
            on_change=S.set_status,
            style=SELECT_STYLE,
            aria_label="Status",
        ),
        rx.el.select(
            rx.el.option("Any owner", value=""),
            rx.foreach(S.owners, lambda o: rx.el.option(o["name"], value=o["id"])),
            value=S.owner,
            on_change=S.set_owner,
            style=SELECT_STYLE,
            aria_label="Owner",
        ),
        rx.cond(
            (S.status != "") | (S.owner != "") | (S.search != ""),
            rx.button("Clear", variant="ghost", size="2", on_click=S.clear_filters),
        ),
        wrap="wrap",
        spacing="3",
        align="center",
        width="100%",
    )


def _row(p: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(p["number"], href="/proposals/" + p["id"].to(str), weight="medium"),
            white_space="nowrap",
        ),
        rx.table.cell(p["title"]),
        rx.table.cell(p["deal"]),
        rx.table.cell(p["client"]),
        rx.table.cell(p["total"], text_align="right", white_space="nowrap"),
        rx.table.cell(status_badge(p["status"], p["status_label"])),
        rx.table.cell("v", p["version"]),
        rx.table.cell(p["valid_until"], white_space="nowrap"),
        rx.table.cell(p["owner"]),
        on_click=rx.redirect("/proposals/" + p["id"].to(str)),
        cursor="pointer",
        _hover={"background": rx.color("gray", 3)},
        data_proposal_id=p["id"],
    )


def _table() -> rx.Component:
    heads = [
        "Number",
        "Title",
        "Deal",
        "Client",
        "Total",
        "Status",
        "Version",
        "Valid until",
        "Owner",
    ]
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(
                            h, text_align="right" if h == "Total" else "left"
                        )
                        for h in heads
                    ]
                )
            ),
            rx.table.body(rx.foreach(S.rows, _row)),
            variant="surface",
            width="100%",
            min_width="1000px",
        ),
        overflow_x="auto",
        width="100%",
    )


def _pager() -> rx.Component:
    return rx.hstack(
        rx.text(
            S.total_rows,
            " proposals · page ",
            S.page,
            " of ",
            S.pages,
            size="2",
            color=rx.color("gray", 10),
        ),
        rx.spacer(),
        rx.button(
            rx.icon("chevron-left", size=14),
            "Previous",
            size="1",
            variant="soft",
            disabled=S.page <= 1,
            on_click=S.go_to_page(S.page - 1),
        ),
        rx.button(
            "Next",
            rx.icon("chevron-right", size=14),
            size="1",
            variant="soft",
            disabled=S.page >= S.pages,
            on_click=S.go_to_page(S.page + 1),
            id="next-page",
        ),
        width="100%",
        align="center",
    )


def _new_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("New proposal"),
            rx.dialog.description("Pick the deal it is for.", size="2"),
            rx.vstack(
                rx.input(
                    placeholder="Search deals…",
                    on_change=S.search_deals.debounce(300),
                    width="100%",
                    auto_focus=True,
                ),
                rx.vstack(
                    rx.foreach(
                        S.deal_results,
                        lambda d: rx.button(
                            d["name"],
                            variant="ghost",
                            width="100%",
                            justify="start",
                            on_click=S.create_for(d["id"]),
                        ),
                    ),
                    max_height="300px",
                    overflow_y="auto",
                    width="100%",
                    spacing="1",
                ),
                rx.cond(
                    S.deal_results.length() == 0,
                    rx.text("No open deals of yours match.", size="2", color=rx.color("gray", 10)),
                ),
                spacing="3",
                margin_top="12px",
            ),
            max_width="480px",
        ),
        open=S.new_open,
        on_open_change=S.set_new_open,
    )


def proposals_content() -> rx.Component:
    return rx.vstack(
        page_header(
            "Proposals",
            "The latest version of every proposal.",
            rx.cond(
                can("proposals.write"),
                rx.button(
                    rx.icon("file-plus", size=16),
                    "New proposal",
                    on_click=S.set_new_open(True),
                    id="new-proposal",
                ),
            ),
        ),
        _filters(),
        rx.cond(
            S.loading,
            skeleton_list(6),
            rx.cond(
                S.rows.length() > 0,
                rx.vstack(_table(), _pager(), width="100%", spacing="3"),
                empty_state("No proposals match.", "file-text"),
            ),
        ),
        _new_dialog(),
        width="100%",
        spacing="4",
    )
