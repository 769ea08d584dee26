"""/contracts and /contracts/[id]: the list and one contract."""

from __future__ import annotations

import reflex as rx

from ...state.contracts import STATUS_OPTIONS
from ...state.contracts import ContractDetailState as D
from ...state.contracts import ContractListState as L
from .. import list_page as lp
from ..common import empty_state, skeleton_record
from ..shell import page_header

STATUS_COLORS = {
    "draft": "gray",
    "pending_signature": "amber",
    "active": "green",
    "completed": "blue",
    "cancelled": "red",
    "expired": "orange",
}


def status_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    return lp.status_badge(status, label, STATUS_COLORS)


# ------------------------------------------------------------------ the list
def _filters() -> rx.Component:
    return lp.filters_row(
        rx.input(
            placeholder="Search number, title or deal…",
            default_value=L.search,
            on_change=L.set_search.debounce(350),
            width=["100%", "300px"],
            id="contract-search",
        ),
        lp.select(
            [rx.el.option(label, value=value) for value, label in STATUS_OPTIONS],
            L.status,
            L.set_status,
            "Status",
        ),
    )


_href = lp.href_to("/contracts/")


COLUMNS = [
    lp.number_column(_href),
    lp.Column("Title", lambda c: c["title"], title=True),
    lp.Column("Deal", lambda c: c["deal"]),
    lp.Column("Client", lambda c: c["client"]),
    lp.Column("Value", lambda c: c["total"], right=True, nowrap=True),
    lp.Column("Status", lambda c: status_badge(c["status"], c["status_label"])),
    lp.Column("Start", lambda c: c["start"], nowrap=True),
    lp.Column("End", lambda c: c["end"], nowrap=True),
]


def contracts_content() -> rx.Component:
    return rx.vstack(
        page_header("Contracts", "Drawn up when a client accepts a proposal."),
        _filters(),
        lp.list_body(
            L.loading,
            L.rows,
            rx.vstack(
                lp.data_list(L.rows, COLUMNS, key="contract", href=_href),
                lp.pager(L, "contracts"),
                width="100%",
                spacing="3",
            ),
            ("No contracts yet. They appear when clients accept proposals.", "signature"),
        ),
        width="100%",
        spacing="4",
    )


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
