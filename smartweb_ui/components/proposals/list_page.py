"""/proposals: filters, the paged table (rows open the builder) and "New proposal"."""

from __future__ import annotations

import reflex as rx

from ...state.proposals import STATUS_OPTIONS
from ...state.proposals import ProposalListState as S
from .. import list_page as lp
from ..common import can
from ..shell import page_header

STATUS_COLORS = {
    "draft": "gray",
    "sent": "blue",
    "viewed": "violet",
    "accepted": "green",
    "rejected": "red",
    "expired": "orange",
}


def status_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    return lp.status_badge(status, label, STATUS_COLORS)


def _filters() -> rx.Component:
    return lp.filters_row(
        rx.input(
            placeholder="Search number, title or client…",
            default_value=S.search,
            on_change=S.set_search.debounce(350),
            width=["100%", "300px"],
            id="proposal-search",
        ),
        lp.select(
            [rx.el.option(label, value=value) for value, label in STATUS_OPTIONS],
            S.status,
            S.set_status,
            "Status",
        ),
        lp.select(
            [
                rx.el.option("Any owner", value=""),
                rx.foreach(S.owners, lambda o: rx.el.option(o["name"], value=o["id"])),
            ],
            S.owner,
            S.set_owner,
            "Owner",
        ),
        rx.cond(
            (S.status != "") | (S.owner != "") | (S.search != ""),
            rx.button("Clear", variant="ghost", size="2", on_click=S.clear_filters),
        ),
    )


_href = lp.href_to("/proposals/")


COLUMNS = [
    lp.number_column(_href),
    lp.Column("Title", lambda p: p["title"], title=True),
    lp.Column("Deal", lambda p: p["deal"]),
    lp.Column("Client", lambda p: p["client"]),
    lp.Column("Total", lambda p: p["total"], right=True, nowrap=True),
    lp.Column("Status", lambda p: status_badge(p["status"], p["status_label"])),
    lp.Column("Version", lambda p: rx.text("v", p["version"])),
    lp.Column("Valid until", lambda p: p["valid_until"], nowrap=True),
    lp.Column("Owner", lambda p: p["owner"]),
]


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
        lp.list_body(
            S.loading,
            S.rows,
            rx.vstack(
                lp.data_list(S.rows, COLUMNS, key="proposal", href=_href),
                lp.pager(S, "proposals"),
                width="100%",
                spacing="3",
            ),
            ("No proposals match.", "file-text"),
        ),
        _new_dialog(),
        width="100%",
        spacing="4",
    )
