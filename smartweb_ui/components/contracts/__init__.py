"""/contracts and /contracts/[id]: the list and one contract."""

from __future__ import annotations

import reflex as rx

from ...state.contracts import STATUS_OPTIONS
from ...state.contracts import ContractDetailState as D
from ...state.contracts import ContractListState as L
from ..common import empty_state, skeleton_list, skeleton_record
from ..shell import page_header

STATUS_COLORS = {
    "draft": "gray",
    "pending_signature": "amber",
    "active": "green",
    "completed": "blue",
    "cancelled": "red",
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


# ------------------------------------------------------------------ the list
def _filters() -> rx.Component:
    return rx.hstack(
        rx.input(
            placeholder="Search number, title or deal…",
            default_value=L.search,
            on_change=L.set_search.debounce(350),
            width=["100%", "300px"],
            id="contract-search",
        ),
        rx.el.select(
            *[rx.el.option(label, value=value) for value, label in STATUS_OPTIONS],
            value=L.status,
            on_change=L.set_status,
            style=SELECT_STYLE,
            aria_label="Status",
        ),
        wrap="wrap",
        spacing="3",
        width="100%",
    )


WIDE_ONLY = rx.breakpoints(initial="none", md="table-cell")  # columns a phone leaves out
WIDE_HEADS = {"Title", "Deal", "Start", "End"}


def _row(c: rx.Var) -> rx.Component:
    href = "/contracts/" + c["id"].to(str)
    return rx.table.row(
        rx.table.cell(rx.link(c["number"], href=href, weight="medium"), white_space="nowrap"),
        rx.table.cell(c["title"], display=WIDE_ONLY),
        rx.table.cell(c["deal"], display=WIDE_ONLY),
        rx.table.cell(c["client"]),
        rx.table.cell(c["total"], text_align="right", white_space="nowrap"),
        rx.table.cell(status_badge(c["status"], c["status_label"])),
        rx.table.cell(c["start"], white_space="nowrap", display=WIDE_ONLY),
        rx.table.cell(c["end"], white_space="nowrap", display=WIDE_ONLY),
        on_click=rx.redirect(href),
        cursor="pointer",
        _hover={"background": rx.color("gray", 3)},
        data_contract_id=c["id"],
    )


def _table() -> rx.Component:
    heads = ["Number", "Title", "Deal", "Client", "Value", "Status", "Start", "End"]
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(
                            h, text_align="right" if h == "Value" else "left"
                        )
                        for h in heads
                    ]
                )
            ),
            rx.table.body(rx.foreach(L.rows, _row)),
            variant="surface",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )


def _pager() -> rx.Component:
    return rx.hstack(
        rx.text(L.total_rows, " contracts · page ", L.page, " of ", L.pages, size="2",
                color=rx.color("gray", 10)),
        rx.spacer(),
        rx.button(rx.icon("chevron-left", size=14), "Previous", size="1", variant="soft",
                  disabled=L.page <= 1, on_click=L.go_to_page(L.page - 1)),
        rx.button("Next", rx.icon("chevron-right", size=14), size="1", variant="soft",
                  disabled=L.page >= L.pages, on_click=L.go_to_page(L.page + 1)),
        width="100%",
        align="center",
    )  # fmt: skip


def contracts_content() -> rx.Component:
    return rx.vstack(
        page_header("Contracts", "Drawn up when a client accepts a proposal."),
        _filters(),
        rx.cond(
            L.loading,
            skeleton_list(6),
            rx.cond(
                L.rows.length() > 0,
                rx.vstack(_table(), _pager(), width="100%", spacing="3"),
                empty_state("No contracts yet. They appear when clients accept proposals.",
                            "signature"),
            ),
        ),
        width="100%",
        spacing="4",
    )  # fmt: skip


# ------------------------------------------------------------------ one contract
C = D.c


def _fact(label: str, value: rx.Var | str, test_id: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color=rx.color("gray", 10)),
        rx.text(value, size="2", weight="medium", id=test_id or None),
        spacing="0",
        min_width="140px",
    )


def _signatures() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Signatures", size="4"),
            rx.grid(
                rx.vstack(
                    rx.text("Client", size="1", color=rx.color("gray", 10)),
                    rx.cond(
                        C.client_signed_by != "",
                        rx.vstack(
                            rx.text(C.client_signed_by, weight="medium", id="client-signed-by"),
                            rx.text("Accepted online ", C.client_signed_at, size="1",
                                    color=rx.color("gray", 10)),
                            rx.cond(C.client_signature_ip != "",
                                    rx.text("from ", C.client_signature_ip, size="1",
                                            color=rx.color("gray", 10))),
                            spacing="0",
                        ),
                        rx.text("Not yet", size="2"),
                    ),
                    spacing="1",
                ),
                rx.vstack(
                    rx.text("For us", size="1", color=rx.color("gray", 10)),
                    rx.cond(
                        C.internal_signed_by != "",
                        rx.vstack(
                            rx.text(C.internal_signed_by, weight="medium", id="internal-signed-by"),
                            rx.text(C.internal_signed_at, size="1", color=rx.color("gray", 10)),
                            spacing="0",
                        ),
                        rx.cond(
                            C.can_sign,
                            rx.button(rx.icon("pen-line", size=16), "Sign for the company",
                                      on_click=D.sign, id="sign-contract"),
                            rx.text("Awaiting a signature by an approver.", size="2"),
                        ),
                    ),
                    spacing="1",
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )  # fmt: skip


def _schedule() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Payment schedule", size="4"),
            rx.text(C.payment_terms, size="2", color=rx.color("gray", 11)),
            rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell("Payment"),
                    rx.table.column_header_cell("Due"),
                    rx.table.column_header_cell("Amount", text_align="right"),
                )),
                rx.table.body(rx.foreach(C.schedule, lambda e: rx.table.row(
                    rx.table.cell(e["label"]),
                    rx.table.cell(e["due"], white_space="nowrap"),
                    rx.table.cell(e["amount"], text_align="right", white_space="nowrap"),
                ))),
                width="100%",
                size="1",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )  # fmt: skip


def _detail() -> rx.Component:
    return rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), rx.text("Contracts", size="2")),
                href="/contracts"),
        rx.hstack(
            rx.heading(C.number, size="6", id="contract-number"),
            status_badge(C.status, C.status_label),
            align="center",
            wrap="wrap",
        ),
        rx.text(C.title, size="3"),
        rx.card(
            rx.flex(
                _fact("Value", C.total, "contract-total"),
                _fact("Client", C.client),
                rx.vstack(
                    rx.text("Deal", size="1", color=rx.color("gray", 10)),
                    rx.link(C.deal, href="/pipeline?deal=" + C.deal_id, size="2"),
                    spacing="0", min_width="140px",
                ),
                rx.cond(C.proposal_id != "", rx.vstack(
                    rx.text("Proposal", size="1", color=rx.color("gray", 10)),
                    rx.link(C.proposal, href="/proposals/" + C.proposal_id, size="2"),
                    spacing="0", min_width="140px",
                )),
                _fact("Start", C.start),
                _fact("End", C.end),
                _fact("Renews", rx.cond(C.auto_renew, "Automatically", "No")),
                wrap="wrap",
                gap="20px",
            ),
            width="100%",
        ),
        rx.grid(_schedule(), _signatures(), columns=rx.breakpoints(initial="1", lg="2"),
                spacing="4", width="100%"),
        width="100%",
        spacing="4",
    )  # fmt: skip


def contract_content() -> rx.Component:
    return rx.box(
        rx.cond(
            D.loading,
            skeleton_record(),
            rx.cond(
                D.missing,
                rx.vstack(
                    empty_state("This contract doesn't exist or isn't yours to see.", "file-x"),
                    rx.link(rx.button("Back to contracts", variant="soft"), href="/contracts"),
                    align="center",
                    width="100%",
                ),
                _detail(),
            ),
        ),
        width="100%",
    )
